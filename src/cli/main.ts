/**
 * The `wangge` command: serve, start (migrate + seed demo + serve), db migrate, seed demo|synthetic,
 * import divisions|grids, cases verify, safety draw --replay, verify (every hash chain), backup and restore.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { Cases } from '../modules/cases/cases.service.js';
import { seedCatalogue } from '../modules/cases/catalogue.service.js';
import { ApiKeys } from '../modules/org/api-keys.service.js';
import { Places } from '../modules/places/places.service.js';
import { Hazards } from '../modules/safety/hazards.service.js';
import { Inspections } from '../modules/safety/inspections.service.js';
import { SYSTEM_ACTOR } from '../platform/audit/audit.js';
import { backupDatabase } from '../platform/backup/backup.js';
import { restoreDatabase } from '../platform/backup/restore.js';
import { type Config, loadConfig } from '../platform/config.js';
import { migrate } from '../platform/db/migrate.js';
import { DomainError } from '../platform/errors.js';
import { FileStore } from '../platform/files/files.js';
import { keepWasmBaselineCode } from '../platform/runtime-memory.js';
import { demoSeeded, type SeedReport, seedDemo, seedDemoIfEmpty } from '../seed/demo.js';
import { seedDemoCases } from '../seed/demo-cases.js';
import { seedDemoPlan } from '../seed/demo-plan.js';
import { seedDemoSafety } from '../seed/demo-safety.js';
import { seedDemoTargets } from '../seed/demo-targets.js';
import { seedSynthetic } from '../seed/synthetic.js';
import { buildServer, openAndMigrate, openStore } from '../server.js';
import { describeVerify, verifyEverything } from './verify.js';

function progressBar() {
  let bar: SingleBar | null = null;
  let current = '';
  return {
    update(step: string, done: number, total: number) {
      if (!process.stderr.isTTY) {
        if (done === total) console.error(`  ${step}: ${total}/${total}`);
        return;
      }
      if (step !== current) {
        bar?.stop();
        current = step;
        bar = new SingleBar({
          format: `  ${step.padEnd(8)} [{bar}] {value}/{total}`,
          stream: process.stderr,
        });
        bar.start(total, done);
      }
      bar?.update(done);
      if (done === total) {
        bar?.stop();
        bar = null;
        current = '';
      }
    },
  };
}

function printSeed(r: SeedReport): void {
  console.log(
    `Seeded demo: ${r.districts} districts, ${r.streets} streets, ${r.communities} communities, ` +
      `${r.grids} generated grids (synthetic), ${r.units} units.`,
  );
}

/**
 * The first start's demo: areas, units, users, then cases, targets, plans and safety places through the
 * services. Run in a child process (`seedInChild`) so that what seeding needs — the boundaries parsed,
 * the embedded store's WebAssembly memory grown by bulk writes, which never shrinks — leaves with it.
 */
async function seedFirstStart(config: Config): Promise<SeedReport | null> {
  const store = await openAndMigrate(config);
  try {
    const bar = progressBar();
    const report = await seedDemoIfEmpty(store.db, { onProgress: (s, d, t) => bar.update(s, d, t) });
    if (!report) return null;
    printSeed(report);
    await seedCatalogue(store.db);
    const server = await buildServer(store, config, { runJobs: false });
    try {
      const made = await seedDemoCases(store.db, server.cases);
      if (made) console.log(`Seeded ${made} demo cases in 劝业场街道.`);
      const tasks = await seedDemoTargets(store.db, server.targets, server.targetTasks);
      if (tasks) console.log(`Seeded the 和平区 work report with ${tasks} supervised tasks (督查督办).`);
      const indicators = await seedDemoPlan(store.db, server.targets, server.targetPlans);
      if (indicators)
        console.log(`Seeded the 和平区 five-year goals with ${indicators} monitored indicators.`);
      const places = await seedDemoSafety(store.db, server.safety);
      if (places)
        console.log(`Seeded ${places} places under safety supervision, two hazards and a 双随机 draw.`);
    } finally {
      await server.close();
    }
    return report;
  } finally {
    await store.close();
  }
}

