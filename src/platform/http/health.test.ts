import net from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { openTestDatabase } from '../db/testing.js';
import { type App, createApp } from './app.js';
import { registerHealthRoutes } from './health.js';

const nobody = { fromSession: async () => null, fromToken: async () => null };

/** A loopback port nothing listens on: connecting to it is refused at once, as a stopped server's is. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function appOn(db: Kysely<DB>): Promise<App> {
  const app = await createApp({ authenticator: nobody, logLevel: 'silent' });
  registerHealthRoutes(app, db, 'test');
  app.get('/api/count', { config: { access: 'public' } }, async () => sql`select 1 as n`.execute(db));
  await app.ready();
  return app;
}

describe('health probes and a lost database', () => {
  let up: Database;
  let away: Kysely<DB>;
  const apps: App[] = [];
  beforeAll(async () => {
    up = await openTestDatabase('pglite');
    const pool = new pg.Pool({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x' });
    away = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await up.close();
    await away.destroy();
  });

  it('is live and ready when its database answers', async () => {
    const app = await appOn(up.db);
    apps.push(app);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.json().status]).toEqual([200, 'ready']);
  });

  it('stays live, is not ready, and answers 503 with Retry-After (never 500) without its database', async () => {
    const app = await appOn(away);
    apps.push(app);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.headers['retry-after']]).toEqual([503, '5']);
    const res = await app.inject({ url: '/api/count', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('database_unavailable');
  });
});
