/** Vitest global setup: one PostgreSQL server for the whole run, with a migrated template database. */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type Database, openDatabase } from './database.js';
import { migrate } from './migrate.js';
import { findPostgresBinaries, type PostgresServer, startPostgresServer } from './pg-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test server's maintenance database, or '' when the PostgreSQL suite is skipped. */
    pgUrl: string;
  }
}

import { TEMPLATE_DB } from './pg-server.js';

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const required = process.env.WANGGE_REQUIRE_POSTGRES === '1';
  if (!findPostgresBinaries()) {
    const msg =
      'No PostgreSQL server binaries found: the PostgreSQL store suite is SKIPPED (install `postgresql`).';
    if (required) throw new Error(`${msg} WANGGE_REQUIRE_POSTGRES=1 makes this a failure.`);
    console.warn(`\n${'!'.repeat(100)}\n!! ${msg}\n${'!'.repeat(100)}\n`);
    project.provide('pgUrl', '');
    return;
  }
  server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  let store: Database | undefined;
  try {
    store = await openDatabase({
      kind: 'postgres',
      url: server.url.replace(/\/postgres$/, `/${TEMPLATE_DB}`),
    });
    await migrate(store.db);
  } finally {
    await store?.close();
  }
  console.log(`PostgreSQL ${server.version} test server on port ${server.port}`);
  project.provide('pgUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
