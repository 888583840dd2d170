import os from 'node:os';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { FileStore } from '../../platform/files/files.js';
import { type Client, describeApi, multipart } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { CASES_SETTINGS_KEY, Cases, loadCasesOptions } from './cases.service.js';

async function upload(c: Client, filename: string, bytes: Buffer, mime = 'image/png') {
  const m = multipart(filename, bytes, mime);
  return c.request('POST', '/api/attachments', m.payload, m.headers);
}

const png = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#36c' } })
    .png()
    .toBuffer();

describeApi('cases API: catalogue, intake, the loop, concurrency, idempotency, files, jobs', (ctx) => {
  let inspector: Client;
  let shiftLead: Client;
  let dispatcher: Client;
  let street: Client;
  let handler: Client;
  let operator: Client;
  let admin: Client;
  /** A whole ~100 m square grid in 劝业场街道 (the inspector's street) and a point at its centre. */
  let grid: { code: string; lon: number; lat: number };
  /** A grid in another street (劝业场街道 is 120101001). */
  let otherGrid: string;

  beforeAll(async () => {
    inspector = await ctx().login('inspector');
    shiftLead = await ctx().login('shift_lead');
    dispatcher = await ctx().login('dispatcher');
    street = await ctx().login('street');
    handler = await ctx().login('handler');
    operator = await ctx().login('operator');
    admin = await ctx().login('admin');
    grid = await wholeCellCentre(ctx().store.db, '120101001');
    const other = await ctx()
      .store.db.selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101002%')
      .executeTakeFirstOrThrow();
    otherGrid = other.code;
  });

  const report = (c: Client, patch: Record<string, unknown> = {}, key?: string) =>
    c.request(
      'POST',
      '/api/cases',
      {
        categoryCode: 'event.0102',
        title: '路边暴露垃圾',
        description: '和平路口有一堆生活垃圾',
        lon: grid.lon,
        lat: grid.lat,
        ...patch,
      },
      key ? { 'idempotency-key': key } : {},
    );
  const act = (c: Client, id: string, body: Record<string, unknown>) =>
    c.post(`/api/cases/${id}/transitions`, body);
  const detail = async (c: Client, id: string) => (await c.get(`/api/cases/${id}`)).json;

  it('ships the default catalogue with the limits of the district standard', async () => {
    const res = await inspector.get('/api/categories');
    expect(res.status).toBe(200);
    const byName = new Map(res.json.map((c: { name: string }) => [c.name, c]));
    expect(byName.get('道路不洁')).toMatchObject({
      kind: 'event',
      handleLimit: { value: 2, unit: 'work_hour' },
    });
    expect(byName.get('暴露垃圾')).toMatchObject({
      code: 'event.0102',
      handleLimit: { value: 4, unit: 'work_hour' },
    });
    expect(byName.get('私搭乱建')).toMatchObject({ handleLimit: { value: 20, unit: 'work_day' } });
    expect(byName.get('来访')).toMatchObject({
      kind: 'petition',
      fileLimit: { value: 15, unit: 'natural_day' },
      handleLimit: { value: 60, unit: 'natural_day' },
    });
    expect(byName.get('市容环境投诉')).toMatchObject({
      kind: 'request',
      route: 'street',
      checkRequired: false,
    });
    const kinds = new Set(res.json.map((c: { kind: string }) => c.kind));
    expect([...kinds].sort()).toEqual([
      'component',
      'dispute',
      'event',
      'incident',
      'petition',
      'proposal',
      'request',
    ]);
  });

  it('exports the catalogue to XLSX and imports it back; a bad row names itself and changes nothing', async () => {
    const exported = await admin.request('GET', '/api/categories/export.xlsx');
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    const row = ws.getRow(3);
    row.getCell(7).value = '改名的类别';
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    const m = multipart('categories.xlsx', good, 'application/octet-stream');
    const ok = await admin.request('POST', '/api/categories/import', m.payload, m.headers);
    expect(ok.status).toBe(200);
    expect(ok.json.imported).toBeGreaterThan(60);
    const code = String(row.getCell(1).value);
    expect(
      (await admin.get('/api/categories')).json.find((c: { code: string }) => c.code === code).name,
    ).toBe('改名的类别');

    ws.getRow(4).getCell(16).value = 'fortnight'; // handle_unit
    row.getCell(7).value = '不应写入';
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const mb = multipart('categories.xlsx', bad, 'application/octet-stream');
    const refused = await admin.request('POST', '/api/categories/import', mb.payload, mb.headers);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/^工作簿第 4 行数据不正确（handleLimit\.unit/);
    expect(refused.json.error.details).toMatchObject({ row: 4 });
    expect(
      (await admin.get('/api/categories')).json.find((c: { code: string }) => c.code === code).name,
    ).toBe('改名的类别');
    const notXlsx = multipart('x.xlsx', Buffer.from('hello'), 'application/octet-stream');
    expect(
      (await admin.request('POST', '/api/categories/import', notXlsx.payload, notXlsx.headers)).status,
    ).toBe(400);
    expect((await inspector.request('POST', '/api/categories/import', m.payload, m.headers)).status).toBe(
      403,
    );
  });

  it('takes a report: locates the grid, suggests the unit from the rules, starts the filing clock', async () => {
    const res = await report(inspector);
    expect(res.status).toBe(201);
    expect(res.json.number).toMatch(/^120101\d{8}\d{6}$/);
    expect(res.json).toMatchObject({ state: 'reported', version: 1, areaCode: grid.code });
    expect(res.json.trackingCode).toMatch(/^[A-Z2-9]{10}$/);
    const d = await detail(inspector, res.json.id);
    expect(d.suggestedUnitName).toBe('劝业场街道办事处'); // event.01 → 属地街道
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ type: 'report', toState: 'reported', actorRole: 'inspector' });
    expect(d.actions).toEqual([]);
    expect(d.chainValid).toBe(true);
  });

  it('sends 12345 requests straight to the street of the place (直派街乡)', async () => {
    const res = await report(operator, { categoryCode: 'request.0301', title: '小区门口噪音投诉' });
    expect(res.status).toBe(201);
    expect((await detail(operator, res.json.id)).suggestedUnitName).toBe('劝业场街道办事处');
  });

  it('makes one case of a resent report with the same Idempotency-Key', async () => {
    const count = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(ctx().store.db)).rows[0]?.n,
      );
    const before = await count();
    const first = await report(inspector, { title: '重复提交测试' }, 'device-key-0001');
    const again = await report(inspector, { title: '重复提交测试' }, 'device-key-0001');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, number: first.json.number, replayed: true });
    expect(await count()).toBe(before + 1);
    // Two resends racing each other still make one case.
    const racing = await Promise.all(
      [1, 2, 3].map(() => report(inspector, { title: '并发重发' }, 'device-key-0002')),
    );
    expect(new Set(racing.map((r) => r.json.id)).size).toBe(1);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(await count()).toBe(before + 2);
    const reused = await report(inspector, { title: '另一件事' }, 'device-key-0001');
    expect(reused.status).toBe(400);
    expect(reused.json.error.code).toBe('idempotency_key_reused');
    expect(await count()).toBe(before + 2);
  });

  it('refuses bad reports with a clear 4xx and creates nothing', async () => {
    const cases = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(ctx().store.db)).rows[0]?.n,
      );
    const before = await cases();
    const unknown = await report(inspector, { categoryCode: 'event.9999' });
    expect([unknown.status, unknown.json.error.code]).toEqual([400, 'unknown_category']);
    const beijing = await report(inspector, { lon: 116.397, lat: 39.908 });
    expect([beijing.status, beijing.json.error.code]).toEqual([400, 'outside_grids']);
    const ocean = await report(inspector, { lon: -30, lat: 10 });
    expect(ocean.status).toBe(400);
    const noPlace = await report(inspector, { lon: undefined, lat: undefined });
    expect(noPlace.status).toBe(400);
    const wrongType = await report(inspector, { title: 42 });
    expect(wrongType.status).toBe(400);
    const huge = await report(inspector, { description: '长'.repeat(5000) });
    expect(huge.status).toBe(400);
    const otherStreet = await report(inspector, { areaCode: otherGrid, lon: undefined, lat: undefined });
    expect([otherStreet.status, otherStreet.json.error.code]).toEqual([403, 'scope_outside']);
    const handlerReport = await report(handler);
    expect(handlerReport.status).toBe(403);
    const malformed = await inspector.request('POST', '/api/cases', '{"title":', {
      'content-type': 'application/json',
    });
    expect([malformed.status, malformed.json.error.code]).toEqual([400, 'invalid_json']);
    expect(await cases()).toBe(before);
  });

  it('keeps script in text as text', async () => {
    const res = await report(inspector, { title: '<script>alert(1)</script>垃圾' });
    expect(res.status).toBe(201);
    expect((await detail(inspector, res.json.id)).title).toBe('<script>alert(1)</script>垃圾');
  });

  it('runs the whole loop: file, dispatch, sign, feedback with evidence, check, close, rate — and the chain holds', async () => {
    const { id } = (await report(inspector)).json;
    const step = async (c: Client, body: Record<string, unknown>, state: string) => {
      const { version } = await detail(c, id);
      const res = await act(c, id, { version, ...body });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.state).toBe(state);
    };
    expect((await detail(shiftLead, id)).actions).toEqual(
      expect.arrayContaining(['file', 'reject', 'merge']),
    );
    await step(shiftLead, { type: 'file' }, 'filed');
    await step(dispatcher, { type: 'dispatch', mode: 'auto' }, 'dispatched');
    const dispatched = await detail(dispatcher, id);
    expect(dispatched.assignedUnitName).toBe('劝业场街道办事处');
    expect(dispatched.deadline).not.toBe('none');
    // 劝业场街道 is both the handler and a dispatcher here (the `street` demo user).
    await step(street, { type: 'sign' }, 'handling');
    const noEvidence = await act(street, id, {
      version: (await detail(street, id)).version,
      type: 'feedback',
      note: '已清运',
      evidence: [],
    });
    expect([noEvidence.status, noEvidence.json.error.code]).toEqual([400, 'evidence_required']);
    const photo = await upload(street, 'after.png', await png());
    expect(photo.status).toBe(201);
    expect(photo.json).toMatchObject({ mime: 'image/png', width: 640, height: 480, thumbnail: true });
    await step(street, { type: 'feedback', note: '已清运完毕', evidence: [photo.json.hash] }, 'handled');
    await step(inspector, { type: 'check', pass: true, note: '现场已清理干净' }, 'handled');
    await step(shiftLead, { type: 'close' }, 'closed');
    await step(operator, { type: 'rate', rating: 'satisfied' }, 'closed');
    const closed = await detail(shiftLead, id);
    expect(closed.events.map((e: { type: string }) => e.type)).toEqual([
      'report',
      'file',
      'dispatch',
      'sign',
      'feedback',
      'check',
      'close',
      'rate',
    ]);
    expect(closed.rating).toBe('satisfied');
    expect(closed.chainValid).toBe(true);
    const thumb = await inspector.request('GET', `/api/attachments/${photo.json.hash}?thumb=1`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
  });

  it('refuses transitions by the wrong role (403), from the wrong state or an old version (409); nothing changes', async () => {
    const { id } = (await report(inspector)).json;
    const wrongRole = await act(dispatcher, id, { version: 1, type: 'file' });
    expect([wrongRole.status, wrongRole.json.error.code]).toEqual([403, 'forbidden']);
    const wrongState = await act(dispatcher, id, { version: 1, type: 'dispatch', mode: 'auto' });
    expect([wrongState.status, wrongState.json.error.code]).toEqual([409, 'wrong_state']);
    expect((await act(shiftLead, id, { version: 1, type: 'file' })).status).toBe(200);
    const stale = await act(shiftLead, id, { version: 1, type: 'reject', reason: '重复' });
    expect([stale.status, stale.json.error.code]).toEqual([409, 'version_conflict']);
    const noReason = await act(handler, id, { version: 2, type: 'return', reason: 'nope', text: 'x' });
    expect(noReason.status).toBe(400);
    const d = await detail(shiftLead, id);
    expect([d.state, d.version, d.events.length]).toEqual(['filed', 2, 2]);
  });

  it('lets exactly one of two racing dispatchers win; the other gets 409', async () => {
    const { id } = (await report(inspector)).json;
    await act(shiftLead, id, { version: 1, type: 'file' });
    const units = (await dispatcher.get('/api/units')).json as { id: string; name: string }[];
    const cgw = units.find((u) => u.name === '和平区城市管理委员会')?.id;
    const results = await Promise.all([
      act(dispatcher, id, { version: 2, type: 'dispatch', mode: 'manual', unitId: cgw }),
      act(street, id, { version: 2, type: 'dispatch', mode: 'auto' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const d = await detail(dispatcher, id);
    expect(d.events.filter((e: { type: string }) => e.type === 'dispatch')).toHaveLength(1);
    expect(d.version).toBe(3);
  });

  it('keeps cases outside a user scope invisible (404) and unactionable', async () => {
    const other = await report(operator, {
      areaCode: otherGrid,
      lon: undefined,
      lat: undefined,
      categoryCode: 'request.0101',
      title: '咨询停车',
    });
    expect(other.status).toBe(201);
    expect((await inspector.get(`/api/cases/${other.json.id}`)).status).toBe(404);
    expect(
      (
        await act(street, other.json.id, {
          version: 1,
          type: 'whistle',
          unitIds: [],
          leadUnitId: other.json.id,
        })
      ).status,
    ).toBe(400);
    const list = await inspector.get('/api/cases?limit=500');
    expect(list.json.items.every((c: { areaCode: string }) => c.areaCode.startsWith('120101001'))).toBe(true);
  });

  it('refuses forged and oversize files', async () => {
    const forged = await upload(
      inspector,
      'photo.jpg',
      Buffer.from('MZ this is not a photo at all'),
      'image/jpeg',
    );
    expect([forged.status, forged.json.error.code]).toEqual([400, 'file_type']);
    const big = await upload(
      inspector,
      'big.png',
      Buffer.concat([await png(), Buffer.alloc(11 * 1024 * 1024)]),
    );
    expect(big.status).toBe(413);
    const pdf = await upload(
      inspector,
      'x.pdf',
      Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
      'application/pdf',
    );
    expect(pdf.status).toBe(201);
    expect(pdf.json).toMatchObject({ mime: 'application/pdf', thumbnail: false });
    expect((await handler.request('GET', `/api/attachments/${pdf.json.hash}`)).status).toBe(404);
  });

  it('suggests open cases of the same category nearby, and merges keeping both timelines', async () => {
    const first = (await report(inspector, { title: '和平路口垃圾成堆无人清理' })).json;
    const q = `/api/cases/duplicates?category=event.0102&lon=${grid.lon + 0.0002}&lat=${grid.lat}&text=${encodeURIComponent('和平路口垃圾成堆')}`;
    const dups = await shiftLead.get(q);
    expect(dups.status).toBe(200);
    const hit = dups.json.find((d: { id: string }) => d.id === first.id);
    expect(hit.distanceM).toBeLessThan(50);
    expect(hit.similarity).toBeGreaterThan(0.3);
    const far = await shiftLead.get(
      `/api/cases/duplicates?category=event.0102&lon=${grid.lon + 0.01}&lat=${grid.lat}&text=x`,
    );
    expect(far.json.find((d: { id: string }) => d.id === first.id)).toBeUndefined();
    const second = (await report(inspector, { title: '和平路口垃圾' })).json;
    const merged = await act(shiftLead, second.id, { version: 1, type: 'merge', intoCaseId: first.id });
    expect(merged.json.state).toBe('merged');
    const target = await detail(shiftLead, first.id);
    expect(target.merged.map((m: { id: string }) => m.id)).toEqual([second.id]);
    expect(target.events.at(-1)).toMatchObject({ type: 'merge_in', payload: { mergedCaseId: second.id } });
    expect((await detail(shiftLead, second.id)).events.map((e: { type: string }) => e.type)).toEqual([
      'report',
      'merge',
    ]);
  });

  it('detects a tampered event in the hash chain', async () => {
    const { id } = (await report(inspector, { title: '篡改检测' })).json;
    await act(shiftLead, id, { version: 1, type: 'file', note: '立案' });
    const supervisor = await ctx().login('supervisor');
    expect((await supervisor.get(`/api/cases/${id}/verify`)).json.broken).toEqual([]);
    await ctx()
      .store.db.updateTable('case_events')
      .set({ note: '改过的说明' })
      .where('case_id', '=', id)
      .where('seq', '=', 2)
      .execute();
    const verify = await supervisor.get(`/api/cases/${id}/verify`);
    expect(verify.json.broken).toEqual([expect.objectContaining({ caseId: id, seq: 2, problem: 'hash' })]);
    expect((await detail(supervisor, id)).chainValid).toBe(false);
  });

  it('runs the deadline jobs: warning, overdue, escalation; each once', async () => {
    const { id } = (await report(inspector, { title: '超时测试' })).json;
    await act(shiftLead, id, { version: 1, type: 'file' });
    await act(dispatcher, id, { version: 2, type: 'dispatch', mode: 'auto' });
    const later = () => new Date(Date.now() + 40 * 86_400_000);
    expect(await ctx().server.runJobs(later)).toBeGreaterThanOrEqual(3);
    expect(await ctx().server.runJobs(later)).toBe(0);
    const d = await detail(dispatcher, id);
    expect(d.events.at(-1)).toMatchObject({ type: 'escalate', actorRole: 'system' });
    const kinds = (await street.get('/api/notifications')).json
      .filter((n: { caseId: string }) => n.caseId === id)
      .map((n: { kind: string }) => n.kind);
    expect(kinds.sort()).toEqual(['overdue', 'warning']);
  });

  it('saves list views per user', async () => {
    const saved = await dispatcher.post('/api/case-views', {
      name: '超时待派',
      filters: { queue: 'dispatch', overdue: '1' },
    });
    expect(saved.status).toBe(201);
    expect((await dispatcher.get('/api/case-views')).json).toEqual([saved.json]);
    expect((await shiftLead.get('/api/case-views')).json).toEqual([]);
    expect((await shiftLead.delete(`/api/case-views/${saved.json.id}`)).status).toBe(404);
    const queue = await dispatcher.get('/api/cases?queue=dispatch');
    expect(queue.json.items.every((c: { state: string }) => c.state === 'filed')).toBe(true);
  });

  it('reads per-district duty hours and the escalation multiple from the settings, and refuses bad ones at start', async () => {
    const db = ctx().store.db;
    const setting = (value: object) =>
      db
        .insertInto('settings')
        .values({ key: CASES_SETTINGS_KEY, value: JSON.stringify(value) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value) }))
        .execute();
    await setting({ dutyHours: { '120101': ['09:00-12:00', '14:00-18:00'] }, escalateMultiple: 3 });
    const cases = new Cases(
      db,
      ctx().server.places,
      new FileStore(db, os.tmpdir()),
      await loadCasesOptions(db),
    );
    expect(cases.calendarFor(grid.code).duty).toEqual([
      { start: 540, end: 720 },
      { start: 840, end: 1080 },
    ]);
    expect(cases.calendarFor('120103001001001').duty[0]).toEqual({ start: 510, end: 720 }); // the default elsewhere
    expect(cases.escalateMultiple).toBe(3);
    await setting({ dutyHours: { '120101': ['18:00-09:00'] } });
    const opts = await loadCasesOptions(db);
    expect(() => new Cases(db, ctx().server.places, new FileStore(db, os.tmpdir()), opts)).toThrow(
      /duty period/,
    );
    await db.deleteFrom('settings').where('key', '=', CASES_SETTINGS_KEY).execute();
  });

  it('describes every case route in the OpenAPI document', async () => {
    const doc = (await ctx().anonymous.get('/api/openapi.json')).json;
    for (const p of [
      '/api/cases',
      '/api/cases/{id}',
      '/api/cases/{id}/transitions',
      '/api/categories',
      '/api/attachments',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
