/**
 * Open311 GeoReport v2 under /open311/v2/ (production) and /open311/test/v2/ (the sandbox): discovery,
 * services, service definitions, POST and GET requests, tokens, FixMyStreet's servicerequestupdates
 * (GET feed, POST an update) and uploaded media — JSON and XML by suffix, `Content-Type` exactly
 * `application/json` or `text/xml`, errors as the spec's error arrays (400/403/404/413) in the same format.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { Open311FileParams, Open311Query, Open311Responses } from './channels.schemas.js';
import { ListCache } from './list-cache.js';
import {
  CONTENT_TYPES,
  type Endpoint,
  type Format,
  Open311Error,
  readForm,
  splitFormat,
  toError,
  toXml,
} from './open311.js';
import { type Media, OPEN311_BASES, type Open311Service } from './open311.service.js';

type Root =
  | 'services'
  | 'service_requests'
  | 'service_request_updates'
  | 'errors'
  | 'discovery'
  | 'service_definition';

function render(format: Format, root: Root, body: object): Buffer {
  const xml = toXml as (root: Root, body: object) => string;
  return Buffer.from(format === 'json' ? JSON.stringify(body) : xml(root, body));
}

/** Sent as bytes so Fastify appends no charset to the type: validators compare it byte for byte. */
function sendBytes(reply: FastifyReply, format: Format, bytes: Buffer, status = 200) {
  return reply.status(status).header('content-type', CONTENT_TYPES[format]).send(bytes);
}

function send(reply: FastifyReply, format: Format, root: Root, body: object, status = 200) {
  return sendBytes(reply, format, render(format, root, body), status);
}

/** A query as a cache key: its parameters in a fixed order. */
function queryKey(q: Record<string, string | undefined>): string {
  const params = new URLSearchParams(
    Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined),
  );
  params.sort();
  return params.toString();
}

function sendError(reply: FastifyReply, format: Format, status: number, description: string) {
  return send(reply, format, 'errors', [toError(status, description)], status);
}

/** Any failure as the spec's error array, in the requested format (JSON when the file names none). */
function sendFailure(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  const format = splitFormat((req.params as { file?: string }).file ?? '')?.format ?? 'json';
  if (err instanceof Open311Error) return sendError(reply, format, err.status, err.message);
  const status = err instanceof DomainError ? err.status : (err as { statusCode?: number }).statusCode;
  if (status !== undefined && status < 500) {
    const message = err instanceof Error ? err.message : 'invalid request';
    return sendError(reply, format, [403, 404, 413].includes(status) ? status : 400, message);
  }
  req.log.error({ err }, 'open311 failed');
  return sendError(reply, format, 500, 'internal error; it has been logged');
}

/** Runs a handler, turning every failure into the spec's error array in the requested format. */
function open311(
  handler: (req: FastifyRequest, reply: FastifyReply, format: Format, name: string) => Promise<unknown>,
) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const file = (req.params as { file: string }).file;
    const parsed = splitFormat(file);
    if (!parsed) return sendError(reply, 'json', 404, `${file}: add .json or .xml`);
    try {
      return await handler(req, reply, parsed.format, parsed.name);
    } catch (err) {
      return sendFailure(req, reply, err);
    }
  };
}

/** The form of a POST: url-encoded, or multipart with the photo as the field `media`. */
async function formOf(
  req: FastifyRequest,
  maxFields = 60,
): Promise<{ body: URLSearchParams; media?: Media }> {
  if (req.body instanceof URLSearchParams) return { body: req.body };
  if (!req.isMultipart())
    throw new Open311Error(400, 'send the form as application/x-www-form-urlencoded or multipart/form-data');
  const body = new URLSearchParams();
  let media: Media | undefined;
  for await (const part of req.parts({ limits: { fields: maxFields, files: 1 } })) {
    if (part.type === 'file') {
      if (part.fieldname !== 'media') throw new Open311Error(400, 'the only file field is media');
      media = { bytes: await part.toBuffer(), filename: part.filename };
    } else body.append(part.fieldname, String(part.value));
  }
  return media ? { body, media } : { body };
}

const DESCRIPTIONS: Record<string, string> = {
  get: 'GeoReport v2: discovery, services, requests, servicerequestupdates (extension: the FixMyStreet feed, start_date/end_date, page/page_size) — .json or .xml',
  post: 'GeoReport v2 POST requests (form, or multipart with the photo as `media`: JPEG/PNG/WebP, sniffed, size-limited) and POST servicerequestupdates (extension: api_key, service_request_id, description). Answers service_request_id when the request is created at once, only token when it is deferred as a likely duplicate.',
};

