/**
 * The queries one Open311 POST issues (and one default GET), printed in order: where intake's round
 * trips go. `npx tsx bench/open311-queries.ts` (PGlite in memory, 和平区 seeded).
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';

import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { seedDemo } from '../src/seed/demo.js';
import { buildServer } from '../src/server.js';
import { wholeCellCentres } from '../src/testing/grid-cells.js';

const seen: string[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-o311-q-'));
const store = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
await migrate(store.db);
const seed = await seedDemo(store.db, { districts: ['120101'] });
const points = await wholeCellCentres(store.db, '120101');
// Every statement the server sends through Kysely, by kind and first table.
const server = await buildServer(
  {
    ...store,
    db: store.db.withPlugin({
      transformQuery(args) {
        const kind = args.node.kind.replace('Node', '');
        const table =
          JSON.stringify(args.node).match(/"table":\{"kind":"IdentifierNode","name":"([a-z_]+)"/)?.[1] ?? '';
        seen.push(`${kind} ${table}`);
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    }),
  },
  { ...loadConfig({}), logLevel: 'silent', dataDir: path.join(dir, 'data') },
  { webDir: '/nonexistent', runJobs: false },
);
const post = (i: number) => {
  const p = points[(i * 7) % points.length];
  return server.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: seed.open311Key ?? '',
      service_code: 'event.0104',
      lat: String(p?.lat),
      long: String(p?.lon),
      description: `道路不洁 ${i}`,
    }).toString(),
  });
};
await post(0); // warm caches
seen.length = 0;
const res = await post(1);
console.log(`POST ${res.statusCode}: ${seen.length} statements (Kysely's; raw sql\`\` too)`);
for (const s of seen) console.log(`  ${s}`);
seen.length = 0;
await server.app.inject({ method: 'GET', url: '/open311/v2/requests.json' });
console.log(`GET default page: ${seen.length} statements`);
for (const s of seen) console.log(`  ${s}`);
// With N (e.g. `N=500 node --cpu-prof --import tsx bench/open311-queries.ts`): N POSTs and N GETs in
// turn, 8 in flight, timed — a CPU profile of intake without an HTTP client in the way.
const N = Number(process.env.N ?? 0);
if (N > 0) {
  // PROFILE=file.cpuprofile: a CPU profile of the timed part only (not the seeding).
  const session = new inspector.Session();
  if (process.env.PROFILE) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  for (const [label, one] of [
    ['POST', (i: number) => post(i + 2)],
    ['GET', () => server.app.inject({ method: 'GET', url: '/open311/v2/requests.json' })],
  ] as const) {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) await one(next++);
      }),
    );
    console.log(
      `${label}: ${((N * 1000) / (performance.now() - t0)).toFixed(0)} req/s (inject, 8 in flight)`,
    );
    if (label === 'POST') console.log('intake group commit:', server.cases.intake.commits.stats);
  }
  if (process.env.PROFILE) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(process.env.PROFILE, JSON.stringify(profile));
    session.disconnect();
  }
}
await server.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
