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
import { centroidOf } from '../places/centroid.js';

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
    // Categories publish status only by default (0016); the round-trip below needs every field.
    const admin = await ctx().login('admin');
    const opened = await admin.patch('/api/categories/component.0101', {
      publication: 'text',
      pointPrecision: 'exact',
    });
    expect(opened.status, JSON.stringify(opened.json)).toBe(200);
  });

  it('answers discovery in JSON and XML with exact content types', async () => {
    const json = await get('/open311/v2/discovery.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.json().endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      formats: ['text/xml', 'application/json'],
    });
    const x = await get('/open311/v2/discovery.xml');
    expect(x.headers['content-type']).toBe('text/xml');
    expect(x.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
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
    expect(created).not.toHaveProperty('token'); // created at once: the id, and no token (GeoReport v2)
    created.token = (
      await ctx()
        .store.db.selectFrom('cases')
        .select('tracking_code')
        .where('number', '=', created.service_request_id)
        .executeTakeFirstOrThrow()
    ).tracking_code;
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
    expect(viaXml.headers['content-type']).toBe('text/xml');
    expect(xml.parse(viaXml.body).service_requests.request[0].service_request_id).toMatch(/^120101/);
  });

  it('answers the list from its rendered cache only while nothing it shows has changed', async () => {
    const ids = (body: string) =>
      (JSON.parse(body) as { service_request_id: string }[]).map((r) => r.service_request_id);
    const first = await get('/open311/v2/requests.json?service_code=event.0501');
    const again = await get('/open311/v2/requests.json?service_code=event.0501');
    expect(again.body).toBe(first.body);
    expect(again.headers['content-type']).toBe('application/json');
    // A new case shows at once, in both formats.
    const made = await post('requests.json', {
      api_key: OPEN311_KEY,
      service_code: 'event.0501',
      ...point,
      description: '早市占道经营，缓存测试',
    });
    expect(made.statusCode, made.body).toBe(200);
    const id = made.json()[0].service_request_id as string;
    expect(ids((await get('/open311/v2/requests.json?service_code=event.0501')).body)).toContain(id);
    expect((await get('/open311/v2/requests.xml?service_code=event.0501')).body).toContain(id);
    // A change of the category's publication policy (no case changes) hides it at once.
    const admin = await ctx().login('admin');
    expect((await admin.patch('/api/categories/event.0501', { publication: 'none' })).status).toBe(200);
    expect(ids((await get('/open311/v2/requests.json?service_code=event.0501')).body)).toEqual([]);
    expect((await admin.patch('/api/categories/event.0501', { publication: 'status' })).status).toBe(200);
    expect(ids((await get('/open311/v2/requests.json?service_code=event.0501')).body)).toContain(id);
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

  it('publishes by the category’s policy (公开范围): none → absent and 404, status → no text, text → masked; points snapped; only public replies', async () => {
    const admin = await ctx().login('admin');
    const policy = async (code: string, body: object) =>
      expect((await admin.patch(`/api/categories/${code}`, body)).status).toBe(200);
    await policy('event.0103', { publication: 'none' });
    await policy('event.0105', { publication: 'status' }); // points snapped to the grid: the default
    await policy('event.0106', { publication: 'text', pointPrecision: 'grid' });
    await policy('request.0101', { publication: 'text', pointPrecision: 'exact' });
    // A point inside the cell but off its centre, so that snapping shows.
    const centre = { lat: Number(point.lat), lon: Number(point.long) };
    const off = { lat: String(centre.lat + 0.0002), long: String(centre.lon - 0.0002) };
    const file = async (service_code: string, description: string) => {
      const res = await post('requests.json', { api_key: OPEN311_KEY, service_code, ...off, description });
      expect(res.statusCode, res.body).toBe(200);
      return res.json()[0].service_request_id as string;
    };
    const hidden = await file('event.0103', '楼道里堆满杂物，业主电话13812345678');
    const statusOnly = await file('event.0105', '河面漂浮垃圾，联系人13812345678');
    const masked = await file(
      'event.0106',
      '有人焚烧树叶，我的手机13812345678，身份证12010119900307123X，邮箱zhang.san@example.com',
    );
    const answered = await file('request.0101', '想咨询垃圾分类投放时间');
    const one = async (id: string) => {
      const json = await get(`/open311/v2/requests/${id}.json`);
      const x = await get(`/open311/v2/requests/${id}.xml`);
      return { json, x, xml: x.statusCode === 200 ? xml.parse(x.body).service_requests.request[0] : null };
    };
    const list = async (code: string) => {
      const json = (await get(`/open311/v2/requests.json?service_code=${code}`)).json();
      const x = xml.parse((await get(`/open311/v2/requests.xml?service_code=${code}`)).body).service_requests;
      return { json, xml: x.request ?? [] };
    };

    // none: not listed, 404 on direct fetch, in both formats.
    const none = await one(hidden);
    expect([none.json.statusCode, none.x.statusCode]).toEqual([404, 404]);
    expect(none.json.json()).toEqual([{ code: 404, description: expect.stringContaining(hidden) }]);
    expect(xml.parse(none.x.body).errors.error[0].code).toBe('404');
    const noneList = await list('event.0103');
    expect([noneList.json, noneList.xml]).toEqual([[], []]);
    expect((await get('/open311/v2/requests.json')).body).not.toContain(hidden);

    // status: category and status, no description; the point snapped to the grid's centre.
    const status = await one(statusOnly);
    valid('requests.json', status.json.json());
    expect(status.json.json()[0]).toMatchObject({
      service_request_id: statusOnly,
      service_code: 'event.0105',
      status: 'open',
      description: null,
      address: null,
      media_url: null,
    });
    // The centre of the case's grid: its centroid, as the places module computes it.
    const grid = await ctx()
      .store.db.selectFrom('areas')
      .select('geometry')
      .where('code', '=', status.json.json()[0].address_id)
      .executeTakeFirstOrThrow();
    const gridCentre = grid.geometry && centroidOf(grid.geometry);
    expect(gridCentre?.lat).toBeCloseTo(centre.lat, 4);
    expect(status.json.json()[0].lat).toBeCloseTo(gridCentre?.lat ?? 0, 6);
    expect(status.json.json()[0].long).toBeCloseTo(gridCentre?.lon ?? 0, 6);
    expect(status.json.json()[0].lat).not.toBe(Number(off.lat));
    expect(status.xml.description).toBe('');
    expect(Number(status.xml.lat)).toBe(status.json.json()[0].lat);
    expect(status.json.body + status.x.body).not.toContain('13812345678');
    const statusList = await list('event.0105');
    expect(statusList.json.map((r: { description: unknown }) => r.description)).toEqual([null]);
    expect(statusList.xml.map((r: { description: unknown }) => r.description)).toEqual(['']);

    // text: the description, masked, the same in JSON and XML, list and single request.
    const text = await one(masked);
    valid('requests.json', text.json.json());
    const shown = text.json.json()[0].description as string;
    expect(shown).toBe('有人焚烧树叶，我的手机138****5678，身份证1****************X，邮箱z***@example.com');
    expect(text.xml.description).toBe(shown);
    expect(text.json.json()[0].lat).toBe(status.json.json()[0].lat); // grid precision: the same centre
    const textList = await list('event.0106');
    expect(textList.json[0].description).toBe(shown);
    expect(textList.xml[0].description).toBe(shown);
    for (const body of [text.json.body, text.x.body, JSON.stringify(textList)])
      expect(body).not.toMatch(/13812345678|12010119900307123X|zhang\.san@/);

    // exact precision keeps the reported point.
    const exact = await one(answered);
    expect(exact.json.json()[0].lat).toBe(Number(off.lat));

    // Staff notes are never published; a public reply (公开答复) is, masked, in status_notes.
    const operator = await ctx().login('operator');
    const caseOf = async (number: string) =>
      ctx()
        .store.db.selectFrom('cases')
        .select(['id', 'version'])
        .where('number', '=', number)
        .executeTakeFirstOrThrow();
    const c = await caseOf(answered);
    const closed = await operator.post(`/api/cases/${c.id}/transitions`, {
      version: c.version,
      type: 'close',
      answeredOnCall: true,
      note: '已办结：回访满意',
      publicReply: '每日 7:00-9:00、18:00-20:00 定时投放；详询社区 022-23456789',
    });
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    const after = await one(answered);
    const notes = after.json.json()[0].status_notes as string;
    expect(notes).toBe('已办结：每日 7:00-9:00、18:00-20:00 定时投放；详询社区 022-****6789');
    expect(after.xml.status_notes).toBe(notes);
    expect(after.json.body + after.x.body).not.toContain('回访满意');
    const lead = await ctx().login('shift_lead');
    const s = await caseOf(statusOnly);
    const rejected = await lead.post(`/api/cases/${s.id}/transitions`, {
      version: s.version,
      type: 'reject',
      reason: '内部核查：重复上报，上报人有纠纷',
    });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    const rejectedNow = await one(statusOnly);
    expect(rejectedNow.json.json()[0]).toMatchObject({ status: 'closed', status_notes: '不予立案' });
    expect(rejectedNow.json.body + rejectedNow.x.body).not.toContain('内部核查');

    // Hotline calls are withheld unless the category opts in, whatever its level.
    await ctx()
      .store.db.updateTable('cases')
      .set({ source: 'hotline' })
      .where('number', '=', masked)
      .execute();
    expect((await one(masked)).json.statusCode).toBe(404);
    expect((await list('event.0106')).json).toEqual([]);
    await policy('event.0106', { publishHotline: true });
    expect((await one(masked)).json.json()[0].description).toBe(shown);
  });

  it('routes a request sent without service_code by its description, or refuses naming service_code (JSON and XML)', async () => {
    const suggestions = async () =>
      (
        await ctx()
          .store.db.selectFrom('routing_suggestions')
          .selectAll()
          .where('channel', '=', 'open311')
          .orderBy('id')
          .execute()
      ).length;
    const casesBefore = await cases();
    const suggestedBefore = await suggestions();
    // Too vague to route: the spec's 400 error array naming service_code, in both formats, nothing stored.
    const vague = { api_key: OPEN311_KEY, ...point, description: '你好，请尽快处理一下' };
    const asJson = await post('requests.json', vague);
    expect(asJson.statusCode, asJson.body).toBe(400);
    expect(asJson.json()[0]).toMatchObject({ code: 400 });
    expect(asJson.json()[0].description).toMatch(/^service_code is required/);
    const asXml = await post('requests.xml', vague);
    expect(asXml.statusCode, asXml.body).toBe(400);
    expect(xml.parse(asXml.body).errors.error[0]).toMatchObject({ code: '400' });
    expect(xml.parse(asXml.body).errors.error[0].description).toMatch(/^service_code is required/);
    // No description at all: still the plain 400.
    const bare = await post('requests.json', { api_key: OPEN311_KEY, ...point });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()[0].description).toBe('service_code is required');
    expect(await cases()).toBe(casesBefore);
    expect(await suggestions()).toBe(suggestedBefore);

    // Clear enough: filed under the first suggestion, recorded as a suggestion chosen, with the case.
    const filed = async (file: string, description: string) => {
      const res = await post(file, { api_key: OPEN311_KEY, ...point, description });
      expect(res.statusCode, res.body).toBe(200);
      // Earlier tests filed at this point: a request may be deferred as a possible duplicate (a token).
      const answer = file.endsWith('.xml') ? xml.parse(res.body).service_requests.request[0] : res.json()[0];
      const made = await ctx()
        .store.db.selectFrom('cases')
        .select(['id', 'category_code'])
        .where((eb) =>
          answer.service_request_id
            ? eb('number', '=', String(answer.service_request_id))
            : eb('tracking_code', '=', String(answer.token)),
        )
        .executeTakeFirstOrThrow();
      const s = await ctx()
        .store.db.selectFrom('routing_suggestions')
        .selectAll()
        .where('case_id', '=', made.id)
        .executeTakeFirstOrThrow();
      expect(s).toMatchObject({
        channel: 'open311',
        chosen_category: made.category_code,
        accepted: true,
      });
      expect(s.suggested[0]).toBe(made.category_code);
      expect(s.confidence[0]).toBeGreaterThanOrEqual(0.5);
      return made.category_code;
    };
    expect(await filed('requests.json', '小区门口暴露垃圾乱倒堆放，臭气熏天')).toBe('event.0102');
    expect(await filed('requests.xml', '路口施工占道，围挡挡住了人行道')).toMatch(/^event\./);
    expect(await cases()).toBe(casesBefore + 2);
    expect(await suggestions()).toBe(suggestedBefore + 2);
  });
});
