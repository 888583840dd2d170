/** Composition root: open the store, build the platform, register the modules. Nothing else. */

import os from 'node:os';
import path from 'node:path';
import { registerCalendarRoutes } from './modules/calendar/calendar.routes.js';
import { Calendars, loadCalendarBook } from './modules/calendar/calendar.service.js';
import { caseJobHandlers } from './modules/cases/case-jobs.js';
import { registerCasesRoutes } from './modules/cases/cases.routes.js';
import { Cases, loadCasesOptions } from './modules/cases/cases.service.js';
import { registerRoutingRoutes } from './modules/cases/routing.routes.js';
import { registerDeviceRoutes } from './modules/channels/devices.routes.js';
import { DevicesService } from './modules/channels/devices.service.js';
import { registerHotlineRoutes } from './modules/channels/hotline.routes.js';
import { HotlineService } from './modules/channels/hotline.service.js';
import { registerOpen311Routes } from './modules/channels/open311.routes.js';
import { Open311Service } from './modules/channels/open311.service.js';
import { registerPortalRoutes } from './modules/channels/portal.routes.js';
import { PortalService } from './modules/channels/portal.service.js';
import { registerPublicPlaceRoutes } from './modules/channels/public-places.routes.js';
import { PublicPlaces } from './modules/channels/public-places.service.js';
import { Alarms } from './modules/emergency/alarms.service.js';
import { registerEmergencyRoutes } from './modules/emergency/emergency.routes.js';
import { Incidents } from './modules/emergency/incidents.service.js';
import { Plans } from './modules/emergency/plans.service.js';
import { Resources } from './modules/emergency/resources.service.js';
import { Roster } from './modules/emergency/roster.service.js';
import { LoggingSmsSender, type SmsSender } from './modules/emergency/sms-sender.js';
import { Dashboard } from './modules/evaluation/dashboard.service.js';
import { registerEvaluationRoutes } from './modules/evaluation/evaluation.routes.js';
import { Evaluation } from './modules/evaluation/evaluation.service.js';
import { registerScreenRoutes } from './modules/evaluation/screen.routes.js';
import { Screen } from './modules/evaluation/screen.service.js';
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
import { TargetPlans } from './modules/targets/plans.service.js';
import { targetJobHandlers } from './modules/targets/target-jobs.js';
import { TargetTasks } from './modules/targets/target-tasks.service.js';
import { registerTargetsRoutes } from './modules/targets/targets.routes.js';
import { Targets } from './modules/targets/targets.service.js';
import { registerBackupRoutes } from './platform/backup/backup.routes.js';
import type { Config } from './platform/config.js';
import { projectRoot } from './platform/config.js';
import { type Database, openDatabase } from './platform/db/database.js';
import {
  historyJobHandlers,
  historyPartitioning,
  scheduleHistoryMaintenance,
} from './platform/db/history.js';
import { migrate } from './platform/db/migrate.js';
import { FileStore } from './platform/files/files.js';
import { type App, createApp } from './platform/http/app.js';
import { registerHealthRoutes } from './platform/http/health.js';
import { runDueJobs } from './platform/jobs/jobs.js';

export const WEB_DIR = path.join(projectRoot, 'dist/web');
/** How long a job may hold its row without a word to the server (see platform/jobs). */
const JOB_LEASE_SECONDS = 60;

export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir'> &
    Partial<Pick<Config, 'databaseReadUrls' | 'databaseReadMaxStalenessS' | 'pgliteCacheMb'>>,
): Promise<Database> {
  if (!config.databaseUrl)
    return openDatabase({
      kind: 'pglite',
      dataDir: path.join(config.dataDir, 'pglite'),
      ...(config.pgliteCacheMb && { sharedBuffersMb: config.pgliteCacheMb }),
    });
  const maxStalenessS = config.databaseReadMaxStalenessS;
  return openDatabase({
    kind: 'postgres',
    url: config.databaseUrl,
    readUrls: config.databaseReadUrls ?? [],
    replicas: maxStalenessS === undefined ? {} : { maxStalenessS },
  });
}

export interface Server {
  app: App;
  store: Database;
  places: Places;
  org: Org;
  cases: Cases;
  targets: Targets;
  targetTasks: TargetTasks;
  targetPlans: TargetPlans;
  safety: { registry: Registry; hazards: Hazards; inspections: Inspections };
  emergency: { incidents: Incidents; roster: Roster; alarms: Alarms; sms: SmsSender };
  /** Runs the jobs that are due now (the timer calls it; tests and the CLI may too). */
  runJobs(now?: () => Date): Promise<number>;
  close(): Promise<void>;
}

