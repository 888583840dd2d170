/**
 * Fuzzing from the OpenAPI document: valid and hostile requests generated from each route's schemas
 * (fast-check), a fingerprint of every table and of the file store to prove a refused request changed
 * nothing. Used by fuzz.api.test.ts; nothing here knows a particular route except the hidden Open311 ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is untyped here
export type Schema = any;

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/cases/{id}. */
  path: string;
  params: Param[];
  /** JSON body schema, when the route takes one. */
  body?: Schema;
  bodyRequired: boolean;
  /** Routes that take multipart/form-data (no schema in the document). */
  multipart: boolean;
  /** Routes that take application/x-www-form-urlencoded (Open311 POST). */
  form?: Record<string, Schema>;
}

/** Upload routes: the document gives them no request body (they read multipart themselves). */
const MULTIPART = new Set([
  'POST /api/attachments',
  'POST /api/public/uploads',
  'POST /api/targets/documents/upload',
  'POST /api/categories/import',
]);

/** Open311 GeoReport v2 routes are hidden from the document (they speak the spec, not our schemas). */
export const OPEN311_OPERATIONS: Operation[] = (() => {
  const q = (name: string, schema: Schema = { type: 'string' }): Param => ({
    name,
    in: 'query',
    required: false,
    schema,
  });
  const listQuery = [
    q('jurisdiction_id', { type: 'string', pattern: '^120101$' }),
    q('service_request_id'),
    q('service_code'),
    q('start_date', { type: 'string', format: 'date-time' }),
    q('end_date', { type: 'string', format: 'date-time' }),
    q('status', { type: 'string', enum: ['open', 'closed', 'open,closed'] }),
    q('page', { type: 'integer', minimum: 1 }),
    q('page_size', { type: 'integer', minimum: 1, maximum: 1000 }),
    q('lat', { type: 'number', minimum: -90, maximum: 90 }),
    q('long', { type: 'number', minimum: -180, maximum: 180 }),
    q('radius', { type: 'number', minimum: 0 }),
  ];
  const file = (values: string[]): Param => ({
    name: 'file',
    in: 'path',
    required: true,
    schema: { type: 'string', enum: values },
  });
  const op = (method: string, p: string, params: Param[], form?: Record<string, Schema>): Operation => ({
    method,
    path: p,
    params,
    bodyRequired: false,
    multipart: false,
    ...(form ? { form } : {}),
  });
  return [
    op('GET', '/open311/v2/{file}', [
      file(['discovery.json', 'services.json', 'requests.json', 'requests.xml', 'services.xml']),
      ...listQuery,
    ]),
    op('GET', '/open311/v2/services/{file}', [
      file(['event.0102.json', 'event.0102.xml']),
      q('jurisdiction_id', { type: 'string', pattern: '^120101$' }),
    ]),
    op('GET', '/open311/v2/requests/{file}', [
      file(['x.json']),
      q('jurisdiction_id', { type: 'string', pattern: '^120101$' }),
    ]),
    op('GET', '/open311/v2/tokens/{file}', [file(['x.json', 'x.xml'])]),
    op('POST', '/open311/v2/{file}', [file(['requests.json', 'requests.xml'])], {
      api_key: { type: 'string', minLength: 10 },
      jurisdiction_id: { type: 'string', pattern: '^120101$' },
      service_code: { type: 'string', enum: ['event.0102'] },
      lat: { type: 'number', minimum: 39.1, maximum: 39.13 },
      long: { type: 'number', minimum: 117.18, maximum: 117.2 },
      address_string: { type: 'string', maxLength: 200 },
      email: { type: 'string', format: 'email' },
      first_name: { type: 'string', maxLength: 30 },
      last_name: { type: 'string', maxLength: 30 },
      phone: { type: 'string', pattern: '^1[3-9]\\d{9}$' },
      description: { type: 'string', maxLength: 4000 },
      media_url: { type: 'string', format: 'uri' },
      'attribute[x]': { type: 'string' },
    }),
  ];
})();

