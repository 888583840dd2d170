/**
 * Fuzzing, part 3: what a request changed — a fingerprint of every table (volatile columns left out, each
 * with its reason) and the file store's listing. A refused request must leave both as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';

/**
 * Columns a refused request may legitimately touch, with the reason. Everything else must be byte-equal.
 * - login_attempts: the login limits count failed attempts on purpose (a refused login is recorded).
 * - public_submissions: the portal's per-address/device limit counts submissions as they are admitted,
 *   before the rest of the request is checked (a refused upload still counts toward the hourly limit).
 * - api_tokens.last_used_at: touched whenever a token authenticates, whatever the request then does.
 */
export const VOLATILE: Record<string, '*' | string[]> = {
  login_attempts: '*',
  public_submissions: '*',
  api_tokens: ['last_used_at'],
};

export interface Snapshot {
  /** table → md5 of its rows (volatile columns left out) and the row count. */
  tables: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: any database will do
type AnyDb = Kysely<any>;

/** The transaction counter: if it did not move, no write committed (reads take no transaction id). */
export async function nextXid(db: AnyDb): Promise<string> {
  const r = await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db);
  return r.rows[0]?.x ?? '';
}

let columnsCache: Map<string, string[]> | undefined;

/** Fingerprints every base table of the public schema. */
export async function snapshotTables(db: AnyDb): Promise<Snapshot> {
  if (!columnsCache) {
    const cols = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`.execute(db);
    columnsCache = new Map();
    for (const r of cols.rows) {
      const list = columnsCache.get(r.table_name) ?? [];
      list.push(r.column_name);
      columnsCache.set(r.table_name, list);
    }
  }
  const parts: string[] = [];
  for (const [table, cols] of columnsCache) {
    const skip = VOLATILE[table];
    if (skip === '*') continue;
    const keep = cols.filter((c) => !skip?.includes(c));
    const list = keep.map((c) => `"${c}"`).join(', ');
    parts.push(
      `select '${table}' as t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from (select ${list} from "${table}") x`,
    );
  }
  const r = await sql<{ t: string; h: string }>`${sql.raw(parts.join(' union all '))}`.execute(db);
  return { tables: Object.fromEntries(r.rows.map((x) => [x.t, x.h])) };
}

export function diffSnapshots(a: Snapshot, b: Snapshot): string[] {
  const names = new Set([...Object.keys(a.tables), ...Object.keys(b.tables)]);
  return [...names].filter((n) => a.tables[n] !== b.tables[n]).sort();
}

/** Every file under a directory with its size, sorted (the file store's state). */
export function listFiles(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)}:${fs.statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

/** Shortens a request for the failure report. */
