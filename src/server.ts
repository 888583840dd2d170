/** Composition root: open the store, build the platform, register the modules. Nothing else. */

import os from 'node:os';
import path from 'node:path';
import { caseJobHandlers } from './modules/cases/case-jobs.js';
import { registerCasesRoutes } from './modules/cases/cases.routes.js';
import { Cases, loadCasesOptions } from './modules/cases/cases.service.js';
import { registerDeviceRoutes } from './modules/channels/devices.routes.js';
import { registerHotlineRoutes } from './modules/channels/hotline.routes.js';
import { registerOpen311Routes } from './modules/channels/open311.routes.js';
import { registerPortalRoutes } from './modules/channels/portal.routes.js';
import { principalFromSession, principalFromToken, pruneLoginAttempts } from './modules/org/auth.service.js';
import { registerOrgRoutes } from './modules/org/org.routes.js';
import { registerPlacesRoutes } from './modules/places/places.routes.js';
import { Places } from './modules/places/places.service.js';
import { registerTargetsRoutes } from './modules/targets/targets.routes.js';
import { sendProgressReminders } from './modules/targets/targets.service.js';
import type { Config } from './platform/config.js';
import { projectRoot } from './platform/config.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { FileStore } from './platform/files/files.js';
import { type App, createApp } from './platform/http/app.js';
import { runDueJobs } from './platform/jobs/jobs.js';

export const WEB_DIR = path.join(projectRoot, 'dist/web');

export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : openDatabase({ kind: 'pglite', dataDir: path.join(config.dataDir, 'pglite') });
}

export interface Server {
  app: App;
  store: Database;
  places: Places;
  cases: Cases;
  /** Runs the jobs that are due now (the timer calls it; tests and the CLI may too). */
  runJobs(now?: () => Date): Promise<number>;
  close(): Promise<void>;
}

/** Builds the whole server on an open, migrated store (tests pass their own store). */
export async function buildServer(
  store: Database,
  config: Config,
  opts: { webDir?: string; runJobs?: boolean } = {},
): Promise<Server> {
  const db = store.db;
  const tileOrigin = config.tileUrl ? new URL(config.tileUrl.replace(/\{[a-z]\}/g, '0')).origin : null;
  const app = await createApp({
    logLevel: config.logLevel,
    webDir: opts.webDir ?? WEB_DIR,
    tileOrigin,
    maxUploadBytes: config.maxUploadBytes,
    trustProxy: config.trustProxy,
    hsts: config.hsts,
    authenticator: {
      fromSession: (v) => principalFromSession(db, v),
      fromToken: (t) => principalFromToken(db, t),
    },
  });
  const places = new Places(db);
  const files = new FileStore(db, path.join(config.dataDir, 'files'), config.maxUploadBytes);
  const cases = new Cases(db, places, files, await loadCasesOptions(db));
  registerOrgRoutes(app, db, { secureCookies: config.secureCookies });
  registerPlacesRoutes(app, places, { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });
  registerCasesRoutes(app, cases, files);
  registerTargetsRoutes(app, db);
  registerDeviceRoutes(app, db, cases);
  registerPortalRoutes(app, db, cases, places, files);
  registerHotlineRoutes(app, db, places);
  registerOpen311Routes(app, db, cases, places, {
    publicUrl: () => config.publicUrl ?? `http://localhost:${config.port}`,
  });

  const handlers = caseJobHandlers(cases);
  const worker = `${os.hostname()}:${process.pid}`;
  const runJobs = (now?: () => Date) => runDueJobs(db, handlers, { worker, ...(now && { now }) });
  const housekeeping = setInterval(() => {
    pruneLoginAttempts(db).catch((err: unknown) => app.log.warn({ err }, 'housekeeping failed'));
    sendProgressReminders(db).catch((err: unknown) => app.log.warn({ err }, 'progress reminders failed'));
  }, 60_000);
  housekeeping.unref();
  const jobTimer =
    opts.runJobs === false
      ? null
      : setInterval(() => {
          runJobs().catch((err: unknown) => app.log.warn({ err }, 'jobs failed'));
        }, 10_000);
  jobTimer?.unref();
  await app.ready();
  return {
    app,
    store,
    places,
    cases,
    runJobs,
    async close() {
      clearInterval(housekeeping);
      if (jobTimer) clearInterval(jobTimer);
      await app.close();
    },
  };
}

export async function openAndMigrate(config: Config): Promise<Database> {
  const store = await openStore(config);
  await migrate(store.db);
  return store;
}