/** Every operation of the document (HEAD excluded) plus the hidden Open311 ones. */
export function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [m, o] of Object.entries(methods)) {
      const method = m.toUpperCase();
      if (method === 'HEAD') continue;
      const json = o.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method,
        path: p,
        params: (o.parameters ?? []).map((x: Schema) => ({
          name: x.name,
          in: x.in,
          required: Boolean(x.required) || x.in === 'path',
          schema: x.schema ?? { type: 'string' },
        })),
        ...(json ? { body: json } : {}),
        bodyRequired: Boolean(o.requestBody?.required),
        multipart: MULTIPART.has(`${method} ${p}`),
      });
    }
  }
  return [...ops, ...OPEN311_OPERATIONS];
}

// ---------------------------------------------------------------- hostile values

/** Strings that have broken servers before: NUL, lone surrogates, combining marks, RTL overrides, emoji, markup. */
export const NASTY_STRINGS: readonly string[] = [
  'a\u0000b',
  '\u0000',
  '\uD800',
  'x\uDFFFy',
  `e${'\u0301'.repeat(200)}`,
  'abc\u202Eexe.gpj',
  '\u202Bمرحبا\u202C',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\uFEFF\u200B\u200D',
  '<svg/onload=alert(1)>',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '%00',
  '../../../etc/passwd',
  '',
  ' ',
  '\r\n\t',
  '😀'.repeat(2000),
  'Ω'.repeat(70_000),
];

/** The nasty strings short enough for a URL. */
const SHORT_NASTY = NASTY_STRINGS.filter((x) => x.length < 1000);

/** Numbers (as they travel in a query string or raw JSON) that are not ordinary. */
export const BAD_NUMBER_TEXTS: readonly string[] = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e309',
  '-1e309',
  '0.5',
  '1.5',
  '-1',
  '0',
  '-0',
  '9007199254740993',
  '99999999999999999999999',
  '1e21',
  '0x10',
  '1_000',
  '',
  ' 1',
];

/** Bodies that are not JSON, or JSON that is hostile in shape. */
export const MALFORMED_JSON: readonly string[] = [
  '{',
  '{"a":}',
  '[1,2',
  'nul',
  '"\u0000"',
  '\uFEFF{}',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '{"lon":Infinity,"lat":NaN}',
  '{"x":1e999}',
  '1',
  'true',
  'null',
  '[]',
  '""',
];

// ---------------------------------------------------------------- valid values from a schema

/** Values the fuzzer may use for known-real things (ids, codes) so requests reach the handlers. */
export interface Realm {
  /** Real values by parameter/property name (id, code, hash, caseId …), tried besides generated ones. */
  byName: Record<string, string[]>;
}

function stringArb(s: Schema): fc.Arbitrary<string> {
  if (s.enum) return fc.constantFrom(...(s.enum as string[]));
  if (s.format === 'uuid') return fc.uuid();
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => lengthOk(x, s));
  if (s.format === 'uri') return fc.webUrl();
  if (s.format === 'email') return fc.emailAddress();
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 24, 24));
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }).filter((x) => lengthOk(x, s));
}

function lengthOk(x: string, s: Schema): boolean {
  return x.length >= (s.minLength ?? 0) && x.length <= (s.maxLength ?? Number.POSITIVE_INFINITY);
}

function numberArb(s: Schema): fc.Arbitrary<number> {
  const lo = s.minimum ?? -1000;
  const hi = s.maximum ?? 1000;
  const min = Math.max(lo, -1e6);
  const max = Math.min(hi, 1e6);
  if (s.type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) });
  return fc
    .double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true })
    .filter((x) => !(s.exclusiveMinimum === true && x === lo));
}

/** An arbitrary of values that satisfy the schema (best effort: enough to pass validation). */
export function validArb(s: Schema, realm?: Realm, name?: string): fc.Arbitrary<unknown> {
  if (!s || typeof s !== 'object') return fc.constant('x');
  const real = name ? realm?.byName[name] : undefined;
  const base = validArbInner(s, realm);
  if (real?.length && (s.type === 'string' || s.type === undefined))
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: base });
  return base;
}

