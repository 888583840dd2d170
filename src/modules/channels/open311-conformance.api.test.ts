/**
 * Open311 to the letter (issue 18): exact content types, the id-or-token answer, the test endpoint's
 * sandbox, error arrays for every refusal — and the extensions (paging, updated_after/before,
 * extensions=true, the updates feed and posted updates, media upload). Each rule in JSON and XML.
 */
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { describeApi } from '../../testing/api.js';
import { wholeCellCentre, wholeCellCentres } from '../../testing/grid-cells.js';

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) =>
    ['service', 'request', 'error', 'endpoint', 'format', 'request_update', 'note'].includes(name),
});
const FORMATS = ['json', 'xml'] as const;
type Fmt = (typeof FORMATS)[number];

/** A multipart form: text fields, and optionally one file under `media`. */
function multipartForm(fields: Record<string, string>, file?: { name: string; bytes: Buffer; mime: string }) {
  const boundary = `----o311${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${file.name}"\r\nContent-Type: ${file.mime}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describeApi('Open311 conformance and extensions', (ctx) => {
  let point: { lat: string; long: string };
  let other: { lat: string; long: string };
  let KEY: string;
  let TEST_KEY: string;
  const get = (url: string) => ctx().server.app.inject({ method: 'GET', url });
  const post = (url: string, fields: Record<string, string>) =>
    ctx().server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  /** The body as data, whatever the format (XML lists unwrapped to their items). */
  const data = (fmt: Fmt, body: string, root: string, item: string) =>
    fmt === 'json' ? JSON.parse(body) : (xml.parse(body)[root]?.[item] ?? []);
  const counts = async () => {
    const r = await sql<{ cases: number; events: number; notes: number; jobs: number; files: number }>`
      select (select count(*)::int from cases) as cases, (select count(*)::int from case_events) as events,
             (select count(*)::int from notifications) as notes, (select count(*)::int from jobs) as jobs,
             (select count(*)::int from attachments) as files`.execute(ctx().store.db);
    return r.rows[0];
  };
  const sandboxCount = async () =>
    Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from open311_sandbox_requests`.execute(
          ctx().store.db,
        )
      ).rows[0]?.n,
    );

  beforeAll(async () => {
    const c = await wholeCellCentre(ctx().store.db, '120101001');
    point = { lat: String(c.lat), long: String(c.lon) };
    const c2 = await wholeCellCentre(ctx().store.db, '120101002');
    other = { lat: String(c2.lat), long: String(c2.lon) };
    KEY = ctx().seed.open311Key ?? '';
    const admin = await ctx().login('admin');
    const made = await admin.post('/api/api-keys', {
      name: '开发者',
      endpoint: 'test',
      jurisdiction: '120101',
    });
    expect(made.status).toBe(201);
    TEST_KEY = made.json.key;
    expect(
      (await admin.patch('/api/categories/event.0106', { publication: 'text', pointPrecision: 'exact' }))
        .status,
    ).toBe(200);
  });

  it('answers every resource and every error with exactly application/json or text/xml, the charset only in the XML prolog', async () => {
    const urls = [
      'discovery',
      'services',
      'services/event.0102',
      'requests',
      'servicerequestupdates',
      'requests/nope', // 404
      'tokens/NOPE', // 404
      'requests', // with a bad page size below
    ];
    for (const base of ['/open311/v2', '/open311/test/v2'])
      for (const fmt of FORMATS)
        for (const [i, u] of urls.entries()) {
          const res = await get(`${base}/${u}.${fmt}${i === urls.length - 1 ? '?page_size=0' : ''}`);
          expect(res.headers['content-type'], `${base}/${u}.${fmt}`).toBe(
            fmt === 'json' ? 'application/json' : 'text/xml',
          );
          if (fmt === 'xml') expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
        }
    for (const fmt of FORMATS) {
      const refused = await post(`/open311/v2/requests.${fmt}`, { api_key: 'nope' });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toBe(fmt === 'json' ? 'application/json' : 'text/xml');
    }
  });

  it('lists two endpoints in discovery, production and test, in both formats', async () => {
    const json = (await get('/open311/v2/discovery.json')).json();
    expect(
      json.endpoints.map((e: { type: string; url: string }) => [e.type, new URL(e.url).pathname]),
    ).toEqual([
      ['production', '/open311/v2'],
      ['test', '/open311/test/v2'],
    ]);
    const x = xml.parse((await get('/open311/test/v2/discovery.xml')).body).discovery.endpoints.endpoint;
    expect(x.map((e: { type: string }) => e.type)).toEqual(['production', 'test']);
  });

  it('answers service_request_id when created at once, only a token when deferred as a likely duplicate; tokens/{token} resolves it', async () => {
    for (const fmt of FORMATS) {
      const at = fmt === 'json' ? point : other;
      const fields = { api_key: KEY, service_code: 'event.0104', ...at, description: `路灯不亮 ${fmt}` };
      const first = await post(`/open311/v2/requests.${fmt}`, fields);
      expect(first.statusCode, first.body).toBe(200);
      const [made] = data(fmt, first.body, 'service_requests', 'request');
      expect(made.service_request_id).toMatch(/^120101\d{14}$/);
      expect(made).not.toHaveProperty('token');
      // The same service 0 m away while the first is open: deferred — the token only.
      const second = await post(`/open311/v2/requests.${fmt}`, fields);
      expect(second.statusCode, second.body).toBe(200);
      const [deferred] = data(fmt, second.body, 'service_requests', 'request');
      expect(deferred).not.toHaveProperty('service_request_id');
      expect(deferred.token).toMatch(/^[A-Z2-9]{10}$/);
      expect(deferred.service_notice).toContain('tokens/{token}');
      const resolved = await get(`/open311/v2/tokens/${deferred.token}.${fmt}`);
      const [t] = data(fmt, resolved.body, 'service_requests', 'request');
      expect(t.token).toBe(deferred.token);
      expect(t.service_request_id).toMatch(/^120101\d{14}$/);
      expect(t.service_request_id).not.toBe(made.service_request_id);
    }
  });

  it('keeps what the test endpoint receives in the sandbox: never a case, a list entry, an indicator or a notification', async () => {
    const admin = await ctx().login('admin');
    const before = await counts();
    const indicators = async () => {
      const r = await admin.get('/api/evaluation/indicators?area=120101');
      expect(r.status).toBe(200);
      return { ...r.json, period: { ...r.json.period, asOf: null } };
    };
    const shownBefore = await indicators();
    const unreadBefore = (await admin.get('/api/notifications/unread-count')).json;
    const numbers: string[] = [];
    for (const fmt of FORMATS) {
      const res = await post(`/open311/test/v2/requests.${fmt}`, {
        api_key: TEST_KEY,
        service_code: 'component.0101',
        'attribute[cover_state]': 'missing',
        ...point,
        description: `沙箱测试 ${fmt}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const [made] = data(fmt, res.body, 'service_requests', 'request');
      expect(made.service_request_id).toMatch(/^T120101\d{8}$/);
      numbers.push(made.service_request_id);
    }
    // Nothing reached the district: no case, event, job, notification; the indicators are unchanged.
    expect({ ...(await counts()), what: 'after the sandbox' }).toEqual({
      ...before,
      what: 'after the sandbox',
    });
    expect(await indicators()).toEqual(shownBefore);
    expect((await admin.get('/api/notifications/unread-count')).json).toEqual(unreadBefore);
    for (const fmt of FORMATS) {
      const prod = await get(`/open311/v2/requests.${fmt}?page_size=200`);
      const listed = data(fmt, prod.body, 'service_requests', 'request').map(
        (r: { service_request_id: string }) => r.service_request_id,
      );
      for (const n of numbers) expect(listed).not.toContain(n);
      expect((await get(`/open311/v2/requests/${numbers[0]}.${fmt}`)).statusCode).toBe(404);
      // …and the test endpoint shows them back, by list, by id and by token.
      const test = data(
        fmt,
        (await get(`/open311/test/v2/requests.${fmt}`)).body,
        'service_requests',
        'request',
      );
      expect(test.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(
        expect.arrayContaining(numbers),
      );
      const one = data(
        fmt,
        (await get(`/open311/test/v2/requests/${numbers[1]}.${fmt}`)).body,
        'service_requests',
        'request',
      );
      expect(one[0].description).toBe('沙箱测试 xml');
    }
    const staffList = (await admin.get('/api/cases?limit=200')).json;
    expect(JSON.stringify(staffList)).not.toContain('沙箱测试');
    // Keys are per endpoint: a production key on test, a test key on production — 403, nothing stored.
    const sandboxBefore = await sandboxCount();
    for (const fmt of FORMATS) {
      const ok = { service_code: 'event.0102', ...point, description: '钥匙不对' };
      const a = await post(`/open311/test/v2/requests.${fmt}`, { ...ok, api_key: KEY });
      const b = await post(`/open311/v2/requests.${fmt}`, { ...ok, api_key: TEST_KEY });
      for (const res of [a, b]) {
        expect(res.statusCode).toBe(403);
        const [e] = data(fmt, res.body, 'errors', 'error');
        expect(String(e.code)).toBe('403');
        expect(e.description).toMatch(/endpoint/);
      }
    }
    expect(await counts()).toEqual(before);
    expect(await sandboxCount()).toBe(sandboxBefore);
  });

  it('refuses every way a request can fail with the spec’s error array, 4xx, in the asked format, storing nothing', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#f00' } })
      .jpeg()
      .toBuffer();
    const ok = { api_key: KEY, service_code: 'event.0102', ...point, description: '路边有垃圾' };
    const before = await counts();
    const sandboxBefore = await sandboxCount();
    for (const base of ['/open311/v2', '/open311/test/v2'])
      for (const fmt of FORMATS) {
        const key = base === '/open311/v2' ? KEY : TEST_KEY;
        const expectError = async (
          res: { statusCode: number; body: string; headers: Record<string, unknown> },
          status: number,
          about: RegExp,
        ) => {
          expect(res.statusCode, res.body).toBe(status);
          expect(res.headers['content-type']).toBe(fmt === 'json' ? 'application/json' : 'text/xml');
          const body = data(fmt, res.body, 'errors', 'error');
          expect(body).toHaveLength(1);
          expect(String(body[0].code)).toBe(String(status));
          expect(body[0].description).toMatch(about);
        };
        const url = `${base}/requests.${fmt}`;
        const k = { ...ok, api_key: key };
        await expectError(await post(url, { ...k, service_code: 'event.9999' }), 404, /service_code/);
        await expectError(await post(url, { ...k, service_code: 'component.0101' }), 400, /cover_state/);
        await expectError(await post(url, { ...k, lat: '39.9087', long: '116.3975' }), 400, /grid/);
        await expectError(await post(url, { ...k, api_key: key === KEY ? TEST_KEY : KEY }), 403, /endpoint/);
        await expectError(await post(url, { ...k, api_key: 'wg_o311_nothing' }), 403, /api_key/);
        await expectError(await post(url, { ...k, jurisdiction_id: '120102' }), 403, /jurisdiction/);
        await expectError(await post(url, { ...k, lat: 'north' }), 400, /lat and long/);
        await expectError(await post(url, { ...k, email: 'not-an-address' }), 400, /email/);
        const big = multipartForm(k, {
          name: 'big.jpg',
          bytes: Buffer.alloc(11 * 1024 * 1024, 1),
          mime: 'image/jpeg',
        });
        await expectError(await ctx().server.app.inject({ method: 'POST', url, ...big }), 413, /./);
        const pdf = multipartForm(k, {
          name: 'x.jpg',
          bytes: Buffer.from('%PDF-1.4\n%%EOF\n'),
          mime: 'image/jpeg',
        });
        await expectError(await ctx().server.app.inject({ method: 'POST', url, ...pdf }), 400, /image\/jpeg/);
        const wrongField = multipartForm(k);
        const withPhotoUrl = multipartForm(
          { ...k, media_url: 'https://example.org/a.jpg' },
          { name: 'a.jpg', bytes: jpeg, mime: 'image/jpeg' },
        );
        await expectError(
          await ctx().server.app.inject({ method: 'POST', url, ...withPhotoUrl }),
          400,
          /either media/,
        );
        expect(wrongField.payload.length).toBeGreaterThan(0);
        const json = await ctx().server.app.inject({ method: 'POST', url, payload: { a: 1 } });
        await expectError(json, 400, /form/);
        // GET refusals
        const list = `${base}/requests.${fmt}`;
        await expectError(await get(`${list}?updated_after=yesterday`), 400, /updated_after/);
        await expectError(await get(`${list}?updated_before=2026-13-45T00:00:00Z`), 400, /updated_before/);
        await expectError(await get(`${list}?page_size=0`), 400, /page_size/);
        await expectError(await get(`${list}?page_size=201`), 400, /page_size/);
        await expectError(await get(`${list}?page_size=2.5`), 400, /page_size/);
        await expectError(await get(`${list}?page=0`), 400, /page/);
        await expectError(await get(`${list}?extensions=yes`), 400, /extensions/);
        await expectError(await get(`${list}?status=pending`), 400, /status/);
        await expectError(
          await get(`${base}/servicerequestupdates.${fmt}?start_date=soon`),
          400,
          /start_date/,
        );
        await expectError(await get(`${base}/nothing.${fmt}`), 404, /nothing/);
        await expectError(
          await post(`${base}/servicerequestupdates.${fmt}`, {
            api_key: key,
            service_request_id: '000',
            description: '再催一下',
          }),
          404,
          /000/,
        );
        await expectError(
          await post(`${base}/servicerequestupdates.${fmt}`, { api_key: key, description: '再催一下' }),
          400,
          /service_request_id/,
        );
      }
    expect(await counts()).toEqual(before);
    expect(await sandboxCount()).toBe(sandboxBefore);
  });

  it('pages the list (default 50, page_size up to 200) in a stable order, and filters by updated_after / updated_before', async () => {
    // Enough requests for three pages of 2, in a grid of their own.
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await wholeCellCentre(ctx().store.db, `12010100${3 + i}`).catch(() => null);
      if (!c) continue;
      const res = await post('/open311/v2/requests.json', {
        api_key: KEY,
        service_code: 'event.0106',
        lat: String(c.lat),
        long: String(c.lon),
        description: `翻页 ${i}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      made.push(res.json()[0].service_request_id);
    }
    expect(made.length).toBeGreaterThanOrEqual(3);
    for (const fmt of FORMATS) {
      const all = data(
        fmt,
        (await get(`/open311/v2/requests.${fmt}?page_size=200`)).body,
        'service_requests',
        'request',
      );
      const dflt = data(fmt, (await get(`/open311/v2/requests.${fmt}`)).body, 'service_requests', 'request');
      expect(dflt.length).toBe(Math.min(50, all.length));
      const ids = (rows: { service_request_id: string }[]) => rows.map((r) => r.service_request_id);
      expect(ids(dflt)).toEqual(ids(all).slice(0, 50));
      // newest first, ties by id: the same order every time
      const times = all.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const pages = [];
      for (let page = 1; page <= 3; page++)
        pages.push(
          ...ids(
            data(
              fmt,
              (await get(`/open311/v2/requests.${fmt}?page_size=2&page=${page}`)).body,
              'service_requests',
              'request',
            ),
          ),
        );
      expect(pages).toEqual(ids(all).slice(0, 6));
    }
    // updated_after / updated_before: touch one request (a public reply) and find it by its change time.
    const target = made[0] as string;
    const row = await ctx()
      .store.db.selectFrom('cases')
      .select(['id', 'version', 'updated_at'])
      .where('number', '=', target)
      .executeTakeFirstOrThrow();
    const cut = new Date(Date.now() + 1000);
    await ctx()
      .store.db.updateTable('cases')
      .set({ updated_at: new Date(cut.getTime() + 60_000) })
      .where('id', '=', row.id)
      .execute();
    for (const fmt of FORMATS) {
      const after = data(
        fmt,
        (await get(`/open311/v2/requests.${fmt}?updated_after=${encodeURIComponent(cut.toISOString())}`))
          .body,
        'service_requests',
        'request',
      );
      expect(after.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([target]);
      const before = data(
        fmt,
        (
          await get(
            `/open311/v2/requests.${fmt}?page_size=200&updated_before=${encodeURIComponent(cut.toISOString())}`,
          )
        ).body,
        'service_requests',
        'request',
      );
      expect(before.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(target);
      expect(before.length).toBeGreaterThan(0);
    }
  });

  it('adds extended_attributes with extensions=true: detailed state, unit and public notes, within the publication policy', async () => {
    const res = await post('/open311/v2/requests.json', {
      api_key: KEY,
      service_code: 'request.0101',
      ...other,
      description: '咨询：电话13812345678',
    });
    const number = res.json()[0].service_request_id as string;
    const operator = await ctx().login('operator');
    const c = await ctx()
      .store.db.selectFrom('cases')
      .select(['id', 'version'])
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    const closed = await operator.post(`/api/cases/${c.id}/transitions`, {
      version: c.version,
      type: 'close',
      answeredOnCall: true,
      note: '内部：已回访',
      publicReply: '请拨打 022-23456789 咨询',
    });
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    for (const fmt of FORMATS) {
      const plain = data(
        fmt,
        (await get(`/open311/v2/requests/${number}.${fmt}`)).body,
        'service_requests',
        'request',
      );
      expect(plain[0]).not.toHaveProperty('extended_attributes');
      const ext = await get(`/open311/v2/requests/${number}.${fmt}?extensions=true`);
      const [r] = data(fmt, ext.body, 'service_requests', 'request');
      const e = r.extended_attributes;
      expect(e.detailed_status).toBe('closed');
      expect(e.detailed_status_name).toBe('已办结');
      const notes = fmt === 'json' ? e.public_notes : e.public_notes.note;
      expect(notes).toHaveLength(1);
      expect(notes[0].description).toBe('请拨打 022-****6789 咨询');
      expect(ext.body).not.toContain('内部');
      expect(ext.body).not.toContain('23456789');
      const listed = data(
        fmt,
        (await get(`/open311/v2/requests.${fmt}?extensions=true&service_code=request.0101`)).body,
        'service_requests',
        'request',
      );
      expect(listed.every((x: { extended_attributes?: unknown }) => x.extended_attributes)).toBe(true);
    }
    // A category set to publish nothing publishes no extended attributes either: the request is absent.
    const admin = await ctx().login('admin');
    expect((await admin.patch('/api/categories/request.0101', { publication: 'none' })).status).toBe(200);
    expect((await get(`/open311/v2/requests/${number}.json?extensions=true`)).statusCode).toBe(404);
    expect((await admin.patch('/api/categories/request.0101', { publication: 'status' })).status).toBe(200);
  });

  it('feeds servicerequestupdates (id, status, description, time, media) and takes an update to a request', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const res = await post('/open311/v2/requests.json', {
      api_key: KEY,
      service_code: 'event.0106',
      lat: String(Number(point.lat) - 0.0001),
      long: String(Number(point.long) - 0.0001),
      description: '焚烧落叶',
      media_url: 'https://example.org/leaves.jpg',
    });
    expect(res.statusCode, res.body).toBe(200);
    const number = res.json()[0].service_request_id as string;
    for (const fmt of FORMATS) {
      const posted = await post(`/open311/v2/servicerequestupdates.${fmt}`, {
        api_key: KEY,
        service_request_id: number,
        description: `还在烧 ${fmt}`,
      });
      expect(posted.statusCode, posted.body).toBe(200);
      const [u] = data(fmt, posted.body, 'service_request_updates', 'request_update');
      expect(u.service_request_id).toBe(number);
      expect(u.update_id).toMatch(/^\d+$/);
    }
    for (const fmt of FORMATS) {
      const feed = data(
        fmt,
        (
          await get(
            `/open311/v2/servicerequestupdates.${fmt}?start_date=${encodeURIComponent(since)}&service_request_id=${number}`,
          )
        ).body,
        'service_request_updates',
        'request_update',
      );
      expect(feed.map((u: { description: string }) => u.description)).toEqual([
        '已受理',
        '收到补充',
        '收到补充',
      ]);
      expect(feed[0]).toMatchObject({
        service_request_id: number,
        status: 'open',
        media_url: 'https://example.org/leaves.jpg',
      });
      expect(feed[0].updated_datetime).toMatch(/\+08:00$/);
      expect(JSON.stringify(feed)).not.toContain('还在烧'); // a citizen's words are the unit's, not the public's
      const ids = feed.map((u: { update_id: string }) => u.update_id);
      expect(new Set(ids).size).toBe(3);
    }
    // Recorded in the case's chain, with the words for staff only; the chain still verifies.
    const ev = await ctx()
      .store.db.selectFrom('case_events as e')
      .innerJoin('cases as c', 'c.id', 'e.case_id')
      .select(['e.note', 'c.id'])
      .where('c.number', '=', number)
      .where('e.type', '=', 'public_update')
      .execute();
    expect(ev.map((e) => e.note)).toEqual(['还在烧 json', '还在烧 xml']);
    const admin = await ctx().login('admin');
    expect((await admin.get(`/api/cases/${ev[0]?.id}/verify`)).json).toMatchObject({ broken: [] });
    // The test endpoint takes updates to its own requests, and feeds them back.
    const t = await post('/open311/test/v2/requests.json', {
      api_key: TEST_KEY,
      service_code: 'event.0102',
      ...point,
      description: '沙箱',
    });
    const tn = t.json()[0].service_request_id as string;
    expect(
      (
        await post('/open311/test/v2/servicerequestupdates.json', {
          api_key: TEST_KEY,
          service_request_id: tn,
          description: '补充说明',
        })
      ).statusCode,
    ).toBe(200);
    const tf = (await get(`/open311/test/v2/servicerequestupdates.json?service_request_id=${tn}`)).json();
    expect(tf.map((u: { description: string }) => u.description)).toEqual(['已受理，待立案', '补充说明']);
  });

  it('takes a photo as multipart media, stored like the portal’s, served while its request is published with text', async () => {
    const photoAt = (await wholeCellCentres(ctx().store.db, '120101001'))
      .slice(3, 5)
      .map((c) => ({ lat: String(c.lat), long: String(c.lon) }));
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    for (const fmt of FORMATS) {
      const form = multipartForm(
        {
          api_key: KEY,
          service_code: 'event.0106',
          ...(photoAt[fmt === 'json' ? 0 : 1] ?? point),
          description: `带照片 ${fmt}`,
        },
        { name: 'fire.png', bytes: png, mime: 'image/png' },
      );
      const res = await ctx().server.app.inject({
        method: 'POST',
        url: `/open311/v2/requests.${fmt}`,
        ...form,
      });
      expect(res.statusCode, res.body).toBe(200);
      const [made] = data(fmt, res.body, 'service_requests', 'request');
      const [r] = data(
        fmt,
        (await get(`/open311/v2/requests/${made.service_request_id}.${fmt}`)).body,
        'service_requests',
        'request',
      );
      expect(r.media_url).toMatch(/\/open311\/v2\/media\/[0-9a-f]{64}\.png$/);
      const photo = await get(new URL(r.media_url).pathname);
      expect(photo.statusCode).toBe(200);
      expect(photo.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(photo.rawPayload, png)).toBe(0);
      // The same file is the case's evidence, as the portal's photos are.
      const ev = await ctx()
        .store.db.selectFrom('cases as c')
        .innerJoin('case_events as e', 'e.case_id', 'c.id')
        .select('e.evidence')
        .where('c.number', '=', made.service_request_id)
        .executeTakeFirstOrThrow();
      expect(ev.evidence).toHaveLength(1);
    }
    expect((await get(`/open311/v2/media/${'0'.repeat(64)}.png`)).statusCode).toBe(404);
  });
});
