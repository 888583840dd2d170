/**
 * The server side of bench/open311.bench.ts, in its own process so the load tool's CPU is not the
 * server's. Opens the store (PGlite in a fresh directory, or the PostgreSQL URL given), migrates and
 * seeds 和平区, loads it to BENCH_LOAD requests in bulk (one INSERT … SELECT per table), then listens with
 * two servers on the same store:
 *   - Wangge (buildServer: the whole Open311 path — key, service, attributes, locate, duplicate test,
 *     intake with idempotency, hash chain, deadline job);
 *   - the reference: plain Fastify, the same form parsed the same way, one case row + one event row in
 *     one transaction, and a 50-row list read (newest first).
 * Prints one JSON line on stdout: { wangge, reference, key, points }, then serves until killed.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/platform/config.js';
import { type Database, openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { freePort } from '../src/platform/db/pg-server.js';
import { keepWasmBaselineCode } from '../src/platform/runtime-memory.js';
import { seedDemo } from '../src/seed/demo.js';
import { buildServer } from '../src/server.js';
import { wholeCellCentres } from '../src/testing/grid-cells.js';
import { bulkLoad } from './bulk-load.js';

const [kind, url] = process.argv.slice(2) as ['pglite' | 'postgres', string | undefined];
const LOAD = Number(process.env.BENCH_LOAD ?? 100_000);
const POOL = Number(process.env.BENCH_POOL ?? 32);

// As a serving process does (cli/main.ts serve): the embedded store's WebAssembly at baseline code.
keepWasmBaselineCode();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-o311-bench-'));
const store: Database =
  kind === 'pglite'
    ? await openDatabase({
        kind: 'pglite',
        dataDir: path.join(dataDir, 'pglite'),
        ...(loadConfig().pgliteCacheMb && { sharedBuffersMb: loadConfig().pgliteCacheMb }),
      })
    : await openDatabase({ kind: 'postgres', url: url ?? '', poolSize: POOL });
await migrate(store.db);
const seed = await seedDemo(store.db, { districts: ['120101'] });
const db = store.db;
const points = await wholeCellCentres(db, '120101');

const loadMs = await bulkLoad(db, LOAD, points);
if (LOAD > 0) process.stderr.write(`${kind}: loaded ${LOAD} requests in ${(loadMs / 1000).toFixed(1)} s\n`);

// Wangge
const wanggeDir = path.join(dataDir, 'data');
const server = await buildServer(
  store,
  { ...loadConfig({}), logLevel: 'silent', dataDir: wanggeDir },
  { webDir: '/nonexistent', runJobs: false },
);
const wanggePort = await freePort();
await server.app.listen({ port: wanggePort, host: '127.0.0.1' });

// The reference: the same store, the same form, two rows in one transaction, a 50-row list read.
const ref = Fastify({ logger: false });
ref.addContentTypeParser(
  'application/x-www-form-urlencoded',
  { parseAs: 'string', bodyLimit: 64 * 1024 },
  (_req, body, done) => done(null, new URLSearchParams(String(body))),
);
const grid = points[0]?.code ?? '';
let seq = 0;
ref.post('/open311/v2/requests.json', async (req, reply) => {
  const f = req.body as URLSearchParams;
  const now = new Date();
  const n = ++seq;
  const number = `R${process.pid}${String(n).padStart(9, '0')}`;
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('cases')
      .values({
        number,
        tracking_code: `R${randomUUID().slice(0, 12)}`,
        kind: 'event',
        category_code: f.get('service_code') ?? 'event.0102',
        state: 'reported',
        source: 'open311',
        title: (f.get('description') ?? '').slice(0, 60),
        description: f.get('description') ?? '',
        area_code: grid,
        lon: Number(f.get('long')),
        lat: Number(f.get('lat')),
        created_at: now,
        updated_at: now,
        last_hash: '0'.repeat(64),
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
        at: now,
        actor_name: 'reference',
        actor_role: 'operator',
        evidence: [],
        payload: '{}',
        prev_hash: '0'.repeat(64),
        hash: '0'.repeat(64),
      })
      .execute();
  });
  return reply
    .header('content-type', 'application/json')
    .send(JSON.stringify([{ service_request_id: number }]));
});
ref.get('/open311/v2/requests.json', async (_req, reply) => {
  const rows = await db
    .selectFrom('cases')
    .select(['number', 'state', 'category_code', 'description', 'created_at', 'updated_at', 'lon', 'lat'])
    .orderBy('created_at', 'desc')
    .orderBy('number')
    .limit(50)
    .execute();
  return reply.header('content-type', 'application/json').send(JSON.stringify(rows));
});
const refPort = await freePort();
await ref.listen({ port: refPort, host: '127.0.0.1' });

process.stdout.write(
  `${JSON.stringify({
    wangge: wanggePort,
    reference: refPort,
    key: seed.open311Key,
    points: points.slice(0, 400).map((p) => ({ lat: p.lat, lon: p.lon })),
  })}\n`,
);

const stop = async () => {
  await server.close();
  await ref.close();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
