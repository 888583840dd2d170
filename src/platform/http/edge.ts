/**
 * The edge: what every request's text goes through once, before validation — UTF-8 that decodes,
 * canonical strings (see ../text.ts) in JSON bodies, form bodies, query strings, path parameters and
 * multipart text fields, one value per query parameter, sane paging numbers, and a multipart body
 * that does not parse answering 400 rather than 500.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, Invalid } from '../errors.js';
import { normalizeDeep, normalizeText } from '../text.js';

/** Query parameters that page through a list: a whole number, at most this many digits. */
export const PAGING_PARAMETERS: readonly string[] = ['page', 'page_size', 'pageSize', 'limit', 'offset'];
const PAGING_VALUE = /^\d{1,9}$/;

function invalidText(where: string): Invalid {
  return new Invalid(
    'invalid_text',
    `${where} is not valid Unicode text (a lone UTF-16 surrogate or bytes that are not UTF-8).`,
    { path: where },
  );
}

/** A canonical copy of a JSON-like value, or a 400 naming the first string that is not valid Unicode. */
function canonical<T>(value: T, context: string): T {
  let r: ReturnType<typeof normalizeDeep<T>>;
  try {
    r = normalizeDeep(value);
  } catch (err) {
    // JSON nested deeper than the stack (a megabyte of `[`): a refusal, not a 500.
    if (err instanceof RangeError) throw new Invalid('invalid_request', `${context} is nested too deeply.`);
    throw err;
  }
  if (!r.ok) throw invalidText(r.path ? `${context}.${r.path}` : context);
  return r.value;
}

function canonicalString(value: string, context: string): string {
  const s = normalizeText(value);
  if (s === null) throw invalidText(context);
  return s;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON bodies are decoded strictly: bytes that are not UTF-8 are refused instead of becoming U+FFFD. */
export function strictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Registered by pattern, so a route scope that needs the raw text (signed device alarms) can still
  // add its own exact 'application/json' parser, which takes precedence.
  app.addContentTypeParser(/^application\/json(\s*;.*)?$/i, { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = fatalUtf8.decode(body as Buffer);
    } catch {
      done(invalidText('body'), undefined);
      return;
    }
    void parseJson(req, text, done); // the default parser is synchronous and answers through done
  });
}

/** Normalises the request's text in place; runs as a preValidation hook, so schemas see the canonical form. */
export async function normalizeRequest(req: FastifyRequest): Promise<void> {
  const query = req.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object') {
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) {
        throw new Invalid('repeated_parameter', `The query parameter ${name} is given more than once.`, {
          name,
        });
      }
      if (PAGING_PARAMETERS.includes(name) && typeof value === 'string' && !PAGING_VALUE.test(value)) {
        throw new Invalid('invalid_page', `${name} must be a whole number below 1000000000.`, { name });
      }
    }
    req.query = canonical(query, 'querystring');
  }
  if (req.params && typeof req.params === 'object') req.params = canonical(req.params, 'params');
  const body = req.body;
  if (body instanceof URLSearchParams) {
    const out = new URLSearchParams();
    for (const [k, v] of body) out.append(canonicalString(k, 'body'), canonicalString(v, `body.${k}`));
    req.body = out;
  } else if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    // A string body is a raw body kept for its exact bytes (a signed device alarm): left as sent.
    req.body = canonical(body, 'body');
  }
  if (req.isMultipart()) guardMultipart(req);
}

/** A multipart body that does not parse (a broken boundary, a truncated part) is the caller's fault: 400. */
function multipartFailure(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = err as { statusCode?: number };
  if (typeof e?.statusCode === 'number' && e.statusCode < 500) return err;
  return new Invalid(
    'invalid_multipart',
    'The multipart/form-data body cannot be read (boundary or parts are broken).',
  );
}

type FileFn = FastifyRequest['file'];
type Part = NonNullable<Awaited<ReturnType<FileFn>>>;

/** Wraps `req.file()` so that its text fields and file name are canonical and parse failures answer 400. */
function guardMultipart(req: FastifyRequest): void {
  const file = req.file.bind(req) as FileFn;
  const guarded = async (...args: Parameters<FileFn>): Promise<Part | undefined> => {
    let part: Part | undefined;
    try {
      part = await file(...args);
    } catch (err) {
      throw multipartFailure(err);
    }
    if (!part) return part;
    part.filename = canonicalString(part.filename, 'file name');
    for (const [name, entry] of Object.entries(part.fields)) {
      for (const f of Array.isArray(entry) ? entry : [entry]) {
        if (f && f.type === 'field' && typeof f.value === 'string') {
          f.value = canonicalString(f.value, `field ${name}`);
        }
      }
    }
    const toBuffer = part.toBuffer.bind(part);
    part.toBuffer = async () => {
      try {
        return await toBuffer();
      } catch (err) {
        throw multipartFailure(err);
      }
    };
    return part;
  };
  req.file = guarded as FileFn;
}
