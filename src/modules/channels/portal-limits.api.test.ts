/**
 * The citizen portal under parallel and hostile use: the hourly limits hold exactly, refused reports
 * do not count, idempotency keys belong to one caller, and markup is kept and shown as plain text.
 */
import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, expect, it } from 'vitest';
import { describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { LIMITS } from './portal.service.js';

const MARKUP = '<svg/onload=alert(1)>小区门口垃圾堆了三天';

describeApi('citizen portal limits, idempotency and markup', (ctx) => {
  let point: { lon: number; lat: number };
  let addressSeq = 0;
  /** A caller nobody else uses: its own address and device. */
  const caller = (device = `dev-${++addressSeq}-${Date.now().toString(36)}`) => ({
    address: `10.77.${(addressSeq >> 8) & 255}.${addressSeq & 255}`,
    device,
  });
  const report = (
    who: { address: string; device: string },
    patch: object = {},
    headers: Record<string, string> = {},
  ) =>
    ctx().server.app.inject({
      method: 'POST',
      url: '/api/public/reports',
      payload: { serviceCode: 'event.0102', description: '小区门口垃圾堆了三天没人清', ...point, ...patch },
      remoteAddress: who.address,
      headers: { 'x-wangge-device': who.device, ...headers },
    });
  const statuses = (replies: { statusCode: number }[]) => replies.map((r) => r.statusCode).sort();

  beforeAll(async () => {
    const { lon, lat } = await wholeCellCentre(ctx().store.db, '120101003');
    point = { lon, lat };
    // The markup tests read the text back from Open311: the category must publish it (0016).
    const admin = await ctx().login('admin');
    expect((await admin.patch('/api/categories/event.0102', { publication: 'text' })).status).toBe(200);
  });

  it(`takes exactly ${LIMITS.report.device} of ${LIMITS.report.device + 4} parallel reports from one device`, async () => {
    const who = caller();
    const replies = await Promise.all(
      Array.from({ length: LIMITS.report.device + 4 }, (_, i) =>
        report(who, { description: `第${i}次反映门口垃圾问题` }),
      ),
    );
    expect(statuses(replies)).toEqual([...Array(LIMITS.report.device).fill(201), ...Array(4).fill(429)]);
    expect(replies.find((r) => r.statusCode === 429)?.json().error.code).toBe('too_many_submissions');
  });

  it(`takes exactly ${LIMITS.report.source} of ${LIMITS.report.source + 5} parallel reports from one address on many devices`, async () => {
    const { address } = caller();
    const replies = await Promise.all(
      Array.from({ length: LIMITS.report.source + 5 }, (_, i) =>
        report(
          { address, device: `many-devices-${addressSeq}-${i}` },
          { description: `第${i}台手机反映垃圾` },
        ),
      ),
    );
    expect(statuses(replies)).toEqual([...Array(LIMITS.report.source).fill(201), ...Array(5).fill(429)]);
  });

  it('does not count a refused report against the hourly limit', async () => {
    const who = caller();
    for (let i = 0; i < LIMITS.report.device; i++) {
      const refused = await report(who, i % 2 ? { serviceCode: 'event.9999' } : { lon: 116.4, lat: 39.9 });
      expect(refused.statusCode, refused.body).toBe(400);
    }
    for (let i = 0; i < LIMITS.report.device; i++) {
      const ok = await report(who, { description: `拒绝之后第${i}次反映垃圾` });
      expect(ok.statusCode, ok.body).toBe(201);
    }
    expect((await report(who, { description: '超过限额的一次反映' })).statusCode).toBe(429);
  });

  it('keeps each caller’s idempotency keys apart: the same key and body from two citizens make two reports', async () => {
    const first = caller();
    const second = caller();
    const key = { 'idempotency-key': 'shared-portal-key-0001' };
    const body = { description: '同一个键、同一段话：路灯不亮' };
    const a = await report(first, body, key);
    const b = await report(second, body, key);
    expect([a.statusCode, b.statusCode], b.body).toEqual([201, 201]);
    expect(b.json().trackingCode).not.toBe(a.json().trackingCode);
    // The first citizen's resend still answers its own report.
    const resent = await report(first, body, key);
    expect([resent.statusCode, resent.json().trackingCode]).toEqual([200, a.json().trackingCode]);
    // The same address on another device is another caller too.
    const otherDevice = await report({ address: first.address, device: `${first.device}-b` }, body, key);
    expect(otherDevice.statusCode).toBe(201);
    expect(otherDevice.json().trackingCode).not.toBe(a.json().trackingCode);
  });

  it('answers parallel resends of one key with one report', async () => {
    const who = caller();
    const key = { 'idempotency-key': 'parallel-resend-0001' };
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => report(who, { description: '同时重发三次：井盖松动' }, key)),
    );
    expect(statuses(replies)).toEqual([200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.json().trackingCode)).size).toBe(1);
    // Resends are not new submissions: the device still has its full hour less one.
    for (let i = 1; i < LIMITS.report.device; i++)
      expect((await report(who, { description: `重发之后第${i}次反映` })).statusCode).toBe(201);
  });

  it('stores markup verbatim and returns it as text: staff API, Open311 JSON and XML', async () => {
    const res = await report(caller(), { description: MARKUP, contact: { name: '<b>王</b>' } });
    expect(res.statusCode, res.body).toBe(201);
    const { trackingCode, number } = res.json();
    const row = await ctx()
      .store.db.selectFrom('cases')
      .select(['id', 'description', 'title'])
      .where('tracking_code', '=', trackingCode)
      .executeTakeFirstOrThrow();
    expect(row.description).toBe(MARKUP);
    const lead = await ctx().login('shift_lead');
    const detail = await lead.get(`/api/cases/${row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.headers['content-type']).toMatch(/^application\/json/);
    expect(detail.json.description).toBe(MARKUP);
    expect(detail.json.title).toBe(MARKUP.slice(0, 40));

    const json = await ctx().server.app.inject({ method: 'GET', url: `/open311/v2/requests/${number}.json` });
    expect(json.json()[0].description).toBe(MARKUP);
    const xml = await ctx().server.app.inject({ method: 'GET', url: `/open311/v2/requests/${number}.xml` });
    expect(xml.body).not.toContain('<svg');
    expect(xml.body).toContain('&lt;svg/onload=alert(1)&gt;');
    const parsed = new XMLParser({ ignoreAttributes: true, parseTagValue: false }).parse(xml.body);
    expect(parsed.service_requests.request.description).toBe(MARKUP);
  });

  it('takes an Open311 request with markup and keeps it as text', async () => {
    const centre = await wholeCellCentre(ctx().store.db, '120101001');
    const res = await ctx().server.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        api_key: ctx().seed.open311Key ?? '',
        service_code: 'event.0102',
        lat: String(centre.lat),
        long: String(centre.lon),
        description: '<script>alert(1)</script>路边有垃圾',
        first_name: '<i>张</i>',
        address_string: '<img src=x onerror=alert(1)>',
      }).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const [created] = res.json();
    const one = await ctx().server.app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${created.service_request_id}.xml`,
    });
    expect(one.body).not.toMatch(/<script|<img/);
    const parsed = new XMLParser({ ignoreAttributes: true, parseTagValue: false }).parse(one.body);
    expect(parsed.service_requests.request.description).toBe('<script>alert(1)</script>路边有垃圾');
    expect(parsed.service_requests.request.address).toBe('<img src=x onerror=alert(1)>');
  });

  it('exports text that looks like a formula as a string cell, never a formula', async () => {
    const admin = await ctx().login('admin');
    const texts = {
      name: '=HYPERLINK("http://x.invalid","点我")',
      filingCriterion: '+1+2',
      closingCriterion: '-3+4',
      keywords: '@SUM(1,2)',
    };
    const patched = await admin.patch('/api/categories/event.0104', texts);
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const file = await admin.get('/api/categories/export.xlsx');
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no worksheet');
    const found = new Map<string, ExcelJS.Cell>();
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        for (const t of Object.values(texts)) if (cell.value === t) found.set(t, cell);
      }),
    );
    for (const t of Object.values(texts)) {
      const cell = found.get(t);
      expect(cell, t).toBeDefined();
      expect(cell?.type, t).toBe(ExcelJS.ValueType.String);
      expect(cell?.formula, t).toBeUndefined();
    }
  });
});
