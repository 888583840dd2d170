/**
 * Benchmark: Open311 under load, against a reference server on the same store (issue 18).
 * For each store (PGlite; a throwaway PostgreSQL server when its binaries are installed) a child process
 * (bench/open311-server.ts) loads the store to BENCH_LOAD requests (100,000) and serves Wangge and the
 * reference side by side; autocannon drives, one after the other, POST requests.json (a form, like a
 * city's app) and GET requests.json (the default page) at 1, 8 and 32 connections.
 * Ratios are Wangge / reference at 32 connections; the last line:
 *   open311 post_ratio_pglite A post_ratio_pg B get_ratio C p99_post_ms D
 * (get_ratio: the lower of the two stores; p99_post_ms: Wangge's worst POST p99 at 32 connections).
 * Before it, the embedded store's p99s at 32 connections loaded to 1,000 requests beside those at BENCH_LOAD.
 * Every freshly started child is warmed up first (JIT, the store's caches, the connection pool): each
 * server it serves gets POST and GET at the top connection count for BENCH_WARMUP_SECONDS (3) s, not
 * counted, so that a cold start does not pass for the cost of a small or large store (the warm-up POSTs
 * add a few hundred requests to either store).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { findPostgresBinaries, startPostgresServer } from '../src/platform/db/pg-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = (process.env.BENCH_CONNECTIONS ?? '1,8,32').split(',').map(Number);
const TOP = Math.max(...LEVELS);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, node ${process.version}; ` +
    `${SECONDS} s per run, connections ${LEVELS.join('/')}, load ${process.env.BENCH_LOAD ?? 100_000}; ` +
    `warm-up ${WARMUP_SECONDS} s per server and method at ${TOP} connections after each start, not counted`,
);

interface Served {
  wangge: number;
  reference: number;
  key: string;
  points: { lat: number; lon: number }[];
}

async function startChild(
  kind: 'pglite' | 'postgres',
  url?: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; served: Served }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./open311-server.ts', import.meta.url).pathname,
      kind,
      ...(url ? [url] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const served = await new Promise<Served>((resolve, reject) => {
    lines.once('line', (l) => resolve(JSON.parse(l) as Served));
    child.once('exit', (code) => reject(new Error(`bench server (${kind}) exited with ${code}`)));
  });
  return { child, served };
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function drive(
  port: number,
  method: 'GET' | 'POST',
  connections: number,
  served: Served,
  label: string,
  seconds = SECONDS,
): Promise<Run> {
  let i = 0;
  const form = () => {
    const p = served.points[i % served.points.length] ?? { lat: 0, lon: 0 };
    i++;
    return new URLSearchParams({
      api_key: served.key,
      service_code: 'event.0104',
      lat: String(p.lat),
      long: String(p.lon),
      description: `道路不洁 基准 ${label} ${i}`,
    }).toString();
  };
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/open311/v2/requests.json`,
    method,
    connections,
    duration: seconds,
    headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    ...(method === 'POST' ? { requests: [{ setupRequest: (r: object) => ({ ...r, body: form() }) }] } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * A freshly started child's servers run cold (unoptimised code, empty caches, no pooled connections):
 * POST and GET each for WARMUP_SECONDS at the top connection count before anything is measured.
 */
async function warmUp(kind: string, served: Served, who: readonly ('wangge' | 'reference')[]) {
  if (WARMUP_SECONDS <= 0) return;
  for (const w of who)
    for (const method of ['POST', 'GET'] as const) {
      const r = await drive(served[w], method, TOP, served, `${kind}-warmup-${w}`, WARMUP_SECONDS);
      console.log(
        `${kind.padEnd(8)} ${w.padEnd(9)} ${method.padEnd(4)} c=${String(TOP).padStart(2)}  ` +
          `warm-up ${WARMUP_SECONDS} s, ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms (not counted)`,
      );
    }
}

async function benchStore(kind: 'pglite' | 'postgres', url?: string) {
  const { child, served } = await startChild(kind, url);
  const table: Record<string, Run> = {};
  try {
    await warmUp(kind, served, ['wangge', 'reference']);
    for (const method of ['POST', 'GET'] as const)
      for (const connections of LEVELS)
        for (const who of ['wangge', 'reference'] as const) {
          const r = await drive(served[who], method, connections, served, `${kind}-${who}-${connections}`);
          table[`${who} ${method} ${connections}`] = r;
          console.log(
            `${kind.padEnd(8)} ${who.padEnd(9)} ${method.padEnd(4)} c=${String(connections).padStart(2)}  ` +
              `${r.rps.toFixed(0).padStart(5)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms` +
              (r.non2xx || r.errors ? `  non-2xx ${r.non2xx} errors ${r.errors}` : ''),
          );
        }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  const at = (who: string, m: string) => table[`${who} ${m} ${TOP}`] as Run;
  const postRatio = at('wangge', 'POST').rps / at('reference', 'POST').rps;
  const getRatio = at('wangge', 'GET').rps / at('reference', 'GET').rps;
  console.log(
    `${kind}: POST ratio ${postRatio.toFixed(2)}, GET ratio ${getRatio.toFixed(2)} (at ${TOP} connections)`,
  );
  return { postRatio, getRatio, p99: at('wangge', 'POST').p99, getP99: at('wangge', 'GET').p99 };
}

const lite = await benchStore('pglite');
const SMALL_LOAD = 1000;

/** Wangge's POST and GET p99 at TOP connections on the embedded store loaded to only SMALL_LOAD requests. */
async function smallStoreLatency() {
  const { child, served } = await startChild('pglite', undefined, { BENCH_LOAD: String(SMALL_LOAD) });
  try {
    await warmUp(`pglite ${SMALL_LOAD}`, served, ['wangge']);
    const post = await drive(served.wangge, 'POST', TOP, served, 'small');
    const get = await drive(served.wangge, 'GET', TOP, served, 'small');
    return { post, get };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
const small = await smallStoreLatency();
console.log(
  `pglite latency at ${TOP} connections, ${SMALL_LOAD} vs ${process.env.BENCH_LOAD ?? 100_000} requests loaded ` +
    `(both after a ${WARMUP_SECONDS} s warm-up): ` +
    `POST p99 ${small.post.p99} vs ${lite.p99} ms, GET p99 ${small.get.p99} vs ${lite.getP99} ms`,
);
let pgResult = { postRatio: Number.NaN, getRatio: Number.NaN, p99: Number.NaN, getP99: Number.NaN };
if (findPostgresBinaries()) {
  const server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('create database open311_bench');
  await admin.end();
  try {
    pgResult = await benchStore('postgres', server.url.replace(/\/postgres(\?|$)/, '/open311_bench$1'));
  } finally {
    await server.stop();
  }
} else {
  console.log('postgres: no server binaries (apt-get install postgresql); skipped');
}
const fixed = (x: number) => (Number.isNaN(x) ? 'NaN' : x.toFixed(2));
console.log(
  `open311 post_ratio_pglite ${fixed(lite.postRatio)} post_ratio_pg ${fixed(pgResult.postRatio)} ` +
    `get_ratio ${fixed(Math.min(lite.getRatio, Number.isNaN(pgResult.getRatio) ? lite.getRatio : pgResult.getRatio))} ` +
    `p99_post_ms ${Math.max(lite.p99, Number.isNaN(pgResult.p99) ? 0 : pgResult.p99)}`,
);
