/**
 * People as well as units (issue #16 part 2): a unit head assigns a case to a member of the unit (or takes
 * it back), "my cases" and "my unit's cases", the workload per person, and bulk actions over a selection
 * with per-case answers — on both stores.
 */
import { beforeAll, expect, it } from 'vitest';
import { type Client, describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';

const PASSWORD = 'people-password-2026';

describeApi('cases API: assignment to people, my cases, workload, bulk actions', (ctx) => {
  let admin: Client;
  let inspector: Client;
  let shiftLead: Client;
  let dispatcher: Client;
  let street: Client;
  let head: Client;
  let worker: Client;
  let supervisor: Client;
  let ids: { worker: string; outsider: string; head: string; streetUnit: string };
  let grid: { lon: number; lat: number };
  let otherGrid: { lon: number; lat: number };

  beforeAll(async () => {
    admin = await ctx().login('admin');
    inspector = await ctx().login('inspector');
    shiftLead = await ctx().login('shift_lead');
    dispatcher = await ctx().login('dispatcher');
    street = await ctx().login('street');
    supervisor = await ctx().login('supervisor');
    grid = await wholeCellCentre(ctx().store.db, '120101001');
    otherGrid = await wholeCellCentre(ctx().store.db, '120101002');
    const units = (await admin.get('/api/units')).json as { id: string; code: string }[];
    const unitOf = (code: string) => units.find((u) => u.code === code)?.id ?? '';
    const streetUnit = unitOf('120101001');
    const user = async (username: string, unitCode: string, unitHead: boolean) => {
      const res = await admin.post('/api/users', {
        username,
        displayName: username,
        password: PASSWORD,
        roles: ['handler'],
        unitId: unitOf(unitCode),
        scope: unitCode.slice(0, 9).replace(/-.*/, ''),
        unitHead,
      });
      expect(res.status, res.body as string).toBe(201);
      expect(res.json.unitHead).toBe(unitHead);
      return res.json.id as string;
    };
    ids = {
      head: await user('street_head', '120101001', true),
      worker: await user('street_worker', '120101001', false),
      outsider: await user('cgw_worker', '120101-cgw', false),
      streetUnit,
    };
    head = await ctx().login('street_head', PASSWORD);
    worker = await ctx().login('street_worker', PASSWORD);
  });

  /** A case of 劝业场街道 (or another street) reported, filed and dispatched to its street (event.01 → 属地街道). */
  async function dispatched(at = grid, title = '楼道堆物'): Promise<{ id: string; version: number }> {
    // The shift lead's scope is the district: it reports in either street.
    const created = await shiftLead.post('/api/cases', {
      categoryCode: 'event.0102',
      title,
      lon: at.lon,
      lat: at.lat,
      reporter: { name: '王小明', phone: '13912345678' },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect((await shiftLead.post(`/api/cases/${id}/transitions`, { type: 'file', version: 1 })).status).toBe(
      200,
    );
    const d = await dispatcher.post(`/api/cases/${id}/transitions`, {
      type: 'dispatch',
      mode: 'auto',
      version: 2,
    });
    expect(d.status, d.body as string).toBe(200);
    return { id, version: d.json.version };
  }
  const version = async (id: string) => (await admin.get(`/api/cases/${id}`)).json.version as number;

  it('lets only the head of the case’s unit assign, and only to a member of that unit', async () => {
    const c = await dispatched();
    // A member who is not the head: refused, nothing changed.
    const byWorker = await worker.post(`/api/cases/${c.id}/assignment`, {
      userId: ids.worker,
      version: c.version,
    });
    expect(byWorker.status).toBe(403);
    expect(byWorker.json.error.code).toBe('not_unit_head');
    // Someone of another unit: a clear 400, nothing changed.
    const outside = await head.post(`/api/cases/${c.id}/assignment`, {
      userId: ids.outsider,
      version: c.version,
    });
    expect(outside.status).toBe(400);
    expect(outside.json.error.code).toBe('assignee_outside_unit');
    expect(await version(c.id)).toBe(c.version);
    // A stale version: 409.
    const stale = await head.post(`/api/cases/${c.id}/assignment`, { userId: ids.worker, version: 1 });
    expect(stale.status).toBe(409);

    const ok = await head.post(`/api/cases/${c.id}/assignment`, { userId: ids.worker, version: c.version });
    expect(ok.status, ok.body as string).toBe(200);
    expect(ok.json).toMatchObject({ version: c.version + 1, event: { type: 'assign' } });
    const detail = (await worker.get(`/api/cases/${c.id}`)).json;
    expect(detail).toMatchObject({
      assignedUserId: ids.worker,
      assignedUserName: 'street_worker',
      chainValid: true,
    });
    expect(detail.events.at(-1)).toMatchObject({ type: 'assign', payload: { userId: ids.worker } });
    // The assignee is told; the rest of the unit's inbox is not (a per-person notification).
    const mine = (await worker.get('/api/notifications')).json as { caseId: string; kind: string }[];
    expect(mine.some((n) => n.caseId === c.id && n.kind === 'assigned')).toBe(true);
    const theirs = (await street.get('/api/notifications')).json as { caseId: string; kind: string }[];
    expect(theirs.some((n) => n.caseId === c.id && n.kind === 'assigned')).toBe(false);
    // Again to the same person: nothing to do.
    const again = await head.post(`/api/cases/${c.id}/assignment`, {
      userId: ids.worker,
      version: c.version + 1,
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_assigned');

    // Taking it back, once.
    const back = await head.post(`/api/cases/${c.id}/assignment`, { userId: null, version: c.version + 1 });
    expect(back.status).toBe(200);
    expect((await admin.get(`/api/cases/${c.id}`)).json.assignedUserId).toBeNull();
    const twice = await head.post(`/api/cases/${c.id}/assignment`, { userId: null, version: c.version + 2 });
    expect(twice.json.error.code).toBe('not_assigned');
  });

  it('clears the assignee when the case leaves the unit (退单), and refuses a case not with a unit', async () => {
    const c = await dispatched();
    expect(
      (await head.post(`/api/cases/${c.id}/assignment`, { userId: ids.worker, version: c.version })).status,
    ).toBe(200);
    const ret = await worker.post(`/api/cases/${c.id}/transitions`, {
      type: 'return',
      reason: 'wrong_area',
      text: '不属于本街道',
      version: c.version + 1,
    });
    expect(ret.status, ret.body as string).toBe(200);
    const after = (await admin.get(`/api/cases/${c.id}`)).json;
    expect(after).toMatchObject({ state: 'filed', assignedUnitId: null, assignedUserId: null });
    const refused = await head.post(`/api/cases/${c.id}/assignment`, {
      userId: ids.worker,
      version: after.version,
    });
    expect(refused.status).toBe(403);
  });

  it('lists my cases and my unit’s cases, and shows each member’s workload when assigning', async () => {
    const a = await dispatched(grid, '我的案件一');
    const b = await dispatched(grid, '本单位案件二');
    await head.post(`/api/cases/${a.id}/assignment`, { userId: ids.worker, version: a.version });
    const mineIds = (
      (await worker.get('/api/cases?assignee=me&limit=500')).json.items as { id: string }[]
    ).map((x) => x.id);
    expect(mineIds).toContain(a.id);
    expect(mineIds).not.toContain(b.id);
    const listed = (await worker.get('/api/cases?assignee=me')).json.items.find(
      (x: { id: string }) => x.id === a.id,
    );
    expect(listed).toMatchObject({ assignedUserId: ids.worker, assignedUserName: 'street_worker' });
    const unitIds = ((await street.get('/api/cases?unit=mine&limit=500')).json.items as { id: string }[]).map(
      (x) => x.id,
    );
    expect(unitIds).toEqual(expect.arrayContaining([a.id, b.id]));
    // Someone without a unit's cases: nothing is "mine".
    expect((await admin.get('/api/cases?assignee=me')).json.total).toBe(0);

    const load = (await head.get(`/api/cases/${b.id}/assignees`)).json;
    expect(load).toMatchObject({ unitId: ids.streetUnit, canAssign: true, assignedUserId: null });
    const w = load.members.find((m: { id: string }) => m.id === ids.worker);
    expect(w).toMatchObject({ handler: true, unitHead: false });
    expect(w.open).toBeGreaterThanOrEqual(1);
    expect(load.members.some((m: { id: string }) => m.id === ids.outsider)).toBe(false);
    // Staff of another unit see the case but not who in the unit carries what.
    const other = (await dispatcher.get(`/api/cases/${b.id}/assignees`)).json;
    expect(other).toMatchObject({ canAssign: false, members: [] });
    expect((await worker.get(`/api/cases/${b.id}/assignees`)).json.canAssign).toBe(false);
  });

  it('bulk signs a mixed selection case by case, refusing out-of-scope cases like missing ones', async () => {
    const ok1 = await dispatched();
    const ok2 = await dispatched();
    const filed = (
      await inspector.post('/api/cases', {
        categoryCode: 'event.0102',
        title: '尚未派遣',
        lon: grid.lon,
        lat: grid.lat,
      })
    ).json.id as string;
    const elsewhere = await dispatched(otherGrid, '别的街道');
    const missing = '00000000-0000-4000-8000-0000000000aa';
    const res = await street.post('/api/cases/bulk', {
      action: 'sign',
      ids: [ok1.id, filed, elsewhere.id, missing, ok2.id],
    });
    expect(res.status, res.body as string).toBe(200);
    expect(res.json).toMatchObject({ succeeded: 2, refused: 3 });
    const by = new Map(res.json.results.map((r: { id: string }) => [r.id, r]));
    expect(by.get(ok1.id)).toMatchObject({ ok: true, state: 'handling' });
    expect(by.get(ok2.id)).toMatchObject({ ok: true, state: 'handling' });
    expect(by.get(filed)).toMatchObject({ ok: false, error: { code: 'wrong_state' } });
    // Outside the caller's scope: exactly what a missing case answers, and nothing of its content.
    const out = by.get(elsewhere.id) as { ok: boolean; error: { code: string; message: string } };
    const none = by.get(missing) as { ok: boolean; error: { code: string; message: string } };
    expect(out).toEqual({ id: elsewhere.id, ok: false, error: none.error });
    expect(none.error.code).toBe('case_not_found');
    expect(JSON.stringify(out)).not.toContain('别的街道');
    expect((await admin.get(`/api/cases/${elsewhere.id}`)).json.state).toBe('dispatched');
  });

  it('bulk urges and assigns through the same rules, and refuses over 1,000 cases with nothing done', async () => {
    const a = await dispatched();
    const b = await dispatched();
    const urge = await supervisor.post('/api/cases/bulk', {
      action: 'urge',
      ids: [a.id, b.id],
      note: '请尽快处理',
    });
    expect(urge.json).toMatchObject({ succeeded: 2, refused: 0 });
    // Urging needs a note: the request as a whole is refused before any case.
    const bare = await supervisor.post('/api/cases/bulk', { action: 'urge', ids: [a.id] });
    expect(bare.status).toBe(400);
    // Assign: the head succeeds on their unit's cases; a case elsewhere is refused.
    const elsewhere = await dispatched(otherGrid);
    const assign = await head.post('/api/cases/bulk', {
      action: 'assign',
      ids: [a.id, b.id, elsewhere.id],
      userId: ids.worker,
    });
    expect(assign.json).toMatchObject({ succeeded: 2, refused: 1 });
    // Assign to someone outside the unit: every case refused with the clear reason, nothing changed.
    const before = await version(a.id);
    const wrong = await head.post('/api/cases/bulk', { action: 'assign', ids: [a.id], userId: ids.outsider });
    expect(wrong.json.results[0]).toMatchObject({ ok: false, error: { code: 'assignee_outside_unit' } });
    expect(await version(a.id)).toBe(before);
    // A dispatcher may not sign: refused per case, by role.
    const role = await dispatcher.post('/api/cases/bulk', { action: 'sign', ids: [a.id] });
    expect(role.json.results[0]).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const many = Array.from(
      { length: 1001 },
      (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    );
    many[0] = a.id;
    const tooMany = await supervisor.post('/api/cases/bulk', { action: 'urge', ids: many, note: '超限' });
    expect(tooMany.status).toBe(400);
    expect(await version(a.id)).toBe(before);
  });
});
