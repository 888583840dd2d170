/**
 * The roll-up counters (case_rollups, see rollup.ts): added to in the transaction of each case event (or in
 * batches by the synthetic generator), and summed per period for the evaluation module.
 */
import { sql } from 'kysely';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import { BACKLOG_METRICS, METRIC_ID, type RollupDelta, STOCK_METRICS } from './rollup.js';

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

/** Rows per statement: 9 parameters a row, under PostgreSQL's 65,535 bound parameters. */
export const ROLLUP_BATCH = 5_000;
const BACKLOG_DAYS = 60;

const ids = (ms: readonly string[]) => ms.map((m) => METRIC_ID.get(m as never) as number);

export class RollupsStore {
  constructor(private readonly db: Db) {}

  /** Adds the deltas (upsert: n = n + delta); folded deltas, one row per key. */
  async add(deltas: readonly RollupDelta[]): Promise<void> {
    for (let i = 0; i < deltas.length; i += ROLLUP_BATCH) {
      const rows = deltas.slice(i, i + ROLLUP_BATCH).map((d) => ({
        metric: d.metric,
        known: d.known,
        stamp: d.stamp,
        due: d.due,
        area_code: d.area,
        unit_id: d.unit,
        user_id: d.user,
        kind: d.kind,
        n: d.n,
      }));
      await this.db
        .insertInto('case_rollups')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['area_code', 'metric', 'known', 'stamp', 'due', 'unit_id', 'user_id', 'kind'])
            .doUpdateSet({ n: sql<number>`case_rollups.n + excluded.n` }),
        )
        .execute();
    }
  }

  /**
   * The counts of a period per metric, kind, street (9 digits), unit and person: the sum of the counters
   * known before the period's end whose stamp falls as the metric's class asks (rollup.ts).
   */
  counts(f: RollupFilter) {
    const stock = ids(STOCK_METRICS);
    const backlog = ids(BACKLOG_METRICS);
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
      .where('r.known', '<', f.endDay)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('r.metric', 'not in', [...stock, ...backlog]),
            eb('r.stamp', '>=', f.fromDay),
            eb('r.stamp', '<', f.endDay),
            eb('r.due', '<', f.endDay),
          ]),
          eb.and([eb('r.metric', 'in', stock), eb('r.stamp', '<', f.endDay)]),
          eb.and([eb('r.metric', 'in', backlog), eb('r.stamp', '<', f.endDay - BACKLOG_DAYS)]),
        ]),
      );
    if (f.unitId) q = q.where('r.unit_id', '=', f.unitId);
    return q
      .groupBy(['r.metric', 'r.kind', sql`substr(r.area_code, 1, 9)`, 'r.unit_id', 'r.user_id'])
      .having(sql`sum(r.n)`, '<>', 0)
      .execute();
  }

  /** How many counter rows there are (for the benchmark's report). */
  rowCount() {
    return this.db
      .selectFrom('case_rollups')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
  }
}

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
  counts: [{ fromDay: 20_500, endDay: 20_531, areaPrefix: '120101', unitId: 'u1' }],
  rowCount: [],
};
