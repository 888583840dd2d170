/**
 * `npm run bench:evaluation`: bulletin (通报) times over synthetic years, per store.
 *
 * Builds (or reuses, under BENCH_DIR) a district-year on the embedded store and a bigger year on a
 * PostgreSQL server it starts itself, with `seedSynthetic` (bulk mode: histories through the workflow rules,
 * roll-ups filled alongside), then times the bulletin of district 120101 for a month and for the year
 * (both read from the roll-ups), and prints the process memory. Sizes (the targets are 1,000,000 and
 * 21,400,000; this 2-core machine is shared):
 *   BENCH_CASES       cases in the district-year on PGlite   (default 20000)
 *   BENCH_MEGA_CASES  cases in the year on PostgreSQL          (default 2 × BENCH_CASES)
 *   BENCH_DIR         where the PGlite data set is kept for reuse (default: $TMPDIR/wangge-bench-eval)
 * Last line: `bulletin_ms district_year_pglite X megacity_year_pg Y`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Evaluation } from '../src/modules/evaluation/evaluation.service.js';
import type { Principal } from '../src/platform/auth/roles.js';
import { loadConfig } from '../src/platform/config.js';
import { type Database, openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { findPostgresBinaries, startPostgresServer } from '../src/platform/db/pg-server.js';
import { seedDemo } from '../src/seed/demo.js';
import { seedSynthetic } from '../src/seed/synthetic.js';
import { buildServer } from '../src/server.js';

const CASES = Number(process.env.BENCH_CASES ?? 20_000);
const MEGA = Number(process.env.BENCH_MEGA_CASES ?? CASES * 2);
const DIR = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'wangge-bench-eval');
const DISTRICT = '120101';
const YEAR = '2025';
const NOW = new Date('2026-01-10T12:00:00+08:00');

const mb = (n: number) => `${Math.round(n / 1_048_576)} MB`;

async function prepare(store: Database, n: number, label: string): Promise<void> {
  await migrate(store.db);
  const have = await store.db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(have.n) >= n) {
    console.log(`${label}: reusing ${have.n} cases`);
    return;
  }
  const areas = await store.db.selectFrom('areas').select('code').limit(1).execute();
  if (!areas.length) await seedDemo(store.db, { districts: [DISTRICT] });
  const r = await seedSynthetic(store.db, {
    cases: n - Number(have.n),
    from: `${YEAR}-01-01`,
    to: `${YEAR}-12-31`,
    now: NOW,
    area: DISTRICT,
    batch: 2_000,
    seed: Number(have.n) + 1,
  });
  console.log(
    `${label}: generated ${r.cases} cases, ${r.events} events, ${r.rollupRows} roll-up rows in ${(r.ms / 1000).toFixed(1)} s (${r.rowsPerSecond} rows/s, ${Math.round((r.cases / r.ms) * 1000)} cases/s)`,
  );
}

async function timeBulletins(store: Database, label: string) {
  const config = {
    ...loadConfig({}),
    logLevel: 'silent',
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'wg-')),
  };
  const server = await buildServer(store, config, { webDir: '/nonexistent', runJobs: false });
  const evaluation = new Evaluation(store.db, server.cases.facts);
  const leader: Principal = {
    userId: '00000000-0000-4000-8000-000000000000',
    username: 'bench',
    displayName: 'bench',
    roles: ['leader'],
    unitId: null,
    scope: DISTRICT,
    via: 'token',
    csrfToken: null,
    sessionId: null,
  };
  const rows = await store.db
    .selectFrom('case_rollups')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const size = await sql<{ bytes: string }>`select pg_total_relation_size('case_rollups') as bytes`.execute(
    store.db,
  );
  console.log(`${label}: ${rows.n} roll-up rows, ${mb(Number(size.rows[0]?.bytes ?? 0))} on disk`);
  const time = async (period: string) => {
    await evaluation.bulletin(leader, { period, district: DISTRICT }); // warm
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const b = await evaluation.bulletin(leader, { period, district: DISTRICT });
      runs.push(performance.now() - t0);
      if (i === 0) {
        const due = b.totals.find((x) => x.key === 'closing_rate');
        console.log(`  ${period}: 结案率 ${due?.rate}% (${due?.numerator}/${due?.denominator})`);
      }
    }
    return Math.round(Math.min(...runs));
  };
  const month = await time(`${YEAR}-06`);
  const year = await time(YEAR);
  console.log(
    `${label}: bulletin district-month ${month} ms, district-year ${year} ms, node rss ${mb(process.memoryUsage().rss)}`,
  );
  await server.close();
  return year;
}

console.log(
  `evaluation bench: BENCH_CASES=${CASES} BENCH_MEGA_CASES=${MEGA} (targets 1,000,000 and 21,400,000)`,
);
fs.mkdirSync(DIR, { recursive: true });
const pglite = await openDatabase({ kind: 'pglite', dataDir: path.join(DIR, `pglite-${CASES}`) });
await prepare(pglite, CASES, 'pglite');
const pgliteYear = await timeBulletins(pglite, 'pglite');
await pglite.close();

let pgYear: number | string = 'skipped';
if (findPostgresBinaries()) {
  const pgServer = await startPostgresServer();
  const store = await openDatabase({ kind: 'postgres', url: pgServer.url, poolSize: 4 });
  try {
    await prepare(store, MEGA, 'postgres');
    pgYear = await timeBulletins(store, 'postgres');
  } finally {
    await store.close();
    await pgServer.stop();
  }
} else console.log('postgres: no server binaries here, skipped');

console.log(`bulletin_ms district_year_pglite ${pgliteYear} megacity_year_pg ${pgYear}`);
