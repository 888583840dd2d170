import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyEverything } from '../../cli/verify.js';
import { Cases } from '../../modules/cases/cases.service.js';
import { Places } from '../../modules/places/places.service.js';
import { seedDemo } from '../../seed/demo.js';
import { seedDemoCases } from '../../seed/demo-cases.js';
import { buildServer } from '../../server.js';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.js';
import { loadConfig, projectRoot } from '../config.js';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../db/testing.js';
import { FileStore } from '../files/files.js';
import { backupDatabase, listFiles } from './backup.js';
import { listTables } from './catalog.js';
import { restoreDatabase } from './restore.js';

/** Every table's rows as PostgreSQL prints them (UTC), ordered by primary key. */
async function dump(store: Database): Promise<Record<string, string[]>> {
  return store.db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    const out: Record<string, string[]> = {};
    for (const t of await listTables(trx)) {
      const order = t.primaryKey.length ? t.primaryKey : t.columns;
      const r = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(t.name)} as t
        order by ${sql.join(order.map((c) => sql.ref(`t.${c}`)))}`.execute(trx);
      out[t.name] = r.rows.map((x) => x.j);
    }
    return out;
  });
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (f.isFile())
      out[path.relative(dir, path.join(f.parentPath, f.name))] = fs
        .readFileSync(path.join(f.parentPath, f.name))
        .toString('base64');
  return out;
}

async function verifyStore(store: Database, filesDir: string) {
  const cases = new Cases(store.db, new Places(store.db), new FileStore(store.db, filesDir));
  return verifyEverything(store.db, cases.queries);
}

const run = inject('pgUrl') ? describe : describe.skip;

run('backup and restore: PGlite → PostgreSQL server → PGlite', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-backup-'));
  const dirs = { lite: path.join(tmp, 'lite'), pg: path.join(tmp, 'pg'), back: path.join(tmp, 'back') };
  const stores: Database[] = [];
  let lite: Database;
  let pg: Database;
  let photoHash: string;

  beforeAll(async () => {
    lite = await openTestDatabase('pglite');
    pg = await openTestDatabase('postgres');
    stores.push(lite, pg);
    await seedDemo(lite.db, { districts: ['120101'] });
    const config = { ...loadConfig({}), logLevel: 'silent', dataDir: dirs.lite };
    const server = await buildServer(lite, config, { webDir: '/nonexistent', runJobs: false });
    try {
      expect(await seedDemoCases(lite.db, server.cases)).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    photoHash = (await new FileStore(lite.db, path.join(dirs.lite, 'files')).save(png, 'photo.png', null))
      .hash;
  }, 300_000);

  afterAll(async () => {
    for (const s of stores) await s.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('moves the embedded store to a PostgreSQL server: every row, every file, chains intact', async () => {
    const archive = path.join(tmp, 'lite.wgz');
    const made = await backupDatabase(lite.db, path.join(dirs.lite, 'files'), archive);
    expect(made.schemaVersion).toBe(fs.readdirSync(path.join(projectRoot, 'migrations')).sort().at(-1));
    expect(made.files.map((f) => f.path)).toContain(`${photoHash.slice(0, 2)}/${photoHash}`);
    expect(made.tables.find((t) => t.name === 'cases')?.rows).toBeGreaterThan(0);
    // Parents before children.
    const names = made.tables.map((t) => t.name);
    expect(names.indexOf('areas')).toBeLessThan(names.indexOf('units'));
    expect(names.indexOf('cases')).toBeLessThan(names.indexOf('case_events'));

    await restoreDatabase(pg.db, path.join(dirs.pg, 'files'), archive);
    expect(await dump(pg)).toEqual(await dump(lite));
    expect(filesOf(path.join(dirs.pg, 'files'))).toEqual(filesOf(path.join(dirs.lite, 'files')));
    expect((await verifyStore(pg, path.join(dirs.pg, 'files'))).ok).toBe(true);

    // The copy goes on: sequences are past the restored ids, the audit chain continues from its head.
    await recordAudit(pg.db, SYSTEM_ACTOR, { action: 'create', entity: 'test', entityId: 'after-restore' });
    const r = await verifyStore(pg, path.join(dirs.pg, 'files'));
    expect(r.ok).toBe(true);
    expect(r.audit.checked).toBe((made.tables.find((t) => t.name === 'audit_log')?.rows ?? 0) + 1);
  });

  it('moves a PostgreSQL server back to an embedded store', async () => {
    const archive = path.join(tmp, 'pg.wgz');
    await backupDatabase(pg.db, path.join(dirs.pg, 'files'), archive);
    const back = await openTestDatabase('pglite');
    stores.push(back);
    await restoreDatabase(back.db, path.join(dirs.back, 'files'), archive);
    expect(await dump(back)).toEqual(await dump(pg));
    expect(filesOf(path.join(dirs.back, 'files'))).toEqual(filesOf(path.join(dirs.pg, 'files')));
    expect((await verifyStore(back, path.join(dirs.back, 'files'))).ok).toBe(true);
    expect(await listFiles(path.join(dirs.back, 'files'))).toEqual(
      await listFiles(path.join(dirs.pg, 'files')),
    );
  });

  it('refuses a target that holds data unless forced, then replaces it whole', async () => {
    const archive = path.join(tmp, 'lite.wgz');
    await expect(restoreDatabase(pg.db, path.join(dirs.pg, 'files'), archive)).rejects.toThrow(/holds data/);
    await restoreDatabase(pg.db, path.join(dirs.pg, 'files'), archive, { force: true });
    expect(await dump(pg)).toEqual(await dump(lite));
  });

  it('refuses an archive that does not match its manifest or the target schema, writing nothing', async () => {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(tmp, 'lite.wgz'))).toString('utf8');
    const empty = await openTestDatabase('pglite');
    stores.push(empty);
    const write = (name: string, t: string) => {
      const f = path.join(tmp, name);
      fs.writeFileSync(f, zlib.gzipSync(t));
      return f;
    };
    const edited = write('edited.wgz', text.replace('演示数据', '改过的数据'));
    await expect(restoreDatabase(empty.db, path.join(tmp, 'x'), edited)).rejects.toThrow(
      /does not match its manifest \(cases\)/,
    );
    const cut = write('cut.wgz', text.slice(0, text.lastIndexOf('\nM') + 1));
    await expect(restoreDatabase(empty.db, path.join(tmp, 'x'), cut)).rejects.toThrow(/no manifest/);
    const last = fs.readdirSync(path.join(projectRoot, 'migrations')).sort().at(-1) as string;
    const older = write('older.wgz', text.replace(`,"${last}"]`, ']'));
    await expect(restoreDatabase(empty.db, path.join(tmp, 'x'), older)).rejects.toThrow(
      `only in the target ${last}`,
    );
    const counts = await sql<{ n: number }>`select count(*)::int as n from areas`.execute(empty.db);
    expect(counts.rows[0]?.n).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
  });
});
