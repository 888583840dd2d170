/** Composition root: open the store, build the platform, register the modules. Nothing else. */
import path from 'node:path';
import { principalFromSession, principalFromToken, pruneLoginAttempts } from './modules/org/auth.service.js';
import { registerOrgRoutes } from './modules/org/org.routes.js';
import { registerPlacesRoutes } from './modules/places/places.routes.js';
import { Places } from './modules/places/places.service.js';
import type { Config } from './platform/config.js';
import { projectRoot } from './platform/config.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { type App, createApp } from './platform/http/app.js';

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
  close(): Promise<void>;
}

/** Builds the whole server on an open, migrated store (tests pass their own store). */
export async function buildServer(
  store: Database,
  config: Config,
  opts: { webDir?: string } = {},
): Promise<Server> {
  const db = store.db;
  const tileOrigin = config.tileUrl ? new URL(config.tileUrl.replace(/\{[a-z]\}/g, '0')).origin : null;
  const app = await createApp({
    logLevel: config.logLevel,
    webDir: opts.webDir ?? WEB_DIR,
    tileOrigin,
    authenticator: {
      fromSession: (v) => principalFromSession(db, v),
      fromToken: (t) => principalFromToken(db, t),
    },
  });
  const places = new Places(db);
  registerOrgRoutes(app, db, { secureCookies: config.secureCookies });
  registerPlacesRoutes(app, places, { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });

  const housekeeping = setInterval(() => {
    pruneLoginAttempts(db).catch((err: unknown) => app.log.warn({ err }, 'housekeeping failed'));
  }, 60_000);
  housekeeping.unref();
  await app.ready();
  return {
    app,
    store,
    places,
    async close() {
      clearInterval(housekeeping);
      await app.close();
    },
  };
}

export async function openAndMigrate(config: Config): Promise<Database> {
  const store = await openStore(config);
  await migrate(store.db);
  return store;
}
