/**
 * Benchmark: case intake through the HTTP API against the store's own ceiling, on PGlite and on a
 * PostgreSQL server (started here with initdb). For each store:
 *   (a) ceiling — the writes one intake needs (a case row and its first event, one transaction each)
 *       issued straight to the store, with the same concurrency as the API clients;
 *   (b) N case creations through the real HTTP API (validation, locate, dispatch rule, deadline, event, hash);
 *   (c) N transitions (file 立案) through the HTTP API.
 * Last line: `intake_ratio pg R1 pglite R2`, R = (b)/(a).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
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

async function benchStore(kind: 'pglite' | 'postgres', store: Database): Promise<number> {
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

  // (a) the store's ceiling for the same two rows per intake
  const ceiling = await timed(N, async (i) => {
    const p = points[i % points.length] ?? points[0];
    if (!p) throw new Error('no grid');
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('cases')
        .values({
          number: `B${i}-${randomUUID().slice(0, 8)}`,
          tracking_code: randomUUID().slice(0, 10),
          kind: 'event',
          category_code: 'event.0102',
          state: 'reported',
          source: 'staff',
          title: '基准测试',
          area_code: p.code,
          lon: p.lon,
          lat: p.lat,
          created_at: new Date(),
          updated_at: new Date(),
          last_hash: 'x'.repeat(64),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('case_events')
        .values({
          case_id: row.id,
          seq: 1,
          type: 'report',
          to_state: 'reported',
          at: new Date(),
          actor_name: 'bench',
          actor_role: 'shift_lead',
          evidence: [],
          payload: '{}',
          prev_hash: '0'.repeat(64),
          hash: 'x'.repeat(64),
        })
        .execute();
    });
  });

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
  pgRatio = await benchStore('postgres', store);
  await store.close();
  await pgServer.stop();
} else {
  console.log('postgres: no server binaries (apt-get install postgresql); skipped');
}
console.log(`intake_ratio pg ${pgRatio.toFixed(2)} pglite ${pgliteRatio.toFixed(2)}`);
