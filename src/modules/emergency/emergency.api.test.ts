/** API tests of the emergency module on both stores: incidents, level changes, plans and their activation, scope. */
import { beforeAll, expect, it } from 'vitest';
import { type Client, describeApi } from '../../testing/api.js';
import { type CellCentre, wholeCellCentres } from '../../testing/grid-cells.js';

describeApi('emergency API', (ctx) => {
  let shiftLead: Client;
  let leader: Client;
  let admin: Client;
  let handler: Client;
  let street: Client;
  let inspector: Client;
  let gridA: CellCentre;
  let gridB: CellCentre;
  let unitCgw: string;
  let unitStreetA: string;
  let unitStreetB: string;

  beforeAll(async () => {
    shiftLead = await ctx().login('shift_lead');
    leader = await ctx().login('leader');
    admin = await ctx().login('admin');
    handler = await ctx().login('handler');
    street = await ctx().login('street');
    inspector = await ctx().login('inspector');
    [gridA] = (await wholeCellCentres(ctx().store.db, '120101001')) as [CellCentre];
    [gridB] = (await wholeCellCentres(ctx().store.db, '120101002')) as [CellCentre];
    const units = (await admin.get('/api/units')).json as { id: string; code: string }[];
    const unit = (code: string) => units.find((u) => u.code === code)?.id as string;
    unitCgw = unit('120101-cgw');
    unitStreetA = unit('120101001');
    unitStreetB = unit('120101002');
  });

  const incident = (at: CellCentre, patch: Record<string, unknown> = {}) => ({
    title: '和平路积水',
    type: 'natural_disaster',
    subtype: 'rainstorm',
    level: 4,
    lon: at.lon,
    lat: at.lat,
    description: '暴雨后路面积水 40 厘米',
    ...patch,
  });
  const count = async (
    table:
      | 'emergency_incidents'
      | 'emergency_plans'
      | 'emergency_tasks'
      | 'emergency_events'
      | 'emergency_dispatches',
  ) =>
    Number(
      (
        await ctx()
          .store.db.selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('reports an incident at a point, located to its grid, with a chained time line', async () => {
    const res = await shiftLead.post(
      '/api/emergency/incidents',
      incident(gridA, { command: { commander: '周军' } }),
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      type: 'natural_disaster',
      level: 4,
      colour: 'blue',
      status: 'open',
      areaCode: gridA.code,
      affectedGrids: [gridA.code],
      reporter: '值班长 李强',
      command: { commander: '周军', onSite: null, liaison: null },
      chainOk: true,
    });
    expect(res.json.number).toMatch(/^YJ\d{12}$/);
    expect(res.json.events.map((e: { type: string }) => e.type)).toEqual(['reported']);
  });

  it('refuses unknown types, levels and subtypes and places outside the scope, changing nothing', async () => {
    const before = await count('emergency_incidents');
    const bad = [
      incident(gridA, { type: 'alien_invasion' }),
      incident(gridA, { level: 5 }),
      incident(gridA, { level: 0 }),
      incident(gridA, { subtype: 'earthquake', type: 'public_health' }),
      incident(gridA, { lon: undefined, lat: undefined }),
      incident(gridA, { colour: 'green' }),
    ];
    for (const body of bad) {
      const res = await shiftLead.post('/api/emergency/incidents', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    // The inspector's scope is one community: a place in street B is outside it.
    expect((await inspector.post('/api/emergency/incidents', incident(gridB))).status).toBe(403);
    expect(await count('emergency_incidents')).toBe(before);
  });

  it('records escalation and de-escalation on the time line and notifies the commanding unit', async () => {
    const id = (await shiftLead.post('/api/emergency/incidents', incident(gridA))).json.id;
    const up = await leader.post(`/api/emergency/incidents/${id}/level`, {
      level: 2,
      note: '积水漫入地下车库',
    });
    expect(up.status).toBe(200);
    expect(up.json).toMatchObject({ level: 2, colour: 'orange', chainOk: true });
    expect(up.json.events.at(-1)).toMatchObject({ type: 'escalated', payload: { from: 4, to: 2 } });
    const down = await leader.post(`/api/emergency/incidents/${id}/level`, { level: 3, note: '水位回落' });
    expect(down.json).toMatchObject({ level: 3, colour: 'yellow' });
    expect(down.json.events.at(-1)).toMatchObject({ type: 'deescalated', payload: { from: 2, to: 3 } });
    const inbox = (await shiftLead.get('/api/notifications')).json as { kind: string; message: string }[];
    const number = up.json.number;
    expect(inbox.some((n) => n.kind === 'incident_escalated' && n.message.includes(number))).toBe(true);
    expect(inbox.some((n) => n.kind === 'incident_deescalated' && n.message.includes(number))).toBe(true);
    // The same level, a level outside Ⅰ–Ⅳ, or a role that does not command: refused, nothing recorded.
    const events = await count('emergency_events');
    expect(
      (await leader.post(`/api/emergency/incidents/${id}/level`, { level: 3, note: '再次' })).status,
    ).toBe(400);
    expect(
      (await leader.post(`/api/emergency/incidents/${id}/level`, { level: 7, note: '再次' })).status,
    ).toBe(400);
    expect(
      (await inspector.post(`/api/emergency/incidents/${id}/level`, { level: 1, note: '再次' })).status,
    ).toBe(403);
    expect(await count('emergency_events')).toBe(events);
    // Closed with a summary: no more changes.
    const closed = await leader.post(`/api/emergency/incidents/${id}/close`, {
      summary: '积水已排除，无人员伤亡',
    });
    expect(closed.json).toMatchObject({ status: 'closed', summary: '积水已排除，无人员伤亡' });
    expect(
      (await leader.post(`/api/emergency/incidents/${id}/level`, { level: 1, note: '再次' })).status,
    ).toBe(409);
  });

  const plan = (code: string, patch: Record<string, unknown> = {}) => ({
    code,
    name: '和平区防汛应急预案',
    areaCode: '120101',
    type: 'natural_disaster',
    level: 4,
    steps: [
      {
        title: '调派抽水泵排水',
        unitId: unitCgw,
        dueMinutes: 30,
        resources: [{ name: '抽水泵', quantity: 2 }],
      },
      { title: '疏散地下空间人员', unitId: unitStreetA, dueMinutes: 120 },
    ],
    ...patch,
  });

  it('activates a plan version as tasks with clock-time deadlines, once, tracked to done', async () => {
    const created = await leader.post('/api/emergency/plans', plan('HP-FLOOD'));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ version: 1, tier: 'district' });
    const id = (await shiftLead.post('/api/emergency/incidents', incident(gridA))).json.id;
    const act = await shiftLead.post(`/api/emergency/incidents/${id}/activations`, {
      planId: created.json.id,
    });
    expect(act.status).toBe(200);
    const at = Date.parse(act.json.activations[0].activatedAt);
    expect(act.json.activations[0]).toMatchObject({ planCode: 'HP-FLOOD', planVersion: 1, status: 'active' });
    expect(
      act.json.tasks.map((t: { title: string; unitId: string; dueAt: string; resources: unknown }) => t),
    ).toMatchObject([
      {
        stepNo: 1,
        title: '调派抽水泵排水',
        unitId: unitCgw,
        dueAt: new Date(at + 30 * 60_000).toISOString(),
        resources: [{ name: '抽水泵', quantity: 2 }],
      },
      {
        stepNo: 2,
        title: '疏散地下空间人员',
        unitId: unitStreetA,
        dueAt: new Date(at + 120 * 60_000).toISOString(),
        resources: [],
      },
    ]);
    expect(act.json.events.at(-1)).toMatchObject({
      type: 'plan_activated',
      payload: { planVersion: 1, tasks: 2 },
    });
    // The units named hear of their task.
    const cgwInbox = (await handler.get('/api/notifications')).json as { kind: string; message: string }[];
    expect(cgwInbox.some((n) => n.kind === 'incident_task' && n.message.includes('调派抽水泵排水'))).toBe(
      true,
    );

    // A second activation while the first runs: 409, nothing added.
    const tasks = await count('emergency_tasks');
    const again = await shiftLead.post(`/api/emergency/incidents/${id}/activations`, {
      planId: created.json.id,
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('plan_active');
    expect(await count('emergency_tasks')).toBe(tasks);

    // A new version does not change the version the incident runs.
    const v2 = await leader.post('/api/emergency/plans/by-code/HP-FLOOD/versions', {
      ...plan('HP-FLOOD'),
      code: undefined,
      name: '和平区防汛应急预案（修订）',
    });
    expect(v2.status).toBe(201);
    expect(v2.json.version).toBe(2);
    const detail = (await shiftLead.get(`/api/emergency/incidents/${id}`)).json;
    expect(detail.activations[0].planVersion).toBe(1);

    // The 城管委 handler sees the incident through its task and completes its own, not the street's.
    const [cgwTask, streetTask] = detail.tasks;
    expect((await handler.get(`/api/emergency/incidents/${id}`)).status).toBe(200);
    expect((await handler.post(`/api/emergency/tasks/${streetTask.id}/done`)).status).toBe(403);
    const done = await handler.post(`/api/emergency/tasks/${cgwTask.id}/done`);
    expect(done.status).toBe(200);
    expect(done.json.tasks[0].doneAt).not.toBeNull();
    expect((await handler.post(`/api/emergency/tasks/${cgwTask.id}/done`)).status).toBe(409);
    const last = await street.post(`/api/emergency/tasks/${streetTask.id}/done`);
    expect(last.json.activations[0].status).toBe('done');
    expect(last.json.events.slice(-2).map((e: { type: string }) => e.type)).toEqual([
      'task_done',
      'plan_completed',
    ]);
    expect(last.json.chainOk).toBe(true);
  });

  it('refuses plans with unknown or out-of-reach units, unknown types and bad areas, changing nothing', async () => {
    const before = await count('emergency_plans');
    const unknownUnit = await leader.post(
      '/api/emergency/plans',
      plan('HP-BAD', {
        steps: [{ title: '排水', unitId: '00000000-0000-4000-8000-00000000dead', dueMinutes: 30 }],
      }),
    );
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.json.error.code).toBe('unknown_unit');
    expect((await leader.post('/api/emergency/plans', plan('HP-BAD', { type: 'zombie' }))).status).toBe(400);
    expect((await leader.post('/api/emergency/plans', plan('HP-BAD', { level: 5 }))).status).toBe(400);
    expect((await leader.post('/api/emergency/plans', plan('HP-BAD', { steps: [] }))).status).toBe(400);
    expect((await leader.post('/api/emergency/plans', plan('HP-BAD', { areaCode: '1201010' }))).status).toBe(
      400,
    );
    expect((await leader.post('/api/emergency/plans', plan('HP-BAD', { areaCode: '120102' }))).status).toBe(
      403,
    );
    expect((await shiftLead.post('/api/emergency/plans', plan('HP-BAD'))).status).toBe(403);
    expect(await count('emergency_plans')).toBe(before);
    // A plan for another type does not run on the incident.
    const quake = await leader.post('/api/emergency/plans', plan('HP-QUAKE', { type: 'accident' }));
    const id = (await shiftLead.post('/api/emergency/incidents', incident(gridA))).json.id;
    const tasks = await count('emergency_tasks');
    const res = await shiftLead.post(`/api/emergency/incidents/${id}/activations`, { planId: quake.json.id });
    expect(res.status).toBe(400);
    expect(await count('emergency_tasks')).toBe(tasks);
  });

  it('shows a street user only its street’s incidents; another street’s answers 404', async () => {
    const a = (await admin.post('/api/emergency/incidents', incident(gridA, { unitId: unitStreetA }))).json;
    const b = (await admin.post('/api/emergency/incidents', incident(gridB, { unitId: unitStreetB }))).json;
    const list = (await street.get('/api/emergency/incidents')).json as { id: string; areaCode: string }[];
    expect(list.some((i) => i.id === a.id)).toBe(true);
    expect(list.some((i) => i.id === b.id)).toBe(false);
    expect(list.every((i) => i.areaCode.startsWith('120101001'))).toBe(true);
    expect((await street.get(`/api/emergency/incidents/${b.id}`)).status).toBe(404);
    expect((await street.post(`/api/emergency/incidents/${b.id}/notes`, { note: '看看' })).status).toBe(404);
    // The district sees both.
    const all = (await shiftLead.get('/api/emergency/incidents')).json as { id: string }[];
    expect(all.map((i) => i.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('links a case the caller sees; a case it cannot see answers 404', async () => {
    const c = await inspector.post('/api/cases', {
      categoryCode: 'event.0102',
      title: '积水导致垃圾漂浮',
      description: '和平路口',
      lon: gridA.lon,
      lat: gridA.lat,
    });
    expect(c.status).toBe(201);
    const id = (await shiftLead.post('/api/emergency/incidents', incident(gridA))).json.id;
    const linked = await shiftLead.post(`/api/emergency/incidents/${id}/cases`, { caseId: c.json.id });
    expect(linked.status).toBe(200);
    expect(linked.json.cases).toMatchObject([{ id: c.json.id, title: '积水导致垃圾漂浮' }]);
    expect(linked.json.events.at(-1).type).toBe('case_linked');
    const missing = await shiftLead.post(`/api/emergency/incidents/${id}/cases`, {
      caseId: '00000000-0000-4000-8000-00000000beef',
    });
    expect(missing.status).toBe(404);
  });

  it('finds the nearest resources by distance, kind, category and quantity; dispatches and returns them', async () => {
    const [near, far] = (await wholeCellCentres(ctx().store.db, '120101001')).slice(0, 2) as [
      CellCentre,
      CellCentre,
    ];
    const make = async (
      name: string,
      at: CellCentre,
      quantity: number,
      kind = 'stockpile',
      category = '抽水泵',
    ) => {
      const r = await shiftLead.post('/api/emergency/resources', {
        kind,
        name,
        category,
        quantity,
        measure: '台',
        lon: at.lon,
        lat: at.lat,
      });
      expect(r.status).toBe(201);
      return r.json.id as string;
    };
    const pumpsNear = await make('近处泵站', near, 2);
    const pumpsFar = await make('远处物资库', far, 20);
    const team = await make('消防救援队', far, 12, 'team', '消防救援队');
    const q = (extra: string) =>
      shiftLead.get(`/api/emergency/resources/nearest?lon=${near.lon}&lat=${near.lat}${extra}`);
    const pumps = (await q('&kind=stockpile&category=抽水泵')).json as {
      id: string;
      distanceMetres: number;
    }[];
    expect(pumps.map((r) => r.id)).toEqual([pumpsNear, pumpsFar]);
    expect(pumps[0]?.distanceMetres).toBeLessThan(pumps[1]?.distanceMetres ?? 0);
    // Needing 5 pumps: the near store holds only 2.
    expect(
      ((await q('&kind=stockpile&category=抽水泵&quantity=5')).json as { id: string }[]).map((r) => r.id),
    ).toEqual([pumpsFar]);
    // Among the resources made here (the demo has a team of its own elsewhere in the street).
    const mine = new Set([pumpsNear, pumpsFar, team]);
    expect(
      ((await q('&kind=team')).json as { id: string }[]).map((r) => r.id).filter((x) => mine.has(x)),
    ).toEqual([team]);
    expect((await q('&kind=spaceship')).status).toBe(400);

    const id = (await shiftLead.post('/api/emergency/incidents', incident(near))).json.id;
    const sent = await shiftLead.post(`/api/emergency/incidents/${id}/dispatches`, {
      resourceId: pumpsFar,
      quantity: 15,
    });
    expect(sent.status).toBe(200);
    expect(sent.json.dispatches).toMatchObject([{ resourceId: pumpsFar, quantity: 15, returnedAt: null }]);
    expect(sent.json.events.at(-1)).toMatchObject({ type: 'resource_dispatched', payload: { quantity: 15 } });
    // More than is left (5): 400, nothing dispatched, stock unchanged.
    const dispatches = await count('emergency_dispatches');
    const over = await shiftLead.post(`/api/emergency/incidents/${id}/dispatches`, {
      resourceId: pumpsFar,
      quantity: 6,
    });
    expect(over.status).toBe(400);
    expect(over.json.error.code).toBe('over_dispatch');
    expect(await count('emergency_dispatches')).toBe(dispatches);
    const stock = async () =>
      (
        (await shiftLead.get('/api/emergency/resources?kind=stockpile')).json as {
          id: string;
          available: number;
        }[]
      ).find((r) => r.id === pumpsFar)?.available;
    expect(await stock()).toBe(5);
    const back = await shiftLead.post(`/api/emergency/dispatches/${sent.json.dispatches[0].id}/return`);
    expect(back.status).toBe(200);
    expect(back.json.dispatches[0].returnedAt).not.toBeNull();
    expect(await stock()).toBe(20);
    expect(
      (await shiftLead.post(`/api/emergency/dispatches/${sent.json.dispatches[0].id}/return`)).status,
    ).toBe(409);
    expect(back.json.chainOk).toBe(true);
  });
});