export function registerOpen311Routes(app: App, open311Service: Open311Service): void {
  for (const endpoint of ['production', 'test'] as const) registerEndpoint(app, open311Service, endpoint);
}

function registerEndpoint(app: App, open311Service: Open311Service, endpoint: Endpoint): void {
  const base = OPEN311_BASES[endpoint];
  const config = { access: 'public' as const };
  const tags = ['open311'];
  const schema = { tags, params: Open311FileParams, querystring: Open311Query, response: Open311Responses };
  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  // The production list, rendered, while nothing it shows has changed (the sandbox is small: built each time).
  const lists = new ListCache();

  app.register(async (scope) => {
    // What fails before a handler runs (the edge's checks of text and query parameters) answers in
    // the spec's format too.
    scope.setErrorHandler((err, req, reply) => sendFailure(req, reply, err));
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => {
        done(null, new URLSearchParams(String(body)));
      },
    );

    // discovery, services list, requests list, updates feed: public lists polled by other systems, which may
    // be up to 30 s old (a read replica answers); one request by id or token, and every POST, use the primary.
    scope.get(
      `${base}/:file`,
      {
        config: { ...config, staleness: 30 },
        schema: { ...schema, summary: `Open311 ${endpoint}`, description: DESCRIPTIONS.get },
      },
      open311(async (req, reply, format, name) => {
        if (name === 'discovery') return send(reply, format, 'discovery', open311Service.discovery());
        if (name === 'services')
          return send(reply, format, 'services', await open311Service.services(query(req).jurisdiction_id));
        if (name === 'requests' && endpoint === 'production') {
          const q = query(req);
          const body = await lists.get(
            `${format}?${queryKey(q)}`,
            () => open311Service.listStamp(),
            async () => render(format, 'service_requests', await open311Service.requests(endpoint, q)),
          );
          return sendBytes(reply, format, body);
        }
        if (name === 'requests')
          return send(reply, format, 'service_requests', await open311Service.requests(endpoint, query(req)));
        if (name === 'servicerequestupdates')
          return send(
            reply,
            format,
            'service_request_updates',
            await open311Service.updates(endpoint, query(req)),
          );
        throw new Open311Error(404, `no resource ${name}`);
      }),
    );
    scope.get(
      `${base}/services/:file`,
      { config, schema: { ...schema, summary: `Open311 ${endpoint}: a service definition` } },
      open311(async (req, reply, format, code) =>
        send(
          reply,
          format,
          'service_definition',
          await open311Service.serviceDefinition(code, query(req).jurisdiction_id),
        ),
      ),
    );
    scope.get(
      `${base}/requests/:file`,
      { config, schema: { ...schema, summary: `Open311 ${endpoint}: one request (extensions=true too)` } },
      open311(async (req, reply, format, id) =>
        send(reply, format, 'service_requests', await open311Service.request(endpoint, id, query(req))),
      ),
    );
    scope.get(
      `${base}/tokens/:file`,
      { config, schema: { ...schema, summary: `Open311 ${endpoint}: a token's request id` } },
      open311(async (_req, reply, format, token) =>
        send(reply, format, 'service_requests', await open311Service.token(endpoint, token)),
      ),
    );
    scope.post(
      `${base}/:file`,
      {
        config,
        schema: {
          tags,
          params: Open311FileParams,
          response: Open311Responses,
          description: DESCRIPTIONS.post,
        },
      },
      open311(async (req, reply, format, name) => {
        if (name !== 'requests' && name !== 'servicerequestupdates')
          throw new Open311Error(404, `no resource ${name}`);
        const { body, media } = await formOf(req);
        if (name === 'servicerequestupdates') {
          if (media) throw new Open311Error(400, 'updates take no media');
          const update = await open311Service.postUpdate(endpoint, {
            ...readForm(body),
            serviceRequestId: body.get('service_request_id') ?? undefined,
          });
          return send(reply, format, 'service_request_updates', update);
        }
        return send(
          reply,
          format,
          'service_requests',
          await open311Service.submit(endpoint, readForm(body), media),
        );
      }),
    );
    if (endpoint === 'production')
      scope.get(
        `${base}/media/:file`,
        {
          config,
          schema: {
            tags,
            params: Open311FileParams,
            summary: 'Open311: a photo sent with a request, while its request is published with its text',
          },
        },
        async (req, reply) => {
          try {
            const file = await open311Service.media((req.params as { file: string }).file);
            return reply.header('content-type', file.mime).send(file.bytes);
          } catch (err) {
            return sendFailure(req, reply, err);
          }
        },
      );
  });
}
