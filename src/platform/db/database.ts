/** The store: one Kysely over node-postgres, backed by embedded PGlite or a PostgreSQL server. */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ReadReplicas, type ReplicaOptions } from './replicas.js';
import type { DB } from './schema.js';

// timestamptz and bigint come back as strings by default; we want Date and (safe) numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// A calendar date is a date, not an instant: keep 'YYYY-MM-DD' rather than a Date at some zone's midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type StoreKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: StoreKind;
  /** The read replicas behind `db`, when DATABASE_READ_URL names any (routes opt in: `config.staleness`). */
  reads?: ReadReplicas;
  /** The embedded store's own handle (benches measure the store's ceiling through it). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export type StoreOptions =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** Streaming standbys for reads that tolerate staleness (DATABASE_READ_URL). */
      readUrls?: readonly string[];
      replicas?: ReplicaOptions;
    }
  /**
   * dataDir `memory://` keeps the embedded store in memory (tests). sharedBuffersMb: PostgreSQL's page
   * cache inside the embedded store's WebAssembly memory (default PGLITE_SHARED_BUFFERS_MB).
   */
  | { kind: 'pglite'; dataDir: string; sharedBuffersMb?: number };

/**
 * The embedded store's page cache. PostgreSQL's default (128 MB) lives in the WebAssembly memory, which
 * only grows: once a large store has been read through it, the process keeps all of it resident. The
 * data files stay in the operating system's file cache anyway (read back with a system call, not a disk
 * seek), so a small cache costs little speed and keeps the server's memory well under its budget.
 */
export const PGLITE_SHARED_BUFFERS_MB = 16;

export async function openDatabase(opts: StoreOptions): Promise<Database> {
  if (opts.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 16 });
    // An idle connection the server drops (restart, admin command) must not crash the process;
    // the pool replaces it on the next query.
    pool.on('error', (err) => console.warn(`database connection lost: ${err.message}`));
    // A connection checked out when the server ends it (failover, a job's lease running out) reports
    // the loss on the client; unheard it would end the process. The query that uses it fails instead.
    pool.on('connect', (client) => client.on('error', () => undefined));
    if (opts.readUrls && opts.readUrls.length > 0) {
      const reads = new ReadReplicas(pool, opts.readUrls, { poolSize: opts.poolSize, ...opts.replicas });
      reads.start();
      const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: reads.router as pg.Pool }) });
      return { db, kind: 'postgres', reads, close: () => db.destroy() };
    }
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const onDisk = !opts.dataDir.startsWith('memory://');
  if (onDisk) fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
  const release = onDisk ? claimEmbeddedStore(opts.dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(opts.dataDir, {
      extensions: { pg_trgm },
      startParams: [
        ...PGlite.defaultStartParams,
        '-c',
        `shared_buffers=${opts.sharedBuffersMb ?? PGLITE_SHARED_BUFFERS_MB}MB`,
      ],
    });
  } catch (e) {
    release();
    throw e;
  }
  const pool = new pg.Pool(createPgConfig(pglite));
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool,
      // The embedded store runs in this thread and its queries settle as microtasks: without a turn of the
      // event loop before each use of its one connection, a queue of waiting queries would run back to
      // back while no socket is read or written, and some requests would wait many times the others.
      onReserveConnection: () => new Promise<void>((resolve) => setImmediate(resolve)),
    }),
  });
  return {
    db,
    kind: 'pglite',
    pglite,
    async close() {
      await db.destroy();
      await pglite.close();
      release();
    },
  };
}

/** Raised when another live process has the embedded store open. */
export class StoreInUse extends Error {}

/**
 * The embedded store is one process's files: a second process opening them (a CLI command while the
 * server runs) would corrupt them. A lock file next to them names the holder; a holder that is no
 * longer alive (killed) leaves a lock that the next opener takes over.
 */
function claimEmbeddedStore(dataDir: string): () => void {
  const lock = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    if (holder === process.pid) return () => {};
    if (holder > 0 && isAlive(holder))
      throw new StoreInUse(
        `The embedded store ${dataDir} is in use by process ${holder} (a running Wangge server?). ` +
          'Stop it first, or take a live backup from the console (管理 → 备份) / POST /api/backups. ' +
          `If no such process is Wangge, delete ${lock}.`,
      );
    fs.rmSync(lock, { force: true });
  }
  throw new StoreInUse(`Could not take the lock ${lock} on the embedded store.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
