/**
 * `npm run bench:cluster`: Open311 intake (POST requests.json) and the monthly bulletin (a replica-served
 * read) with 1, 2 and 4 `wangge serve` processes on one primary and one streaming standby, on loopback.
 * Each process gets its own load generator (autocannon); figures are requests/s summed over processes
 * and the ratio to one process in the same run. Not a test: it prints its figures.
 *
 *   npm run bench:cluster        (BENCH_PROCESSES=1,2,4 BENCH_SECONDS=8 BENCH_CONNECTIONS=8)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { projectRoot } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { freePort, startStreamingPair } from '../src/platform/db/pg-server.js';
import { DEMO_PASSWORD, seedDemo } from '../src/seed/demo.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';

const env = process.env;
const COUNTS = (env.BENCH_PROCESSES ?? '1,2,4').split(',').map(Number);
const SECONDS = Number(env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 8);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(
  dataDir: string,
  url: string,
  readUrl: string,
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: projectRoot,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WANGGE_DATA: dataDir,
      WANGGE_LOG: 'warn',
      DATABASE_URL: url,
      DATABASE_READ_URL: readUrl,
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return { base, child };
    } catch {}
    await sleep(200);
  }
  throw new Error('server did not start');
}

async function run(opts: autocannon.Options): Promise<{ rps: number; non2xx: number }> {
  const r = await autocannon({ ...opts, duration: SECONDS, connections: CONNECTIONS });
  return { rps: r.requests.average, non2xx: r.non2xx };
}

const pair = await startStreamingPair();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-bench-cluster-'));
try {
  const admin = new pg.Client({ connectionString: pair.primary.url });
  await admin.connect();
  await admin.query('create database wangge');
  await admin.end();
  const url = pair.primary.url.replace(/\/postgres$/, '/wangge');
  const readUrl = pair.standby.url.replace(/\/postgres$/, '/wangge');
  const store = await openDatabase({ kind: 'postgres', url });
  await migrate(store.db);
  await seedDemo(store.db, { districts: ['120101'] });
  const grid = await wholeCellCentre(store.db, '120101001');
  await store.close();
  const max = Math.max(...COUNTS);
  const servers = [];
  for (let i = 0; i < max; i++) servers.push(await startServer(path.join(dataDir, `p${i}`), url, readUrl));
  const first = servers[0]?.base as string;
  const login = await fetch(`${first}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  });
  const cookie =
    (login.headers.getSetCookie().find((c) => c.startsWith('wg_session=')) ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const keyRes = await fetch(`${first}/api/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'bench', endpoint: 'production', jurisdiction: '120101' }),
  });
  const { key } = (await keyRes.json()) as { key: string };
  const form = new URLSearchParams({
    api_key: key,
    jurisdiction_id: '120101',
    service_code: 'event.0102',
    lat: String(grid.lat),
    long: String(grid.lon),
    description: '基准测试：路边暴露垃圾',
  }).toString();
  const month = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 7);
  const rows: string[] = [];
  const baseline: Record<string, number> = {};
  for (const n of COUNTS) {
    const targets = servers.slice(0, n);
    for (const [name, opts] of [
      [
        'open311_intake',
        (base: string) => ({
          url: `${base}/open311/v2/requests.json`,
          method: 'POST' as const,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        }),
      ],
      [
        'bulletin',
        (base: string) => ({
          url: `${base}/api/evaluation/bulletin?district=120101&period=${month}`,
          headers: { cookie },
        }),
      ],
    ] as const) {
      await sleep(1000); // let the standby catch up between runs
      const results = await Promise.all(targets.map((t) => run(opts(t.base))));
      const rps = results.reduce((s, r) => s + r.rps, 0);
      const non2xx = results.reduce((s, r) => s + r.non2xx, 0);
      baseline[name] ??= rps;
      const ratio = rps / (baseline[name] || 1);
      rows.push(`${name} processes ${n} rps ${rps.toFixed(0)} ratio ${ratio.toFixed(2)} non2xx ${non2xx}`);
      console.log(rows[rows.length - 1]);
    }
  }
  for (const s of servers) s.child.kill('SIGTERM');
  console.log(
    `bench cluster: ${os.cpus().length} cores, ${SECONDS} s per run, ${CONNECTIONS} connections per process`,
  );
} finally {
  await pair.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
