/** Composition root: open the store, build the platform, register the modules. Nothing else. */

import os from 'node:os';
import path from 'node:path';
import { caseJobHandlers } from './modules/cases/case-jobs.js';
import { registerCasesRoutes } from './modules/cases/cases.routes.js';
import { Cases, loadCasesOptions } from './modules/cases/cases.service.js';
import { registerDeviceRoutes } from './modules/channels/devices.routes.js';
import { DevicesService } from './modules/channels/devices.service.js';
import { registerHotlineRoutes } from './modules/channels/hotline.routes.js';
import { HotlineService } from './modules/channels/hotline.service.js';
import { registerOpen311Routes } from './modules/channels/open311.routes.js';
import { Open311Service } from './modules/channels/open311.service.js';
import { registerPortalRoutes } from './modules/channels/portal.routes.js';
import { PortalService } from './modules/channels/portal.service.js';
import { registerNotificationsRoutes } from './modules/notifications/notifications.routes.js';
import { Notifications } from './modules/notifications/notifications.service.js';
import { registerApiKeyRoutes } from './modules/org/api-keys.routes.js';
import { ApiKeys } from './modules/org/api-keys.service.js';
import { Auth } from './modules/org/auth.service.js';
import { registerOrgRoutes } from './modules/org/org.routes.js';
import { Org } from './modules/org/org.service.js';
import { registerPlacesRoutes } from './modules/places/places.routes.js';
import { Places } from './modules/places/places.service.js';
import { Hazards } from './modules/safety/hazards.service.js';
import { Inspections } from './modules/safety/inspections.service.js';
import { Registry } from './modules/safety/registry.service.js';
import { registerSafetyRoutes } from './modules/safety/safety.routes.js';
import { TargetTasks } from './modules/targets/target-tasks.service.js';
import { registerTargetsRoutes } from './modules/targets/targets.routes.js';
import { Targets } from './modules/targets/targets.service.js';
import { registerBackupRoutes } from './platform/backup/backup.routes.js';
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
  org: Org;
  cases: Cases;
  targets: Targets;
  targetTasks: TargetTasks;
  safety: { registry: Registry; hazards: Hazards; inspections: Inspections };
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
  const auth = new Auth(db);
  const app = await createApp({
    logLevel: config.logLevel,
    webDir: opts.webDir ?? WEB_DIR,
    tileOrigin,
    maxUploadBytes: config.maxUploadBytes,
    trustProxy: config.trustProxy,
    hsts: config.hsts,
    authenticator: {
      fromSession: (v) => auth.principalFromSession(v),
      fromToken: (t) => auth.principalFromToken(t),
    },
  });
  const places = new Places(db);
  const files = new FileStore(db, path.join(config.dataDir, 'files'), config.maxUploadBytes);
  const org = new Org(db, places);
  const apiKeys = new ApiKeys(db);
  const targets = new Targets(db, places);
  const targetTasks = new TargetTasks(db, org, files);
  const cases = new Cases(db, places, files, await loadCasesOptions(db));
  registerOrgRoutes(app, org, auth, { secureCookies: config.secureCookies });
  registerApiKeyRoutes(app, apiKeys);
  registerPlacesRoutes(app, places, { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });
  registerCasesRoutes(app, cases, files);
  registerTargetsRoutes(app, targets, targetTasks);
  const hazards = new Hazards(db, cases.queries, org);
  const safety = {
    registry: new Registry(db, places),
    hazards,
    inspections: new Inspections(db, hazards, places),
  };
  registerSafetyRoutes(app, safety.registry, hazards, safety.inspections);
  registerNotificationsRoutes(app, new Notifications(db));
  registerDeviceRoutes(app, new DevicesService(db, cases));
  registerPortalRoutes(app, new PortalService(db, cases), places, files);
  registerHotlineRoutes(app, new HotlineService(db, cases, places));
  const publicUrl = () => config.publicUrl ?? `http://localhost:${config.port}`;
  const open311Keys = {
    endpoint: config.open311Endpoint,
    authenticate: (key: string) => apiKeys.authenticate(key, config.open311Endpoint),
  };
  registerOpen311Routes(app, new Open311Service(db, cases, places, publicUrl, open311Keys));
  registerBackupRoutes(app, db, {
    files: path.join(config.dataDir, 'files'),
    backups: path.join(config.dataDir, 'backups'),
  });

  const handlers = { ...caseJobHandlers(cases), ...hazards.jobHandlers() };
  const worker = `${os.hostname()}:${process.pid}`;
  const runJobs = (now?: () => Date) => runDueJobs(db, handlers, { worker, ...(now && { now }) });
  const housekeeping = setInterval(() => {
    auth.pruneLoginAttempts().catch((err: unknown) => app.log.warn({ err }, 'housekeeping failed'));
    targetTasks
      .sendProgressReminders()
      .catch((err: unknown) => app.log.warn({ err }, 'progress reminders failed'));
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
    org,
    cases,
    targets,
    targetTasks,
    safety,
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
