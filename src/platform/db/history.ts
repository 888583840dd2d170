/**
 * Partitioned history (migrations/0028_history.sql, docs/SCALING.md §5): `case_events`, `audit_log` and
 * `notifications` are partitioned by month by pg_partman on a PostgreSQL server that has it, and plain
 * tables elsewhere (PGlite). The `history_maintenance` job, a row in the ordinary job queue (taken with
 * SKIP LOCKED, so one process runs it), calls `partman.run_maintenance()` itself: no background worker,
 * no `shared_preload_libraries`. It:
 *   1. moves rows that landed in a default partition to their month's partition (made if missing);
 *   2. makes the months ahead (premake 4) and applies retention: partitions wholly older than the months
 *      the `history` setting keeps are detached by pg_partman and their rows moved to `<table>_archive`
 *      (plain tables on both stores) or, for notifications if the setting says so, dumped to a JSON-lines
 *      file under `$WANGGE_DATA/history`; then the detached partition is dropped.
 * Archived rows keep their ids and hashes: the chains verify across both (audit-chain.ts and `case_history`).
 */
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { type Kysely, sql, type Transaction } from 'kysely';
import { enqueueJobs, type JobHandler, pendingJobs } from '../jobs/jobs.js';
import { readSetting } from '../settings.js';
import type { DB } from './schema.js';
import type { Db } from './store.js';

export const HISTORY_TABLES = [
  { table: 'case_events', column: 'at', archive: 'case_events_archive' },
  { table: 'audit_log', column: 'at', archive: 'audit_log_archive' },
  { table: 'notifications', column: 'created_at', archive: 'notifications_archive' },
] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number]['table'];

/**
 * The `history` setting: how many months each table keeps in its partitions (absent = keep everything
 * hot), and where older months go: the archive table (the default), or, for notifications only, a dump
 * file. Chained history (case events, audit) is always archived: a case's timeline, its next event and
 * `wangge verify` need every link in the database.
 */
export interface HistorySettings {
  keepMonths?: Partial<Record<HistoryTable, number>>;
  notifications?: 'archive' | 'dump';
}
export const HISTORY_SETTING = 'history';

/** Month boundaries of the partitions: Beijing months (the migration made them in this zone). */
const PARTITION_TIME_ZONE = 'Asia/Shanghai';

export const HISTORY_MAINTENANCE_JOB = 'history_maintenance';