/** Runs `seedFirstStart` in a child (same script, same loader flags) and answers its report. */
function seedInChild(): Promise<SeedReport | null> {
  return new Promise((resolve, reject) => {
    const script = process.argv[1];
    if (!script) return reject(new Error('cannot find the wangge script to seed in a child process'));
    const child = fork(script, ['seed', 'first-start'], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    let report: SeedReport | null = null;
    child.on('message', (m) => {
      report = (m as { report: SeedReport | null }).report;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(report) : reject(new Error(`seeding the demo failed (exit code ${code})`)),
    );
  });
}

async function serve(config: Config, seed: boolean): Promise<void> {
  // Before the embedded store is compiled: a serving process keeps WebAssembly at baseline code (why and
  // what it saves: platform/runtime-memory.ts). The seeding child below is another process and keeps TurboFan.
  keepWasmBaselineCode();
  // A first start on the embedded store finds no store at all: seed before opening it here.
  const fresh = !config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pglite'));
  let store = fresh && seed ? null : await openAndMigrate(config);
  let report: SeedReport | null = null;
  if (seed) {
    if (!store || !(await demoSeeded(store.db))) {
      // The embedded store is one process's: hand it to the child and take it back after.
      await store?.close();
      report = await seedInChild();
      store = await openAndMigrate(config);
    }
    await seedCatalogue(store.db);
  }
  store ??= await openAndMigrate(config);
  const server = await buildServer(store, config);
  const address = await server.app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  console.log(`\nWangge is running at ${url}`);
  console.log(
    `Store: ${config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`,
  );
  if (report) {
    console.log(`\nDemo logins (password for all: ${report.password}):`);
    for (const u of report.users)
      console.log(`  ${u.username.padEnd(12)} ${u.roles.join(', ').padEnd(22)} ${u.displayName}`);
  } else if (seed) {
    console.log(
      '\nDemo logins: admin, dispatcher, shift_lead, operator, inspector, handler, unit_head, street, supervisor, leader',
    );
    console.log('(seeded earlier; default password wangge-demo-2026 unless WANGGE_DEMO_PASSWORD was set)');
  }
  if (seed) {
    console.log(`\nCitizen portal: ${url}/portal   Field app: ${url}/field`);
    console.log(`Open311 GeoReport v2: ${url}/open311/v2/discovery.json`);
    // A key is random per installation and kept only as a hash: it can be shown only when it is made.
    const key = report ? report.open311Key : await new ApiKeys(store.db).ensureInstallationKey();
    console.log(
      key
        ? `api_key: ${key}\n  (shown this once; only its hash is kept — rotate it in the console: 管理 → Open311 接口密钥)`
        : 'api_key: shown when it was made; make or rotate keys in the console (管理 → Open311 接口密钥)',
    );
    if (report?.deviceSecrets.length) {
      console.log('Demo device signing secrets (shown this once; rotate: POST /api/devices/{id}/rotate):');
      for (const d of report.deviceSecrets) console.log(`  ${d.id.padEnd(12)} ${d.secret}`);
    }
  }
  const stop = async () => {
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function withStore<T>(
  fn: (store: Awaited<ReturnType<typeof openAndMigrate>>) => Promise<T>,
): Promise<T> {
  const store = await openAndMigrate(loadConfig());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function fail(err: unknown): never {
  if (err instanceof DomainError) {
    console.error(`error: ${err.message}`);
    const errors = (err.details?.errors ?? []) as {
      line?: number;
      feature?: number;
      code?: string;
      message: string;
    }[];
    for (const e of errors.slice(0, 50)) {
      const where =
        e.line !== undefined ? `line ${e.line}` : `feature ${e.feature}${e.code ? ` (${e.code})` : ''}`;
      console.error(`  ${where}: ${e.message}`);
    }
    if (errors.length > 50) console.error(`  … and ${errors.length - 50} more`);
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
}

const program = new Command('wangge').description('Wangge (网格): district governance platform');

program
  .command('serve')
  .description('serve the API and the web app (migrates first)')
  .action(async () => serve(loadConfig(), false));

program
  .command('start')
  .description('migrate, seed the demo when the store is empty, and serve')
  .action(async () => serve(loadConfig(), true));

program
  .command('db')
  .description('database commands')
  .command('migrate')
  .description('apply pending migrations')
  .action(async () => {
    const store = await openStore(loadConfig());
    try {
      const r = await migrate(store.db);
      console.log(
        `applied ${r.applied.length} migration(s)${r.applied.length ? `: ${r.applied.join(', ')}` : ''}; ${r.alreadyApplied} already applied`,
      );
    } finally {
      await store.close();
    }
  });

const seed = program.command('seed').description('seed data');
seed
  .command('synthetic')
  .description(
    'realistic case histories through the engine rules, in bulk (cases, events, roll-ups); needs the demo seeded',
  )
  .requiredOption('--cases <n>', 'how many cases', (v) => Number.parseInt(v, 10))
  .requiredOption('--from <date>', 'first day YYYY-MM-DD (China time)')
  .requiredOption('--to <date>', 'last day YYYY-MM-DD, inclusive')
  .option('--area <code>', 'only grids under this district or street')
  .option('--batch <n>', 'cases per transaction', (v) => Number.parseInt(v, 10), 1000)
  .option('--seed <n>', 'random seed (same seed, same data set)', (v) => Number.parseInt(v, 10), 17)
  .option(
    '--bulk',
    'megacity bulk mode: COPY on a PostgreSQL server (DATABASE_URL), 20,000 cases per transaction, the events of 1 case in 100',
  )
  .option('--events-every <n>', 'keep the events of one case in n (default 1; 100 with --bulk)', (v) =>
    Number.parseInt(v, 10),
  )
  .option('--replicate <n>', 'write each built history for n grids of its street (scale runs)', (v) =>
    Number.parseInt(v, 10),
  )
  .action(
    async (opts: {
      cases: number;
      replicate?: number;
      from: string;
      to: string;
      area?: string;
      batch: number;
      seed: number;
      bulk?: boolean;
      eventsEvery?: number;
    }) =>
      withStore(async (store) => {
        const url = loadConfig().databaseUrl;
        if (opts.bulk && !url)
          console.error('--bulk without DATABASE_URL: multi-row INSERTs into the embedded store');
        const { bulk, ...rest } = opts;
        const r = await seedSynthetic(store.db, {
          ...rest,
          ...(bulk ? { batch: Math.max(opts.batch, 20_000), eventsEvery: opts.eventsEvery ?? 100 } : {}),
          ...(bulk && url ? { copyUrl: url } : {}),
          onProgress: (done, total) => {
            if (done === total || done % (opts.batch * 20) === 0) console.error(`${done}/${total} cases`);
          },
        });
        console.log(
          `${r.cases} cases, ${r.events} events, ${r.rollupRows} daily and ${r.monthlyRows} monthly roll-up rows in ${(r.ms / 1000).toFixed(1)} s${r.copy ? ' (COPY)' : ''}: ${r.casesPerSecond} cases/s, ${r.rowsPerSecond} rows/s`,
        );
      }),
  );
seed
  .command('first-start', { hidden: true })
  .description("npm start's demo seeding, in a child process; sends its report to the parent")
  .action(async () => {
    const report = await seedFirstStart(loadConfig());
    await new Promise<void>((resolve) =>
      process.send ? process.send({ report }, () => resolve()) : resolve(),
    );
    process.disconnect?.();
  });
seed
  .command('demo')
  .description('seed the demo (real divisions, generated grids, units, users) into an empty store')
  .option('--force', 'seed even if areas exist (fails on duplicates)')
  .action(async (opts: { force?: boolean }) =>
    withStore(async (store) => {
      const bar = progressBar();
      const onProgress = (s: string, d: number, t: number) => bar.update(s, d, t);
      const r = opts.force
        ? await seedDemo(store.db, { onProgress })
        : await seedDemoIfEmpty(store.db, { onProgress });
      if (r) printSeed(r);
      else console.log('The store already has areas; nothing seeded (use --force to try anyway).');
    }),
  );

const imp = program.command('import').description('import divisions or grids');
imp
  .command('divisions <file>')
  .description('import a divisions CSV (code,name,level,parent_code), all-or-nothing')
  .action(async (file: string) =>
    withStore(async (store) => {
      const r = await new Places(store.db).importDivisions(SYSTEM_ACTOR, fs.readFileSync(file, 'utf8'), file);
      console.log(`imported ${r.imported} areas from ${file}`);
    }),
  );
imp
  .command('grids <file>')
  .description('import real grids from a GeoJSON FeatureCollection, validated, all-or-nothing')
  .action(async (file: string) =>
    withStore(async (store) => {
      let fc: unknown;
      try {
        fc = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const r = await new Places(store.db).importGrids(SYSTEM_ACTOR, fc, file);
      console.log(`imported ${r.imported} grids in ${r.communities} communities from ${file}`);
    }),
  );

program
  .command('cases')
  .description('case engine commands')
  .command('verify')
  .description("re-compute every case's event hash chain (tamper evidence); exits 1 if any is broken")
  .option('--case <id>', 'only this case (its uuid)')
  .action(async (opts: { case?: string }) =>
    withStore(async (store) => {
      const r = await casesService(store).queries.verifyChains(opts.case);
      for (const b of r.broken)
        console.error(`  case ${b.number} (${b.caseId}): event ${b.seq}: ${b.problem}`);
      console.log(
        `checked ${r.checked} case(s): ${r.broken.length ? `${r.broken.length} broken chain(s)` : 'all chains hold'}`,
      );
      if (r.broken.length) process.exitCode = 1;
    }),
  );

program
  .command('safety')
  .description('safety supervision commands')
  .command('draw')
  .description(
    "re-run a 双随机 plan's draw from its published seed, pool and roster (algorithm in src/modules/safety/draw.ts); exits 1 unless it matches the recorded draw",
  )
  .requiredOption('--replay <plan>', 'the plan (its uuid)')
  .action(async (opts: { replay: string }) =>
    withStore(async (store) => {
      const places = new Places(store.db);
      const hazards = new Hazards(store.db, null, { activeUnits: async () => [] });
      const { result, matches } = await new Inspections(store.db, hazards, places).replay(opts.replay);
      console.log(`algorithm ${result.algorithm}`);
      for (const st of result.strata) console.log(`stratum ${st.grade}: ${st.drawn} of ${st.size}`);
      for (const t of result.targets)
        console.log(`${t.position}\t${t.placeId}\t${t.stratum}\t${t.inspectorIds.join(',')}`);
      console.log(
        matches ? 'the replay matches the recorded draw' : 'the replay DIFFERS from the recorded draw',
      );
      if (!matches) process.exitCode = 1;
    }),
  );

function casesService(store: { db: Awaited<ReturnType<typeof openAndMigrate>>['db'] }): Cases {
  const config = loadConfig();
  return new Cases(store.db, new Places(store.db), new FileStore(store.db, filesDir(config)));
}

function filesDir(config: Config): string {
  return config.filesDir;
}

program
  .command('verify')
  .description(
    're-compute every hash chain (case events and the audit log); names the first broken link, exits 1',
  )
  .action(async () =>
    withStore(async (store) => {
      const r = await verifyEverything(store.db, casesService(store).queries);
      const { errors, summary } = describeVerify(r);
      for (const e of errors) console.error(`  ${e}`);
      for (const s of summary) console.log(s);
      if (!r.ok) process.exitCode = 1;
    }),
  );

program
  .command('backup <file>')
  .description('write a consistent snapshot of every table and the uploaded files into one archive (.wgz)')
  .action(async (file: string) =>
    withStore(async (store) => {
      const r = await backupDatabase(store.db, filesDir(loadConfig()), file);
      const rows = r.tables.reduce((n, t) => n + t.rows, 0);
      console.log(
        `backed up ${rows} rows in ${r.tables.length} tables and ${r.files.length} files (schema ${r.schemaVersion}) to ${file}`,
      );
    }),
  );

program
  .command('restore <file>')
  .description(
    'restore an archive of `wangge backup` into this store (empty unless --force), in one transaction',
  )
  .option('--force', 'replace the data the store holds')
  .action(async (file: string, opts: { force?: boolean }) =>
    withStore(async (store) => {
      const r = await restoreDatabase(store.db, filesDir(loadConfig()), file, { force: opts.force });
      const rows = r.tables.reduce((n, t) => n + t.rows, 0);
      console.log(
        `restored ${rows} rows in ${r.tables.length} tables and ${r.files.length} files from ${file}`,
      );
      console.log('run `wangge verify` to check the hash chains of the restored copy');
    }),
  );

program.parseAsync(process.argv).catch(fail);
