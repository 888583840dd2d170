/**
 * How `seedSynthetic` (synthetic.ts) writes its batches: multi-row INSERTs through Kysely (PGlite, or a server
 * without a COPY connection), or COPY over a connection of its own on a server (the bulk mode).
 */
import { type Kysely, sql } from 'kysely';
import { eventRow } from '../modules/cases/case-rows.js';
import type { HashedEvent } from '../modules/cases/hash-chain.js';
import type { Counter } from '../modules/cases/rollup.js';
import { RollupsStore } from '../modules/cases/rollups.store.js';
import type { DB } from '../platform/db/schema.js';

const EVENT_BATCH = 3_000;
const CASE_ROWS = 1_500;

/** A built case as the writers need it: its row, its number's prefix and its chained events. */
export interface BuiltRows {
  row: Record<string, unknown>;
  numberPrefix: string;
  events: (HashedEvent & { prevHash: string; hash: string })[];
}

export interface BatchWriter {
  /**
   * Writes a batch's cases, the events of every `every`-th case (by index from `first`), the daily counters
   * that are final (each key once) and the batch's monthly counters (added to).
   */
  write(
    built: BuiltRows[],
    every: number,
    first: number,
    counters: { daily: Counter[]; monthly: Counter[] },
  ): Promise<{ events: number }>;
  /** Fresh planner statistics: without them a bulk-loaded roll-up table's sums are planned for a few rows. */
  finish(): Promise<void>;
  close(): Promise<void>;
}

const withEvents = (built: BuiltRows[], every: number, first: number) =>
  built.filter((_, j) => (first + j) % every === 0);

/** Multi-row INSERTs through Kysely, one transaction per batch (PGlite, or a server without `copyUrl`). */
export function insertWriter(db: Kysely<DB>): BatchWriter {
  return {
    async write(built, every, first, counters) {
      let events = 0;
      await db.transaction().execute(async (trx) => {
        // About 30 parameters a case row: stay under PostgreSQL's 65,535 bound parameters a statement.
        for (let j = 0; j < built.length; j += CASE_ROWS)
          await trx
            .insertInto('cases')
            .values(
              built.slice(j, j + CASE_ROWS).map(
                (b) =>
                  ({
                    ...b.row,
                    number: sql<string>`${b.numberPrefix} || lpad(nextval('case_number_seq')::text, 6, '0')`,
                  }) as never,
              ),
            )
            .execute();
        const rows = withEvents(built, every, first).flatMap((b) =>
          b.events.map((e) => eventRow(e, e.prevHash, e.hash)),
        );
        for (let j = 0; j < rows.length; j += EVENT_BATCH)
          await trx
            .insertInto('case_events')
            .values(rows.slice(j, j + EVENT_BATCH))
            .execute();
        await new RollupsStore(trx).addDaily(counters.daily);
        await new RollupsStore(trx).addMonthly(counters.monthly);
        events = rows.length;
      });
      return { events };
    },
    async finish() {
      await sql`analyze cases, case_events, case_rollups, case_rollups_monthly`.execute(db);
    },
    async close() {},
  };
}

const DAILY_COLUMNS = ['metric', 'settled', 'stamp', 'area_code', 'unit_id', 'user_id', 'kind', 'n'];
const MONTHLY_COLUMNS = ['metric', 'settled', 'stamp', 'street', 'unit_id', 'user_id', 'kind', 'n'];
const counterLine = (c: Counter) => [c.metric, c.settled, c.stamp, c.area, c.unit, c.user, c.kind, c.n];

/**
 * COPY over a connection of its own, one transaction per batch: the case rows (numbers drawn from the
 * sequence in one round trip), the kept events, and the roll-ups through temporary staging tables merged
 * with `insert … select … on conflict do update` (COPY cannot add to an existing counter).
 */
export async function copyWriter(url: string): Promise<BatchWriter> {
  const { default: pg } = await import('pg');
  const { copyFrom, copyLine } = await import('./pg-copy.js');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // A run into an empty table writes each daily key once (it is final when written): COPY it straight in.
  const had = await client.query<{ any: boolean }>(`select exists (select 1 from case_rollups) as any`);
  const direct = !had.rows[0]?.any;
  await client.query(`create temp table synthetic_daily (like case_rollups including defaults)`);
  await client.query(`create temp table synthetic_monthly (like case_rollups_monthly including defaults)`);
  let caseColumns: string[] | null = null;
  let eventColumns: string[] | null = null;
  return {
    async write(built, every, first, counters) {
      await client.query('begin');
      try {
        const seq = await client.query<{ v: string }>(
          `select nextval('case_number_seq')::text as v from generate_series(1, $1)`,
          [built.length],
        );
        const rows = built.map((b, j) => ({
          ...b.row,
          number: `${b.numberPrefix}${(seq.rows[j]?.v ?? '').padStart(6, '0')}`,
        }));
        caseColumns ??= Object.keys(rows[0] ?? {});
        const cols = caseColumns;
        await copyFrom(
          client,
          'cases',
          cols,
          rows.map((r) => copyLine(cols.map((c) => (r as Record<string, unknown>)[c]))),
        );
        const evs = withEvents(built, every, first).flatMap((b) =>
          b.events.map((e) => eventRow(e, e.prevHash, e.hash) as Record<string, unknown>),
        );
        eventColumns ??= evs[0] ? Object.keys(evs[0]) : null;
        const ecols = eventColumns ?? [];
        await copyFrom(
          client,
          'case_events',
          ecols,
          evs.map((e) => copyLine(ecols.map((c) => e[c]))),
        );
        await copyFrom(
          client,
          direct ? 'case_rollups' : 'synthetic_daily',
          DAILY_COLUMNS,
          counters.daily.map((c) => copyLine(counterLine(c))),
        );
        if (!direct)
          await client.query(
            `insert into case_rollups (${DAILY_COLUMNS.join(', ')}) select ${DAILY_COLUMNS.join(', ')} from synthetic_daily
             on conflict (area_code, metric, settled, stamp, unit_id, user_id, kind) do update set n = case_rollups.n + excluded.n`,
          );
        await copyFrom(
          client,
          'synthetic_monthly',
          MONTHLY_COLUMNS,
          counters.monthly.map((c) => copyLine(counterLine(c))),
        );
        await client.query(
          `insert into case_rollups_monthly (${MONTHLY_COLUMNS.join(', ')}) select ${MONTHLY_COLUMNS.join(', ')} from synthetic_monthly
           on conflict (street, metric, settled, stamp, unit_id, user_id, kind) do update set n = case_rollups_monthly.n + excluded.n`,
        );
        await client.query('truncate synthetic_daily, synthetic_monthly');
        await client.query('commit');
        return { events: evs.length };
      } catch (e) {
        await client.query('rollback');
        throw e;
      }
    },
    async finish() {
      await client.query('analyze cases, case_events, case_rollups, case_rollups_monthly');
    },
    async close() {
      await client.end();
    },
  };
}
