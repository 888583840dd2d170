import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { describeApi, multipart } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { LIMITS } from './portal.service.js';

describeApi('citizen portal: report, track, rate, abuse limits', (ctx) => {
  let point: { lon: number; lat: number };
  let device = 0;
  const send = (url: string, payload: unknown, headers: Record<string, string> = {}, address = '10.1.0.1') =>
    ctx().server.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      remoteAddress: address,
      headers: { 'x-wangge-device': `device-${device}-abcdef`, ...headers },
    });
  const report = (patch: object = {}, headers: Record<string, string> = {}, address?: string) =>
    send(
      '/api/public/reports',
      { serviceCode: 'event.0102', description: '小区门口垃圾堆了三天没人清', ...point, ...patch },
      headers,
      address,
    );

  beforeAll(async () => {
    const { lon, lat } = await wholeCellCentre(ctx().store.db, '120101003');
    point = { lon, lat };
  });

  it('lists plain services and the street map without logging in', async () => {
    const services = (await ctx().anonymous.get('/api/public/services')).json as {
      code: string;
      kind: string;
      publication: string;
      pointPrecision: string;
    }[];
    expect(services.some((s) => s.code === 'event.0102')).toBe(true);
    // Each says how much of a report the public will see (公开范围): the cautious default until edited.
    expect(services.find((s) => s.code === 'event.0102')).toMatchObject({
      publication: 'status',
      pointPrecision: 'grid',
      // Both languages: the portal shows the English name to an English reader.
      nameEn: 'Exposed rubbish',
    });
    expect(services.some((s) => s.kind === 'petition')).toBe(false);
    const map = (await ctx().anonymous.get('/api/public/areas.geojson?level=street')).json;
    expect(map.features.length).toBeGreaterThan(3);
    expect((await ctx().anonymous.get('/api/public/areas.geojson?level=grid')).status).toBe(400);
  });

  it('takes a report with a photo and contact, answers a tracking code; the timeline shows no names or personal data', async () => {
    device = 1;
    const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0a0' } })
      .jpeg()
      .toBuffer();
    const m = multipart('p.jpg', photo, 'image/jpeg');
    const up = await send('/api/public/uploads', m.payload, m.headers);
    expect(up.statusCode, up.body).toBe(201);
    const res = await report(
      { photos: [up.json().hash], contact: { name: '王女士', phone: '13900000000' } },
      { 'idempotency-key': 'portal-key-0001' },
    );
    expect(res.statusCode, res.body).toBe(201);
    const { trackingCode } = res.json();
    const pdf = multipart(
      'x.pdf',
      Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
      'application/pdf',
    );
    const refused = await send('/api/public/uploads', pdf.payload, pdf.headers);
    expect([refused.statusCode, refused.json().error.code]).toEqual([400, 'file_type']);
    expect(
      await ctx()
        .store.db.selectFrom('attachments')
        .select('hash')
        .where('mime', '=', 'application/pdf')
        .execute(),
    ).toEqual([]);
    const again = await report(
      { photos: [up.json().hash], contact: { name: '王女士', phone: '13900000000' } },
      { 'idempotency-key': 'portal-key-0001' },
    );
    expect(again.json().trackingCode).toBe(trackingCode);
    const t = await ctx().anonymous.get(`/api/public/track/${trackingCode}`);
    expect(t.json).toMatchObject({
      service: '暴露垃圾',
      closed: false,
      canRate: false,
      timeline: [{ step: 'report', label: '已提交', reply: null }],
    });
    expect(t.body).not.toMatch(/王女士|13900000000|受理员|portal/);
    expect((await ctx().anonymous.get('/api/public/track/AAAAAAAAAA')).status).toBe(404);
  });

  // Markup is not refused: it is kept and shown as text (portal-limits.api.test.ts).
  it('refuses unknown services, points outside every grid and petitions, creating nothing', async () => {
    device = 2;
    const count = async () =>
      (await ctx().store.db.selectFrom('cases').select('id').where('source', '=', 'portal').execute()).length;
    const before = await count();
    expect((await report({ serviceCode: 'petition.0102' })).json().error.code).toBe('unknown_category');
    expect((await report({ lon: 116.4, lat: 39.9 })).json().error.code).toBe('outside_grids');
    expect((await report({}, { 'x-wangge-device': '' })).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('limits reports per device and per address', async () => {
    device = 3;
    for (let i = 0; i < LIMITS.report.device; i++)
      expect((await report({ description: `第${i}次反映垃圾问题` }, {}, '10.9.9.9')).statusCode).toBe(201);
    const over = await report({ description: '再反映一次垃圾问题' }, {}, '10.9.9.9');
    expect([over.statusCode, over.json().error.code]).toEqual([429, 'too_many_submissions']);
  });

  it('lets the citizen rate a closed report; unsatisfied sends it back (重办)', async () => {
    device = 4;
    const { trackingCode } = (await report({ description: '路灯附近垃圾需要清理' })).json();
    const db = ctx().store.db;
    const row = await db
      .selectFrom('cases')
      .select(['id'])
      .where('tracking_code', '=', trackingCode)
      .executeTakeFirstOrThrow();
    // Close it as staff would, quickly: straight to closed through the engine's own steps.
    const lead = await ctx().login('shift_lead');
    const dispatcher = await ctx().login('dispatcher');
    const handler = await ctx().login('handler');
    const units = (await dispatcher.get('/api/units')).json as { id: string; name: string }[];
    const cgw = units.find((u) => u.name === '和平区城市管理委员会')?.id;
    const step = async (c: typeof lead, body: object) => {
      const { version } = (await c.get(`/api/cases/${row.id}`)).json;
      const r = await c.post(`/api/cases/${row.id}/transitions`, { version, ...body });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    };
    await step(lead, { type: 'file' });
    await step(dispatcher, { type: 'dispatch', mode: 'forced', unitId: cgw });
    await step(handler, { type: 'sign' });
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const m = multipart('done.png', photo, 'image/png');
    const up = await handler.request('POST', '/api/attachments', m.payload, m.headers);
    await step(handler, { type: 'feedback', note: '已清理', evidence: [up.json.hash] });
    // The demo inspector's scope is another street: record the on-site check directly.
    await db.updateTable('cases').set({ checked: true }).where('id', '=', row.id).execute();
    await step(lead, {
      type: 'close',
      note: '已办结：回访满意，居民王某情绪激动',
      publicReply: '垃圾已清运，感谢反映；如再有问题请拨 13912345678',
    });
    const tracked = await ctx().anonymous.get(`/api/public/track/${trackingCode}`);
    expect(tracked.json.canRate).toBe(true);
    // Only the public reply (公开答复) is shown, masked; the staff's notes never are.
    expect(tracked.json.timeline.at(-1)).toEqual({
      step: 'close',
      label: '已办结',
      at: expect.any(String),
      reply: '垃圾已清运，感谢反映；如再有问题请拨 139****5678',
    });
    expect(tracked.json.timeline.slice(0, -1).every((e: { reply: unknown }) => e.reply === null)).toBe(true);
    expect(tracked.body).not.toMatch(/回访满意|王某|已清理|13912345678/);
    const rated = await send(`/api/public/track/${trackingCode}/rate`, {
      rating: 'unsatisfied',
      comment: '还有垃圾',
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ state: 'handling', closed: false, canRate: false });
    expect(rated.json().timeline.at(-1)).toMatchObject({ step: 'rate', label: '已评价' });
    expect((await send(`/api/public/track/${trackingCode}/rate`, { rating: 'satisfied' })).statusCode).toBe(
      409,
    );
  });

  it('a report in a category the public does not see (none) is tracked by its receipt only, never listed', async () => {
    device = 5;
    const admin = await ctx().login('admin');
    expect((await admin.patch('/api/categories/event.0103', { publication: 'none' })).status).toBe(200);
    const services = (await ctx().anonymous.get('/api/public/services')).json as {
      code: string;
      publication: string;
    }[];
    expect(services.find((s) => s.code === 'event.0103')?.publication).toBe('none');
    const res = await report({ serviceCode: 'event.0103', description: '楼下渣土堆放，我家电话13812345678' });
    expect(res.statusCode, res.body).toBe(201);
    const { trackingCode, number } = res.json();
    // The tracking code is the reporter's receipt: steps and times, never the text.
    const t = await ctx().anonymous.get(`/api/public/track/${trackingCode}`);
    expect(t.json).toMatchObject({ number, closed: false, timeline: [{ step: 'report', reply: null }] });
    expect(t.body).not.toMatch(/楼下|我家|13812345678/);
    // Open311 does not publish it: absent from the list, 404 by id.
    const one = await ctx().server.app.inject({ method: 'GET', url: `/open311/v2/requests/${number}.json` });
    expect(one.statusCode).toBe(404);
    const list = await ctx().server.app.inject({
      method: 'GET',
      url: '/open311/v2/requests.json?service_code=event.0103',
    });
    expect(list.json()).toEqual([]);
  });

  it('records the category the citizen filed under against the suggestion shown, with the case, once', async () => {
    device = 9;
    const row = (id: number) =>
      ctx()
        .store.db.selectFrom('routing_suggestions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const suggest = async () => {
      const res = await send(
        '/api/public/suggest',
        { text: '小区门口暴露垃圾乱倒堆放，臭气熏天' },
        {},
        '10.9.0.1',
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { suggestionId: number; suggestions: { categoryCode: string }[] };
    };
    // Taken: filed under the first suggestion.
    const first = await suggest();
    const top = first.suggestions[0]?.categoryCode as string;
    const taken = await report(
      { serviceCode: top, suggestionId: first.suggestionId },
      { 'x-wangge-device': 'device-91-abcdef' },
      '10.9.0.2',
    );
    expect(taken.statusCode, taken.body).toBe(201);
    const caseOf = (code: string) =>
      ctx()
        .store.db.selectFrom('cases')
        .select('id')
        .where('tracking_code', '=', code)
        .executeTakeFirstOrThrow();
    const takenCase = await caseOf(taken.json().trackingCode);
    expect(await row(first.suggestionId)).toMatchObject({
      chosen_category: top,
      accepted: true,
      case_id: takenCase.id,
    });
    // Overridden: filed under another category.
    const second = await suggest();
    const other = top === 'event.0104' ? 'event.0102' : 'event.0104';
    const overridden = await report(
      { serviceCode: other, suggestionId: second.suggestionId },
      { 'x-wangge-device': 'device-92-abcdef' },
      '10.9.0.3',
    );
    expect(overridden.statusCode, overridden.body).toBe(201);
    expect(await row(second.suggestionId)).toMatchObject({ chosen_category: other, accepted: false });
    // A suggestion already chosen is not rewritten by another report (which is still taken).
    const again = await report(
      { serviceCode: other, suggestionId: first.suggestionId },
      { 'x-wangge-device': 'device-93-abcdef' },
      '10.9.0.4',
    );
    expect(again.statusCode, again.body).toBe(201);
    expect(await row(first.suggestionId)).toMatchObject({ chosen_category: top, case_id: takenCase.id });
  });
});
