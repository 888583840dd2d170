/**
 * The roll-up counters (case_rollups per day, case_rollups_monthly per month, see rollup.ts): both added to
 * in the transaction of each case event (or in batches by the synthetic generator) from the same deltas, and
 * summed per period for the evaluation module — the monthly ones when the period is month-aligned.
 */
import { sql } from 'kysely';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import {
  BACKLOG_METRICS,
  type Counter,
  dailyCounters,
  METRIC_ID,
  monthlyCounters,
  monthOfDay,
  type RollupDelta,
  STOCK_METRICS,
} from './rollup.js';

export interface RollupFilter {
  /** First day (China day number) of the period, inclusive. */
  fromDay: number;
  /** Day number just after the period (the period's end, a day boundary). */
  endDay: number;
  /** Area-code prefix (district, street or community; a grid reads as its community). */
  areaPrefix: string;
  /** Only the counters of one unit. */
  unitId?: string;
}

/** Rows per statement: 8 parameters a row, under PostgreSQL's 65,535 bound parameters. */
export const ROLLUP_BATCH = 5_000;

const ids = (ms: readonly string[]) => ms.map((m) => METRIC_ID.get(m as never) as number);
/** Metrics counted whatever their stamp (rollup.ts `Counter`: stock and backlog). */
const UNSTAMPED = () => ids([...STOCK_METRICS, ...BACKLOG_METRICS]);

