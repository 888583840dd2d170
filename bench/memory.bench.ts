/**
 * Benchmark: the server's resident memory (issue 18: under 250 MB after `npm start`, under 400 MB with
 * 1,000,000 cases in the store and load running). Starts the server the way `npm start` does — the
 * build-if-stale steps, then `node <the start script's node flags> dist/server/cli/main.js start` on a
 * fresh embedded store (the default store; with DATABASE_URL the database's memory is another
 * process's) — and reads its RSS (`ps -o rss=`):
 *   1. 3 s after the "is running at" line (the demo seeded in its child process, which has exited);
 *   2. the highest of samples every 250 ms while autocannon drives Open311 POST and GET requests.json at
 *      BENCH_CONNECTIONS (32) connections, BENCH_SECONDS (10) s each, and once more after;
 *   3. then stops it, loads the store to BENCH_MEMORY_CASES (1,000,000) cases in bulk from this process,
 *      starts it again and repeats 1 and 2.
 * Last line: memory rss_start_mb A rss_load_mb B rss_start_big_mb C rss_load_big_mb D cases N
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import { projectRoot } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { freePort } from '../src/platform/db/pg-server.js';
import { type CellCentre, wholeCellCentres } from '../src/testing/grid-cells.js';
import { bulkLoad } from './bulk-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CASES = Number(process.env.BENCH_MEMORY_CASES ?? 1_000_000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-memory-bench-'));

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, node ${process.version}; ` +
    `load ${CONNECTIONS} connections × ${SECONDS} s per method; large store ${CASES} cases`,
);

const rssMb = (pid: number) =>
  Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// What `npm start` runs before the server: the web app and the server compiled when stale.
for (const script of ['build-web-if-stale.mjs', 'build-server-if-stale.mjs'])
  execFileSync(process.execPath, [path.join(projectRoot, 'scripts', script)], { stdio: 'inherit' });

/** The node flags `npm start` gives the server (package.json: `… && node <flags> dist/server/cli/main.js start`). */
function startFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const last = (pkg.scripts.start ?? '').split('&&').at(-1)?.trim().split(/\s+/) ?? [];
  const script = last.indexOf('dist/server/cli/main.js');
  if (last[0] !== 'node' || script < 0) throw new Error(`cannot read the server's node flags from npm start`);
  return last.slice(1, script);
}
const flags = startFlags();
console.log(
  `server started as npm start does: node ${[...flags, 'dist/server/cli/main.js', 'start'].join(' ')}`,
);

async function start(port: number): Promise<{ child: ChildProcess; key: string | null }> {
  const child = spawn(
    process.execPath,
    [...flags, path.join(projectRoot, 'dist/server/cli/main.js'), 'start'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        WANGGE_DATA: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        WANGGE_LOG: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let key: string | null = null;
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => {
      const k = /^api_key: (\S+)/.exec(l);
      if (k?.[1]) key = k[1];
      if (l.includes('is running at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  lines.on('line', () => undefined); // keep draining its output
  await sleep(3000);
  return { child, key };
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

async function load(port: number, pid: number, key: string, points: readonly CellCentre[]) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 250);
  let i = 0;
  const form = () => {
    const p = points[i++ % points.length] ?? { lat: 0, lon: 0 };
    return new URLSearchParams({
      api_key: key,
      service_code: 'event.0104',
      lat: String(p.lat),
      long: String(p.lon),
      description: `道路不洁 内存基准 ${i}`,
    }).toString();
  };
  const url = `http://127.0.0.1:${port}/open311/v2/requests.json`;
  const post = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requests: [{ setupRequest: (r: object) => ({ ...r, body: form() }) }],
  });
  const get = await autocannon({ url, method: 'GET', connections: CONNECTIONS, duration: SECONDS });
  clearInterval(timer);
  const after = rssMb(pid);
  peak = Math.max(peak, after);
  console.log(
    `  load: POST ${post.requests.average.toFixed(0)}/s (non-2xx ${post.non2xx}), GET ${get.requests.average.toFixed(0)}/s ` +
      `(non-2xx ${get.non2xx}); RSS peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB`,
  );
  return peak;
}

async function cellPoints(): Promise<CellCentre[]> {
  const store = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
  try {
    return (await wholeCellCentres(store.db, '120101')).slice(0, 400);
  } finally {
    await store.close();
  }
}

try {
  const port = await freePort();
  let { child, key } = await start(port);
  const startMb = rssMb(child.pid as number);
  console.log(`fresh store: RSS ${startMb.toFixed(0)} MB 3 s after start`);
  if (!key) throw new Error('the first start printed no api_key');
  await stop(child);
  const points = await cellPoints();
  ({ child } = await start(port));
  const loadMb = await load(port, child.pid as number, key, points);
  await stop(child);

  let bigStartMb = Number.NaN;
  let bigLoadMb = Number.NaN;
  if (CASES > 0) {
    const store = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      const ms = await bulkLoad(store.db, CASES, points, { prefix: 'M' });
      console.log(`loaded ${CASES} cases in ${(ms / 1000).toFixed(0)} s`);
    } finally {
      await store.close();
    }
    ({ child } = await start(port));
    bigStartMb = rssMb(child.pid as number);
    console.log(`${CASES} cases: RSS ${bigStartMb.toFixed(0)} MB 3 s after start`);
    bigLoadMb = await load(port, child.pid as number, key, points);
    await stop(child);
  }
  console.log(
    `memory rss_start_mb ${startMb.toFixed(0)} rss_load_mb ${loadMb.toFixed(0)} ` +
      `rss_start_big_mb ${bigStartMb.toFixed(0)} rss_load_big_mb ${bigLoadMb.toFixed(0)} cases ${CASES}`,
  );
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
