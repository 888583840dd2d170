/**
 * Fuzzing from the OpenAPI document, part 1: the operations (the document's and the hidden Open311 ones),
 * the hostile values, and valid values generated from a schema (fast-check). Used by fuzz.ts.
 */
import fc from 'fast-check';

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
export const SHORT_NASTY = NASTY_STRINGS.filter((x) => x.length < 1000);

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
  if (real?.length && (s.type === 'number' || s.type === 'integer'))
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...real.map(Number)) },
      { weight: 1, arbitrary: base },
    );
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
