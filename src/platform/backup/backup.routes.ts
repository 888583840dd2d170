/**
 * Live backups from the serving process (administrators). The embedded store can be opened by one
 * process only, so with it this is the way to back up without stopping the server; with a PostgreSQL
 * server it is the same archive `wangge backup` writes. Archives are kept under `<data>/backups`.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import type { Role } from '../auth/roles.js';
import type { DB } from '../db/schema.js';
import { NotFound } from '../errors.js';
import { type App, principalOf } from '../http/app.js';
import { backupDatabase } from './backup.js';

const ADMIN: readonly Role[] = ['admin'];
const NAME = /^wangge-\d{8}-\d{6}(-\d+)?\.wgz$/;

const BackupFile = z.object({ name: z.string(), size: z.number().int(), createdAt: z.string() });
const BackupMade = BackupFile.extend({
  schemaVersion: z.string(),
  tables: z.number().int(),
  rows: z.number().int(),
  files: z.number().int(),
});
const BackupParams = z.object({ name: z.string().regex(NAME, 'not the name of a backup archive') });

/** `wangge-20261202-163005.wgz`, UTC; a suffix when two are made in the same second. */
function archiveName(now: Date, taken: Set<string>): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let name = `wangge-${stamp}.wgz`;
  for (let i = 2; taken.has(name); i++) name = `wangge-${stamp}-${i}.wgz`;
  return name;
}

async function listArchives(dir: string): Promise<z.infer<typeof BackupFile>[]> {
  const names = (await fsp.readdir(dir).catch(() => [] as string[])).filter((n) => NAME.test(n));
  const out = await Promise.all(
    names.map(async (name) => {
      const st = await fsp.stat(path.join(dir, name));
      return { name, size: st.size, createdAt: st.mtime.toISOString() };
    }),
  );
  return out.sort((a, b) => b.name.localeCompare(a.name));
}

export function registerBackupRoutes(
  app: App,
  db: Kysely<DB>,
  dirs: { files: string; backups: string },
): void {
  let queue: Promise<unknown> = Promise.resolve();
  const makeArchive = async (): Promise<z.infer<typeof BackupMade>> => {
    await fsp.mkdir(dirs.backups, { recursive: true });
    const taken = new Set((await listArchives(dirs.backups)).map((a) => a.name));
    const name = archiveName(new Date(), taken);
    const file = path.join(dirs.backups, name);
    const r = await backupDatabase(db, dirs.files, file);
    return {
      name,
      size: (await fsp.stat(file)).size,
      createdAt: r.createdAt,
      schemaVersion: r.schemaVersion,
      tables: r.tables.length,
      rows: r.tables.reduce((n, t) => n + t.rows, 0),
      files: r.files.length,
    };
  };

  app.get(
    '/api/backups',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['platform'],
        summary: 'The backup archives kept on the server, newest first',
        response: { 200: z.array(BackupFile) },
      },
    },
    async () => listArchives(dirs.backups),
  );

  app.post(
    '/api/backups',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['platform'],
        summary: 'Make a backup now, while the server keeps serving (one consistent snapshot)',
        response: { 201: BackupMade },
      },
    },
    async (req, reply) => {
      // One archive at a time: a second request waits for the first, then makes its own.
      const made = queue.then(() => makeArchive());
      queue = made.catch(() => undefined);
      const m = await made;
      await recordAudit(db, principalOf(req), {
        action: 'create',
        entity: 'backup',
        entityId: m.name,
        after: m,
      });
      return reply.status(201).send(m);
    },
  );

  app.get(
    '/api/backups/:name',
    {
      config: { access: ADMIN },
      schema: { tags: ['platform'], summary: 'Download a backup archive', params: BackupParams },
    },
    async (req, reply) => {
      const file = path.join(dirs.backups, req.params.name);
      const st = await fsp.stat(file).catch(() => null);
      if (!st?.isFile()) throw new NotFound('backup_not_found', `There is no backup ${req.params.name}.`);
      return reply
        .type('application/gzip')
        .header('content-length', st.size)
        .header('content-disposition', `attachment; filename="${req.params.name}"`)
        .send(fs.createReadStream(file));
    },
  );
}