function validArbInner(s: Schema, realm?: Realm): fc.Arbitrary<unknown> {
  if (s.allOf) {
    return fc
      .tuple(...(s.allOf as Schema[]).map((x) => validArb(x, realm)))
      .map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object')));
  }
  const alts = s.oneOf ?? s.anyOf;
  if (alts) return fc.oneof(...(alts as Schema[]).map((x) => validArb(x, realm)));
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const nullable = (a: fc.Arbitrary<unknown>) =>
    s.nullable ? fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) }) : a;
  switch (s.type) {
    case 'string':
      return nullable(stringArb(s));
    case 'number':
    case 'integer':
      return nullable(numberArb(s));
    case 'boolean':
      return nullable(fc.boolean());
    case 'array':
      return nullable(
        fc.array(validArb(s.items ?? {}, realm), {
          minLength: s.minItems ?? 0,
          maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
        }),
      );
    case 'object':
    case undefined: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(s.required ?? []);
      const keys = Object.keys(props);
      if (keys.length === 0) return nullable(fc.constant({}));
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const k of keys) record[k] = validArb(props[k], realm, k);
      return nullable(fc.record(record, { requiredKeys: keys.filter((k) => required.has(k)) }));
    }
    default:
      return fc.constant(null);
  }
}

// ---------------------------------------------------------------- hostile mutations

/** One top-level field of an object schema, with its schema (following allOf/oneOf one level). */
function fieldsOf(s: Schema): [string, Schema][] {
  if (!s || typeof s !== 'object') return [];
  const out: [string, Schema][] = [];
  for (const part of [s, ...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) {
    for (const [k, v] of Object.entries((part.properties ?? {}) as Record<string, Schema>)) out.push([k, v]);
  }
  return out;
}

function requiredOf(s: Schema): string[] {
  if (!s || typeof s !== 'object') return [];
  return [...(s.required ?? []), ...(s.allOf ?? []).flatMap((p: Schema) => p.required ?? [])];
}

const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  'text',
  '',
  [],
  [null],
  {},
  { nested: { deeper: [1] } },
];

/** A replacement value for a field that is hostile for its schema: wrong type, oversize, unicode, markup, bad number. */
function hostileValueArb(s: Schema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(...WRONG_TYPES),
    fc.constantFrom(...NASTY_STRINGS),
  ];
  const max = s?.maxLength as number | undefined;
  if (max !== undefined)
    options.push(fc.constantFrom('x'.repeat(max + 1), 'x'.repeat(Math.max(max * 10, 100_000))));
  if (s?.maxItems !== undefined)
    options.push(
      fc.constant(Array.from({ length: s.maxItems + 1 }, () => 'a'.repeat(64))),
      fc.constant(Array.from({ length: 20_000 }, (_, i) => i)),
    );
  if (s?.type === 'number' || s?.type === 'integer')
    options.push(
      fc.constantFrom(
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        Number.MIN_VALUE,
        2 ** 53 + 2,
        -(2 ** 63),
        0.5,
        -1,
        1e21,
        (s.maximum ?? 0) + 1,
        (s.minimum ?? 0) - 1,
      ),
    );
  if (s?.type === 'array' || s?.items) options.push(fc.constant([NASTY_STRINGS[0], { a: 1 }, [[]]]));
  return fc.oneof(...options);
}