/** 'partman' when the three tables are partitioned (a server with pg_partman), else 'plain'. */
export async function historyPartitioning(db: Db): Promise<'partman' | 'plain'> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from pg_class
    where relnamespace = current_schema()::regnamespace and relkind = 'p'
      and relname in ('case_events', 'audit_log', 'notifications')`.execute(db);
  return (r.rows[0]?.n ?? 0) === HISTORY_TABLES.length ? 'partman' : 'plain';
}

export interface HistoryMaintenanceReport {
  partitioning: 'partman' | 'plain';
  tables: {
    table: HistoryTable;
    /** Rows moved out of the default partition into their month. */
    fromDefault: number;
    /** Partitions detached by retention and emptied into the archive (or, `file` set, a dump file). */
    archived: { partition: string; rows: number; file?: string }[];
    /** Month partitions attached after the run. */
    partitions: number;
  }[];
}

async function partitionsOf(db: Db, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
    order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
  return r.rows.map((x) => x.name);
}

/**
 * One maintenance run inside the caller's transaction (the job's). Does nothing on plain tables.
 * Audit rows are moved, not written: the audit triggers stand aside for this transaction only
 * (`wangge.restoring`, as for a restore), and are back before it ends.
 */
export async function maintainHistory(
  trx: Transaction<DB>,
  opts: { dumpDir?: string } = {},
): Promise<HistoryMaintenanceReport> {
  const partitioning = await historyPartitioning(trx);
  if (partitioning === 'plain') return { partitioning, tables: [] };
  const settings = (await readSetting<HistorySettings>(trx, HISTORY_SETTING)) ?? {};
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(trx)).rows[0]?.s ?? 'public';
  await sql`select set_config('TimeZone', ${PARTITION_TIME_ZONE}, true)`.execute(trx);
  await sql`select set_config('wangge.restoring', 'on', true)`.execute(trx);
  const report: HistoryMaintenanceReport = { partitioning, tables: [] };
  for (const t of HISTORY_TABLES) {
    const parent = `${schema}.${t.table}`;
    const keep = settings.keepMonths?.[t.table];
    const retention = keep && keep > 0 ? `${Math.floor(keep)} months` : null;
    await sql`update partman.part_config
        set retention = ${retention}, retention_keep_table = true, retention_keep_index = false
        where parent_table = ${parent}`.execute(trx);
    const moved = await sql<{ n: string }>`
        select partman.partition_data_time(${parent}, p_batch_count := 1000, p_analyze := false)::text as n`.execute(
      trx,
    );
    // partition_data_time keeps the rows it moves in a temporary table dropped only at commit, shaped like
    // the first table it moved: drop it so the next table gets its own.
    await sql`drop table if exists pg_temp.partman_temp_data_storage`.execute(trx);
    const before = await partitionsOf(trx, t.table);
    await sql`select partman.run_maintenance(${parent}, p_jobmon := false)`.execute(trx);
    const after = new Set(await partitionsOf(trx, t.table));
    const archived: HistoryMaintenanceReport['tables'][number]['archived'] = [];
    const columns = await columnsOf(trx, t.archive);
    const cols = sql.join(columns.map((c) => sql.ref(c)));
    const dump = t.table === 'notifications' && settings.notifications === 'dump';
    if (dump && !opts.dumpDir)
      throw new Error('history: notifications are to be dumped but no dump directory is set');
    for (const p of before.filter((x) => !after.has(x))) {
      if (dump && opts.dumpDir) {
        archived.push({ partition: p, ...(await dumpPartition(trx, t.table, p, opts.dumpDir)) });
      } else {
        const res = await sql`insert into ${sql.table(t.archive)} (${cols})
          select ${cols} from ${sql.table(p)}`.execute(trx);
        archived.push({ partition: p, rows: Number(res.numAffectedRows ?? 0) });
      }
      await sql`drop table ${sql.table(p)}`.execute(trx);
    }
    report.tables.push({
      table: t.table,
      fromDefault: Number(moved.rows[0]?.n ?? 0),
      archived,
      partitions: after.size,
    });
  }
  await sql`select set_config('wangge.restoring', '', true)`.execute(trx);
  return report;
}

/**
 * Writes a detached partition's rows to `<dir>/<partition>.jsonl` (one JSON object a line, in id order;
 * written to a temporary name, flushed, then renamed) and records the file and its sha256 in
 * `history_dumps`, in the maintenance transaction. If that transaction then fails the rows stay in the
 * database and the next run writes the file again.
 */
async function dumpPartition(
  trx: Transaction<DB>,
  table: string,
  partition: string,
  dir: string,
): Promise<{ rows: number; file: string }> {
  await fsp.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${partition}.jsonl`);
  const tmp = `${file}.tmp`;
  const out = await fsp.open(tmp, 'w');
  const hash = createHash('sha256');
  let rows = 0;
  try {
    let after = -1;
    for (;;) {
      const page = await sql<{ id: string; j: string }>`
        select id::text as id, row_to_json(t)::text as j from ${sql.table(partition)} t
        where id > ${after} order by id limit 1000`.execute(trx);
      for (const r of page.rows) {
        const line = `${r.j}\n`;
        hash.update(line);
        await out.write(line);
        rows++;
      }
      const last = page.rows.at(-1);
      if (!last || page.rows.length < 1000) break;
      after = Number(last.id);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  await fsp.rename(tmp, file);
  const sha256 = hash.digest('hex');
  await sql`insert into history_dumps (table_name, partition_name, rows, file, sha256)
    values (${table}, ${partition}, ${rows}, ${file}, ${sha256})`.execute(trx);
  return { rows, file };
}

/** Daily, at 03:30 Beijing time after `now`. */
export function nextHistoryRun(now: Date): Date {
  const day = 86_400_000;
  const offset = 8 * 3_600_000;
  const local = now.getTime() + offset;
  const at = Math.floor(local / day) * day + 3.5 * 3_600_000;
  return new Date((at > local ? at : at + day) - offset);
}

/** Puts the daily run in the queue once (at start-up; the job re-enqueues itself). */
export async function scheduleHistoryMaintenance(db: Kysely<DB>, now: Date): Promise<void> {
  if ((await pendingJobs(db, HISTORY_MAINTENANCE_JOB, {})).length > 0) return;
  await enqueueJobs(db, [{ type: HISTORY_MAINTENANCE_JOB, runAt: nextHistoryRun(now), payload: {} }]);
}

export function historyJobHandlers(opts: {
  dumpDir: string;
  log?: (report: HistoryMaintenanceReport) => void;
}): Record<string, JobHandler> {
  const { log, dumpDir } = opts;
  return {
    [HISTORY_MAINTENANCE_JOB]: async (trx, _payload, now) => {
      const report = await maintainHistory(trx, { dumpDir });
      log?.(report);
      await enqueueJobs(trx, [{ type: HISTORY_MAINTENANCE_JOB, runAt: nextHistoryRun(now), payload: {} }]);
    },
  };
}