/** The upsert adding `counters` to the daily table (one statement). */
function dailyUpsert(db: Db, counters: readonly Counter[]) {
  return db
    .insertInto('case_rollups')
    .values(
      counters.map((c) => ({
        metric: c.metric,
        settled: c.settled,
        stamp: c.stamp,
        area_code: c.area,
        unit_id: c.unit,
        user_id: c.user,
        kind: c.kind,
        n: c.n,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['area_code', 'metric', 'settled', 'stamp', 'unit_id', 'user_id', 'kind'])
        .doUpdateSet({ n: sql<number>`case_rollups.n + excluded.n` }),
    );
}

/** The upsert adding `counters` to the monthly table (one statement). */
function monthlyUpsert(db: Db, counters: readonly Counter[]) {
  return db
    .insertInto('case_rollups_monthly')
    .values(
      counters.map((c) => ({
        metric: c.metric,
        settled: c.settled,
        stamp: c.stamp,
        street: c.area,
        unit_id: c.unit,
        user_id: c.user,
        kind: c.kind,
        n: c.n,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['street', 'metric', 'settled', 'stamp', 'unit_id', 'user_id', 'kind'])
        .doUpdateSet({ n: sql<number>`case_rollups_monthly.n + excluded.n` }),
    );
}

export class RollupsStore {
  constructor(private readonly db: Db) {}

  /**
   * Adds the deltas (upsert: n = n + delta) to the daily counters and, mapped, to the monthly ones (rollup.ts
   * `dailyCounters`, `monthlyCounters`: folded, one row per key). Answers how many monthly rows it touched.
   */
  async add(deltas: readonly RollupDelta[]): Promise<number> {
    await this.addDaily(dailyCounters(deltas));
    const monthly = monthlyCounters(deltas);
    await this.addMonthly(monthly);
    return monthly.length;
  }

  /** Adds daily counters (folded and sorted, so concurrent writers lock rows in one order). */
  async addDaily(counters: readonly Counter[]): Promise<void> {
    for (let i = 0; i < counters.length; i += ROLLUP_BATCH)
      await dailyUpsert(this.db, counters.slice(i, i + ROLLUP_BATCH)).execute();
  }

  /** Adds monthly counters (folded and sorted, so concurrent writers lock rows in one order). */
  async addMonthly(counters: readonly Counter[]): Promise<void> {
    for (let i = 0; i < counters.length; i += ROLLUP_BATCH)
      await monthlyUpsert(this.db, counters.slice(i, i + ROLLUP_BATCH)).execute();
  }

  /**
   * `add` in two halves, for a caller that sends the daily one inside a statement of its own (a
   * data-modifying WITH: intake's batch): `daily` is that upsert, not executed (null when the counters
   * need more than one statement; then it adds them itself), and `addMonthly` must run after the statement.
   * The monthly upsert cannot go in the same statement: PostgreSQL runs the unread WITHs of a statement in
   * an order of its own (the last first), and every writer must lock daily rows before monthly ones, as
   * `add` does, or two transactions can each wait for the other (a deadlock the crash test met).
   */
  async halves(deltas: readonly RollupDelta[]) {
    const daily = dailyCounters(deltas);
    const inline = daily.length > 0 && daily.length <= ROLLUP_BATCH;
    if (!inline) await this.addDaily(daily);
    return {
      daily: inline ? dailyUpsert(this.db, daily) : null,
      addMonthly: () => this.addMonthly(monthlyCounters(deltas)),
    };
  }

  /**
   * The counts of a month-aligned period (fromDay and endDay start months) inside a district or street, from
   * the monthly counters: the same answer as `counts` (rollup.ts says why it is exact), per metric, kind,
   * street, unit and person, from a few rows per month instead of every day's. `stockOnly`: only 超期 and
   * 积案 (the metrics counted whatever their stamp), for `counts`' other half.
   */
  countsMonthly(f: RollupFilter, stockOnly = false) {
    const from = monthOfDay(f.fromDay);
    const end = monthOfDay(f.endDay);
    let q = this.db
      .selectFrom('case_rollups_monthly as r')
      .select(['r.metric', 'r.kind', 'r.street', 'r.unit_id', 'r.user_id', sql<string>`sum(r.n)`.as('n')])
      .where('r.settled', '<', end)
      .where((eb) =>
        stockOnly
          ? eb('r.metric', 'in', UNSTAMPED())
          : eb.or([eb('r.metric', 'in', UNSTAMPED()), eb('r.stamp', '>=', from)]),
      );
    // The key starts with the street: a street reads its own range of the index, a district a prefix.
    q =
      f.areaPrefix.length >= 9
        ? q.where('r.street', '=', f.areaPrefix.slice(0, 9))
        : q.where('r.street', 'like', `${f.areaPrefix}%`);
    if (f.unitId) q = q.where('r.unit_id', '=', f.unitId);
    return q
      .groupBy(['r.metric', 'r.kind', 'r.street', 'r.unit_id', 'r.user_id'])
      .having(sql`sum(r.n)`, '<>', 0)
      .execute();
  }

  /**
   * The counts of a period per metric, kind, street (9 digits), unit and person: the sum of the counters
   * settled before the period's end whose stamp (range metrics) is in it (rollup.ts `Counter`).
   * `stockSince` (a day): only the 超期 and 积案 counters settled from that day on — the caller has the
   * earlier ones from the monthly counters — so that the read covers the days since then and the period
   * (a range metric's settled day is never before its stamp), through `case_rollups_settled_idx`, instead
   * of all history.
   */
  counts(f: RollupFilter, stockSince = 0) {
    let q = this.db
      .selectFrom('case_rollups as r')
      .select([
        'r.metric',
        'r.kind',
        sql<string>`substr(r.area_code, 1, 9)`.as('street'),
        'r.unit_id',
        'r.user_id',
        sql<string>`sum(r.n)`.as('n'),
      ])
      .where('r.area_code', 'like', `${f.areaPrefix.slice(0, 12)}%`)
      .where('r.settled', '<', f.endDay)
      .where('r.settled', '>=', Math.min(f.fromDay, stockSince))
      .where((eb) =>
        eb.or([
          eb.and([eb('r.metric', 'in', UNSTAMPED()), eb('r.settled', '>=', stockSince)]),
          eb.and([eb('r.stamp', '>=', f.fromDay), eb('r.settled', '>=', f.fromDay)]),
        ]),
      );
    if (f.unitId) q = q.where('r.unit_id', '=', f.unitId);
    return q
      .groupBy(['r.metric', 'r.kind', sql`substr(r.area_code, 1, 9)`, 'r.unit_id', 'r.user_id'])
      .having(sql`sum(r.n)`, '<>', 0)
      .execute();
  }

  /**
   * Per stamp day from `fromDay` on, inside an area-code prefix (district, street or community): the sums of
   * the big screen's metrics ('received', 'closed'). The metric ids are literals so that the planner proves
   * the partial index `case_rollups_screen_idx` (migration 0029) serves the query.
   */
  perDay(metrics: readonly ('received' | 'closed')[], areaPrefix: string, fromDay: number) {
    return this.db
      .selectFrom('case_rollups as r')
      .select(['r.metric', 'r.stamp', sql<string>`sum(r.n)`.as('n')])
      .where(
        'r.metric',
        'in',
        ids(metrics).map((m) => sql.lit(m)),
      )
      .where('r.stamp', '>=', fromDay)
      .where('r.area_code', 'like', `${areaPrefix.slice(0, 12)}%`)
      .groupBy(['r.metric', 'r.stamp'])
      .execute();
  }

  /** How many counter rows there are, daily and monthly (for the benchmark's report). */
  async rowCount() {
    const [daily, monthly] = await Promise.all([
      this.db
        .selectFrom('case_rollups')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('case_rollups_monthly')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { daily: Number(daily.n), monthly: Number(monthly.n) };
  }
}

const COUNTER: Counter = {
  metric: 0,
  settled: 20_500,
  stamp: 20_500,
  area: '120101001001',
  unit: '',
  user: '',
  kind: 'event',
  n: 1,
};
export const SQL_EXAMPLES: SqlExamples<RollupsStore> = {
  add: [
    [
      {
        metric: 0,
        known: 20_500,
        stamp: 20_500,
        due: -1,
        area: '120101001001',
        unit: '',
        user: '',
        kind: 'event',
        n: 1,
      },
    ],
  ],
  addDaily: [[COUNTER]],
  halves: [[]],
  addMonthly: [[{ ...COUNTER, settled: 24_315, stamp: 24_315, area: '120101001' }]],
  counts: [{ fromDay: 20_500, endDay: 20_531, areaPrefix: '120101', unitId: 'u1' }, 20_513],
  countsMonthly: [{ fromDay: 20_514, endDay: 20_545, areaPrefix: '120101', unitId: 'u1' }, true],
  perDay: [['received', 'closed'], '120101', 20_500],
  rowCount: [],
};
