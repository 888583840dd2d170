/**
 * Cluster test (`npm run test:cluster`, not part of `npm test`): the deployment of docs/SCALING.md on
 * loopback, from the Debian packages — three etcd members, two PostgreSQL nodes under Patroni with
 * synchronous replication, HAProxy in front (a primary port and a replica port), two `wangge serve`
 * processes (DATABASE_URL → HAProxy primary, DATABASE_READ_URL → HAProxy replicas) under load from
 * several clients. Mid-run the primary node is killed (SIGKILL to its Patroni and its postmaster).
 *
 * Measures: seconds without an acknowledged write around the kill (failover_s), acknowledged writes
 * missing afterwards (lost), requests refused (503, with Retry-After) and answered 500 (must be none),
 * reads of one's own write that missed it (stale_reads, through a replica-served route on the other
 * process), and whether due jobs ran exactly once across the switch (jobs_once).
 *
 *   npm run test:cluster        (CLUSTER_CLIENTS=4 CLUSTER_RUN_S=20 CLUSTER_SYNC=on|off)
 *
 * Last line: `cluster processes N jobs_once true|false stale_reads S failover_s X lost L`.
 * Exit 1 if lost > 0 (with synchronous replication on), a 500 was seen, stale_reads > 0 or jobs not once.
 * Without patroni, etcd and haproxy installed it says so and exits 0 (.ci/run only calls it when they are).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { projectRoot } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { findPostgresBinaries, freePort } from '../src/platform/db/pg-server.js';
import { DEMO_PASSWORD, seedDemo } from '../src/seed/demo.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';

const env = process.env;
const CLIENTS = Number(env.CLUSTER_CLIENTS ?? 4);
const RUN_S = Number(env.CLUSTER_RUN_S ?? 20);
const SYNC = (env.CLUSTER_SYNC ?? 'on') === 'on';
const PROCESSES = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

function which(cmd: string): string | null {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', ...(env.PATH ?? '').split(':')]) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** PostgreSQL (and so Patroni) refuses to run as root: run them as the `postgres` user when we are root. */
function serverUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

class Proc {
  child: ChildProcess;
  out = '';
  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number } = {},
  ) {
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: false });
    const keep = (b: Buffer) => {
      this.out = (this.out + b.toString()).slice(-30_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    procs.push(this);
  }
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
const procs: Proc[] = [];

async function waitFor(what: string, ok: () => Promise<boolean>, ms = 90_000, proc?: Proc): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc && !proc.alive) throw new Error(`${proc.name} exited while waiting for ${what}:\n${proc.out}`);
    try {
      if (await ok()) return;
    } catch {}
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${proc ? `:\n${proc.out.slice(-4000)}` : ''}`);
}

async function httpStatus(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status;
}

interface PatroniMember {
  name: string;
  role: string;
  state: string;
}

async function members(restPorts: number[]): Promise<PatroniMember[]> {
  for (const p of restPorts) {
    try {
      const res = await fetch(`http://127.0.0.1:${p}/cluster`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return ((await res.json()) as { members: PatroniMember[] }).members;
    } catch {}
  }
  return [];
}

interface Session {
  cookie: string;
  csrf: string;
  wrote: string;
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
  return { cookie, csrf: csrfToken, wrote: '' };
}

