/** Starts a throwaway PostgreSQL server (initdb into a temp dir, a free loopback port) for tests and benchmarks. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Name of the migrated template database that each test file clones. */
export const TEMPLATE_DB = 'wangge_template';

export interface PostgresServer {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** The directory holding `initdb` and `postgres`, or null when no server is installed here. */
export function findPostgresBinaries(): string | null {
  const candidates: string[] = [];
  const lib = '/usr/lib/postgresql';
  if (fs.existsSync(lib)) {
    for (const v of fs.readdirSync(lib).sort((a, b) => Number(b) - Number(a)))
      candidates.push(path.join(lib, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) candidates.push(dir);
  return (
    candidates.find(
      (d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'postgres')),
    ) ?? null
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root; when we are root, run it as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const { dir, dataDir, user, bin } = initCluster();
  return runServer(bin, dir, dataDir, user, ['-c', 'fsync=off', '-c', 'full_page_writes=off']);
}

export interface StreamingPair {
  primary: PostgresServer;
  standby: PostgresServer;
  /** Stops both and removes their files. */
  stop(): Promise<void>;
}

/**
 * A primary and a streaming standby made from it (`pg_basebackup -R`), each on its own free loopback
 * port in its own temp dir: PostgreSQL's own replication, as a replica deployment runs it.
 */
export async function startStreamingPair(): Promise<StreamingPair> {
  const { dir, dataDir, user, bin } = initCluster();
  const primary = await runServer(bin, dir, dataDir, user, [
    '-c',
    'fsync=off',
    '-c',
    'wal_level=replica',
    '-c',
    'max_wal_senders=10',
  ]);
  try {
    const standbyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-pg-standby-'));
    if ('uid' in user) fs.chownSync(standbyDir, user.uid, user.gid);
    const standbyData = path.join(standbyDir, 'data');
    const basebackup = path.join(bin, 'pg_basebackup');
    execFileSync(
      fs.existsSync(basebackup) ? basebackup : 'pg_basebackup',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        standbyData,
        '-R',
        '-X',
        'stream',
        '--no-sync',
      ],
      { stdio: 'pipe', cwd: standbyDir, ...user },
    );
    const standby = await runServer(bin, standbyDir, standbyData, user, ['-c', 'hot_standby=on']);
    return {
      primary,
      standby,
      async stop() {
        await standby.stop();
        await primary.stop();
      },
    };
  } catch (e) {
    await primary.stop();
    throw e;
  }
}

function initCluster() {
  const bin = findPostgresBinaries();
  if (!bin)
    throw new Error(
      'No PostgreSQL server binaries (initdb, postgres) found; install the Debian package `postgresql`.',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-pg-'));
  const user = serverUser();
  if ('uid' in user) fs.chownSync(dir, user.uid, user.gid);
  const dataDir = path.join(dir, 'data');
  const initArgs = [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ];
  execFileSync(path.join(bin, 'initdb'), initArgs, { stdio: 'pipe', cwd: dir, ...user });
  return { dir, dataDir, user, bin };
}

async function runServer(
  bin: string,
  dir: string,
  dataDir: string,
  user: ReturnType<typeof serverUser>,
  extra: string[],
): Promise<PostgresServer> {
  const port = await freePort();
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'synchronous_commit=off',
    '-c',
    'max_connections=200',
    ...extra,
  ];
  const child: ChildProcess = spawn(path.join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...user,
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const version = await waitForServer(url, child, () => stderr);
  return {
    url,
    port,
    version,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<string> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}):\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const r = await client.query<{ server_version: string }>('show server_version');
      return r.rows[0]?.server_version ?? 'unknown';
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`postgres did not accept connections within 30 s:\n${log()}`);
}
