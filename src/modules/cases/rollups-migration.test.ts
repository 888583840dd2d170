/**
 * Migration 0029 rebuilds the roll-up counters of an installation in their one-day shape (`settled`): for
 * random counter changes written in the old three-day shape (known, stamp, due), the sums the new queries
 * read after the migration equal the old rules applied to the changes themselves — for day ranges from the
 * daily table, and for month-aligned periods from the monthly one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/database.js';
import { migrate, migrationsDir } from '../../platform/db/migrate.js';
import { seededRandom } from '../../platform/random.js';
import {
  BACKLOG_DAYS,
  BACKLOG_METRICS,
  METRIC_ID,
  METRICS,
  monthlyOf,
  monthOfDay,
  monthStartDay,
  type RollupDelta,
  STOCK_METRICS,
} from './rollup.js';
import { RollupsStore } from './rollups.store.js';

const STOCK = new Set(STOCK_METRICS.map((m) => METRIC_ID.get(m)));
const BACKLOG = new Set(BACKLOG_METRICS.map((m) => METRIC_ID.get(m)));
const D0 = 20_400; // 2025-11-08

/** The old rules: what a change adds to a period [from, end) (rollups.store.ts before migration 0029). */
function counts(d: RollupDelta, from: number, end: number): boolean {
  if (d.known >= end) return false;
  if (STOCK.has(d.metric)) return d.stamp < end;
  if (BACKLOG.has(d.metric)) return d.stamp < end - BACKLOG_DAYS;
  return d.stamp >= from && d.stamp < end && d.due < end;
}

/** Old-shape rows: the changes folded by the old keys. */
function oldRows<T extends Record<string, unknown>>(rows: T[], key: (r: T) => string): T[] {
  const m = new Map<string, T & { n: number }>();
  for (const r of rows as (T & { n: number })[]) {
    const k = key(r);
    const had = m.get(k);
    if (had) had.n += r.n;
    else m.set(k, { ...r });
  }
  return [...m.values()];
}

it('migration 0029 keeps every sum of the old counters', async () => {
  const store = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    // The schema as it stood before 0029.
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-mig-'));
    for (const f of fs.readdirSync(migrationsDir).filter((x) => x.endsWith('.sql') && x < '0029'))
      fs.copyFileSync(path.join(migrationsDir, f), path.join(before, f));
    await migrate(store.db, before);
    fs.rmSync(before, { recursive: true });

    const rand = seededRandom(29);
    const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
    const deltas: RollupDelta[] = [];
    for (let i = 0; i < 4_000; i++) {
      const known = int(D0, D0 + 150);
      const stamp = known + int(-45, 30);
      deltas.push({
        metric: int(0, 30),
        known,
        stamp,
        due: rand() < 0.5 ? -1 : stamp + int(0, 20),
        area: `12010100${int(1, 2)}00${int(1, 2)}`,
        unit: ['', 'u1', 'u2'][int(0, 2)] as string,
        user: ['', 'p1'][int(0, 1)] as string,
        kind: ['event', 'request'][int(0, 1)] as string,
        n: rand() < 0.7 ? 1 : -1,
      });
    }
    const daily = oldRows(
      deltas.map((d) => ({
        metric: d.metric,
        known: d.known,
        stamp: d.stamp,
        due: d.due,
        area_code: d.area,
        unit_id: d.unit,
        user_id: d.user,
        kind: d.kind,
        n: d.n,
      })),
      (r) => [r.metric, r.known, r.stamp, r.due, r.area_code, r.unit_id, r.user_id, r.kind].join('|'),
    );
    const monthly = oldRows(
      deltas.map(monthlyOf).map((m) => ({
        metric: m.metric,
        known: m.known,
        stamp: m.stamp,
        due: m.due,
        street: m.street,
        unit_id: m.unit,
        user_id: m.user,
        kind: m.kind,
        n: m.n,
      })),
      (r) => [r.metric, r.known, r.stamp, r.due, r.street, r.unit_id, r.user_id, r.kind].join('|'),
    );
    // biome-ignore lint/suspicious/noExplicitAny: the old tables' shape is no longer in the schema types
    const old = store.db as any;
    for (let i = 0; i < daily.length; i += 1_000)
      await old
        .insertInto('case_rollups')
        .values(daily.slice(i, i + 1_000))
        .execute();
    for (let i = 0; i < monthly.length; i += 1_000)
      await old
        .insertInto('case_rollups_monthly')
        .values(monthly.slice(i, i + 1_000))
        .execute();

    const result = await migrate(store.db);
    expect(result.applied).toContain('0029_rollups.sql');
    const rows = await store.db
      .selectFrom('case_rollups')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBeLessThan(daily.length); // folded

    const rollups = new RollupsStore(store.db);
    const perMetric = (xs: { metric: number; n: string }[]) => {
      const m = new Map<string, number>();
      for (const x of xs)
        m.set(METRICS[x.metric] as string, (m.get(METRICS[x.metric] as string) ?? 0) + Number(x.n));
      return new Map([...m].filter(([, n]) => n !== 0));
    };
    const expected = (from: number, end: number, area = '120101') => {
      const m = new Map<string, number>();
      for (const d of deltas)
        if (d.area.startsWith(area) && counts(d, from, end))
          m.set(METRICS[d.metric] as string, (m.get(METRICS[d.metric] as string) ?? 0) + d.n);
      return new Map([...m].filter(([, n]) => n !== 0));
    };
    let nonEmpty = 0;
    for (let i = 0; i < 25; i++) {
      const from = int(D0 - 30, D0 + 150);
      const end = from + int(1, 90);
      const area = ['120101', '120101001', '120101002002'][i % 3] as string;
      const want = expected(from, end, area);
      const got = perMetric(await rollups.counts({ fromDay: from, endDay: end, areaPrefix: area }));
      expect(got, `daily ${area} ${from}..${end}`).toEqual(want);
      nonEmpty += want.size ? 1 : 0;
    }
    expect(nonEmpty).toBeGreaterThan(20);
    for (let m = monthOfDay(D0) - 1; m <= monthOfDay(D0 + 180); m++)
      for (const len of [1, 3]) {
        const from = monthStartDay(m);
        const end = monthStartDay(m + len);
        const got = perMetric(
          await rollups.countsMonthly({ fromDay: from, endDay: end, areaPrefix: '120101' }),
        );
        expect(got, `monthly ${from}..${end}`).toEqual(expected(from, end));
      }
  } finally {
    await store.close();
  }
}, 120_000);
