import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { type Client, describeApi, multipart } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { DEFAULT_SCHEME } from './scheme.js';

const png = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#3c6' } })
    .png()
    .toBuffer();

describeApi('evaluation API: indicators recount, drill-down, scope, schemes, bulletin', (ctx) => {
  let inspector: Client;
  let shiftLead: Client;
  let dispatcher: Client;
  let street: Client;
  let handler: Client;
  let operator: Client;
  let leader: Client;
  let admin: Client;
  const ids: Record<string, string> = {};
  let numberA = '';

  const month = () => {
    const local = new Date(Date.now() + 8 * 3_600_000);
    return local.toISOString().slice(0, 7);
  };

  beforeAll(async () => {
    inspector = await ctx().login('inspector');
    shiftLead = await ctx().login('shift_lead');
    dispatcher = await ctx().login('dispatcher');
    street = await ctx().login('street');
    handler = await ctx().login('handler');
    operator = await ctx().login('operator');
    leader = await ctx().login('leader');
    admin = await ctx().login('admin');
    const grid = await wholeCellCentre(ctx().store.db, '120101001');
    const other = await wholeCellCentre(ctx().store.db, '120101002');
    const report = async (c: Client, at: { lon: number; lat: number }) => {
      const res = await c.post('/api/cases', {
        categoryCode: 'event.0102',
        title: '暴露垃圾',
        lon: at.lon,
        lat: at.lat,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      return res.json as { id: string; number: string };
    };
    const step = async (c: Client, id: string, body: Record<string, unknown>) => {
      const { version } = (await c.get(`/api/cases/${id}`)).json;
      const res = await c.post(`/api/cases/${id}/transitions`, { version, ...body });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    };
    const m = multipart('after.png', await png(), 'image/png');
    const photo = (await street.request('POST', '/api/attachments', m.payload, m.headers)).json.hash;
    const toHandling = async (id: string) => {
      await step(shiftLead, id, { type: 'file' });
      await step(dispatcher, id, { type: 'dispatch', mode: 'auto' });
      await step(street, id, { type: 'sign' });
    };
    const feedback = (id: string) =>
      step(street, id, { type: 'feedback', note: '已清运', evidence: [photo] });
    // A: the whole loop, rated satisfied.
    const a = await report(inspector, grid);
    ids.a = a.id;
    numberA = a.number;
    await toHandling(a.id);
    await feedback(a.id);
    await step(inspector, a.id, { type: 'check', pass: true, note: '已清理' });
    await step(shiftLead, a.id, { type: 'close' });
    await step(operator, a.id, { type: 'rate', rating: 'satisfied' });
    // B: sent back once after a failed 核查 (返工), then closed.
    const b = await report(inspector, grid);
    ids.b = b.id;
    await toHandling(b.id);
    await feedback(b.id);
    await step(inspector, b.id, { type: 'check', pass: false, note: '仍有垃圾' });
    await feedback(b.id);
    await step(inspector, b.id, { type: 'check', pass: true, note: '已清理' });
    await step(shiftLead, b.id, { type: 'close' });
    // C: still being handled.
    ids.c = (await report(inspector, grid)).id;
    await toHandling(ids.c);
    // D: rejected (不予立案).
    ids.d = (await report(inspector, grid)).id;
    await step(shiftLead, ids.d, { type: 'reject', reason: '不属实' });
    // E: another street, filed.
    ids.e = (await report(shiftLead, other)).id;
    await step(shiftLead, ids.e, { type: 'file' });
  });

  const figures = async (c: Client, query: string) => {
    const res = await c.get(`/api/evaluation/indicators?${query}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return new Map<
      string,
      { numerator: number; denominator: number | null; rate: number | null; caseIds: string[] }
    >(res.json.figures.map((f: { key: string }) => [f.key, f]));
  };

  it('recounts the seeded month: each figure and the cases behind it', async () => {
    const f = await figures(leader, `period=${month()}&area=120101`);
    expect(f.get('filing_rate')).toMatchObject({ numerator: 4, denominator: 5, rate: 80 });
    expect(new Set(f.get('filing_rate')?.caseIds)).toEqual(new Set([ids.a, ids.b, ids.c, ids.e]));
    expect(f.get('closing_rate')).toMatchObject({ numerator: 2, denominator: 2, rate: 100 });
    // Per check (核查次): b failed once then passed, a passed once.
    expect(f.get('rework_rate')).toMatchObject({ numerator: 1, denominator: 3, caseIds: [ids.b] });
    expect(f.get('return_rate')).toMatchObject({ numerator: 0, denominator: 3 });
    // Every figure opens its cases through the case list's `ids` filter.
    const list = await leader.get(`/api/cases?ids=${f.get('closing_rate')?.caseIds.join(',')}`);
    expect(list.json.total).toBe(2);
    expect(new Set(list.json.items.map((i: { id: string }) => i.id))).toEqual(new Set([ids.a, ids.b]));
  });

  it('the streets add up to the district (recount by area), and a unit sees its own cases', async () => {
    const all = await figures(leader, `period=${month()}`);
    const a = await figures(leader, `period=${month()}&area=120101001`);
    const b = await figures(leader, `period=${month()}&area=120101002`);
    for (const key of ['filing_rate', 'closing_rate', 'rework_rate', 'overdue_count']) {
      expect((a.get(key)?.numerator ?? 0) + (b.get(key)?.numerator ?? 0), key).toBe(all.get(key)?.numerator);
    }
    const units = (await admin.get('/api/units')).json;
    const office = units.find((u: { name: string }) => u.name === '劝业场街道办事处');
    const unit = await figures(street, `period=${month()}&unit=${office.id}`);
    expect(unit.get('closing_rate')).toMatchObject({ numerator: 2, denominator: 2 });
  });

  it('a role outside a scope sees neither its figures nor its cases; bad input names the field', async () => {
    const out = await inspector.get(`/api/evaluation/indicators?period=${month()}&area=120101002`);
    expect([out.status, out.json.error.details]).toEqual([404, { field: 'area' }]);
    const own = await figures(inspector, `period=${month()}`);
    expect(own.get('filing_rate')?.caseIds).not.toContain(ids.e);
    const byArea = await handler.get(`/api/evaluation/indicators?period=${month()}&area=120101001`);
    expect(byArea.status).toBe(404);
    const unknown = await leader.get(`/api/evaluation/indicators?period=${month()}&area=120101999`);
    expect([unknown.status, unknown.json.error.details]).toEqual([404, { field: 'area' }]);
    const future = await leader.get('/api/evaluation/indicators?period=2999-01');
    expect([future.status, future.json.error.details]).toEqual([400, { field: 'period' }]);
    const inverted = await leader.get('/api/evaluation/indicators?from=2026-03-02&to=2026-03-01');
    expect([inverted.status, inverted.json.error.details]).toEqual([400, { field: 'to' }]);
    const huge = await leader.get('/api/evaluation/indicators?from=2020-01-01&to=2026-01-01');
    expect([huge.status, huge.json.error.details]).toEqual([400, { field: 'to' }]);
    const badUnit = await leader.get(`/api/evaluation/indicators?unit=00000000-0000-4000-8000-000000000009`);
    expect([badUnit.status, badUnit.json.error.details]).toEqual([404, { field: 'unit' }]);
  });

  it('validates the scheme setting: malformed weights answer 400 naming the field; a valid one is in force', async () => {
    const put = (scheme: unknown) =>
      leader.request('PUT', '/api/evaluation/scheme', { district: '120101', period: month(), scheme });
    const negative = structuredClone(DEFAULT_SCHEME) as unknown as { rules: { points?: number }[] };
    (negative.rules[0] as { points: number }).points = -5;
    const r1 = await put(negative);
    expect(r1.status).toBe(400);
    expect(r1.json.error.details[0].path).toBe('body.scheme.rules.0.points');
    const unknownIndicator = structuredClone(DEFAULT_SCHEME) as unknown as {
      rules: { indicator?: string }[];
    };
    (unknownIndicator.rules[0] as { indicator: string }).indicator = 'happiness';
    expect((await put(unknownIndicator)).json.error.details[0].path).toMatch(/^body\.scheme\.rules\.0/);
    const repeated = { ...DEFAULT_SCHEME, rules: [DEFAULT_SCHEME.rules[0], DEFAULT_SCHEME.rules[0]] };
    expect((await put(repeated)).json.error.details[0].path).toBe('body.scheme.rules.1.id');
    const text = await leader.request('PUT', '/api/evaluation/scheme', {
      district: '120101',
      period: month(),
      scheme: { ...DEFAULT_SCHEME, grades: 'x' },
    });
    expect(text.json.error.details[0].path).toBe('body.scheme.grades');
    const mine = { ...DEFAULT_SCHEME, name: '和平区考核方案', rules: DEFAULT_SCHEME.rules.slice(0, 2) };
    const ok = await put(mine);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const got = (await inspector.get(`/api/evaluation/scheme?district=120101&period=${month()}`)).json;
    expect(got).toMatchObject({ source: 'stored', period: month(), scheme: { name: '和平区考核方案' } });
    expect(
      (
        await street.request('PUT', '/api/evaluation/scheme', {
          district: '120101',
          period: month(),
          scheme: mine,
        })
      ).status,
    ).toBe(403);
    const scores = (await leader.get(`/api/evaluation/scores?district=120101&period=${month()}`)).json;
    expect(scores.scheme.name).toBe('和平区考核方案');
    const a = scores.streets.find((s: { id: string }) => s.id === '120101001');
    expect(a.items.map((i: { ruleId: string }) => i.ruleId)).toEqual(['ontime_closing', 'closing']);
    expect(a.grade.colour).toMatch(/green|blue|yellow|orange|red/);
  });

  it('publishes the bulletin as JSON and XLSX, and opens a case by its public number', async () => {
    const b = await leader.get(`/api/evaluation/bulletin?district=120101&period=${month()}`);
    expect(b.status, JSON.stringify(b.json)).toBe(200);
    const composite = b.json.rankings.find(
      (r: { group: string; key: string }) => r.group === 'street' && r.key === 'composite',
    );
    expect(composite.rows.map((r: { id: string }) => r.id).sort()).toEqual(['120101001', '120101002']);
    const x = await leader.request('GET', `/api/evaluation/bulletin.xlsx?district=120101&period=${month()}`);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '总体指标',
      '街道排名',
      '部门排名',
      '承办人排名',
      '超期案件',
    ]);
    const byNumber = await leader.get(`/api/cases/${numberA}`);
    expect([byNumber.status, byNumber.json.id]).toEqual([200, ids.a]);
    expect((await inspector.get('/api/cases/12010120261202999999')).status).toBe(404);
    const dash = await leader.get('/api/evaluation/dashboard');
    expect(dash.status, JSON.stringify(dash.json)).toBe(200);
    expect(dash.json.today.intake).toBe(5);
  });
});