/** A JSON body that is invalid (or hostile) for the schema: the request is expected to be refused or handled. */
export function hostileBodyArb(s: Schema, realm?: Realm): fc.Arbitrary<{ raw?: string; json?: unknown }> {
  const valid = validArb(s, realm) as fc.Arbitrary<Record<string, unknown>>;
  const fields = fieldsOf(s);
  const required = requiredOf(s);
  const asObj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};
  const arbs: fc.Arbitrary<{ raw?: string; json?: unknown }>[] = [
    fc.constantFrom(...MALFORMED_JSON).map((raw) => ({ raw })),
    fc.constantFrom(...WRONG_TYPES).map((json) => ({ json })),
  ];
  if (required.length)
    arbs.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
        const o = asObj(v);
        delete o[k];
        return { json: o };
      }),
    );
  if (fields.length) {
    arbs.push(
      fc.constantFrom(...fields).chain(([k, fs]) =>
        fc.tuple(valid, fc.constant(k), hostileValueArb(fs)).map(([v, key, bad]) => {
          const o = asObj(v);
          o[key] = bad;
          return { json: o };
        }),
      ),
      // a bad number written literally, which JSON.stringify cannot express
      fc
        .tuple(
          valid,
          fc.constantFrom(...fields),
          fc.constantFrom('Infinity', 'NaN', '-Infinity', '1e999', '-0'),
        )
        .map(([v, [k], n]) => {
          const o = asObj(v);
          o[k] = '__BAD__';
          return { raw: JSON.stringify(o).replace('"__BAD__"', n) };
        }),
      // unknown extra field, and a valid body (handled: 2xx or a domain refusal)
      valid.map((v) => ({ json: { ...asObj(v), __unknown__: NASTY_STRINGS[0] } })),
    );
  }
  arbs.push(valid.map((json) => ({ json })));
  return fc.oneof(...arbs);
}

/** A value for one query/path/header parameter: valid, real, or hostile text. */
export function paramValueArb(p: Param, realm?: Realm): fc.Arbitrary<string> {
  const valid = validArb(p.schema, realm, p.name).map((v) =>
    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
  );
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: fc.constantFrom(...SHORT_NASTY, 'x'.repeat(5000)) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_NUMBER_TEXTS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  );
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What kind of hostility this request carries, for the failure report. */
  label: string;
}

function enc(v: string): string {
  // encodeURIComponent throws on lone surrogates: send their UTF-8-ish escape raw instead
  try {
    return encodeURIComponent(v);
  } catch {
    return [...v]
      .map((ch) => {
        try {
          return encodeURIComponent(ch);
        } catch {
          return '%ED%A0%80'; // a lone surrogate as CESU bytes: not valid UTF-8
        }
      })
      .join('');
  }
}

