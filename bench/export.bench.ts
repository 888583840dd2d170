/**
 * Benchmark: the case export (案件导出) on PGlite — seeds N cases of one district (with their first event),
 * then streams the whole district as CSV and as XLSX through the service, and prints rows/s and the
 * process's peak RSS (sampled while streaming) for each. `BENCH_N` (default 20000) sets N.
 *   npx tsx bench/export.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { Principal } from '../src/platform/auth/roles.js';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { seedDemo } from '../src/seed/demo.js';
import { buildServer } from '../src/server.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';

const N = Number(process.env.BENCH_N ?? 20_000);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, node ${process.version}`,
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-export-bench-'));
const store = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
try {
  await migrate(store.db);
  await seedDemo(store.db, { districts: ['120101'] });
  const server = await buildServer(
    store,
    { ...loadConfig({ WANGGE_DATA: dir }), logLevel: 'silent' },
    { webDir: '/nonexistent', runJobs: false },
  );
  const grid = await wholeCellCentre(store.db, '120101001');
  const t0 = performance.now();
  await sql`
    insert into cases (number, tracking_code, kind, category_code, state, source, title, address, area_code,
                       reporter, created_at, updated_at, last_hash)
    select 'B' || lpad(i::text, 8, '0'), 'BT' || lpad(i::text, 8, '0'), 'event', 'event.0102', 'reported', 'staff',
           '基准案件 ' || i, '和平路 ' || i || ' 号', ${grid.code}, '{"name":"张三","phone":"13800138000"}'::jsonb,
           timestamptz '2026-01-01T00:00:00Z' + (i || ' minutes')::interval, now(), 'bench'
      from generate_series(1, ${N}) as i`.execute(store.db);
  await sql`
    insert into case_events (case_id, seq, type, to_state, at, actor_name, actor_role, prev_hash, hash)
    select id, 1, 'report', 'reported', created_at, 'bench', 'operator', 'bench', 'bench'
      from cases where number like 'B%'`.execute(store.db);
  console.log(
    `seeded ${N} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; RSS ${mb(process.memoryUsage().rss)}`,
  );

  const p: Principal = {
    userId: '00000000-0000-4000-8000-000000000000',
    username: 'bench',
    displayName: 'bench',
    roles: ['leader'],
    unitId: null,
    scope: '120101',
    via: 'session',
    csrfToken: null,
    sessionId: null,
  };
  for (const format of ['csv', 'xlsx'] as const) {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let bytes = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const t = performance.now();
    const stream = await server.cases.exports.stream(p, { area: '120101' }, format);
    await pipeline(
      stream,
      new Writable({
        write(chunk: Buffer | string, _enc, done) {
          bytes += Buffer.byteLength(chunk);
          peak = Math.max(peak, process.memoryUsage().rss);
          done();
        },
      }),
    );
    clearInterval(timer);
    const seconds = (performance.now() - t) / 1000;
    console.log(
      `${format}: ${N} rows in ${seconds.toFixed(1)} s = ${Math.round(N / seconds)} rows/s, ${(bytes / 1024).toFixed(0)} KB written, ` +
        `RSS before ${mb(rssBefore)}, peak ${mb(peak)} (+${mb(peak - rssBefore)})`,
    );
  }
  await server.close();
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
