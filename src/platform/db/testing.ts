/** Test helper: run a database test suite against both stores — embedded PGlite and a PostgreSQL server. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { type Database, openDatabase, type StoreKind } from './database.js';
import { migrate } from './migrate.js';

import { TEMPLATE_DB } from './pg-server.js';

/** A fresh, migrated database of the given kind, dropped on close. */
export async function openTestDatabase(kind: StoreKind): Promise<Database> {
  if (kind === 'pglite') {
    const store = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await migrate(store.db);
    return store;
  }
  const base = inject('pgUrl');
  if (!base) throw new Error('No PostgreSQL test server (see the global setup warning).');
  const name = `wangge_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const store = await openDatabase({
    kind: 'postgres',
    url: base.replace(/\/postgres$/, `/${name}`),
    poolSize: 8,
  });
  return {
    ...store,
    async close() {
      await store.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const STORE_KINDS: readonly StoreKind[] = ['pglite', 'postgres'];

/**
 * Defines the suite once per store. `store()` gives the suite's database, opened before its first test.
 * The PostgreSQL variant is skipped (loudly, by the global setup) only when no server is installed.
 */
export function describeEachStore(
  title: string,
  body: (store: () => Database, kind: StoreKind) => void,
): void {
  for (const kind of STORE_KINDS) {
    const run = kind === 'pglite' || inject('pgUrl') ? describe : describe.skip;
    run(`${title} [${kind}]`, () => {
      let db: Database | undefined;
      beforeAll(async () => {
        db = await openTestDatabase(kind);
      });
      afterAll(async () => {
        await db?.close();
      });
      body(() => {
        if (!db) throw new Error('store not open yet: use it inside a test or hook');
        return db;
      }, kind);
    });
  }
}
