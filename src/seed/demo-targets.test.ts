import { expect, it } from 'vitest';
import { describeApi } from '../testing/api.js';
import { principal } from './demo-cases.js';
import { seedDemoPlan } from './demo-plan.js';
import { seedDemoTargets } from './demo-targets.js';

describeApi('demo supervision board', (ctx) => {
  it('imports the district report through the service and leaves a board with every light, once', async () => {
    const { store, server } = ctx();
    const now = new Date('2026-12-02T09:00:00+08:00');
    expect(await seedDemoTargets(store.db, server.targets, server.targetTasks, now)).toBe(4);
    expect(await seedDemoTargets(store.db, server.targets, server.targetTasks, now)).toBe(0);

    const supervisor = await principal(store.db, 'supervisor');
    const [doc] = await server.targets.listDocuments(supervisor);
    expect(doc?.items).toBeGreaterThan(30);
    expect(doc?.accepted).toBe(doc?.items);

    const board = await server.targetTasks.board(supervisor, undefined, now);
    const light = Object.fromEntries(board.tasks.map((t) => [t.title, [t.status, t.reason]]));
    expect(board.tasks.map((t) => t.status).sort()).toEqual(['green', 'green', 'red', 'yellow']);
    expect(light.早餐网点和便民菜店提升改造).toEqual(['green', 'done']);
    expect(light['改造排水管网，治理积水片']).toEqual(['yellow', 'behind']);
    expect(light.伙楼院安装独立式感烟火灾探测报警器).toEqual(['red', 'behind']);
    const red = board.tasks.find((t) => t.status === 'red');
    expect(red?.urgings).toHaveLength(1);
    expect(red?.leadUnitName).toContain('劝业场');
    // Every task serves confirmed items of the report, and every report was filed by its lead unit.
    for (const t of board.tasks) {
      expect(t.targetIds.length).toBeGreaterThan(0);
      expect(t.reports.length).toBeGreaterThan(0);
      expect(t.reports.every((r) => r.unitName === t.leadUnitName)).toBe(true);
    }
    // On-time reporting per lead unit, with the quality flag on a 100% claimed without evidence.
    const units = Object.fromEntries(board.byUnit.map((u) => [u.name, u]));
    expect(units.和平区城市管理委员会).toMatchObject({ dueReports: 8, onTime: 7, unevidencedDone: 0 });
    expect(units.劝业场街道办事处).toMatchObject({
      dueReports: 8,
      onTime: 8,
      onTimeRate: 1,
      unevidencedDone: 1,
    });
    // Citizens see the targets, lead units and lights — and no internal field or note.
    const res = await server.app.inject({ method: 'GET', url: '/api/public/targets' });
    expect(res.statusCode).toBe(200);
    const [pub] = res.json() as { targets: Record<string, unknown>[] }[];
    const smoke = pub?.targets.find((t) => String(t.quote).includes('感烟火灾探测报警器'));
    expect(smoke).toMatchObject({ status: 'red', leadUnits: ['劝业场街道办事处'], value: 5000, unit: '个' });
    expect(pub?.targets.filter((t) => t.status === 'done')).toHaveLength(2);
    const keys = new Set(pub?.targets.flatMap((t) => Object.keys(t)));
    for (const internal of [
      'id',
      'narrative',
      'reports',
      'urgings',
      'notice',
      'leader',
      'evidence',
      'status_note',
    ])
      expect(keys.has(internal)).toBe(false);
    for (const secret of ['进度严重滞后', '设备采购尚在招标', '副区长', 'reported_by', 'unitName'])
      expect(res.body).not.toContain(secret);
    // The lead unit of the red task sees it on its own board, urged.
    const street = await principal(store.db, 'street');
    const own = await server.targetTasks.board(street, undefined, now);
    expect(own.tasks.map((t) => t.status).sort()).toEqual(['green', 'red']);
  });

  it('seeds the district’s five-year goals as a monitored plan with two years of actuals, once', async () => {
    const { store, server } = ctx();
    expect(await seedDemoPlan(store.db, server.targets, server.targetPlans)).toBe(5);
    expect(await seedDemoPlan(store.db, server.targets, server.targetPlans)).toBe(0);
    const supervisor = await principal(store.db, 'supervisor');
    const plan = (await server.targets.listDocuments(supervisor)).find((d) => d.kind === 'five_year_plan');
    expect(plan?.accepted).toBeGreaterThan(0);
    const review = await server.targetPlans.review(supervisor, plan!.id, 2018);
    expect(review.indicators.map((i) => [i.name, i.actuals.length, i.latest?.status])).toEqual([
      ['地区生产总值年均增长', 2, 'behind'],
      ['区级财政收入年均增长', 2, 'behind'],
      ['区级财政收入（2016年=100）', 2, 'on_path'],
      ['城市居民人均可支配收入年均增长', 2, 'on_path'],
      ['城镇登记失业率', 2, 'ahead'],
    ]);
    expect(review.indicators[2]).toMatchObject({
      baseValue: 100,
      targetValue: 200,
      baseYear: 2016,
      targetYear: 2021,
    });
    expect(review.indicators.every((i) => i.actuals.every((a) => a.sourceNote.includes('演示')))).toBe(true);
  });
});
