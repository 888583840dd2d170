/**
 * Benchmark: case intake through the HTTP API against the store's own ceiling, on PGlite and on a
 * PostgreSQL server (started here with initdb). For each store:
 *   (a) ceiling — the writes one intake needs (a case row and its first event, one transaction each)
 *       issued straight to the store as one prepared statement, with the same concurrency as the API
 *       clients, the best of a pool, pipelined connections (PostgreSQL) and the embedded store's own call
 *       (PGlite) — see `storeCeiling`;
 *   (b) N case creations through the real HTTP API (validation, locate, dispatch rule, deadline, event, hash);
 *   (c) N transitions (file 立案) through the HTTP API.
 * Last line: `intake_ratio pg R1 pglite R2`, R = (b)/(a).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { sql } from 'kysely';
import pg from 'pg';
import { newSecret, sha256 } from '../src/platform/auth/secrets.js';
import { loadConfig } from '../src/platform/config.js';
import { type Database, openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { findPostgresBinaries, freePort, startPostgresServer } from '../src/platform/db/pg-server.js';
import { seedDemo } from '../src/seed/demo.js';
import { buildServer } from '../src/server.js';
import { wholeCellCentres } from '../src/testing/grid-cells.js';

const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, node ${process.version}`,
);
console.log(`N=${N} per phase, concurrency ${CONCURRENCY}`);

/** Runs `count` tasks with at most `CONCURRENCY` in flight; answers tasks per second and this process's CPU share. */
async function timed(
  count: number,
  task: (i: number) => Promise<void>,
): Promise<{ rate: number; cpu: number }> {
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rate: count / seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds };
}

interface Load {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Sends the requests from a worker thread (the clients); answers requests/s, server-thread CPU and the bodies. */
async function httpLoad(
  requests: Load[],
  expect: number,
): Promise<{ rate: number; cpu: number; answers: string[] }> {
  const cpu0 = process.cpuUsage();
  const worker = new Worker(new URL('./http-load-worker.mjs', import.meta.url), {
    workerData: { requests, concurrency: CONCURRENCY, expect },
  });
  const { seconds, answers } = await new Promise<{ seconds: number; answers: string[] }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  await worker.terminate();
  const cpu = process.cpuUsage(cpu0); // the whole process: server thread and client thread
  return { rate: requests.length / seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds, answers };
}

/**
 * The writes of one intake — a case row and its first event, atomic — as one prepared statement (a
 * data-modifying CTE: one round trip, one implicit transaction, parsed once per connection), issued the
 * fastest ways the driver offers, with the API clients' concurrency:
 *   - `pool`: CONCURRENCY connections (PGlite: its one), each waiting for its answer;
 *   - `pipelined` (PostgreSQL): 4 connections in node-postgres's pipeline mode, CONCURRENCY statements in
 *     flight at once, each still its own transaction (its own Sync);
 *   - `direct` (PGlite): the embedded store's own query call, without the wire-protocol adapter.
 * The ceiling is the best of them; each is printed.
 */
const CEILING_SQL = `
  with c as (
    insert into cases (number, tracking_code, kind, category_code, state, source, title, area_code, lon, lat,
                       created_at, updated_at, last_hash)
    values ($1, $2, 'event', 'event.0102', 'reported', 'staff', '基准测试', $3, $4, $5, now(), now(), $6)
    returning id, created_at)
  insert into case_events (case_id, seq, type, to_state, at, actor_name, actor_role, evidence, payload,
                           prev_hash, hash)
  select id, 1, 'report', 'reported', created_at, 'bench', 'shift_lead', '{}', '{}', $7, $6 from c`;

async function storeCeiling(
  kind: 'pglite' | 'postgres',
  store: Database,
  connectionString: string | undefined,
  points: readonly { code: string; lon: number; lat: number }[],
): Promise<{ rate: number; cpu: number }> {
  let run = 0;
  const args = (i: number) => {
    const p = points[i % points.length] ?? points[0];
    if (!p) throw new Error('no grid');
    return [
      `C${run}-${i}-${randomUUID().slice(0, 8)}`,
      randomUUID().slice(0, 10),
      p.code,
      p.lon,
      p.lat,
      'x'.repeat(64),
      '0'.repeat(64),
    ];
  };
  const results: Record<string, { rate: number; cpu: number }> = {};
  const measure = async (label: string, send: (i: number) => Promise<unknown>) => {
    run++;
    results[label] = await timed(N, async (i) => {
      await send(i);
    });
  };
  if (kind === 'postgres') {
    const pool = new pg.Pool({ connectionString, max: CONCURRENCY });
    await measure('pool', (i) => pool.query({ name: 'bench_intake', text: CEILING_SQL, values: args(i) }));
    await pool.end();
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = new pg.Client({ connectionString, pipeline: true } as pg.ClientConfig);
        await c.connect();
        return c;
      }),
    );
    await measure('pipelined', (i) =>
      (clients[i % clients.length] as pg.Client).query({
        name: 'bench_intake',
        text: CEILING_SQL,
        values: args(i),
      }),
    );
    await Promise.all(clients.map((c) => c.end()));
  } else {
    const lite = store.pglite;
    if (!lite) throw new Error('no embedded store handle');
    const pool = new pg.Pool(createPgConfig(lite));
    await measure('pool', (i) => pool.query({ name: 'bench_intake', text: CEILING_SQL, values: args(i) }));
    await pool.end();
    await measure('direct', (i) => lite.query(CEILING_SQL, args(i)));
  }
  for (const [label, r] of Object.entries(results))
    console.log(
      `${kind.padEnd(8)} (a) ceiling, ${label.padEnd(10)} ${r.rate.toFixed(0).padStart(5)} intakes/s`,
    );
  return Object.values(results).reduce((best, r) => (r.rate > best.rate ? r : best));
}

