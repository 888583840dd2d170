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
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config.js';
import { type Database, openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { freePort } from '../src/platform/db/pg-server.js';
import { seedDemo } from '../src/seed/demo.js';
import { buildServer } from '../src/server.js';
import { wholeCellCentres } from '../src/testing/grid-cells.js';

const [kind, url] = process.argv.slice(2) as ['pglite' | 'postgres', string | undefined];
const LOAD = Number(process.env.BENCH_LOAD ?? 100_000);
const POOL = Number(process.env.BENCH_POOL ?? 32);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-o311-bench-'));
const store: Database =
  kind === 'pglite'
    ? await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') })
    : await openDatabase({ kind: 'postgres', url: url ?? '', poolSize: POOL });
await migrate(store.db);
const seed = await seedDemo(store.db, { districts: ['120101'] });
const db = store.db;
const points = await wholeCellCentres(db, '120101');

/**
 * Bulk: LOAD requests over the last 60 days, spread over the public services and every whole cell, 90%
 * closed (a city's older requests are mostly done), each with its report event. Not hash-valid chains —
 * the bench measures the path, `cases verify` is not run here.
 */
async function bulkLoad(n: number): Promise<void> {
  if (n <= 0) return;
  const cells = JSON.stringify(points.map((p) => [p.code, p.lon, p.lat]));
  const t0 = performance.now();
  await sql`
    with cell as (
      select (c ->> 0) as code, (c ->> 1)::float8 as lon, (c ->> 2)::float8 as lat, row_number() over () - 1 as i
      from jsonb_array_elements(${cells}::jsonb) c
    ), svc as (
      select code, kind, row_number() over (order by code) - 1 as i
      from categories where kind in ('event', 'component', 'request') and active
    ), ns as (select count(*) as n from cell), nsv as (select count(*) as n from svc)
    insert into cases (id, number, tracking_code, kind, category_code, state, source, title, description,
                       area_code, lon, lat, created_at, updated_at, last_hash)
    select gen_random_uuid(), 'B' || lpad(g::text, 12, '0'), 'B' || lpad(g::text, 9, '0'), svc.kind, svc.code,
           case when g % 10 = 0 then 'reported' else 'closed' end, 'open311', '基准 ' || g, '基准数据 ' || g,
           cell.code, cell.lon, cell.lat,
           now() - ((g % 86400) * interval '60 seconds'), now() - ((g % 86400) * interval '60 seconds'),
           repeat('0', 64)
    from generate_series(1, ${n}::int) g
    cross join ns cross join nsv
    join cell on cell.i = g % ns.n
    join svc on svc.i = g % nsv.n`.execute(db);
  await sql`
    insert into case_events (case_id, seq, type, to_state, at, actor_name, actor_role, prev_hash, hash)
    select id, 1, 'report', 'reported', created_at, 'bench', 'operator', repeat('0', 64), repeat('0', 64)
    from cases where number like 'B%'`.execute(db);
  await sql`analyze`.execute(db);
  process.stderr.write(
    `${kind}: loaded ${n} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}
await bulkLoad(LOAD);

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
