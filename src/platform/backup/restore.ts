/**
 * `wangge restore`: reads an archive written by `backup.ts` twice — first to check it whole (format,
 * schema version against the target's migrations, every table's row count and sha256, every file's size
 * and sha256), then to write it — so a damaged or foreign archive changes nothing. The rows go in one
 * transaction, parents first; sequences are set past the restored ids afterwards, in the same transaction.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { Conflict, Invalid } from '../errors.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, type BackupManifest } from './backup.js';
import { appliedMigrations, isEmpty, listTables, resetSequences, type TableInfo } from './catalog.js';

type Line =
  | { tag: 'H'; header: BackupHeader }
  | { tag: 'T'; table: string }
  | { tag: 'R'; json: string }
  | { tag: 'F'; path: string }
  | { tag: 'D'; bytes: Buffer }
  | { tag: 'M'; manifest: BackupManifest };

async function* readLines(file: string): AsyncGenerator<Line> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    const body = line.slice(1);
    switch (line[0]) {
      case 'H':
        yield { tag: 'H', header: JSON.parse(body) as BackupHeader };
        break;
      case 'T':
        yield { tag: 'T', table: body };
        break;
      case 'R':
        yield { tag: 'R', json: body };
        break;
      case 'F':
        yield { tag: 'F', path: body };
        break;
      case 'D':
        yield { tag: 'D', bytes: Buffer.from(body, 'base64') };
        break;
      case 'M':
        yield { tag: 'M', manifest: JSON.parse(body) as BackupManifest };
        break;
      default:
        throw new Invalid('backup_corrupt', `Unknown line in the archive: ${line.slice(0, 40)}`);
    }
  }
}

/** A file path inside the archive must stay inside the file store. */
function safePath(p: string): string {
  if (!/^[A-Za-z0-9._/-]+$/.test(p) || p.split('/').some((s) => s === '..' || s === '' || s === '.'))
    throw new Invalid('backup_corrupt', `Unsafe file path in the archive: ${p}`);
  return p;
}

/** Pass 1: reads the whole archive and compares it with its manifest and with the target's schema. */
export async function checkArchive(
  file: string,
  targetMigrations: readonly string[],
): Promise<BackupHeader & BackupManifest> {
  let header: BackupHeader | undefined;
  let manifest: BackupManifest | undefined;
  const seen: BackupManifest = { tables: [], files: [] };
  let table: { name: string; rows: number; hash: ReturnType<typeof createHash> } | null = null;
  let upload: { path: string; size: number; hash: ReturnType<typeof createHash> } | null = null;
  const close = () => {
    if (table) seen.tables.push({ name: table.name, rows: table.rows, sha256: table.hash.digest('hex') });
    if (upload) seen.files.push({ path: upload.path, size: upload.size, sha256: upload.hash.digest('hex') });
    table = null;
    upload = null;
  };
  for await (const l of readLines(file)) {
    if (manifest) throw new Invalid('backup_corrupt', 'The archive goes on after its manifest.');
    if (!header && l.tag !== 'H') throw new Invalid('backup_corrupt', `${file} is not a Wangge backup.`);
    switch (l.tag) {
      case 'H':
        if (header) throw new Invalid('backup_corrupt', 'Two headers in the archive.');
        if (l.header.format !== BACKUP_FORMAT || l.header.version !== BACKUP_VERSION)
          throw new Invalid('backup_corrupt', `${file} is not a Wangge backup of version ${BACKUP_VERSION}.`);
        if (l.header.migrations.join(',') !== targetMigrations.join(',')) {
          const onlyArchive = l.header.migrations.filter((m) => !targetMigrations.includes(m));
          const onlyTarget = targetMigrations.filter((m) => !l.header.migrations.includes(m));
          throw new Invalid(
            'backup_schema',
            `The archive's schema version (${l.header.schemaVersion}) differs from the target's (${targetMigrations.at(-1) ?? 'none'}): ` +
              `only in the archive ${onlyArchive.join(', ') || 'none'}; only in the target ${onlyTarget.join(', ') || 'none'}. ` +
              'Migrate both to the same version first.',
          );
        }
        header = l.header;
        break;
      case 'T':
        close();
        table = { name: l.table, rows: 0, hash: createHash('sha256') };
        break;
      case 'R':
        if (!table) throw new Invalid('backup_corrupt', 'A row outside any table.');
        table.rows++;
        table.hash.update(l.json).update('\n');
        break;
      case 'F':
        close();
        upload = { path: safePath(l.path), size: 0, hash: createHash('sha256') };
        break;
      case 'D':
        if (!upload) throw new Invalid('backup_corrupt', 'File bytes outside any file.');
        upload.size += l.bytes.length;
        upload.hash.update(l.bytes);
        break;
      case 'M':
        close();
        manifest = l.manifest;
        break;
    }
  }
  if (!header || !manifest) throw new Invalid('backup_corrupt', `${file} is incomplete (no manifest).`);
  if (JSON.stringify(seen) !== JSON.stringify({ tables: manifest.tables, files: manifest.files })) {
    const bad =
      manifest.tables.find((t, i) => JSON.stringify(t) !== JSON.stringify(seen.tables[i]))?.name ??
      manifest.files.find((f, i) => JSON.stringify(f) !== JSON.stringify(seen.files[i]))?.path ??
      'the list of parts';
    throw new Invalid('backup_corrupt', `${file} does not match its manifest (${bad}).`);
  }
  return { ...header, ...manifest };
}