/** A broken or hostile multipart body for upload routes. */
export function multipartArb(): fc.Arbitrary<{
  headers: Record<string, string>;
  payload: Buffer;
  label: string;
}> {
  const b = 'fuzzBoundary123';
  const part = (head: string, bytes: Buffer | string) =>
    Buffer.concat([
      Buffer.from(`--${b}\r\n${head}\r\n\r\n`),
      Buffer.from(bytes),
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
  const ct = (boundary = b) => ({ 'content-type': `multipart/form-data; boundary=${boundary}` });
  const cases: { headers: Record<string, string>; payload: Buffer; label: string }[] = [
    {
      label: 'boundary mismatch',
      headers: ct('other'),
      payload: part('Content-Disposition: form-data; name="file"; filename="a.png"', 'x'),
    },
    {
      label: 'no boundary',
      headers: { 'content-type': 'multipart/form-data' },
      payload: Buffer.from('hello'),
    },
    {
      label: 'empty boundary',
      headers: { 'content-type': 'multipart/form-data; boundary=' },
      payload: Buffer.from('--\r\n'),
    },
    {
      label: 'truncated body',
      headers: ct(),
      payload: Buffer.from(
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG`,
      ),
    },
    {
      label: 'no closing boundary',
      headers: ct(),
      payload: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc`),
    },
    { label: 'garbage', headers: ct(), payload: Buffer.from('\x00\x01\x02garbage') },
    { label: 'empty body', headers: ct(), payload: Buffer.alloc(0) },
    {
      label: 'no file field',
      headers: ct(),
      payload: part('Content-Disposition: form-data; name="title"', 'x'),
    },
    {
      label: 'nasty filename',
      headers: ct(),
      payload: part(
        'Content-Disposition: form-data; name="file"; filename="../../\u0000\u202Eevil.png"\r\nContent-Type: image/png',
        'not a png',
      ),
    },
    {
      label: 'svg as png',
      headers: ct(),
      payload: part(
        'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      ),
    },
    {
      label: 'html',
      headers: ct(),
      payload: part(
        'Content-Disposition: form-data; name="file"; filename="a.html"\r\nContent-Type: text/html',
        '<script>alert(1)</script>',
      ),
    },
    {
      label: 'empty file',
      headers: ct(),
      payload: part(
        'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png',
        '',
      ),
    },
    {
      label: 'png header only',
      headers: ct(),
      payload: part(
        'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png',
        Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      ),
    },
    {
      label: 'zip (fake docx/xlsx)',
      headers: ct(),
      payload: part(
        'Content-Disposition: form-data; name="file"; filename="a.xlsx"',
        Buffer.from('504b0304140000000000', 'hex'),
      ),
    },
    {
      label: 'two files',
      headers: ct(),
      payload: Buffer.concat([
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nx\r\n`),
        part('Content-Disposition: form-data; name="file"; filename="b"', 'y'),
      ]),
    },
    { label: 'json instead', headers: { 'content-type': 'application/json' }, payload: Buffer.from('{}') },
    { label: 'text instead', headers: { 'content-type': 'text/plain' }, payload: Buffer.from('hello') },
  ];
  return fc.constantFrom(...cases);
}

/** A hostile request for one operation: parameters, query repetition, body. */
export function requestArb(op: Operation, realm: Realm): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const query = op.params.filter((p) => p.in === 'query');
  const headerParams = op.params.filter((p) => p.in === 'header');
  const pathArb = fc.tuple(...pathParams.map((p) => paramValueArb(p, realm)));
  const queryArb = fc.array(
    fc.tuple(
      query.length ? fc.constantFrom(...query.map((q) => q.name), '__proto__', 'page') : fc.constant('x'),
      fc.oneof(
        ...(query.length ? [fc.constantFrom(...query).chain((q) => paramValueArb(q, realm))] : []),
        fc.constantFrom(...BAD_NUMBER_TEXTS),
        fc.constantFrom(...NASTY_STRINGS.slice(0, 12)),
      ),
    ),
    { maxLength: 6 },
  );
  // repeat a query parameter on purpose sometimes
  const repeatArb = query.length
    ? fc.option(fc.constantFrom(...query.map((q) => q.name)))
    : fc.constant(null);
  let bodyArb: fc.Arbitrary<{ payload?: string | Buffer; headers: Record<string, string>; label: string }>;
  if (op.multipart) {
    bodyArb = multipartArb().map((m) => ({
      payload: m.payload,
      headers: m.headers,
      label: `multipart: ${m.label}`,
    }));
  } else if (op.form) {
    const form = op.form;
    bodyArb = fc
      .tuple(
        fc.record(
          Object.fromEntries(
            Object.entries(form).map(([k, s]) => [
              k,
              fc.oneof(
                { weight: 2, arbitrary: validArb(s, realm, k).map((v) => String(v)) },
                {
                  weight: 1,
                  arbitrary: paramValueArb({ name: k, in: 'query', required: false, schema: s }, realm),
                },
              ),
            ]),
          ),
          { requiredKeys: [] },
        ),
        fc.option(fc.constantFrom(...Object.keys(form))),
      )
      .map(([fields, repeated]) => {
        const parts = Object.entries(fields).map(([k, v]) => `${enc(k)}=${enc(v as string)}`);
        if (repeated) parts.push(`${enc(repeated)}=${enc('again')}`);
        return {
          payload: parts.join('&'),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          label: 'form',
        };
      });
  } else if (op.body) {
    bodyArb = hostileBodyArb(op.body, realm).map((b) => ({
      payload: b.raw ?? JSON.stringify(b.json),
      headers: { 'content-type': 'application/json' },
      label: b.raw !== undefined ? 'raw json' : 'json',
    }));
  } else if (op.method === 'GET' || op.method === 'DELETE') {
    bodyArb = fc.constant({ headers: {}, label: 'no body' });
  } else {
    bodyArb = fc.oneof(
      fc.constant({ headers: {}, label: 'no body' }),
      fc.constantFrom(...MALFORMED_JSON).map((raw) => ({
        payload: raw,
        headers: { 'content-type': 'application/json' },
        label: 'raw json',
      })),
    );
  }
  const headerArb = fc.tuple(...headerParams.map((p) => fc.option(paramValueArb(p, realm))));
  return fc.tuple(pathArb, queryArb, repeatArb, bodyArb, headerArb).map(([pv, qs, rep, body, hv]) => {
    let url = op.path;
    pathParams.forEach((p, i) => {
      url = url.replace(`{${p.name}}`, enc(pv[i] ?? ''));
    });
    const pairs = qs.map(([k, v]) => `${enc(k)}=${enc(v)}`);
    if (rep) pairs.push(`${enc(rep)}=1`, `${enc(rep)}=2`);
    if (pairs.length) url += `?${pairs.join('&')}`;
    const headers: Record<string, string> = { ...body.headers };
    headerParams.forEach((p, i) => {
      const v = hv[i];
      // header values must be ISO-8859-1 without control characters, else the client itself throws
      if (v !== null && v !== undefined && /^[\x20-\x7e]*$/.test(v)) headers[p.name] = v;
    });
    return {
      method: op.method,
      url,
      headers,
      ...(body.payload !== undefined ? { payload: body.payload } : {}),
      label: body.label + (rep ? ` repeated ${rep}` : ''),
    };
  });
}

// ---------------------------------------------------------------- what changed

/**
 * Columns a refused request may legitimately touch, with the reason. Everything else must be byte-equal.
 * - login_attempts: the login limits count failed attempts on purpose (a refused login is recorded).
 * - public_submissions: the portal's per-address/device limit counts submissions as they are admitted,
 *   before the rest of the request is checked (a refused upload still counts toward the hourly limit).
 * - api_tokens.last_used_at: touched whenever a token authenticates, whatever the request then does.
 */
export const VOLATILE: Record<string, '*' | string[]> = {
  login_attempts: '*',
  public_submissions: '*',
  api_tokens: ['last_used_at'],
};

export interface Snapshot {
  /** table → md5 of its rows (volatile columns left out) and the row count. */
  tables: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: any database will do
type AnyDb = Kysely<any>;

/** The transaction counter: if it did not move, no write committed (reads take no transaction id). */
export async function nextXid(db: AnyDb): Promise<string> {
  const r = await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db);
  return r.rows[0]?.x ?? '';
}

let columnsCache: Map<string, string[]> | undefined;

/** Fingerprints every base table of the public schema. */
export async function snapshotTables(db: AnyDb): Promise<Snapshot> {
  if (!columnsCache) {
    const cols = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`.execute(db);
    columnsCache = new Map();
    for (const r of cols.rows) {
      const list = columnsCache.get(r.table_name) ?? [];
      list.push(r.column_name);
      columnsCache.set(r.table_name, list);
    }
  }
  const parts: string[] = [];
  for (const [table, cols] of columnsCache) {
    const skip = VOLATILE[table];
    if (skip === '*') continue;
    const keep = cols.filter((c) => !skip?.includes(c));
    const list = keep.map((c) => `"${c}"`).join(', ');
    parts.push(
      `select '${table}' as t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from (select ${list} from "${table}") x`,
    );
  }
  const r = await sql<{ t: string; h: string }>`${sql.raw(parts.join(' union all '))}`.execute(db);
  return { tables: Object.fromEntries(r.rows.map((x) => [x.t, x.h])) };
}

export function diffSnapshots(a: Snapshot, b: Snapshot): string[] {
  const names = new Set([...Object.keys(a.tables), ...Object.keys(b.tables)]);
  return [...names].filter((n) => a.tables[n] !== b.tables[n]).sort();
}

/** Every file under a directory with its size, sorted (the file store's state). */
export function listFiles(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)}:${fs.statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

/** Shortens a request for the failure report. */
export function describeRequest(r: FuzzRequest): string {
  const body =
    r.payload === undefined
      ? ''
      : ` body=${JSON.stringify(typeof r.payload === 'string' ? r.payload : r.payload.toString('latin1')).slice(0, 160)}`;
  const url = r.url.length > 200 ? `${r.url.slice(0, 200)}…(${r.url.length})` : r.url;
  return `${r.method} ${url} [${r.label}]${body}`;
}

/**
 * A systematic sweep on top of the random samples: for every body field, query and path parameter, the
 * values that broke servers before (NUL, a lone surrogate, Infinity, a fraction, a huge number, a repeat),
 * each on an otherwise valid request. Cheap, and it makes sure no field escapes the random draw.
 */
export function sweepRequests(op: Operation, valid: FuzzRequest): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const [pathAndQuery = '', queryString = ''] = valid.url.split('?');
  const query = new URLSearchParams(queryString);
  const withQuery = (name: string, raw: string, label: string) => {
    const rest = [...query].filter(([k]) => k !== name).map(([k, v]) => `${enc(k)}=${enc(v)}`);
    out.push({ ...valid, url: `${pathAndQuery}?${[...rest, raw].join('&')}`, label: `sweep ${label}` });
  };
  for (const p of op.params.filter((x) => x.in === 'query')) {
    const n = enc(p.name);
    withQuery(p.name, `${n}=a%00b`, `NUL in ${p.name}`);
    withQuery(p.name, `${n}=x%ED%A0%80y`, `lone surrogate in ${p.name}`);
    withQuery(p.name, `${n}=Infinity`, `Infinity in ${p.name}`);
    withQuery(p.name, `${n}=1.5`, `fraction in ${p.name}`);
    withQuery(p.name, `${n}=99999999999999999999999`, `huge in ${p.name}`);
    withQuery(p.name, `${n}=-1`, `negative in ${p.name}`);
    withQuery(p.name, `${n}=1&${n}=2`, `repeated ${p.name}`);
  }
  for (const p of op.params.filter((x) => x.in === 'path')) {
    for (const [v, label] of [
      ['a%00b', 'NUL'],
      ['%ED%A0%80', 'lone surrogate'],
      ['Infinity', 'Infinity'],
    ]) {
      const segments = op.path.split('/');
      const template = valid.url.split('?')[0]?.split('/') ?? [];
      const i = segments.indexOf(`{${p.name}}`);
      if (i < 0) continue;
      template[i] = v as string;
      out.push({
        ...valid,
        url: template.join('/') + (queryString ? `?${queryString}` : ''),
        label: `sweep ${label} in path ${p.name}`,
      });
    }
  }
  if (typeof valid.payload === 'string' && op.body) {
    let base: unknown;
    try {
      base = JSON.parse(valid.payload);
    } catch {
      base = undefined;
    }
    if (base && typeof base === 'object' && !Array.isArray(base)) {
      const seen = new Set<string>();
      for (const [k, s] of fieldsOf(op.body)) {
        if (seen.has(k) || (s?.type !== 'string' && s?.type !== undefined)) continue;
        seen.add(k);
        for (const [v, label] of [
          ['a\u0000b', 'NUL'],
          ['x\uD800y', 'lone surrogate'],
        ]) {
          out.push({
            ...valid,
            payload: JSON.stringify({ ...base, [k]: v }),
            label: `sweep ${label} in body.${k}`,
          });
        }
      }
    }
  }
  if (op.form) {
    const form = (f: Record<string, string>) =>
      Object.entries(f)
        .map(([k, v]) => `${enc(k)}=${enc(v)}`)
        .join('&');
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const base = {
      api_key: 'x',
      jurisdiction_id: '120101',
      service_code: 'event.0102',
      lat: '39.12',
      long: '117.19',
    };
    for (const k of Object.keys(op.form)) {
      out.push({
        ...valid,
        headers,
        payload: form({ ...base, [k]: 'a\u0000b' }),
        label: `sweep NUL in form ${k}`,
      });
    }
    out.push({
      ...valid,
      headers,
      payload: `${form(base)}&service_code=a&service_code=b`,
      label: 'sweep repeated form field',
    });
  }
  return out;
}
