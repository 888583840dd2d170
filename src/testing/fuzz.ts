/**
 * Fuzzing from the OpenAPI document, part 2: hostile requests for one operation — missing fields, wrong
 * types, oversize values, unicode edge cases, markup, bad numbers, repeated query parameters, malformed
 * JSON, broken multipart — and a systematic sweep of the values that broke servers before.
 */
import fc from 'fast-check';
import {
  BAD_NUMBER_TEXTS,
  MALFORMED_JSON,
  NASTY_STRINGS,
  type Operation,
  type Param,
  type Realm,
  type Schema,
  SHORT_NASTY,
  validArb,
} from './fuzz-schema.js';

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
