/**
 * The leader's home page over a month of back-dated cases and today's: its live figures are the case list's
 * own cases (the overdue filter, today's intake), its month figures — from the roll-ups, through yesterday —
 * equal a recount of the same period from the events (the indicators endpoint), and a handler sees only
 * their unit's cases.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { seedSynthetic } from '../../seed/synthetic.js';
import { type Client, describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { LIVE_IDS } from './dashboard.service.js';

const DAY = 86_400_000;
/** The China date of an instant. */
const chinaDate = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

describeApi("the leader's dashboard: live from the case list, the month from the roll-ups", (ctx) => {
  let leader: Client;
  let handler: Client;

  beforeAll(async () => {
    leader = await ctx().login('leader');
    handler = await ctx().login('handler');
    // The month so far (or, on the 1st, the month just ended) in back-dated histories, then today's reports.
    const todayStart = Date.parse(`${chinaDate(Date.now())}T00:00:00+08:00`);
    const yesterday = chinaDate(todayStart - 1);
    await seedSynthetic(ctx().store.db, {
      cases: 160,
      from: `${yesterday.slice(0, 8)}01`,
      to: yesterday,
      now: new Date(todayStart - 1),
      batch: 80,
      seed: 4,
    });
    const inspector = await ctx().login('inspector');
    const at = await wholeCellCentre(ctx().store.db, '120101001');
    for (let i = 0; i < 3; i++) {
      const res = await inspector.post('/api/cases', {
        categoryCode: 'event.0102',
        title: '暴露垃圾',
        ...at,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
  });

  it("counts today's intake and the overdue cases exactly as the case list does", async () => {
    const dash = await leader.get('/api/evaluation/dashboard');
    expect(dash.status, JSON.stringify(dash.json)).toBe(200);
    const today = await sql<{ id: string }>`select id from cases
      where created_at >= ${new Date(`${chinaDate(Date.now())}T00:00:00+08:00`)} and area_code like '120101%'`.execute(
      ctx().store.db,
    );
    expect(dash.json.today.intake).toBe(today.rows.length);
    expect(dash.json.today.intake).toBeGreaterThanOrEqual(3);
    expect([...dash.json.today.intakeIds].sort()).toEqual(today.rows.map((r) => r.id).sort());
    const overdue = await leader.get('/api/cases?overdue=1&limit=500');
    expect(overdue.status).toBe(200);
    expect(dash.json.overdue.count).toBe(overdue.json.total);
    expect(dash.json.overdue.count).toBeGreaterThan(0);
    expect(dash.json.overdue.caseIds.length).toBe(Math.min(LIVE_IDS, overdue.json.total));
    const listed = new Set(overdue.json.items.map((c: { id: string }) => c.id));
    for (const id of dash.json.overdue.caseIds) expect(listed.has(id)).toBe(true);
  });

  it('answers the month through yesterday from the roll-ups, equal to a recount from the events', async () => {
    const dash = (await leader.get('/api/evaluation/dashboard')).json;
    const asOf = Date.parse(dash.month.asOf);
    expect(chinaDate(asOf)).toBe(chinaDate(Date.now())); // midnight starting today
    const from = chinaDate(Date.parse(dash.month.from));
    const to = chinaDate(asOf - 1);
    const recount = await leader.get(`/api/evaluation/indicators?from=${from}&to=${to}`);
    expect(recount.status, JSON.stringify(recount.json)).toBe(200);
    const figure = (key: string) =>
      recount.json.figures.find((f: { key: string }) => f.key === key) as {
        numerator: number;
        denominator: number;
      };
    for (const r of dash.threeRates)
      expect([r.key, r.numerator, r.denominator]).toEqual([
        r.key,
        figure(r.key).numerator,
        figure(r.key).denominator,
      ]);
    expect(dash.threeRates[0].denominator).toBeGreaterThan(0);
    expect(dash.worstStreets.length).toBeGreaterThan(0);
    expect(dash.composite.current).not.toBeNull();
  });

  it("shows a handler only their unit's cases", async () => {
    const dash = await handler.get('/api/evaluation/dashboard');
    expect(dash.status).toBe(200);
    const overdue = await handler.get('/api/cases?overdue=1&limit=1');
    expect(dash.json.overdue.count).toBe(overdue.json.total);
    expect(dash.json.today.intake).toBe(0); // today's reports are not dispatched to anyone yet
    expect(dash.json.worstStreets).toEqual([]);
  });
});
