import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { projectRoot } from '../../platform/config.js';
import { describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';

const SCHEMAS = path.join(projectRoot, 'data/open311-schema');
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
for (const name of ['service', 'services', 'service-definition', 'request', 'requests']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMAS, `${name}.json`), 'utf8')), `${name}.json`);
}
function valid(schema: string, data: unknown): void {
  const check = ajv.getSchema(schema);
  if (!check) throw new Error(`no schema ${schema}`);
  expect(check(data), JSON.stringify(check.errors)).toBe(true);
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) =>
    ['service', 'request', 'error', 'attribute', 'value', 'format', 'endpoint'].includes(name),
});
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describeApi('Open311 GeoReport v2', (ctx) => {
  let point: { lat: string; long: string };
  const get = (url: string) => ctx().server.app.inject({ method: 'GET', url });
  const post = (file: string, fields: Record<string, string>) =>
    ctx().server.app.inject({
      method: 'POST',
      url: `/open311/v2/${file}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(fields),
    });
  const cases = async () =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(ctx().store.db)).rows[0]?.n,
    );

  /** The installation's key, made at random by the seed (only its hash is stored). */
  let OPEN311_KEY: string;

  beforeAll(async () => {
    const centre = await wholeCellCentre(ctx().store.db, '120101001');
    point = { lat: String(centre.lat), long: String(centre.lon) };
    OPEN311_KEY = ctx().seed.open311Key ?? '';
    expect(OPEN311_KEY).toMatch(/^wg_o311_[A-Za-z0-9_-]{43}$/);
  });

  it('answers discovery in JSON and XML with exact content types', async () => {
    const json = await get('/open311/v2/discovery.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json().endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      formats: ['text/xml', 'application/json'],
    });
    const x = await get('/open311/v2/discovery.xml');
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.parse(x.body).discovery.endpoints.endpoint[0].formats.format).toEqual([
      'text/xml',
      'application/json',
    ]);
  });

  it('lists the services from the catalogue, the same in both formats, without petitions', async () => {
    const json = (await get('/open311/v2/services.json?jurisdiction_id=120101')).json();
    valid('services.json', json);
    expect(json.find((s: { service_code: string }) => s.service_code === 'event.0102')).toMatchObject({
      service_name: '暴露垃圾',
      group: '市容环境',
      type: 'realtime',
      metadata: false,
    });
    expect(json.some((s: { service_code: string }) => s.service_code.startsWith('petition'))).toBe(false);
    const fromXml = xml.parse((await get('/open311/v2/services.xml')).body).services.service;
    expect(fromXml.map((s: { service_code: string }) => s.service_code)).toEqual(
      json.map((s: { service_code: string }) => s.service_code),
    );
    expect(fromXml[0].metadata).toBe(String(json[0].metadata));
    expect((await get('/open311/v2/services.json?jurisdiction_id=999999')).statusCode).toBe(404);
  });

  it('describes a service’s attributes with datatypes and values', async () => {
    const def = (await get('/open311/v2/services/component.0101.json')).json();
    valid('service-definition.json', def);
    expect(def.attributes[0]).toMatchObject({
      code: 'cover_state',
      datatype: 'singlevaluelist',
      required: true,
      order: 1,
    });
    expect(def.attributes[0].values.map((v: { key: string }) => v.key)).toContain('missing');
    const x = xml.parse((await get('/open311/v2/services/component.0101.xml')).body);
    expect(
      x.service_definition.attributes.attribute[0].values.value.map((v: { key: string }) => v.key),
    ).toEqual(def.attributes[0].values.map((v: { key: string }) => v.key));
    const missing = await get('/open311/v2/services/nope.0000.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual([{ code: 404, description: expect.stringContaining('nope.0000') }]);
  });

  it('refuses bad submissions with the spec’s error arrays, creating nothing', async () => {
    const before = await cases();
    const ok = { api_key: OPEN311_KEY, service_code: 'event.0102', ...point, description: '路边有垃圾' };
    const expectError = async (fields: Record<string, string>, status: number, file = 'requests.json') => {
      const res = await post(file, fields);
      expect(res.statusCode, res.body).toBe(status);
      const body = file.endsWith('.xml') ? xml.parse(res.body).errors.error : res.json();
      expect(body[0]).toMatchObject({ code: file.endsWith('.xml') ? String(status) : status });
    };
    await expectError({ ...ok, api_key: 'wg_wrong' }, 403);
    await expectError({ ...ok, api_key: '' }, 403, 'requests.xml');
    await expectError({ ...ok, service_code: 'event.9999' }, 404);
    await expectError({ api_key: OPEN311_KEY, service_code: 'event.0102' }, 400);
    await expectError({ ...ok, description: '垃'.repeat(4001) }, 400);
    await expectError({ ...ok, lat: '39.9087', long: '116.3975' }, 400); // Beijing: in no grid here
    await expectError({ ...ok, lat: 'north', long: '117' }, 400);
    await expectError({ ...ok, jurisdiction_id: '120102' }, 403); // the key is for 120101 only
    await expectError({ ...ok, service_code: 'component.0101' }, 400); // cover_state is required
    await expectError({ ...ok, service_code: 'component.0101', 'attribute[cover_state]': 'stolen' }, 400);
    await expectError({ ...ok, 'attribute[colour]': 'red' }, 400);
    await expectError({ ...ok, media_url: 'javascript:alert(1)' }, 400);
    expect(await cases()).toBe(before);
  });

  it('takes a request, then shows it by id, by token and in the list — JSON and XML carrying the same data', async () => {
    const res = await post('requests.json', {
      api_key: OPEN311_KEY,
      jurisdiction_id: '120101',
      service_code: 'component.0101',
      'attribute[cover_state]': 'missing',
      ...point,
      description: '人行道上水井盖缺失，很危险',
      first_name: '张',
      last_name: '三',
      phone: '13800000000',
      media_url: 'https://example.org/photo.jpg',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [created] = res.json();
    expect(created.service_request_id).toMatch(/^120101\d{14}$/);
    const one = (await get(`/open311/v2/requests/${created.service_request_id}.json`)).json();
    valid('requests.json', one);
    expect(one[0]).toMatchObject({
      service_request_id: created.service_request_id,
      status: 'open',
      service_code: 'component.0101',
      media_url: 'https://example.org/photo.jpg',
      lat: Number(point.lat),
    });
    expect(one[0].requested_datetime).toMatch(/\+08:00$/);
    expect(one[0].expected_datetime).toMatch(/\+08:00$/);
    expect(JSON.stringify(one)).not.toContain('13800000000'); // no personal data in public answers
    const x = xml.parse((await get(`/open311/v2/requests/${created.service_request_id}.xml`)).body)
      .service_requests.request[0];
    for (const [k, v] of Object.entries(one[0])) expect(x[k], k).toBe(v === null ? '' : String(v));
    const token = (await get(`/open311/v2/tokens/${created.token}.json`)).json();
    expect(token).toEqual([{ service_request_id: created.service_request_id, token: created.token }]);
    const list = (await get('/open311/v2/requests.json?status=open&service_code=component.0101')).json();
    valid('requests.json', list);
    expect(list.map((r: { service_request_id: string }) => r.service_request_id)).toContain(
      created.service_request_id,
    );
    expect((await get('/open311/v2/requests.json?status=closed&service_code=component.0101')).json()).toEqual(
      [],
    );
    expect((await get('/open311/v2/requests.json?page_size=1&page=1')).json()).toHaveLength(1);
    expect((await get('/open311/v2/requests.json?start_date=yesterday')).statusCode).toBe(400);
    expect((await get('/open311/v2/requests/000.json')).statusCode).toBe(404);
    const viaXml = await post('requests.xml', {
      api_key: OPEN311_KEY,
      service_code: 'event.0104',
      ...point,
      description: '道路不洁',
    });
    expect(viaXml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.parse(viaXml.body).service_requests.request[0].service_request_id).toMatch(/^120101/);
  });

  it('takes API keys as a principal of their own: Open311 only, one endpoint and jurisdiction, rotatable', async () => {
    const submit = (api_key: string) =>
      post('requests.json', { api_key, service_code: 'event.0102', ...point, description: '路边有垃圾' });
    // Never a staff credential: the key as a Bearer token gets 401 on the staff API.
    const bearer = (url: string) =>
      ctx().server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${OPEN311_KEY}` } });
    for (const url of ['/api/auth/me', '/api/cases', '/api/hotline/callers/13800000000/cases'])
      expect((await bearer(url)).statusCode, url).toBe(401);
    // And a staff API token is never an Open311 api_key.
    const admin = await ctx().login('admin');
    const users = (await admin.get('/api/users')).json as { id: string; username: string }[];
    const operator = users.find((u) => u.username === 'operator');
    const staffToken = (await admin.post(`/api/users/${operator?.id}/tokens`, { name: 'staff' })).json.token;
    expect((await submit(staffToken)).statusCode).toBe(403);
    // A key for the test endpoint is refused by this production server.
    const testKey = (
      await admin.post('/api/api-keys', { name: '测试', endpoint: 'test', jurisdiction: '120101' })
    ).json;
    expect(testKey.key).toMatch(/^wg_o311_/);
    expect((await submit(testKey.key)).statusCode).toBe(403);
    // Rotation: the new secret works at once, the old one no longer does; revocation ends the new one.
    const made = await admin.post('/api/api-keys', {
      name: '津心办',
      endpoint: 'production',
      jurisdiction: '120101',
    });
    expect(made.status).toBe(201);
    expect((await submit(made.json.key)).statusCode).toBe(200);
    const rotated = await admin.post(`/api/api-keys/${made.json.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.key).not.toBe(made.json.key);
    expect((await submit(made.json.key)).statusCode).toBe(403);
    expect((await submit(rotated.json.key)).statusCode).toBe(200);
    expect((await admin.delete(`/api/api-keys/${made.json.id}`)).status).toBe(204);
    expect((await submit(rotated.json.key)).statusCode).toBe(403);
    // Listed without their secrets; only hashes are stored.
    const listed = (await admin.get('/api/api-keys')).json as {
      id: string;
      prefix: string;
      revokedAt: string | null;
    }[];
    expect(JSON.stringify(listed)).not.toContain(rotated.json.key);
    expect(listed.find((k) => k.id === made.json.id)?.revokedAt).not.toBeNull();
    const stored = await sql<{ key_hash: string }>`select key_hash from api_keys`.execute(ctx().store.db);
    expect(stored.rows.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash))).toBe(true);
  });
});