/** Rows per insert, and a byte limit so large geometries do not make one huge statement. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 4 * 1024 * 1024;

async function insertBatch(trx: Db, t: TableInfo, rows: string[]): Promise<void> {
  if (!rows.length) return;
  const cols = sql.join(t.columns.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(t.name)} (${cols})
    select ${cols} from json_populate_recordset(null::${sql.table(t.name)}, ${`[${rows.join(',')}]`}::json)`.execute(
    trx,
  );
}

/**
 * Orders the rows of a table that references itself (a parent area, the case merged into): a row goes
 * out once every row it names has gone out (the database checks the reference at the end of each
 * insert statement, so a row and its parent may share a batch). Rows that arrive before their parent
 * wait; only those are held in memory.
 */
class SelfReferenceOrder {
  private readonly present = new Set<string>();
  private readonly waiting = new Map<string, { json: string; missing: number }[]>();

  constructor(private readonly t: TableInfo) {}

  /** Answers the rows that may be written now: this one and any that waited for it, or none. */
  accept(json: string): string[] {
    if (!this.t.selfReferences.length) return [json];
    const row = JSON.parse(json) as Record<string, unknown>;
    const needs = this.t.selfReferences
      .map((r) =>
        row[r.column] === null || row[r.column] === undefined ? null : `${r.references}=${row[r.column]}`,
      )
      .filter((k): k is string => k !== null && !this.present.has(k) && !this.provides(row).includes(k));
    const entry = { json, missing: needs.length };
    for (const k of needs) this.waiting.set(k, [...(this.waiting.get(k) ?? []), entry]);
    return needs.length ? [] : this.release(json, row);
  }

  private provides(row: Record<string, unknown>): string[] {
    return [...new Set(this.t.selfReferences.map((r) => r.references))].map((c) => `${c}=${row[c]}`);
  }

  private release(json: string, row: Record<string, unknown>): string[] {
    const out = [json];
    for (const k of this.provides(row)) {
      this.present.add(k);
      for (const w of this.waiting.get(k) ?? []) {
        w.missing--;
        if (w.missing === 0) out.push(...this.release(w.json, JSON.parse(w.json) as Record<string, unknown>));
      }
      this.waiting.delete(k);
    }
    return out;
  }

  /** Rows still waiting at the end of the table name rows the archive does not hold. */
  unresolved(): string[] {
    return [...this.waiting.keys()];
  }
}

/** Content-addressed files: an existing file with the name already holds these bytes. */
async function writeFile(dir: string, rel: string, chunks: Buffer[]): Promise<void> {
  const target = path.join(dir, rel);
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.restore.tmp`;
  await fsp.writeFile(tmp, Buffer.concat(chunks));
  await fsp.rename(tmp, target);
}

export interface RestoreOptions {
  /** Replace whatever the target holds (every data table is emptied first, in the same transaction). */
  force?: boolean;
}

/** Restores `file` into `db` and `filesDir`; refuses a target that holds data unless `force`. */
export async function restoreDatabase(
  db: Kysely<DB>,
  filesDir: string,
  file: string,
  opts: RestoreOptions = {},
): Promise<BackupHeader & BackupManifest> {
  const tables = await listTables(db);
  if (!opts.force && !(await isEmpty(db, tables)))
    throw new Conflict(
      'restore_not_empty',
      'The target store holds data; restore into an empty one or pass --force.',
    );
  const checked = await checkArchive(file, await appliedMigrations(db));
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const t of checked.tables)
    if (!byName.has(t.name)) throw new Invalid('backup_schema', `The target has no table ${t.name}.`);

  await db.transaction().execute(async (trx) => {
    // Restore mode: the audit log keeps the archive's ids and hashes (see 0010_audit.sql).
    await sql`select set_config('wangge.restoring', 'on', true)`.execute(trx);
    if (!(await isEmpty(trx, tables))) {
      if (!opts.force)
        throw new Conflict(
          'restore_not_empty',
          'The target store holds data; restore into an empty one or pass --force.',
        );
      await sql`truncate ${sql.join(tables.map((t) => sql.table(t.name)))} cascade`.execute(trx);
    }
    let table: TableInfo | null = null;
    let batch: string[] = [];
    let bytes = 0;
    let order: SelfReferenceOrder | null = null;
    let upload: { path: string; chunks: Buffer[] } | null = null;
    const flush = async () => {
      if (table) await insertBatch(trx, table, batch);
      batch = [];
      bytes = 0;
    };
    const endPart = async () => {
      await flush();
      const missing = order?.unresolved() ?? [];
      if (table && missing.length)
        throw new Invalid(
          'backup_corrupt',
          `Rows of ${table.name} name rows the archive lacks: ${missing.slice(0, 5).join(', ')}`,
        );
      if (upload) await writeFile(filesDir, upload.path, upload.chunks);
      table = null;
      order = null;
      upload = null;
    };
    for await (const l of readLines(file)) {
      switch (l.tag) {
        case 'T':
          await endPart();
          table = byName.get(l.table) ?? null;
          order = table ? new SelfReferenceOrder(table) : null;
          break;
        case 'R': {
          for (const json of order?.accept(l.json) ?? []) {
            batch.push(json);
            bytes += json.length;
            if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
          }
          break;
        }
        case 'F':
          await endPart();
          upload = { path: l.path, chunks: [] };
          break;
        case 'D':
          upload?.chunks.push(l.bytes);
          break;
        case 'H':
        case 'M':
          await endPart();
          break;
      }
    }
    await endPart();
    await resetSequences(trx);
    for (const t of checked.tables) {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t.name)}`.execute(trx);
      if (r.rows[0]?.n !== t.rows)
        throw new Invalid(
          'backup_corrupt',
          `Restored ${r.rows[0]?.n} rows into ${t.name}, the archive has ${t.rows}.`,
        );
    }
  });
  return checked;
}