async function main(): Promise<number> {
  const bins = { patroni: which('patroni'), etcd: which('etcd'), haproxy: which('haproxy') };
  const pgBin = findPostgresBinaries();
  const missing = Object.entries(bins)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (!pgBin) missing.push('postgresql');
  if (missing.length > 0) {
    console.log(
      `cluster: ${missing.join(', ')} not installed (Debian packages); the cluster test is skipped`,
    );
    return 0;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-cluster-'));
  const user = serverUser();
  if ('uid' in user) fs.chownSync(dir, user.uid, user.gid);
  log(`working in ${dir}`);

  // 1. Three etcd members.
  const etcd = await Promise.all(
    [0, 1, 2].map(async () => ({ client: await freePort(), peer: await freePort() })),
  );
  const initialCluster = etcd.map((e, i) => `e${i}=http://127.0.0.1:${e.peer}`).join(',');
  etcd.forEach((e, i) => {
    new Proc(`etcd${i}`, bins.etcd as string, [
      '--name',
      `e${i}`,
      '--data-dir',
      path.join(dir, `etcd${i}`),
      '--listen-client-urls',
      `http://127.0.0.1:${e.client}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${e.client}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${e.peer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${e.peer}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-state',
      'new',
      '--initial-cluster-token',
      `wangge-${path.basename(dir)}`,
      '--enable-v2=true',
    ]);
  });
  for (const e of etcd)
    await waitFor(
      'etcd health',
      async () => (await httpStatus(`http://127.0.0.1:${e.client}/health`)) === 200,
    );
  log('etcd: 3 members healthy');

  // 2. Two PostgreSQL nodes under Patroni, synchronous replication.
  const nodes = await Promise.all(
    [1, 2].map(async (n) => ({ name: `pg${n}`, pgPort: await freePort(), restPort: await freePort() })),
  );
  const restPorts = nodes.map((n) => n.restPort);
  const patroni: Proc[] = [];
  const startNode = (n: (typeof nodes)[number]) => {
    const cfg = {
      scope: 'wangge',
      namespace: `/wangge-${path.basename(dir)}/`,
      name: n.name,
      restapi: { listen: `127.0.0.1:${n.restPort}`, connect_address: `127.0.0.1:${n.restPort}` },
      etcd3: { hosts: etcd.map((e) => `127.0.0.1:${e.client}`) },
      bootstrap: {
        dcs: {
          ttl: 10,
          loop_wait: 1,
          retry_timeout: 4,
          maximum_lag_on_failover: 16 * 1024 * 1024,
          synchronous_mode: SYNC,
          postgresql: {
            use_pg_rewind: true,
            parameters: {
              max_connections: 200,
              wal_level: 'replica',
              hot_standby: 'on',
              max_wal_senders: 10,
              max_replication_slots: 10,
              wal_log_hints: 'on',
              fsync: 'off',
            },
          },
        },
        initdb: [{ encoding: 'UTF8' }, { locale: 'C.UTF-8' }],
        pg_hba: ['host replication replicator 127.0.0.1/32 trust', 'host all all 127.0.0.1/32 trust'],
      },
      postgresql: {
        listen: `127.0.0.1:${n.pgPort}`,
        connect_address: `127.0.0.1:${n.pgPort}`,
        data_dir: path.join(dir, n.name),
        bin_dir: pgBin,
        pgpass: path.join(dir, `${n.name}.pgpass`),
        authentication: {
          superuser: { username: 'postgres', password: 'postgres' },
          replication: { username: 'replicator', password: 'replicator' },
        },
        parameters: { unix_socket_directories: dir },
      },
      tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
    };
    const file = path.join(dir, `${n.name}.yml`);
    fs.writeFileSync(file, JSON.stringify(cfg, null, 2)); // JSON is YAML
    if ('uid' in user) fs.chownSync(file, user.uid, user.gid);
    const p = new Proc(`patroni-${n.name}`, bins.patroni as string, [file], { cwd: dir, ...user });
    patroni.push(p);
    return p;
  };
  const first = startNode(nodes[0] as (typeof nodes)[number]);
  await waitFor(
    'the first node to lead',
    async () => (await httpStatus(`http://127.0.0.1:${nodes[0]?.restPort}/primary`)) === 200,
    120_000,
    first,
  );
  const second = startNode(nodes[1] as (typeof nodes)[number]);
  await waitFor(
    SYNC ? 'a synchronous standby' : 'a streaming standby',
    async () =>
      (await members(restPorts)).some(
        (m) => m.role === (SYNC ? 'sync_standby' : 'replica') && ['streaming', 'running'].includes(m.state),
      ),
    120_000,
    second,
  );
  log(`patroni: ${(await members(restPorts)).map((m) => `${m.name}=${m.role}`).join(' ')}`);

  // 3. HAProxy: one port to the primary, one to the replicas, by Patroni's REST checks.
  const haPrimary = await freePort();
  const haReplica = await freePort();
  const backend = (check: string) =>
    [
      '  option httpchk',
      `  http-check send meth GET uri ${check}`,
      '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions',
      ...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} maxconn 200 check port ${n.restPort}`),
    ].join('\n');
  const haCfg = `global
  maxconn 2000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:${haPrimary}
${backend('/primary')}
listen replicas
  bind 127.0.0.1:${haReplica}
${backend('/replica')}
`;
  fs.writeFileSync(path.join(dir, 'haproxy.cfg'), haCfg);
  const haproxy = new Proc('haproxy', bins.haproxy as string, ['-f', path.join(dir, 'haproxy.cfg')]);
  const primaryUrl = (db: string) => `postgres://postgres@127.0.0.1:${haPrimary}/${db}`;
  await waitFor(
    'HAProxy to reach the primary',
    async () => {
      const c = new pg.Client({ connectionString: primaryUrl('postgres'), connectionTimeoutMillis: 2000 });
      try {
        await c.connect();
        return (await c.query('select not pg_is_in_recovery() as p')).rows[0]?.p === true;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    30_000,
    haproxy,
  );
  log(`haproxy: primary :${haPrimary}, replicas :${haReplica}`);

  // 4. The database, migrated and seeded with one district.
  {
    const c = new pg.Client({ connectionString: primaryUrl('postgres') });
    await c.connect();
    await c.query('create database wangge');
    await c.end();
    const store = await openDatabase({ kind: 'postgres', url: primaryUrl('wangge') });
    await migrate(store.db);
    await seedDemo(store.db, { districts: ['120101'] });
    await store.close();
  }
  log('database migrated and seeded');
  const admin = await openDatabase({ kind: 'postgres', url: primaryUrl('wangge'), poolSize: 2 });
  const grid = await wholeCellCentre(admin.db, '120101001');

  // 5. Two Wangge processes.
  const shared = path.join(dir, 'files');
  fs.mkdirSync(shared);
  const servers = await Promise.all(
    Array.from({ length: PROCESSES }, async (_, i) => {
      const port = await freePort();
      const p = new Proc(`wangge${i}`, process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
        cwd: projectRoot,
        env: {
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
          WANGGE_DATA: path.join(dir, `wangge${i}`),
          WANGGE_FILES: shared,
          WANGGE_LOG: 'warn',
          DATABASE_URL: primaryUrl('wangge'),
          DATABASE_READ_URL: `postgres://postgres@127.0.0.1:${haReplica}/wangge`,
        },
      });
      return { proc: p, base: `http://127.0.0.1:${port}` };
    }),
  );
  for (const s of servers)
    await waitFor(
      'wangge to answer',
      async () => (await httpStatus(`${s.base}/readyz`)) === 200,
      120_000,
      s.proc,
    );
  log(`wangge: ${PROCESSES} processes ready`);

  // 6. Load: each client files cases on one process (Idempotency-Key, resent on 503) and reads each
  // back on the other through a replica-served route (the export, ids filter): it must be there.
  const acknowledged: { id: string; at: number }[] = [];
  const stats = { refused: 0, errors500: 0, neterrors: 0, staleReads: 0, reads: 0 };
  let stopping = false;
  const sessions = await Promise.all(
    Array.from({ length: CLIENTS }, () => login(servers[0]?.base as string, 'inspector')),
  );
  async function request(
    base: string,
    s: Session,
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        cookie: [s.cookie, s.wrote].filter(Boolean).join('; '),
        'x-csrf-token': s.csrf,
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const wrote = res.headers.getSetCookie().find((c) => c.startsWith('wg_wrote='));
    if (wrote) s.wrote = wrote.split(';')[0] ?? '';
    const text = await res.text();
    if (res.status === 503) stats.refused++;
    if (res.status >= 500 && res.status !== 503) {
      stats.errors500++;
      log(`500 on ${method} ${url}: ${text.slice(0, 300)}`);
    }
    return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
  }
  async function client(i: number) {
    const s = sessions[i] as Session;
    const writeOn = servers[i % PROCESSES]?.base as string;
    const readOn = servers[(i + 1) % PROCESSES]?.base as string;
    let n = 0;
    while (!stopping) {
      const key = randomUUID();
      const body = {
        categoryCode: 'event.0102',
        title: `集群 ${i}-${n++}`,
        description: '负载',
        lon: grid.lon,
        lat: grid.lat,
      };
      let id: string | null = null;
      while (!id) {
        try {
          const r = await request(writeOn, s, 'POST', '/api/cases', body, { 'idempotency-key': key });
          if (r.status === 201 || r.status === 200) id = (JSON.parse(r.text) as { id: string }).id;
          else if (r.status === 503) await sleep(Math.min(1000, Number(r.retryAfter ?? 1) * 200));
          else if (r.status !== 409) throw new Error(`intake ${r.status}: ${r.text.slice(0, 300)}`);
          else await sleep(100);
        } catch (e) {
          if ((e as Error).message.startsWith('intake')) throw e;
          stats.neterrors++;
          await sleep(200);
        }
      }
      acknowledged.push({ id, at: Date.now() });
      // Read your write on the other process, through a route that may be served by a replica.
      for (;;) {
        try {
          const r = await request(readOn, s, 'GET', `/api/cases/export.csv?ids=${id}`);
          if (r.status === 503) {
            await sleep(200);
            continue;
          }
          stats.reads++;
          if (r.status !== 200 || !r.text.includes(body.title)) {
            stats.staleReads++;
            log(`stale read: ${r.status} ${body.title} missing`);
          }
        } catch {
          stats.neterrors++;
          await sleep(200);
          continue;
        }
        break;
      }
    }
  }
  const load = Promise.all(sessions.map((_, i) => client(i)));

  // Jobs due now: every pending deadline job is brought forward; each must run exactly once, where
  // "once" shows as its single follow-up (the handler re-enqueues a mark that is not due yet).
  await sleep(3000);
  const due = await admin.db
    .updateTable('jobs')
    .set({ run_at: new Date() })
    .where('type', '=', 'deadline')
    .where('status', '=', 'pending')
    .returning(['id', 'payload'])
    .execute();
  log(`load running; ${acknowledged.length} cases acknowledged; ${due.length} jobs made due`);
  await sleep((RUN_S * 1000) / 2);

  // 7. Kill the primary node: its Patroni and its postmaster, at once.
  const leader = (await members(restPorts)).find((m) => m.role === 'leader');
  const leaderIndex = nodes.findIndex((n) => n.name === leader?.name);
  const leaderNode = nodes[leaderIndex];
  if (!leaderNode) throw new Error('no leader to kill');
  const postmasterPid = Number(
    fs.readFileSync(path.join(dir, leaderNode.name, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const killedAt = Date.now();
  await patroni[leaderIndex]?.kill('SIGKILL');
  process.kill(postmasterPid, 'SIGKILL');
  log(`killed the primary ${leaderNode.name} (patroni and postmaster ${postmasterPid})`);
  // Seconds without writes: the longest gap between acknowledgements from the kill on (a request
  // already committed when the kill came may still be answered just after it).
  const writeGap = () => {
    const times = [killedAt, ...acknowledged.map((a) => a.at).filter((t) => t >= killedAt)].sort(
      (a, b) => a - b,
    );
    let gap = 0;
    for (let i = 1; i < times.length; i++)
      gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
    return gap / 1000;
  };
  await waitFor(
    'the new primary',
    async () => (await members(restPorts)).some((m) => m.role === 'leader' && m.name !== leaderNode.name),
    120_000,
  );
  const promotedAt = Date.now();
  await waitFor(
    'writes on the new primary',
    async () => acknowledged.some((a) => a.at > promotedAt),
    120_000,
  );
  log(
    `new primary after ${((promotedAt - killedAt) / 1000).toFixed(1)} s; roles ${(await members(restPorts)).map((m) => `${m.name}=${m.role}`).join(' ')}`,
  );
  await sleep((RUN_S * 1000) / 2);
  stopping = true;
  await load;
  const failoverS = writeGap();

  // 8. Verdicts, read on the new primary through HAProxy.
  const verdictDb = await openDatabase({ kind: 'postgres', url: primaryUrl('wangge'), poolSize: 2 });
  const ids = acknowledged.map((a) => a.id);
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await verdictDb.db
      .selectFrom('cases')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.id);
  }
  const lost = ids.filter((id) => !found.has(id)).length;
  // Jobs: wait until the ones made due are done (the serve processes poll every 10 s).
  const dueIds = due.map((d) => Number(d.id));
  await waitFor(
    'the due jobs to be done',
    async () => {
      if (dueIds.length === 0) return true;
      const left = await verdictDb.db
        .selectFrom('jobs')
        .select('id')
        .where('id', 'in', dueIds)
        .where('status', '=', 'pending')
        .execute();
      return left.length === 0;
    },
    90_000,
  ).catch((e) => log(String(e)));
  let jobsOnce = true;
  for (const d of due) {
    const same = await verdictDb.db
      .selectFrom('jobs')
      .select(['id', 'status'])
      .where('type', '=', 'deadline')
      .where(sql<boolean>`payload = ${JSON.stringify(d.payload)}::jsonb`)
      .execute();
    const original = same.find((j) => Number(j.id) === Number(d.id));
    const followUps = same.filter((j) => Number(j.id) !== Number(d.id));
    if (original?.status !== 'done' || followUps.length > 1) jobsOnce = false;
  }
  await verdictDb.close();
  await admin.close();
  workDir = dir;
  log(
    `acknowledged ${acknowledged.length}, refused (503) ${stats.refused}, errors (5xx not 503) ${stats.errors500}, ` +
      `network errors ${stats.neterrors}, reads ${stats.reads}, synchronous replication ${SYNC ? 'on' : 'off'}`,
  );
  console.log(
    `cluster processes ${PROCESSES} jobs_once ${jobsOnce} stale_reads ${stats.staleReads} failover_s ${failoverS.toFixed(1)} lost ${lost}`,
  );
  return (SYNC && lost > 0) || stats.errors500 > 0 || stats.staleReads > 0 || !jobsOnce ? 1 : 0;
}

let code = 1;
/** Removed at the end when the run got that far (kept for inspection after a failure). */
let workDir = '';
try {
  code = await main();
} catch (e) {
  console.error(e);
  for (const p of procs) if (!p.alive) console.error(`--- ${p.name} (exited)\n${p.out.slice(-3000)}`);
} finally {
  // Wangge first, then HAProxy and Patroni (which stop their PostgreSQL), etcd last.
  for (const p of [...procs].reverse()) await p.kill('SIGTERM').catch(() => undefined);
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}
process.exit(code);