async function benchStore(
  kind: 'pglite' | 'postgres',
  store: Database,
  connectionString?: string,
): Promise<number> {
  await migrate(store.db);
  await seedDemo(store.db, { districts: ['120101'] });
  const db = store.db;
  const lead = await db
    .selectFrom('users')
    .select(['id'])
    .where('username', '=', 'shift_lead')
    .executeTakeFirstOrThrow();
  const token = newSecret('wg_');
  await db
    .insertInto('api_tokens')
    .values({ user_id: lead.id, name: 'bench', token_hash: sha256(token) })
    .execute();
  // Points at the centres of whole grid cells of 和平区, so every intake locates.
  const points = await wholeCellCentres(db, '120101');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-bench-'));
  const server = await buildServer(
    store,
    { ...loadConfig({}), logLevel: 'silent', dataDir },
    { webDir: '/nonexistent', runJobs: false },
  );
  const port = await freePort();
  await server.app.listen({ port, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  // (a) the store's ceiling for the same two rows per intake, the best Node can get from the store
  const ceiling = await storeCeiling(kind, store, connectionString, points);

  // (b) intake through the HTTP API
  const intake = await httpLoad(
    Array.from({ length: N }, (_, i) => {
      const p = points[(i * 7919) % points.length];
      return {
        url: `${base}/api/cases`,
        headers: { ...headers, 'idempotency-key': `bench-${kind}-${i}-${randomUUID()}` },
        body: JSON.stringify({
          categoryCode: 'event.0102',
          title: `暴露垃圾 ${i}`,
          description: '基准测试',
          lon: p?.lon,
          lat: p?.lat,
        }),
      };
    }),
    201,
  );
  const ids = intake.answers.map((a) => (JSON.parse(a) as { id: string }).id);

  // (c) transitions through the HTTP API
  const transitions = await httpLoad(
    ids.map((id) => ({
      url: `${base}/api/cases/${id}/transitions`,
      headers,
      body: JSON.stringify({ type: 'file', version: 1 }),
    })),
    200,
  );

  const { n } = (await sql<{ n: number }>`select count(*)::int as n from case_events`.execute(db))
    .rows[0] ?? { n: 0 };
  const ratio = intake.rate / ceiling.rate;
  // Node's CPU share tells where the time goes: near 100% for the server thread means JavaScript
  // (HTTP, validation, hashing — and, for PGlite, the database itself) is the limit, not the store.
  const cpu = (r: { cpu: number }) => `node cpu ${(r.cpu * 100).toFixed(0)}%`;
  const line = (label: string, r: { rate: number; cpu: number }, unit: string, extra = '') =>
    console.log(
      `${kind.padEnd(8)} ${label.padEnd(22)} ${r.rate.toFixed(0).padStart(5)} ${unit}/s   ${cpu(r)}${extra}`,
    );
  line('(a) store ceiling', ceiling, 'intakes');
  line('(b) HTTP intake', intake, 'cases', `   ratio (b)/(a) ${ratio.toFixed(2)}`);
  line('(c) HTTP transitions', transitions, 'transitions', `   (${n} events stored)`);
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return ratio;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-bench-pglite-'));
const pglite = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
const pgliteRatio = await benchStore('pglite', pglite);
await pglite.close();
fs.rmSync(dir, { recursive: true, force: true });

let pgRatio = Number.NaN;
if (findPostgresBinaries()) {
  const pgServer = await startPostgresServer();
  const store = await openDatabase({ kind: 'postgres', url: pgServer.url, poolSize: CONCURRENCY });
  pgRatio = await benchStore('postgres', store, pgServer.url);
  await store.close();
  await pgServer.stop();
} else {
  console.log('postgres: no server binaries (apt-get install postgresql); skipped');
}
console.log(`intake_ratio pg ${pgRatio.toFixed(2)} pglite ${pgliteRatio.toFixed(2)}`);
