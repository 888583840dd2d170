/**
 * Crash test: runs the real server as a child process, drives case intake (POST /api/cases with an
 * Idempotency-Key) and transitions from several concurrent clients, kills the server with SIGKILL at
 * random moments (fixed seed), restarts it, resends every request that got no answer with its key, and
 * checks at the end that every acknowledged case and transition is there (lost), that no key produced
 * two cases (duplicated) and that every case's hash chain verifies. Once on the embedded PGlite store and
 * once on a PostgreSQL server it starts itself.
 *
 *   npm run test:crash            (CRASH_STORES=pglite,postgres CRASH_CLIENTS=4 CRASH_KILLS=4 CRASH_SEED=…)
 *
 * The last line reads `acknowledged N lost L duplicated D chains_ok true|false`; exit 1 if L>0, D>0 or a
 * chain fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Cases } from '../src/modules/cases/cases.service.js';
import { Places } from '../src/modules/places/places.service.js';
import { projectRoot } from '../src/platform/config.js';
import { openDatabase, type StoreKind } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { findPostgresBinaries, freePort, startPostgresServer } from '../src/platform/db/pg-server.js';
import { FileStore } from '../src/platform/files/files.js';
import { seededRandom as prng } from '../src/platform/random.js';
import { DEMO_PASSWORD, seedDemo } from '../src/seed/demo.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';

const env = process.env;
const SEED = Number(env.CRASH_SEED ?? 20261202);
const CLIENTS = Number(env.CRASH_CLIENTS ?? 4);
const KILLS = Number(env.CRASH_KILLS ?? 4);
/** After a restart and one acknowledgement per client, the kill waits this long, in ms (drawn between min and max). */
const GAP_MIN = Number(env.CRASH_GAP_MIN_MS ?? 0);
const GAP_MAX = Number(env.CRASH_GAP_MAX_MS ?? 1500);
const STORES = (env.CRASH_STORES ?? 'pglite,postgres').split(',').filter(Boolean) as StoreKind[];
/** No acknowledgement for this long (ms) means the server stopped answering: fail with its log, never wait on. */
const STALL_MS = Number(env.CRASH_STALL_MS ?? 120_000);

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely here
type Json = any;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Session {
  cookie: string;
  csrf: string;
}

interface Outcome {
  acknowledged: number;
  lost: string[];
  duplicated: string[];
  chainsOk: boolean;
  kills: number;
  resent: number;
}