/** Builds the whole server on an open, migrated store (tests pass their own store). */
export async function buildServer(
  store: Database,
  config: Config,
  opts: {
    webDir?: string;
    runJobs?: boolean;
    /** The SMS gateway for alerts to the people on duty; by default one that only logs (development). */
    sms?: SmsSender;
  } = {},
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
    ...(store.reads && { reads: store.reads }),
    authenticator: {
      fromSession: (v) => auth.principalFromSession(v),
      fromToken: (t) => auth.principalFromToken(t),
    },
  });
  registerHealthRoutes(app, db, store.kind, store.reads);
  const places = new Places(db);
  const files = new FileStore(db, config.filesDir, config.maxUploadBytes);
  const org = new Org(db, places);
  const apiKeys = new ApiKeys(db);
  const targets = new Targets(db, places);
  const casesOptions = await loadCasesOptions(db);
  const baseDutyHours = casesOptions.dutyHoursByDistrict ?? {};
  const calendar = await loadCalendarBook(db, baseDutyHours);
  // Monthly reporting days count in the installation's working calendar (holidays administrators entered).
  const reportingCalendar = calendar.calendarFor('');
  const targetTasks = new TargetTasks(db, org, files, undefined, reportingCalendar);
  const targetPlans = new TargetPlans(db, places);
  const cases = new Cases(db, places, files, { ...casesOptions, calendar });
  const calendars = new Calendars(db, cases, baseDutyHours);
  registerOrgRoutes(app, org, auth, { secureCookies: config.secureCookies });
  registerApiKeyRoutes(app, apiKeys);
  registerPlacesRoutes(app, places, { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });
  registerCasesRoutes(app, cases, files);
  registerRoutingRoutes(app, cases.routing);
  registerCalendarRoutes(app, calendars);
  registerTargetsRoutes(app, targets, targetTasks, targetPlans);
  const evaluation = new Evaluation(db, cases.facts, cases.engine.now);
  registerEvaluationRoutes(app, evaluation, new Dashboard(evaluation, cases.screen, cases.engine.now));
  // The big screen's emergency layer reads open incidents through a narrow interface (no store import);
  // `incidents` is made below and first asked at a request, long after start.
  const screenIncidents = {
    openIncidents: (scope: string, limit: number) => incidents.openIncidents(scope, limit),
  };
  registerScreenRoutes(app, new Screen(db, cases.screen, evaluation, cases.engine.now, screenIncidents));
  const hazards = new Hazards(db, cases.queries, org);
  const safety = {
    registry: new Registry(db, places),
    hazards,
    inspections: new Inspections(db, hazards, places, files),
  };
  registerSafetyRoutes(app, safety.registry, hazards, safety.inspections, files);
  registerNotificationsRoutes(app, new Notifications(db));
  const sms = opts.sms ?? new LoggingSmsSender((line) => app.log.info(line));
  const roster = new Roster(db, org, sms, undefined, (err) => app.log.warn({ err }, 'sms failed'));
  const incidents = new Incidents(db, places, org, cases.queries, undefined, roster);
  const alarms = new Alarms(db, incidents, org, roster);
  registerEmergencyRoutes(
    app,
    incidents,
    new Plans(db, incidents, places, org),
    new Resources(db, incidents, places),
    roster,
    alarms,
  );
  // Channels may not import emergency: the webhook reaches the alarm rules through this narrow handler.
  registerDeviceRoutes(app, new DevicesService(db, alarms));
  registerPortalRoutes(app, new PortalService(db, cases), places, files);
  registerPublicPlaceRoutes(app, new PublicPlaces(db, places, cases.engine.now));
  registerHotlineRoutes(app, new HotlineService(db, cases, places));
  const publicUrl = () => config.publicUrl ?? `http://localhost:${config.port}`;
  // Both endpoints are served (production and the test sandbox); a key works on the one it was made for.
  const open311Keys = { authenticate: (key: string) => apiKeys.authenticate(key) };
  registerOpen311Routes(app, new Open311Service(db, cases, places, files, publicUrl, open311Keys));
  registerBackupRoutes(app, db, {
    files: config.filesDir,
    backups: path.join(config.dataDir, 'backups'),
  });

  const handlers = {
    ...caseJobHandlers(cases),
    ...cases.routing.jobHandlers(),
    ...targetJobHandlers(reportingCalendar),
    ...hazards.jobHandlers(),
    ...historyJobHandlers({
      dumpDir: path.join(config.dataDir, 'history'),
      log: (report) => app.log.info({ history: report }, 'history maintenance'),
    }),
  };
  // Partitioned history (pg_partman on a server that has it; plain tables otherwise): say which, once.
  const partitioning = await historyPartitioning(db);
  app.log.info(
    partitioning === 'partman'
      ? 'history: case_events, audit_log, notifications partitioned by month (pg_partman)'
      : 'history: case_events, audit_log, notifications are plain tables (no pg_partman on this store)',
  );
  // Routing retrains nightly and after enough new closures: put both jobs in the queue once.
  if (opts.runJobs !== false) {
    await cases.routing.schedule();
    await scheduleHistoryMaintenance(db, cases.engine.now());
  }
  const worker = `${os.hostname()}:${process.pid}`;
  // On a server, a job's lock is a lease: a holder silent this long is cut off and another process takes over.
  const leaseSeconds = store.kind === 'postgres' ? JOB_LEASE_SECONDS : undefined;
  const runJobs = (now?: () => Date) =>
    runDueJobs(db, handlers, { worker, leaseSeconds, ...(now && { now }) });
  const housekeeping = setInterval(() => {
    auth.pruneLoginAttempts().catch((err: unknown) => app.log.warn({ err }, 'housekeeping failed'));
    // Another process may have changed the working calendar: count in the stored one.
    calendars.reload().catch((err: unknown) => app.log.warn({ err }, 'calendar reload failed'));
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
    targetPlans,
    safety,
    emergency: { incidents, roster, alarms, sms },
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
