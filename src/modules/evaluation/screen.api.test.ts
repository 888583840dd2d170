import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type Client, describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { RISING_MIN } from './screen.js';

interface ScreenBody {
  area: { code: string; name: string };
  today: { intake: number; closed: number; open: number; overdue: number };
  load: { code: string; open: number; overdue: number }[];
  daily: { bucket: string; received: number; closed: number }[];
  monthly: { bucket: string; received: number; closed: number }[];
  topCategories: { code: string; count: number }[];
  rising: { street: string; code: string; now: number; before: number; rise: number }[];
  overdue: { count: number; rows: { id: string; number: string; overdueHours: number }[] };
  whistles: { count: number };
  incidents: {
    count: number;
    rows: { id: string; level: number; colour: string; lon: number | null; areaName: string }[];
  };
}

describeApi('big screen API: counted in SQL, scoped, figures agree with the case list', (ctx) => {
  let leader: Client;
  let street: Client;
  let operator: Client;
  let inspector: Client;
  const created: string[] = [];

  beforeAll(async () => {
    leader = await ctx().login('leader');
    street = await ctx().login('street');
    operator = await ctx().login('operator');
    inspector = await ctx().login('inspector');
    const at = await wholeCellCentre(ctx().store.db, '120101001');
    for (let i = 0; i < RISING_MIN + 1; i++) {
      const res = await inspector.post('/api/cases', {
        categoryCode: 'event.0301',
        title: `路灯不亮 ${i}`,
        lon: at.lon,
        lat: at.lat,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      created.push(res.json.id);
    }
  });

  const screen = async (c: Client, q = '') => {
    const res = await c.get(`/api/evaluation/screen${q}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as ScreenBody;
  };

  it('gives live counts, grid load, trends and rising categories of the caller scope', async () => {
    const s = await screen(leader);
    expect(s.area).toEqual({ code: '120101', name: expect.any(String) });
    expect(s.today.intake).toBeGreaterThanOrEqual(created.length);
    // The map's load adds up to the open count; every code is inside the scope.
    expect(s.load.reduce((n, l) => n + l.open, 0)).toBe(s.today.open);
    expect(s.load.reduce((n, l) => n + l.overdue, 0)).toBe(s.today.overdue);
    expect(s.load.every((l) => l.code.startsWith('120101'))).toBe(true);
    expect(s.daily).toHaveLength(30);
    expect(s.monthly).toHaveLength(12);
    // Today's bucket holds today's intake; the month's holds at least as much.
    expect(s.daily[29]?.received).toBe(s.today.intake);
    expect(s.monthly[11]?.received).toBeGreaterThanOrEqual(s.today.intake);
    expect(s.topCategories.find((c) => c.code === 'event.0301')?.count).toBeGreaterThanOrEqual(
      created.length,
    );
    // Nothing last month: the street light cases of street A are rising from zero.
    expect(s.rising).toContainEqual(
      expect.objectContaining({ street: '120101001', code: 'event.0301', before: 0 }),
    );
  });

  it('counts an overdue case exactly as the case list does, and lists it', async () => {
    const before = await screen(leader);
    const id = created[0] ?? '';
    // Arrange: the case's running step ran out two hours ago (the clock cannot be moved from outside).
    await sql`update cases set due_at = now() - interval '2 hours' where id = ${id}`.execute(ctx().store.db);
    const s = await screen(leader);
    expect(s.today.overdue).toBe(before.today.overdue + 1);
    const row = s.overdue.rows.find((r) => r.id === id);
    expect(row?.overdueHours).toBeGreaterThanOrEqual(1.9);
    const list = await leader.get('/api/cases?overdue=1&limit=1');
    expect(list.json.total).toBe(s.overdue.count);
  });

  it('keeps to the scope: another street is 404, a street user sees only its street', async () => {
    const own = await screen(street);
    expect(own.area.code).toBe('120101001');
    expect(own.load.every((l) => l.code.startsWith('120101001'))).toBe(true);
    const out = await street.get('/api/evaluation/screen?area=120101002');
    expect([out.status, out.json.error.code, out.json.error.details]).toEqual([
      404,
      'area_not_found',
      { field: 'area' },
    ]);
    const inner = await screen(leader, '?area=120101001');
    expect(inner.today.open).toBe(own.today.open);
    const unknown = await leader.get('/api/evaluation/screen?area=120101999');
    expect(unknown.status).toBe(404);
    const bad = await leader.get('/api/evaluation/screen?area=abc');
    expect(bad.status).toBe(400);
  });

  it('shows the open incidents of the area on the emergency layer, most severe first, and none of another street', async () => {
    const at = await wholeCellCentre(ctx().store.db, '120101001');
    const before = await screen(street);
    const report = async (level: number, title: string) => {
      const res = await leader.post('/api/emergency/incidents', {
        title,
        type: 'natural_disaster',
        subtype: 'rainstorm',
        level,
        lon: at.lon,
        lat: at.lat,
        description: '暴雨后路面积水',
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      return res.json.id as string;
    };
    const minor = await report(4, '和平路积水');
    const major = await report(2, '地下车库进水');
    const own = await screen(street);
    expect(own.incidents.count).toBe(before.incidents.count + 2);
    const ids = own.incidents.rows.map((r) => r.id);
    expect(ids.indexOf(major)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(major)).toBeLessThan(ids.indexOf(minor));
    expect(own.incidents.rows.find((r) => r.id === major)).toMatchObject({
      level: 2,
      colour: 'orange',
      lon: at.lon,
    });
    expect(own.incidents.rows.every((r, i, all) => i === 0 || (all[i - 1]?.level ?? 0) <= r.level)).toBe(
      true,
    );
    const other = await screen(leader, '?area=120101002');
    expect(other.incidents.rows.map((r) => r.id)).not.toContain(major);
    const closed = await leader.post(`/api/emergency/incidents/${minor}/close`, { summary: '积水已排除' });
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    const after = await screen(street);
    expect(after.incidents.rows.map((r) => r.id)).not.toContain(minor);
    expect(after.incidents.count).toBe(before.incidents.count + 1);
  });

  it('is for the roles that oversee: an operator is refused', async () => {
    expect((await operator.get('/api/evaluation/screen')).status).toBe(403);
    expect((await ctx().anonymous.get('/api/evaluation/screen')).status).toBe(401);
  });
});
