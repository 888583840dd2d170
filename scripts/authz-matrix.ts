/**
 * (Re)generates the skeleton of the authorization matrix (src/testing/authz-matrix.json) from the
 * server's own route table: a route without a row gets one whose cells are all "TODO" (which the matrix
 * test refuses until someone fills them in and a reviewer agrees), a row whose route is gone is reported
 * (and dropped with --prune), and every row's `declared` access is refreshed from the code.
 *
 *   npx tsx scripts/authz-matrix.ts          # add missing rows, refresh `declared`
 *   npx tsx scripts/authz-matrix.ts --check  # exit 1 when the file would change (CI)
 *   npx tsx scripts/authz-matrix.ts --prune  # also drop rows of routes that no longer exist
 *   npx tsx scripts/authz-matrix.ts --doc    # also rewrite the roles table in docs/SECURITY.md
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { routeTable } from '../src/platform/http/app.js';
import { buildServer } from '../src/server.js';
import {
  type AuthzMatrix,
  DOC_BEGIN,
  DOC_END,
  DOC_FILE,
  MATRIX_FILE,
  type MatrixRow,
  PRINCIPALS,
  routeKey,
  serializeMatrix,
  summarizeMatrix,
} from '../src/testing/authz-matrix.js';

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const store = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrate(store.db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-authz-'));
  const server = await buildServer(
    store,
    { ...loadConfig({}), logLevel: 'silent', dataDir },
    { webDir: '/nonexistent', runJobs: false },
  );
  const routes = routeTable(server.app).filter((r) => /^\/(api|open311)\//.test(r.url));
  await server.close();
  await store.close();

  const file = path.join(projectRoot, MATRIX_FILE);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const matrix: AuthzMatrix = before
    ? (JSON.parse(before) as AuthzMatrix)
    : { principals: [...PRINCIPALS], routes: {} };
  const live = new Set<string>();
  let added = 0;
  for (const r of routes) {
    const key = routeKey(r.method, r.url);
    live.add(key);
    const declared =
      r.access === undefined ? 'none' : typeof r.access === 'string' ? r.access : [...r.access];
    const row = matrix.routes[key];
    if (row) {
      row.declared = declared;
      continue;
    }
    added++;
    const skeleton: MatrixRow = {
      declared,
      probe: 'TODO: say what the probe request does',
      cells: { any: PRINCIPALS.map(() => 'TODO') },
    };
    matrix.routes[key] = skeleton;
  }
  const stale = Object.keys(matrix.routes).filter((k) => !live.has(k));
  for (const k of stale) {
    console.error(`stale row (no such route): ${k}`);
    if (args.has('--prune')) delete matrix.routes[k];
  }
  // Formatted as the linter wants it, so a regenerated file passes `biome check` as it is.
  const after = execFileSync(
    path.join(projectRoot, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${file}`],
    {
      input: serializeMatrix(matrix),
      encoding: 'utf8',
    },
  );
  if (args.has('--check')) {
    if (after !== before || stale.length) {
      console.error(`${MATRIX_FILE} is out of date: run npx tsx scripts/authz-matrix.ts`);
      process.exit(1);
    }
    console.log(`${MATRIX_FILE}: ${live.size} routes, up to date`);
    return;
  }
  fs.writeFileSync(file, after);
  if (args.has('--doc')) {
    const doc = path.join(projectRoot, DOC_FILE);
    const text = fs.readFileSync(doc, 'utf8');
    const start = text.indexOf(DOC_BEGIN);
    const end = text.indexOf(DOC_END);
    if (start < 0 || end < 0) throw new Error(`${DOC_FILE} has no ${DOC_BEGIN} … ${DOC_END} section`);
    fs.writeFileSync(doc, text.slice(0, start) + summarizeMatrix(matrix) + text.slice(end + DOC_END.length));
    console.log(`${DOC_FILE}: roles table rewritten from the matrix`);
  }
  console.log(`${MATRIX_FILE}: ${live.size} routes, ${added} new row(s) to fill in, ${stale.length} stale`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
