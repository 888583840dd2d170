/**
 * `npm run bench:evaluation`: bulletin (通报) times over synthetic years, per store.
 *
 * Builds (or reuses) a district-year on the embedded store and a bigger year on a PostgreSQL server with
 * `seedSynthetic` (histories through the workflow rules, roll-ups daily and monthly; on the server the bulk
 * mode: COPY, the events of 1 case in BENCH_EVENTS_EVERY), then times the bulletin of district 120101 for a
 * month and for the year — month-aligned, so read from the monthly roll-ups — and prints the generation rate,
 * the roll-up row counts, the database size and the process memory. Sizes (the targets are 1,000,000 and
 * 21,400,000; this 2-core machine is shared):
 *   BENCH_CASES        cases in the district-year on PGlite   (default 20000)
 *   BENCH_MEGA_CASES   cases in the year on PostgreSQL          (default 2 × BENCH_CASES)
 *   BENCH_EVENTS_EVERY on PostgreSQL keep the events of one case in this many (default 100; PGlite keeps all)
 *   BENCH_DIR          where the PGlite data set is kept for reuse (default: $TMPDIR/wangge-bench-eval)
 *   BENCH_REPLICATE    write each built history for this many grids of its street (default 1; seed/synthetic.ts)
 *   BENCH_PG_URL       a running server to build in and reuse (default: start a throwaway one)
 * Last line: `bulletin_ms district_year_pglite X megacity_year_pg Y`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Dashboard } from '../src/modules/evaluation/dashboard.service.js';
import { Evaluation } from '../src/modules/evaluation/evaluation.service.js';
import { Screen } from '../src/modules/evaluation/screen.service.js';
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
const EVENTS_EVERY = Number(process.env.BENCH_EVENTS_EVERY ?? 100);
const REPLICATE = Number(process.env.BENCH_REPLICATE ?? 1);
const DISTRICT = '120101';
const YEAR = '2025';
const NOW = new Date('2026-01-10T12:00:00+08:00');

const mb = (n: number) => `${Math.round(n / 1_048_576)} MB`;

async function prepare(store: Database, n: number, label: string, copyUrl?: string): Promise<void> {
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
  const t0 = performance.now();
  const r = await seedSynthetic(store.db, {
    cases: n - Number(have.n),
    from: `${YEAR}-01-01`,
    to: `${YEAR}-12-31`,
    now: NOW,
    area: DISTRICT,
    batch: copyUrl ? 20_000 : 2_000,
    seed: Number(have.n) + 1,
    ...(copyUrl ? { copyUrl, eventsEvery: EVENTS_EVERY } : {}),
    replicate: REPLICATE,
    onProgress: (done, total) => {
      if (done % 100_000 < (copyUrl ? 20_000 : 2_000) || done === total)
        console.log(`  ${label}: ${done}/${total} cases, ${Math.round((performance.now() - t0) / 1000)} s`);
    },
  });
  console.log(
    `${label}: generated ${r.cases} cases${r.copy ? ' (COPY)' : ''}${REPLICATE > 1 ? ` (each history on ${REPLICATE} grids)` : ''}, ${r.events} events, ${r.rollupRows} daily and ${r.monthlyRows} monthly roll-up rows written in ${(r.ms / 1000).toFixed(1)} s (building in JS ${(r.buildMs / 1000).toFixed(1)} s): ${r.casesPerSecond} cases/s, ${r.rowsPerSecond} rows/s`,
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
  const count = async (table: 'cases' | 'case_events' | 'case_rollups' | 'case_rollups_monthly') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const bytes = async (q: ReturnType<typeof sql<{ bytes: string }>>) =>
    Number((await q.execute(store.db)).rows[0]?.bytes ?? 0);
  const [cases, events, daily, monthly] = await Promise.all([
    count('cases'),
    count('case_events'),
    count('case_rollups'),
    count('case_rollups_monthly'),
  ]);
  const dbBytes = await bytes(sql`select pg_database_size(current_database()) as bytes`);
  const casesBytes = await bytes(sql`select pg_total_relation_size('cases') as bytes`);
  const eventsBytes = await bytes(sql`select pg_total_relation_size('case_events') as bytes`);
  const dailyBytes = await bytes(sql`select pg_total_relation_size('case_rollups') as bytes`);
  const monthlyBytes = await bytes(sql`select pg_total_relation_size('case_rollups_monthly') as bytes`);
  console.log(
    `${label}: ${cases} cases (${mb(casesBytes)} with indexes), ${events} events (${mb(eventsBytes)}), ` +
      `${daily} daily roll-up rows (${mb(dailyBytes)}), ${monthly} monthly roll-up rows (${mb(monthlyBytes)}); ` +
      `pg_database_size ${mb(dbBytes)} = ${Math.round(dbBytes / Math.max(cases, 1))} bytes a case`,
  );
  const time = async (period: string) => {
    await evaluation.bulletin(leader, { period, district: DISTRICT }); // warm
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const b = await evaluation.bulletin(leader, { period, district: DISTRICT });
      runs.push(performance.now() - t0);
      if (i === 0) {
        const due = b.totals.find((x) => x.key === 'closing_rate');
        console.log(
          `  ${period}: 结案率 ${due?.rate}% (${due?.numerator}/${due?.denominator}), runs ${runs.map(Math.round).join(' ')} ms`,
        );
      }
    }
    return Math.round(Math.min(...runs));
  };
  const month = await time(`${YEAR}-06`);
  const year = await time(YEAR);
  // The big screen as the command centre's wall asks for it every 30 s: the whole district, a year of trends.
  const screen = new Screen(store.db, server.cases.screen, evaluation, () => NOW);
  await screen.screen(leader, {}); // warm
  const screenRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const s = await screen.screen(leader, {});
    screenRuns.push(performance.now() - t0);
    if (i === 0)
      console.log(
        `  screen: open ${s.today.open}, overdue ${s.today.overdue}, ${s.monthly.reduce((n, m) => n + m.received, 0)} received in 12 months, runs ${screenRuns.map(Math.round).join(' ')} ms`,
      );
  }
  // The leader's home page (领导首页) on the data set's last day: this month and last month.
  const home = new Dashboard(evaluation, server.cases.screen, () => NOW);
  const d = await home.dashboard(leader); // warm
  const homeRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    const h0 = performance.now();
    await home.dashboard(leader);
    homeRuns.push(performance.now() - h0);
  }
  const dashboardMs = Math.round(Math.min(...homeRuns));
  console.log(
    `  dashboard: ${d.month.label}, overdue ${d.overdue.count}, worst street ${d.worstStreets[0]?.name ?? '—'}, runs ${homeRuns.map(Math.round).join(' ')} ms`,
  );
  console.log(
    `${label}: bulletin (monthly roll-ups) district-month ${month} ms, district-year ${year} ms, big screen refresh ${Math.round(Math.min(...screenRuns))} ms (best of 3), leader's dashboard ${dashboardMs} ms (best of 3), node rss ${mb(process.memoryUsage().rss)}`,
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
const given = process.env.BENCH_PG_URL;
if (MEGA === 0) console.log('postgres: BENCH_MEGA_CASES=0, skipped');
else if (given || findPostgresBinaries()) {
  const pgServer = given ? null : await startPostgresServer();
  const url = given ?? (pgServer?.url as string);
  const store = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  try {
    await prepare(store, MEGA, 'postgres', url);
    pgYear = await timeBulletins(store, 'postgres');
  } finally {
    await store.close();
    await pgServer?.stop();
  }
} else console.log('postgres: no server binaries here, skipped');

console.log(`bulletin_ms district_year_pglite ${pgliteYear} megacity_year_pg ${pgYear}`);
