/**
 * Recount equality (issue #17 part 5): the figures read from the roll-ups equal a direct recount from the
 * events (case facts replayed by `cases.facts`, indicators.ts) — for random periods and areas of a
 * synthetic data set written in bulk, and for cases filed and moved through the real services (the
 * roll-ups written by `CaseEngine.writeEvent` in each event's transaction). Month-aligned periods of a
 * district or street are checked through the monthly counters too (the bulletin's path), including 积案
 * whose "reported more than 60 days before the end" is not month-aligned.
 */
import { sql } from 'kysely';
import { expect, inject, it } from 'vitest';
import { seededRandom } from '../../platform/random.js';
import { seedDemoCases } from '../../seed/demo-cases.js';
import { seedSynthetic } from '../../seed/synthetic.js';
import { describeApi } from '../../testing/api.js';
import { chinaDay, dayStart, monthOfDay, monthStartDay, type RollupGrain } from '../cases/cases.service.js';
import { type AsOf, computeAll, INDICATORS } from './indicators.js';
import { addToBag, countsCounter, emptyBag, figuresFromCounts } from './rollup-figures.js';
import { factsCounter } from './scheme.js';

const ALL = { scope: '', unitId: null, roles: ['admin' as const] };
const PER_CASE = ['rework', 'rework_3', 'return', 'overdue'] as const;

type Ctx = Parameters<Parameters<typeof describeApi>[1]>[0];

/** The server's URL of the suite's own database (the bulk mode's COPY connection). */
async function copyUrlOf(ctx: Ctx): Promise<string> {
  const base = inject('pgUrl') as string;
  const name = await sql<{ db: string }>`select current_database() as db`.execute(ctx().store.db);
  return base.replace(/\/postgres$/, `/${name.rows[0]?.db}`);
}

/** Both ways for one period and area: totals, and per unit (the bulletin's departments). */
const comparer =
  (ctx: Ctx) =>
  async (p: AsOf, area: string, grain: RollupGrain = 'day') => {
    const { server } = ctx();
    const facts = await server.cases.facts.facts(ALL, { from: p.from, to: p.to, areaPrefix: area });
    const counts = await server.cases.facts.counts(
      { fromDay: chinaDay(p.from), endDay: chinaDay(p.end), areaPrefix: area },
      grain,
    );
    const bag = emptyBag();
    const byUnit = new Map<string, ReturnType<typeof emptyBag>>();
    for (const c of counts) {
      addToBag(bag, c);
      if (c.unitId) {
        const b = byUnit.get(c.unitId) ?? emptyBag();
        byUnit.set(c.unitId, b);
        addToBag(b, c);
      }
    }
    const shape = (all: ReturnType<typeof computeAll>) =>
      Object.fromEntries(INDICATORS.map((d) => [d.key, [all[d.key].numerator, all[d.key].denominator]]));
    const label = `${grain} ${area} ${p.from.toISOString()}..${p.end.toISOString()}`;
    expect(shape(figuresFromCounts(bag)), label).toEqual(shape(computeAll(facts, p)));
    const fc = factsCounter(facts, p);
    const cc = countsCounter(bag);
    expect(
      PER_CASE.map((f) => cc(f).count),
      label,
    ).toEqual(PER_CASE.map((f) => fc(f).count));
    const units = [...new Set(facts.map((f) => f.unitId).filter((u): u is string => !!u))].sort();
    for (const u of units) {
      const mine = facts.filter((f) => f.unitId === u);
      expect(shape(figuresFromCounts(byUnit.get(u) ?? emptyBag())), `${label} unit ${u}`).toEqual(
        shape(computeAll(mine, p)),
      );
    }
    return facts.length;
  };

