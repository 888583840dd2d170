import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { type Client, describeApi, multipart } from '../../testing/api.js';
import { type CellCentre, wholeCellCentres } from '../../testing/grid-cells.js';

const VALID: [string, string, string] = ['91350100M000100Y43', '911101080828461726', '91440300708461136T'];
const ROSTER = [
  { id: 'r1', name: '甲', unit: '应急管理局', conflicts: [] },
  { id: 'r2', name: '乙', unit: '应急管理局', conflicts: [] },
  { id: 'r3', name: '丙', unit: '市场监管所', conflicts: [] },
];

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('registry');
  ws.addRow(['名称', '统一社会信用代码', '地址', '经度', '纬度', '网格', '行业', '风险等级']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describeApi('safety API: registry, hazards, 双随机 plans', (ctx) => {
  let supervisor: Client;
  let inspector: Client; // scoped to street A (120101001)
  let a: CellCentre;
  let b: CellCentre;
  let placeA: string;
  let placeB: string;

  beforeAll(async () => {
    supervisor = await ctx().login('supervisor');
    inspector = await ctx().login('inspector');
    const [ca] = await wholeCellCentres(ctx().store.db, '120101001');
    const [cb] = await wholeCellCentres(ctx().store.db, '120101002');
    if (!ca || !cb) throw new Error('no whole grid cells');
    a = ca;
    b = cb;
  });

  it('registers places located to their grid; refuses bad credit codes and duplicates', async () => {
    const bad = await supervisor.post('/api/safety/places', {
      name: '坏代码公司',
      creditCode: '91350100M000100Y44',
      lon: a.lon,
      lat: a.lat,
      industry: '餐饮',
      riskGrade: 'medium',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('credit_code_invalid');
    const ra = await supervisor.post('/api/safety/places', {
      name: '劝业场饭店',
      creditCode: VALID[0],
      lon: a.lon,
      lat: a.lat,
      industry: '餐饮',
      riskGrade: 'high',
      contacts: [{ name: '王经理', phone: '13800000000' }],
    });
    expect(ra.status, JSON.stringify(ra.json)).toBe(201);
    expect(ra.json.areaCode).toBe(a.code);
    placeA = ra.json.id;
    const dup = await supervisor.post('/api/safety/places', {
      name: '同码公司',
      creditCode: VALID[0].toLowerCase(),
      areaCode: a.code,
      industry: '餐饮',
      riskGrade: 'low',
    });
    expect(dup.status).toBe(409);
    const rb = await supervisor.post('/api/safety/places', {
      name: '小白楼商场',
      creditCode: VALID[1],
      lon: b.lon,
      lat: b.lat,
      industry: '商场',
      riskGrade: 'medium',
    });
    expect(rb.status).toBe(201);
    placeB = rb.json.id;
    // a street user cannot register in another street
    const outside = await inspector.post('/api/safety/places', {
      name: '越界',
      lon: b.lon,
      lat: b.lat,
      industry: '商场',
      riskGrade: 'low',
    });
    expect(outside.status).toBe(403);
  });

  it('a street user sees only its street’s registry', async () => {
    const mine = await inspector.get('/api/safety/places?limit=500');
    const ids = mine.json.map((p: { id: string }) => p.id);
    expect(ids).toContain(placeA);
    expect(ids).not.toContain(placeB);
    expect((await inspector.get(`/api/safety/places/${placeB}`)).status).toBe(404);
    const found = await supervisor.get(`/api/safety/places?q=${encodeURIComponent('劝业场')}`);
    expect(found.json.map((p: { id: string }) => p.id)).toEqual([placeA]);
  });

  it('refuses a whole workbook with bad rows, naming each; imports a good one; exports', async () => {
    const before = (await supervisor.get('/api/safety/places?limit=500')).json.length;
    const bad = await workbook([
      ['好企业', VALID[2], '', a.lon, a.lat, '', '餐饮', '一般风险'],
      ['坏代码', '91350100M000100Y40', '', a.lon, a.lat, '', '餐饮', '一般风险'],
      ['无位置', '', '', '', '', '', '餐饮', '低风险'],
      ['等级错', '', '', a.lon, a.lat, '', '餐饮', '很高'],
      ['已登记', VALID[0], '', a.lon, a.lat, '', '餐饮', '低风险'],
    ]);
    const m = multipart('registry.xlsx', bad, 'application/octet-stream');
    const res = await supervisor.request('POST', '/api/safety/places/import', m.payload, m.headers);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('xlsx_rows');
    expect(res.json.error.details.rows.map((r: { row: number }) => r.row)).toEqual([3, 4, 5, 6]);
    expect(JSON.stringify(res.json.error.details.rows)).toContain('registered already');
    expect((await supervisor.get('/api/safety/places?limit=500')).json.length).toBe(before);

    const good = multipart(
      'registry.xlsx',
      await workbook([
        ['好企业', VALID[2], '', a.lon, a.lat, '', '餐饮', '一般风险'],
        ['按网格登记', '', '', '', '', a.code, '危化品', '重大风险'],
      ]),
      'application/octet-stream',
    );
    const ok = await supervisor.request('POST', '/api/safety/places/import', good.payload, good.headers);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.imported).toBe(2);

    const exported = await inspector.request('GET', '/api/safety/places/export.xlsx');
    expect(exported.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.raw as unknown as ArrayBuffer);
    const names = wb.worksheets[0]?.getColumn(1).values.slice(2);
    expect(names).toContain('劝业场饭店');
    expect(names).not.toContain('小白楼商场');
  });

  it('runs a hazard through its lifecycle; refuses past deadlines and closing without re-check', async () => {
    const past = await inspector.post('/api/safety/hazards', {
      placeId: placeA,
      class: '消防',
      grade: 'general',
      foundBy: 'inspection',
      description: '灭火器过期',
      deadline: '2020-01-01T00:00:00+08:00',
    });
    expect(past.status).toBe(400);
    expect(past.json.error.code).toBe('deadline_past');
    const h = await inspector.post('/api/safety/hazards', {
      placeId: placeA,
      class: '消防',
      grade: 'general',
      foundBy: 'inspection',
      description: '灭火器过期',
      limit: { value: 3, unit: 'work_day' },
    });
    expect(h.status, JSON.stringify(h.json)).toBe(201);
    const id = h.json.id;
    expect(h.json.state).toBe('registered');
    expect(
      (await inspector.post(`/api/safety/hazards/${id}/transitions`, { type: 'close' })).json.error.code,
    ).toBe('hazard_not_rechecked');
    const { id: unitA } = await ctx()
      .store.db.selectFrom('units')
      .select('id')
      .where('code', '=', '120101001')
      .executeTakeFirstOrThrow();
    const steps = [
      { type: 'assign', unitId: unitA },
      { type: 'start' },
      { type: 'apply', note: '已更换灭火器' },
      { type: 'recheck', passed: true, note: '复查合格' },
    ];
    for (const s of steps) {
      const r = await inspector.post(`/api/safety/hazards/${id}/transitions`, s);
      expect(r.status, `${s.type}: ${JSON.stringify(r.json)}`).toBe(200);
    }
    const closed = await inspector.post(`/api/safety/hazards/${id}/transitions`, { type: 'close' });
    expect(closed.json.state).toBe('closed');
    expect(closed.json.level).toBe('done');
    expect(closed.json.chainValid).toBe(true);
    expect(closed.json.events.map((e: { type: string }) => e.type)).toEqual([
      'register',
      'assign',
      'start',
      'apply',
      'recheck',
      'close',
    ]);
    // out of scope: the street user does not see street B's hazard
    const hb = await supervisor.post('/api/safety/hazards', {
      placeId: placeB,
      class: '用电',
      grade: 'major',
      majorLevel: 2,
      foundBy: 'self_check',
      description: '配电箱裸露',
      limit: { value: 1, unit: 'natural_day' },
    });
    expect(hb.status).toBe(201);
    expect(hb.json.escalated).toBe(true);
    expect((await inspector.get(`/api/safety/hazards/${hb.json.id}`)).status).toBe(404);
    const list = (await inspector.get('/api/safety/hazards?limit=500')).json.map((x: { id: string }) => x.id);
    expect(list).toContain(id);
    expect(list).not.toContain(hb.json.id);
    // the deadline job marks it overdue and escalates
    await ctx().server.runJobs(() => new Date(Date.now() + 3 * 86_400_000));
    const after = await supervisor.get(`/api/safety/hazards/${hb.json.id}`);
    expect(after.json.events.map((e: { type: string }) => e.type)).toContain('overdue');
    const ind = await supervisor.get('/api/safety/indicators?from=2026-01-01&to=2099-12-31');
    expect(ind.status).toBe(200);
    expect(ind.json.total.found).toBeGreaterThanOrEqual(2);
    expect(ind.json.byGrade.major.found).toBeGreaterThanOrEqual(1);
  });

  it('draws a plan once, reproducibly; findings become hazards; bad plans are 400 naming the problem', async () => {
    const plan = await supervisor.post('/api/safety/plans', {
      title: '餐饮单位双随机抽查',
      areaCode: '120101001',
      targetCount: 2,
      roster: ROSTER,
      seed: 'published-seed-2026-12',
    });
    expect(plan.status, JSON.stringify(plan.json)).toBe(201);
    const drawn = await supervisor.post(`/api/safety/plans/${plan.json.id}/draw`);
    expect(drawn.status, JSON.stringify(drawn.json)).toBe(200);
    expect(drawn.json.targets).toHaveLength(2);
    for (const t of drawn.json.targets)
      expect(new Set(t.inspectors.map((i: { unit: string }) => i.unit)).size).toBe(2);
    expect((await supervisor.post(`/api/safety/plans/${plan.json.id}/draw`)).json.error.code).toBe(
      'plan_drawn',
    );
    const replay = await ctx().server.safety.inspections.replay(plan.json.id);
    expect(replay.matches).toBe(true);

    const target = drawn.json.targets[0];
    const res = await inspector.post(`/api/safety/plans/${plan.json.id}/targets/${target.id}/result`, {
      result: 'hazards_found',
      inspectedOn: '2026-01-05',
      findings: [
        {
          class: '消防',
          grade: 'general',
          description: '安全出口堵塞',
          limit: { value: 2, unit: 'work_day' },
        },
      ],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const hz = await inspector.get(`/api/safety/hazards?placeId=${target.placeId}&limit=500`);
    expect(
      hz.json.some(
        (h: { description: string; foundBy: string }) =>
          h.description === '安全出口堵塞' && h.foundBy === 'inspection',
      ),
    ).toBe(true);
    const pub = await ctx().anonymous.get(`/api/public/safety/plans/${plan.json.id}`);
    expect(pub.status).toBe(200);
    expect(pub.json.seed).toBe('published-seed-2026-12');

    const make = async (over: object) => {
      const p = await supervisor.post('/api/safety/plans', {
        title: '坏计划',
        areaCode: '120101001',
        targetCount: 1,
        roster: ROSTER,
        ...over,
      });
      return (await supervisor.post(`/api/safety/plans/${p.json.id}/draw`)).json.error;
    };
    expect((await make({ industries: ['不存在的行业'] })).code).toBe('pool_empty');
    expect((await make({ targetCount: 9999 })).code).toBe('too_many_targets');
    expect((await make({ roster: ROSTER.slice(0, 2) })).code).toBe('roster_too_small');
  });

  it('lists an inspector’s targets; a result with photos is idempotent, its finding a hazard with them', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // The roster names the inspector by username, beside an inspector of another unit.
    const roster = [
      { id: 'inspector', name: '检查员', unit: '网格中心', conflicts: [] },
      { id: 'r9', name: '丁', unit: '消防救援大队', conflicts: [] },
    ];
    const plan = await supervisor.post('/api/safety/plans', {
      title: '今日抽查',
      areaCode: '120101001',
      targetCount: 1,
      roster,
    });
    expect(plan.status, JSON.stringify(plan.json)).toBe(201);
    expect(
      (await inspector.get('/api/safety/my-targets')).json.map((t: { planId: string }) => t.planId),
    ).not.toContain(plan.json.id);
    const drawn = await supervisor.post(`/api/safety/plans/${plan.json.id}/draw`);
    expect(drawn.status).toBe(200);
    const mine = await inspector.get('/api/safety/my-targets');
    expect(mine.status).toBe(200);
    const target = mine.json.find((t: { planId: string }) => t.planId === plan.json.id);
    expect(target?.planTitle).toBe('今日抽查');
    expect(target?.result).toBeNull();
    // the other inspector's list (supervisor is not on this roster) does not have it
    expect(
      (await supervisor.get('/api/safety/my-targets')).json.some(
        (t: { planId: string }) => t.planId === plan.json.id,
      ),
    ).toBe(false);

    const url = `/api/safety/plans/${plan.json.id}/targets/${target.id}/result`;
    const body = (evidence: string[]) => ({
      result: 'hazards_found',
      inspectedOn: today,
      evidence,
      findings: [
        { class: '用电', grade: 'general', description: '私拉电线', limit: { value: 3, unit: 'work_day' } },
      ],
    });
    const unknown = await inspector.post(url, body(['a'.repeat(64)]));
    expect([unknown.status, unknown.json.error.code]).toEqual([400, 'unknown_attachment']);
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const m = multipart('p.png', bytes, 'image/png');
    const photo = await inspector.request('POST', '/api/attachments', m.payload, m.headers);
    expect(photo.status).toBeLessThan(300);
    const key = { 'idempotency-key': 'field-result-0001' };
    const first = await inspector.request('POST', url, body([photo.json.hash]), key);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    const again = await inspector.request('POST', url, body([photo.json.hash]), key);
    expect(again.status).toBe(200);
    const other = await inspector.request('POST', url, body([photo.json.hash]), {
      'idempotency-key': 'field-result-0002',
    });
    expect([other.status, other.json.error.code]).toEqual([409, 'result_recorded']);
    const hz = (await inspector.get(`/api/safety/hazards?placeId=${target.placeId}&limit=500`)).json.filter(
      (h: { description: string }) => h.description === '私拉电线',
    );
    expect(hz).toHaveLength(1);
    expect(hz[0].photos).toEqual([photo.json.hash]);
    const shown = await inspector.get(`/api/safety/hazards/${hz[0].id}/photos/${photo.json.hash}?thumb=1`);
    expect(shown.status).toBe(200);
    expect(
      (await inspector.get(`/api/safety/hazards/${hz[0].id}/photos/${'b'.repeat(64)}`)).json.error.code,
    ).toBe('file_not_found');
    // still on today's list, done, with its photo
    const after = (await inspector.get('/api/safety/my-targets')).json.find(
      (t: { id: string }) => t.id === target.id,
    );
    expect(after?.result).toBe('hazards_found');
    expect(after?.photos).toEqual([photo.json.hash]);
    // the public page carries the result but not the photos or the note
    const pub = await ctx().anonymous.get(`/api/public/safety/plans/${plan.json.id}`);
    expect(pub.json.targets[0].result).toBe('hazards_found');
    expect(pub.json.targets[0].photos).toBeUndefined();
    expect(JSON.stringify(pub.json)).not.toContain('conflicts');
  });

  it('turns a case in a safety category into a hazard without retyping, once', async () => {
    const categories = (await inspector.get('/api/categories')).json as { code: string; name: string }[];
    const hydrant = categories.find((c) => c.name === '消防栓');
    const litter = categories.find((c) => c.code === 'event.0102');
    if (!hydrant || !litter) throw new Error('catalogue lacks 消防栓 / event.0102');
    const file = (categoryCode: string) =>
      inspector.post('/api/cases', {
        categoryCode,
        title: '消防栓被圈占',
        description: '饭店门前消防栓被杂物圈占',
        lon: a.lon,
        lat: a.lat,
      });
    const c = await file(hydrant.code);
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    const body = (caseId: string) => ({
      caseId,
      placeId: placeA,
      class: '消防',
      grade: 'general',
      limit: { value: 2, unit: 'work_day' },
    });
    const past = await supervisor.post('/api/safety/hazards/from-case', {
      ...body(c.json.id),
      limit: undefined,
      deadline: '2020-01-01T00:00:00+08:00',
    });
    expect([past.status, past.json.error.code]).toEqual([400, 'deadline_past']);
    const h = await supervisor.post('/api/safety/hazards/from-case', body(c.json.id));
    expect(h.status, JSON.stringify(h.json)).toBe(201);
    expect(h.json.caseId).toBe(c.json.id);
    expect(h.json.description).toContain('饭店门前消防栓被杂物圈占');
    expect(h.json.foundBy).toBe('inspection');
    const twice = await supervisor.post('/api/safety/hazards/from-case', body(c.json.id));
    expect([twice.status, twice.json.error.code]).toEqual([409, 'case_has_hazard']);
    const notSafety = await file(litter.code);
    const refused = await supervisor.post('/api/safety/hazards/from-case', body(notSafety.json.id));
    expect([refused.status, refused.json.error.code]).toEqual([400, 'case_not_safety']);
  });
});
