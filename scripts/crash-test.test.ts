/**
 * CI wrapper of the crash test (scripts/crash-test.ts) with a smaller load: the server is killed with
 * SIGKILL under concurrent intake and transitions, restarted, and nothing acknowledged may be lost or
 * duplicated. Runs on PGlite and on a PostgreSQL server (skipped loudly without server binaries, a
 * failure under WANGGE_REQUIRE_POSTGRES=1). The generous timeout is for a loaded machine: seeding the
 * embedded store on disk alone took 1–3 minutes on the shared 2-core box.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../src/platform/config.js';
import { findPostgresBinaries } from '../src/platform/db/pg-server.js';

it('a killed server loses and duplicates nothing it acknowledged, and every chain verifies', () => {
  const hasPostgres = findPostgresBinaries() !== null;
  if (!hasPostgres && process.env.WANGGE_REQUIRE_POSTGRES === '1')
    throw new Error('No PostgreSQL server binaries; WANGGE_REQUIRE_POSTGRES=1 makes this a failure.');
  if (!hasPostgres) console.warn('!! crash test: no PostgreSQL server binaries, running on PGlite only');
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join('scripts', 'crash-test.ts')], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 1_100_000,
    env: {
      ...process.env,
      CRASH_STORES: hasPostgres ? 'pglite,postgres' : 'pglite',
      CRASH_CLIENTS: process.env.CRASH_CLIENTS ?? '3',
      CRASH_KILLS: process.env.CRASH_KILLS ?? '2',
    },
  });
  const out = `${run.stdout}\n${run.stderr}`;
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  console.log(run.stdout);
  const m = /^acknowledged (\d+) lost (\d+) duplicated (\d+) chains_ok (true|false)$/.exec(last);
  expect(m, out).not.toBeNull();
  expect(Number(m?.[1]), out).toBeGreaterThan(0);
  expect(last, out).toMatch(/ lost 0 duplicated 0 chains_ok true$/);
  expect(run.status, out).toBe(0);
}, 1_200_000);
