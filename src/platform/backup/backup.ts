/**
 * `wangge backup`: one consistent snapshot of every table and the uploaded files, written as a
 * gzip'd line file while the server keeps serving. Format (one line per record, tag first):
 *   H{header}            format, version, schema version (last applied migration), the migration list
 *   T<table>             a table starts (tables in foreign-key order: parents first)
 *   R{row}               one row as PostgreSQL's row_to_json, ordered by primary key
 *   F<path>              an uploaded file starts (path under the file store)
 *   D<base64>            a chunk of that file's bytes
 *   M{manifest}          last line: row count and sha256 of each table, size and sha256 of each file
 * A table's sha256 covers its `R` lines' JSON, each followed by a newline.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { appliedMigrations, listTables, type TableInfo } from './catalog.js';

export const BACKUP_FORMAT = 'wangge-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The last applied migration: a restore target must have exactly the same migrations. */
  schemaVersion: string;
  migrations: string[];
  createdAt: string;
}

export interface BackupManifest {
  tables: { name: string; rows: number; sha256: string }[];
  files: { path: string; size: number; sha256: string }[];
}

/** Rows fetched per query: a page, not the table, so memory stays flat whatever the table's size. */
const PAGE_ROWS = 200;
const FILE_CHUNK = 768 * 1024;

async function* tableLines(
  trx: Db,
  t: TableInfo,
  part: BackupManifest['tables'][number],
): AsyncGenerator<string> {
  const hash = createHash('sha256');
  yield `T${t.name}\n`;
  const keys = t.primaryKey.map((c) => sql.ref(`t.${c}`));
  let last: unknown[] | null = null;
  for (;;) {
    // Keyset paging by primary key inside the one snapshot; a table without a key comes whole.
    const where: RawBuilder<unknown> =
      last && keys.length
        ? sql`where (${sql.join(keys)}) > (${sql.join(last.map((v) => sql`${v}`))})`
        : sql``;
    const order = keys.length ? sql`order by ${sql.join(keys)} limit ${PAGE_ROWS}` : sql``;
    const page: { rows: (Record<string, unknown> & { __j: string })[] } = await sql<
      Record<string, unknown> & { __j: string }
    >`
      select row_to_json(t)::text as __j ${keys.length ? sql`, ${sql.join(keys)}` : sql``}
      from ${sql.table(t.name)} as t ${where} ${order}`.execute(trx);
    for (const r of page.rows) {
      hash.update(r.__j).update('\n');
      part.rows++;
      yield `R${r.__j}\n`;
    }
    const end: Record<string, unknown> | undefined = page.rows.at(-1);
    if (!keys.length || !end || page.rows.length < PAGE_ROWS) break;
    last = t.primaryKey.map((c): unknown => end[c]);
  }
  part.sha256 = hash.digest('hex');
}

/** Every regular file under `dir`, as paths relative to it, sorted; half-written temp files left out. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string) {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(p);
    }
  }
  await walk('');
  return out.sort();
}

async function* fileLines(dir: string, rel: string, manifest: BackupManifest): AsyncGenerator<string> {
  const hash = createHash('sha256');
  let size = 0;
  yield `F${rel}\n`;
  for await (const chunk of fs.createReadStream(path.join(dir, rel), { highWaterMark: FILE_CHUNK })) {
    const b = chunk as Buffer;
    hash.update(b);
    size += b.length;
    yield `D${b.toString('base64')}\n`;
  }
  manifest.files.push({ path: rel, size, sha256: hash.digest('hex') });
}

/**
 * Writes the snapshot to `file` (via a temp name, so a half-written archive never has the final name).
 * One REPEATABLE READ, read-only transaction reads every table, so the archive is one moment of the
 * database while writers go on. The files are listed after the snapshot began: an upload is on disk
 * before its row commits, so every file the snapshot references is there (later ones are harmless extras).
 */
export async function backupDatabase(
  db: Kysely<DB>,
  filesDir: string,
  file: string,
): Promise<BackupHeader & BackupManifest> {
  const tmp = `${file}.${process.pid}.tmp`;
  const manifest: BackupManifest = { tables: [], files: [] };
  let header: BackupHeader | undefined;
  try {
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        // Timestamps print in UTC, so the same data always makes the same archive.
        await sql`set local timezone = 'UTC'`.execute(trx);
        const migrations = await appliedMigrations(trx);
        const tables = await listTables(trx);
        const h: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          schemaVersion: migrations.at(-1) ?? '',
          migrations,
          createdAt: new Date().toISOString(),
        };
        header = h;
        async function* lines(): AsyncGenerator<string> {
          yield `H${JSON.stringify(h)}\n`;
          for (const t of tables) {
            const part = { name: t.name, rows: 0, sha256: '' };
            yield* tableLines(trx, t, part);
            manifest.tables.push(part);
          }
          for (const rel of await listFiles(filesDir)) yield* fileLines(filesDir, rel, manifest);
          yield `M${JSON.stringify(manifest)}\n`;
        }
        await pipeline(Readable.from(lines()), zlib.createGzip(), fs.createWriteStream(tmp));
      });
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  if (!header) throw new Error('backup wrote no header');
  return { ...header, ...manifest };
}