/** The server as a child process on a data folder that outlives it. */
class ServerProcess {
  private child: ChildProcess | undefined;
  private log = '';
  constructor(
    private readonly port: number,
    private readonly dataDir: string,
    private readonly databaseUrl: string | undefined,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    // node itself (not the tsx wrapper) so that SIGKILL reaches the process that holds the store
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      WANGGE_DATA: this.dataDir,
      WANGGE_LOG: 'warn',
    };
    if (this.databaseUrl) childEnv.DATABASE_URL = this.databaseUrl;
    else delete childEnv.DATABASE_URL;
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: projectRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      if (this.child.exitCode !== null)
        throw new Error(`server exited (${this.child.exitCode}):\n${this.log}`);
      try {
        const res = await fetch(`${this.base}/api/auth/me`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 401 || res.status === 200) return;
      } catch {}
      await sleep(100);
    }
    throw new Error(`server did not answer within 120 s:\n${this.log}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  get output(): string {
    return this.log;
  }
}

/** One HTTP call; throws when the connection fails (the server is down or was killed mid-request). */
async function call(
  base: string,
  method: string,
  url: string,
  s: Session | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, json };
}

async function login(base: string, username: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie =
    (res.headers.getSetCookie().find((c) => c.startsWith('wg_session=')) ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

/** The ordinary loop after intake: who does each step (cf. cases.api.test.ts). */
const STEPS = [
  { user: 'shift_lead', body: { type: 'file' } },
  { user: 'dispatcher', body: { type: 'dispatch', mode: 'auto' } },
  { user: 'street', body: { type: 'sign' } },
] as const;

async function runStore(kind: StoreKind): Promise<Outcome> {
  const t0 = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-crash-'));
  const pgServer = kind === 'postgres' ? await startPostgresServer() : undefined;
  let databaseUrl: string | undefined;
  if (pgServer) {
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    await admin.query('create database wangge_crash');
    await admin.end();
    databaseUrl = pgServer.url.replace(/\/postgres$/, '/wangge_crash');
  }
  let started: ServerProcess | undefined;
  const open = () =>
    databaseUrl
      ? openDatabase({ kind: 'postgres', url: databaseUrl })
      : openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
  try {
    // seed one district before the server starts (the embedded store has one owner at a time)
    let store = await open();
    await migrate(store.db);
    await seedDemo(store.db, { districts: ['120101'] });
    const grid = await wholeCellCentre(store.db, '120101001');
    await store.close();
    console.log(`[${kind}] seeded in ${Date.now() - t0} ms`);

    const server = new ServerProcess(await freePort(), dataDir, databaseUrl);
    started = server;
    await server.start();
    const sessions: Record<string, Session> = {};
    for (const u of ['inspector', 'shift_lead', 'dispatcher', 'street'])
      sessions[u] = await login(server.base, u);

    const random = prng(SEED + (kind === 'postgres' ? 1 : 0));
    // the kill moments have their own sequence: the workers' draws depend on timing, these do not
    const killAt = prng(SEED * 7 + (kind === 'postgres' ? 1 : 0));
    /** key → the case id the server acknowledged for it. */
    const intakeAcks = new Map<string, string>();
    /** key → what a resend of the same key answered, when it differs (a duplicate by idempotency). */
    const mismatches: string[] = [];
    /** Acknowledged transitions: case id → highest version acknowledged. */
    const transitionAcks = new Map<string, number>();
    let resent = 0;
    let acks = 0;
    let up = true;
    let stopping = false;

    /** Sends until the server answers (resending with the same key after a crash); null if it gave up. */
    const until = async (
      user: string,
      method: string,
      url: string,
      body: unknown,
      key: string,
    ): Promise<{ status: number; json: Json }> => {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) resent++;
        try {
          return await call(server.base, method, url, sessions[user] ?? null, body, {
            'idempotency-key': key,
          });
        } catch {
          // connection refused/reset: the server is down; wait for the restart and resend the same key
          while (!up) await sleep(50);
          await sleep(20);
          if (attempt > 2000) throw new Error(`gave up on ${method} ${url} key ${key}`);
        }
      }
    };

    const worker = async (w: number) => {
      let n = 0;
      const mine: { id: string; version: number; step: number }[] = [];
      while (!stopping) {
        n++;
        const open = mine.filter((c) => c.step < STEPS.length);
        if (open.length === 0 || random() < 0.5) {
          const key = `crash-${kind}-${SEED}-w${w}-n${n}`;
          const res = await until(
            'inspector',
            'POST',
            '/api/cases',
            {
              categoryCode: 'event.0102',
              title: `崩溃测试 ${key}`,
              description: '进程被杀之后重发同一个幂等键',
              lon: grid.lon,
              lat: grid.lat,
            },
            key,
          );
          if (res.status === 201 || res.status === 200) {
            const first = intakeAcks.get(key);
            if (first && first !== res.json.id) mismatches.push(`${key}: ${first} then ${res.json.id}`);
            intakeAcks.set(key, res.json.id);
            acks++;
            mine.push({ id: res.json.id, version: res.json.version, step: 0 });
          } else {
            throw new Error(`intake ${key}: ${res.status} ${JSON.stringify(res.json)}`);
          }
        } else {
          const c = open[Math.floor(random() * open.length)] as (typeof mine)[number];
          const step = STEPS[c.step] as (typeof STEPS)[number];
          const key = `crash-${kind}-${SEED}-w${w}-n${n}-t`;
          const res = await until(
            step.user,
            'POST',
            `/api/cases/${c.id}/transitions`,
            { ...step.body, version: c.version },
            key,
          );
          if (res.status === 200) {
            c.version = res.json.version;
            c.step++;
            acks++;
            transitionAcks.set(c.id, Math.max(transitionAcks.get(c.id) ?? 0, c.version));
          } else {
            throw new Error(`transition ${key}: ${res.status} ${JSON.stringify(res.json)}`);
          }
        }
      }
    };

    const workers = Array.from({ length: CLIENTS }, (_, w) => worker(w));
    const failed: unknown[] = [];
    const watched = workers.map((p) => p.catch((e) => failed.push(e)));
    /** Waits for `n` more acknowledgements; throws when none comes for STALL_MS (a hung server). */
    const moreAcks = async (n: number) => {
      const target = acks + n;
      let seen = acks;
      let since = Date.now();
      while (acks < target && failed.length === 0) {
        if (acks !== seen) [seen, since] = [acks, Date.now()];
        if (Date.now() - since > STALL_MS)
          throw new Error(`[${kind}] no acknowledgement for ${STALL_MS} ms: the server stopped answering`);
        await sleep(20);
      }
    };
    let kills = 0;
    for (; kills < KILLS && failed.length === 0; kills++) {
      // let the restarted server acknowledge some work first, so each kill lands in the middle of traffic
      await moreAcks(CLIENTS);
      await sleep(GAP_MIN + killAt() * (GAP_MAX - GAP_MIN));
      up = false;
      await server.kill('SIGKILL');
      await server.start();
      up = true;
    }
    await moreAcks(CLIENTS);
    stopping = true;
    await Promise.all(watched);
    if (failed.length) throw failed[0];
    await server.kill('SIGTERM');

    // check straight in the store, with the server stopped
    store = await open();
    try {
      const rows = await store.db
        .selectFrom('cases')
        .select(['id', 'title', 'version'])
        .where('title', 'like', '崩溃测试 %')
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const lost = [...intakeAcks]
        .filter(([, id]) => !byId.has(id))
        .map(([key, id]) => `case ${id} (${key})`);
      for (const [id, version] of transitionAcks) {
        const row = byId.get(id);
        if (row && row.version < version) lost.push(`transition to version ${version} of case ${id}`);
      }
      const titles = new Map<string, number>();
      for (const r of rows) titles.set(r.title, (titles.get(r.title) ?? 0) + 1);
      const duplicated = [
        ...[...titles].filter(([, n]) => n > 1).map(([t, n]) => `${t} ×${n}`),
        ...mismatches,
      ];
      const cases = new Cases(
        store.db,
        new Places(store.db),
        new FileStore(store.db, path.join(dataDir, 'files')),
      );
      const chains = await cases.queries.verifyChains();
      for (const b of chains.broken)
        console.error(`[${kind}] broken chain: case ${b.number} seq ${b.seq} ${b.problem}`);
      const outcome: Outcome = {
        acknowledged: intakeAcks.size,
        lost,
        duplicated,
        chainsOk: chains.broken.length === 0,
        kills,
        resent,
      };
      console.log(
        `[${kind}] ${kills} kills, ${intakeAcks.size} cases and ${[...transitionAcks.values()].length} cases moved acknowledged, ` +
          `${resent} resends, ${rows.length} crash cases stored, ${chains.checked} chains checked, ${Math.round((Date.now() - t0) / 1000)} s`,
      );
      for (const l of lost) console.error(`[${kind}] lost: ${l}`);
      for (const d of duplicated) console.error(`[${kind}] duplicated: ${d}`);
      return outcome;
    } finally {
      await store.close();
    }
  } catch (err) {
    if (started) console.error(`[${kind}] server log (last 20 kB):\n${started.output}`);
    throw err;
  } finally {
    // never leave a server behind (a child outlives a parent that exits)
    await started?.kill('SIGKILL');
    await pgServer?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `crash test: seed ${SEED}, ${CLIENTS} clients, ${KILLS} kills per store, stores ${STORES.join(', ')}`,
  );
  if (STORES.includes('postgres') && !findPostgresBinaries()) {
    throw new Error(
      'No PostgreSQL server binaries found (install `postgresql`, or set CRASH_STORES=pglite).',
    );
  }
  let acknowledged = 0;
  let lost = 0;
  let duplicated = 0;
  let chainsOk = true;
  for (const kind of STORES) {
    const o = await runStore(kind);
    acknowledged += o.acknowledged;
    lost += o.lost.length;
    duplicated += o.duplicated.length;
    chainsOk &&= o.chainsOk;
  }
  console.log(`acknowledged ${acknowledged} lost ${lost} duplicated ${duplicated} chains_ok ${chainsOk}`);
  if (lost > 0 || duplicated > 0 || !chainsOk) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
