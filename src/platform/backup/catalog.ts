/** What a backup reads from the database's own catalogue: the tables in foreign-key order, their keys and sequences. */
import { sql } from 'kysely';
import type { Db } from '../db/store.js';

export interface TableInfo {
  name: string;
  /** Columns a row is written with (generated columns are left to the database). */
  columns: string[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Columns referencing the same table (a parent area, a merged case): a row is written after the row it names. */
  selfReferences: { column: string; references: string }[];
}

/** Bookkeeping of the migrator: not data; the target has its own and it must match the archive's. */
const NOT_DATA = new Set(['schema_migrations']);

/**
 * Every data table of the current schema, parents before the tables that reference them. A partitioned
 * table (the history tables on a server with pg_partman, 0028) is read and restored through its parent
 * (relkind 'p'), never through its month partitions, so each row comes once.
 */
export async function listTables(db: Db): Promise<TableInfo[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(db);
  const columns = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER'
    order by table_name, ordinal_position`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    select c.relname as table, a.attname as column
    from pg_index i join pg_class c on c.oid = i.indrelid
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indisprimary and c.relnamespace = current_schema()::regnamespace
    order by c.relname, array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const fks = await sql<{ child: string; parent: string; column: string; references: string }>`
    select ch.relname as child, pa.relname as parent, a.attname as column, r.attname as references
    from pg_constraint co join pg_class ch on ch.oid = co.conrelid join pg_class pa on pa.oid = co.confrelid
    join pg_attribute a on a.attrelid = co.conrelid and a.attnum = co.conkey[1]
    join pg_attribute r on r.attrelid = co.confrelid and r.attnum = co.confkey[1]
    where co.contype = 'f' and co.connamespace = current_schema()::regnamespace`.execute(db);

  const info = new Map<string, TableInfo>();
  for (const t of tables.rows)
    if (!NOT_DATA.has(t.name))
      info.set(t.name, { name: t.name, columns: [], primaryKey: [], selfReferences: [] });
  for (const c of columns.rows) info.get(c.table)?.columns.push(c.column);
  for (const k of keys.rows) info.get(k.table)?.primaryKey.push(k.column);
  const parents = new Map<string, Set<string>>([...info.keys()].map((n) => [n, new Set<string>()]));
  for (const f of fks.rows) {
    if (f.child === f.parent)
      info.get(f.child)?.selfReferences.push({ column: f.column, references: f.references });
    else if (info.has(f.parent)) parents.get(f.child)?.add(f.parent);
  }
  // Kahn's algorithm, alphabetical among the ready ones so the order is stable.
  const order: TableInfo[] = [];
  const done = new Set<string>();
  while (order.length < info.size) {
    const ready = [...info.keys()].filter(
      (n) => !done.has(n) && [...(parents.get(n) ?? [])].every((p) => done.has(p)),
    );
    if (ready.length === 0) throw new Error('The tables reference each other in a cycle; cannot order them.');
    for (const n of ready.sort()) {
      done.add(n);
      const t = info.get(n);
      if (t) order.push(t);
    }
  }
  return order;
}

/** The schema version: the last applied migration (and the whole list, to compare). */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Sets every sequence owned by a column past the largest value restored into it. */
export async function resetSequences(db: Db): Promise<void> {
  const seqs = await sql<{ table: string; column: string; seq: string }>`
    select t.relname as table, a.attname as column, quote_ident(s.relname) as seq
    from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
    join pg_class t on t.oid = d.refobjid
    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    where d.deptype in ('a', 'i') and t.relnamespace = current_schema()::regnamespace`.execute(db);
  for (const s of seqs.rows) {
    await sql`select setval(${s.seq}::regclass,
      coalesce((select max(${sql.ref(s.column)}) from ${sql.table(s.table)}), 0) + 1, false)`.execute(db);
  }
}

/** True when no data table holds a row. */
export async function isEmpty(db: Db, tables: readonly TableInfo[]): Promise<boolean> {
  for (const t of tables) {
    const r = await sql`select 1 from ${sql.table(t.name)} limit 1`.execute(db);
    if (r.rows.length) return false;
  }
  return true;
}