describeApi('roll-ups equal a recount from the events', (ctx, kind) => {
  const compare = comparer(ctx);

  it('for cases moved through the services (roll-ups written with each event)', async () => {
    const { store, server } = ctx();
    expect(await seedDemoCases(store.db, server.cases)).toBeGreaterThan(0);
    const today = chinaDay(new Date());
    const p = { from: dayStart(today), to: dayStart(today + 1), end: dayStart(today + 1) };
    expect(await compare(p, '120101')).toBeGreaterThanOrEqual(7);
    // This month, through the monthly counters (written by the same transactions).
    const m = monthOfDay(today);
    const month = { from: dayStart(monthStartDay(m)), to: dayStart(monthStartDay(m + 1)) };
    expect(await compare({ ...month, end: month.to }, '120101', 'month')).toBeGreaterThanOrEqual(7);
  });

  it('on random periods and areas of a synthetic data set written in bulk', async () => {
    const { store } = ctx();
    const now = new Date('2026-05-10T12:00:00+08:00');
    // On a server the bulk mode's COPY path (its own connection, roll-ups folded in memory and staged).
    const copyUrl = kind === 'postgres' ? await copyUrlOf(ctx) : undefined;
    const r = await seedSynthetic(store.db, {
      cases: 400,
      from: '2026-01-01',
      to: '2026-04-30',
      now,
      batch: 150,
      seed: 5,
      ...(copyUrl ? { copyUrl } : {}),
    });
    expect(r.cases).toBe(400);
    expect(r.copy).toBe(kind === 'postgres');
    expect(r.events).toBeGreaterThan(2_000);
    // The histories are varied: every lifecycle the generator knows shows up.
    const types = await store.db.selectFrom('case_events').select('type').distinct().execute();
    expect(types.map((t) => t.type).sort()).toEqual(
      expect.arrayContaining([
        'check',
        'close',
        'dispatch',
        'feedback',
        'file',
        'rate',
        'reject',
        'return',
        'sign',
      ]),
    );
    const chains = await ctx().server.cases.queries.verifyChains();
    expect(chains.broken).toEqual([]);
    const areas = await store.db
      .selectFrom('cases')
      .select('area_code')
      .distinct()
      .execute()
      .then((rows) => rows.map((x) => x.area_code));
    const rand = seededRandom(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const first = chinaDay(new Date('2025-12-20T00:00:00+08:00'));
    const last = chinaDay(now);
    let seen = 0;
    for (let i = 0; i < 14; i++) {
      const a = first + Math.floor(rand() * (last - first));
      const b = Math.min(last, a + 1 + Math.floor(rand() * (i % 3 === 0 ? 120 : 31)));
      const grid = pick(areas);
      const area = i % 3 === 0 ? '120101' : i % 3 === 1 ? grid.slice(0, 9) : grid.slice(0, 12);
      const p = { from: dayStart(a), to: dayStart(b), end: dayStart(b) };
      seen += await compare(p, area);
      // 超期 and 积案 through the monthly counters up to the end's month (a district's or street's days).
      if (area.length <= 9) await compare(p, area, 'split');
    }
    expect(seen).toBeGreaterThan(400);
    // Month-aligned periods (a month, a quarter, up to five months; a district or a street) through the
    // monthly counters: every figure equal to the recount, 积案 included (its 60 days cross month ends).
    const firstM = monthOfDay(first);
    const lastM = monthOfDay(last);
    let backlog = 0;
    for (let i = 0; i < 10; i++) {
      const a = firstM + Math.floor(rand() * (lastM - firstM + 1));
      const b = Math.min(lastM + 1, a + 1 + Math.floor(rand() * 5));
      const from = dayStart(monthStartDay(a));
      const to = dayStart(monthStartDay(b));
      const area = i % 2 === 0 ? '120101' : pick(areas).slice(0, 9);
      const p = { from, to, end: to };
      await compare(p, area, 'month');
      const facts = await ctx().server.cases.facts.facts(ALL, { from, to, areaPrefix: area });
      backlog += computeAll(facts, p).backlog_count.numerator;
    }
    expect(backlog).toBeGreaterThan(0);
    // Every month-start end of the data set for 积案 and 超期 (where a 60-day lag meets month lengths).
    for (let m = firstM + 1; m <= lastM + 1; m++) {
      const end = dayStart(monthStartDay(m));
      await compare({ from: dayStart(monthStartDay(m - 1)), to: end, end }, '120101', 'month');
    }
  }, 240_000);
});

describeApi('roll-ups of a bulk set with copied histories', (ctx, kind) => {
  const compare = comparer(ctx);
  it('equal the recount (on a server: COPY straight into the empty counters)', async () => {
    const now = new Date('2026-04-10T12:00:00+08:00');
    const r = await seedSynthetic(ctx().store.db, {
      cases: 300,
      from: '2026-01-01',
      to: '2026-03-31',
      now,
      batch: 100,
      seed: 8,
      replicate: 3,
      ...(kind === 'postgres' ? { copyUrl: await copyUrlOf(ctx) } : {}),
    });
    expect(r.cases).toBe(300);
    expect(await ctx().server.cases.queries.verifyChains()).toMatchObject({ checked: 300, broken: [] });
    // Copies land on other grids of the street: more grids than built histories would give alone.
    const grids = await ctx().store.db.selectFrom('cases').select('area_code').distinct().execute();
    expect(grids.length).toBeGreaterThan(20);
    const day = (s: string) => chinaDay(new Date(`${s}T00:00:00+08:00`));
    for (const [a, b] of [
      ['2026-01-01', '2026-04-01'],
      ['2026-02-01', '2026-03-01'],
    ] as const) {
      const p = { from: dayStart(day(a)), to: dayStart(day(b)), end: dayStart(day(b)) };
      expect(await compare(p, '120101', 'month')).toBeGreaterThan(50);
      await compare(p, (grids[0]?.area_code ?? '').slice(0, 9), 'month');
    }
    const p = {
      from: dayStart(day('2026-02-03')),
      to: dayStart(day('2026-03-17')),
      end: dayStart(day('2026-03-17')),
    };
    expect(await compare(p, '120101')).toBeGreaterThan(50);
    expect(await compare(p, '120101', 'split')).toBeGreaterThan(50);
    await compare(p, (grids[1]?.area_code ?? '').slice(0, 12));
  }, 240_000);
});
