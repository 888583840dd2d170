/**
 * Read replicas on a real streaming standby (primary + `pg_basebackup -R` standby on loopback): routes
 * that tolerate staleness read there, a caller reads its own writes, and a standby that falls behind
 * its tolerance leaves reads by itself and comes back when it catches up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../seed/demo.js';
import { buildServer, type Server } from '../../server.js';
import { nextAddress } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { loadConfig } from '../config.js';
import { WROTE_COOKIE } from '../http/app.js';
import { type Database, openDatabase } from './database.js';
import { migrate } from './migrate.js';
import { findPostgresBinaries, type StreamingPair, startStreamingPair } from './pg-server.js';
import { containsUntil, lsnValue } from './replicas.js';

describe('replica positions (pure)', () => {
  it('reads WAL positions as numbers that order like the server orders them', () => {
    expect(lsnValue('0/16B3748')).toBe(0x16b3748n);
    expect(lsnValue('1/0')).toBe(1n << 32n);
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
  });
  it('a standby holds everything up to the last primary sample it has replayed', () => {
    const samples = [
      { at: 1000, lsn: 10n },
      { at: 2000, lsn: 20n },
      { at: 3000, lsn: 20n },
      { at: 4000, lsn: 35n },
    ];
    expect(containsUntil(samples, 5n)).toBeNull();
    expect(containsUntil(samples, 20n)).toBe(3000); // an idle primary: caught up is caught up
    expect(containsUntil(samples, 34n)).toBe(3000);
    expect(containsUntil(samples, 35n)).toBe(4000);
  });
});

const MAX_STALENESS_S = 3;
const required = process.env.WANGGE_REQUIRE_POSTGRES === '1';
const run = findPostgresBinaries() || required ? describe : describe.skip;

run('read replicas on a streaming standby [postgres]', () => {
  let pair: StreamingPair;
  let store: Database;
  let server: Server;
  let dataDir: string;
  let standbyAdmin: pg.Client;

  beforeAll(async () => {
    pair = await startStreamingPair();
    const url = pair.primary.url;
    const readUrl = pair.standby.url;
    store = await openDatabase({
      kind: 'postgres',
      url,
      readUrls: [readUrl],
      poolSize: 6,
      replicas: { checkEveryMs: 200, maxStalenessS: MAX_STALENESS_S, clockMarginMs: 0 },
    });
    await migrate(store.db);
    await seedDemo(store.db, { districts: ['120101'] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-replica-'));
    server = await buildServer(
      store,
      { ...loadConfig({}), logLevel: 'silent', dataDir },
      {
        webDir: '/nonexistent',
        runJobs: false,
      },
    );
    standbyAdmin = new pg.Client({ connectionString: readUrl });
    await standbyAdmin.connect();
  }, 180_000);

  afterAll(async () => {
    await standbyAdmin?.end();
    await server?.close();
    await store?.close();
    await pair?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) => {
    const until = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const reads = () => {
    if (!store.reads) throw new Error('no replicas');
    return store.reads;
  };
  const caughtUp = () => reads().status()[0]?.problem === null && (reads().status()[0]?.stalenessS ?? 99) < 1;
  const onStandby = async () =>
    (await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(store.db)).rows[0]?.r;

  async function login(username: string) {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: DEMO_PASSWORD },
      remoteAddress: nextAddress(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'wg_session');
    return { cookie: `wg_session=${cookie?.value}`, csrf: res.json().csrfToken as string };
  }
  const openList = async (cookie = '') => {
    const res = await server.app.inject({
      method: 'GET',
      url: '/open311/v2/requests.json',
      headers: { cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { service_request_id: string }[]).map((r) => r.service_request_id);
  };
  const exportCsv = async (who: { cookie: string }) => {
    const res = await server.app.inject({
      method: 'GET',
      url: '/api/cases/export.csv',
      headers: { cookie: who.cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };

  it('a route that tolerates staleness reads on the standby; every other query stays on the primary', async () => {
    await waitFor('the standby to catch up', caughtUp);
    expect(await onStandby()).toBe(false);
    expect(await reads().within(60, null, onStandby)).toBe(true);
    // A caller who wrote just now is kept on the primary until the standby holds that write.
    expect(await reads().within(60, Date.now(), onStandby)).toBe(false);
    await expect(
      reads().within(60, null, () => sql`create table nope (x int)`.execute(store.db)),
    ).rejects.toThrow(/read-only/);
  });

  it('/readyz names each standby, how far behind it is and why it is out of reads', async () => {
    await waitFor('the standby to catch up', caughtUp);
    const res = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    const [standby] = res.json().replicas;
    expect(standby).toMatchObject({
      url: `postgres://127.0.0.1:${pair.standby.port}/postgres`,
      problem: null,
    });
    expect(standby.stalenessS).toBeLessThan(1);
  });

  it('read your writes while the standby lags; others see the lag within the tolerance, then the standby leaves reads by itself and comes back', async () => {
    await waitFor('the standby to catch up', caughtUp);
    const grid = await wholeCellCentre(store.db, '120101001');
    const writer = await login('inspector');
    const other = await login('dispatcher');
    await standbyAdmin.query('select pg_wal_replay_pause()');
    try {
      const text = `副本滞后测试 ${Date.now()}`;
      const filed = await server.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: writer.cookie, 'x-csrf-token': writer.csrf },
        payload: {
          categoryCode: 'event.0102',
          title: text,
          description: text,
          lon: grid.lon,
          lat: grid.lat,
        },
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const number = filed.json().number as string;
      expect(number).toMatch(/^120101/);
      const wrote = filed.cookies.find((c) => c.name === WROTE_COOKIE);
      expect(Number(wrote?.value)).toBeGreaterThan(0);
      // The writer's export (primary, by the principal) and an anonymous list carrying the cookie
      // (any process: the cookie says when this browser wrote) both have it.
      expect(await exportCsv(writer)).toContain(text);
      expect(await openList(`${WROTE_COOKIE}=${wrote?.value}`)).toContain(number);
      // Someone else within the tolerance reads the standby, which has not replayed it yet.
      expect(await exportCsv(other)).not.toContain(text);
      expect(await openList()).not.toContain(number);
      // Past the tolerance the paused standby is out of reads: everyone reads the primary.
      await waitFor(
        'the standby to leave reads',
        () => (reads().status()[0]?.stalenessS ?? 0) > MAX_STALENESS_S,
      );
      expect(await reads().within(60, null, onStandby)).toBe(false);
      expect(await exportCsv(other)).toContain(text);
      expect(await openList()).toContain(number);
    } finally {
      await standbyAdmin.query('select pg_wal_replay_resume()');
    }
    await waitFor('the standby to come back', caughtUp);
    expect(await reads().within(60, null, onStandby)).toBe(true);
  });

  it('a standby that stops answering is out of reads; queries go to the primary and nothing fails', async () => {
    await waitFor('the standby to catch up', caughtUp);
    await standbyAdmin.query('select pg_wal_replay_pause()');
    // A dead replica URL next to a live one is simply never chosen.
    const lone = await openDatabase({
      kind: 'postgres',
      url: pair.primary.url,
      readUrls: ['postgres://postgres@127.0.0.1:1/postgres'],
      replicas: { checkEveryMs: 100 },
    });
    try {
      await lone.reads?.check();
      expect(lone.reads?.status()[0]?.problem).toMatch(/unreachable/);
      const r = await lone.reads?.within(3600, null, () =>
        sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(lone.db),
      );
      expect(r?.rows[0]?.r).toBe(false);
    } finally {
      await lone.close();
      await standbyAdmin.query('select pg_wal_replay_resume()');
    }
  });
});
