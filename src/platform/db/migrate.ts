/** Forward-only SQL migrations from `migrations/*.sql`, applied in name order, each in its own transaction. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { projectRoot } from '../config.js';
import type { DB } from './schema.js';

export const migrationsDir = path.join(projectRoot, 'migrations');

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/** An arbitrary constant: the advisory lock that serialises migrators in several processes. */
const MIGRATION_LOCK = 4_242_001;

export async function migrate(db: Kysely<DB>, dir = migrationsDir): Promise<MigrationResult> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  await sql`create table if not exists schema_migrations (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`.execute(
    db,
  );
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    const done = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      const row = await trx
        .selectFrom('schema_migrations')
        .select('checksum')
        .where('name', '=', file)
        .executeTakeFirst();
      if (row) {
        if (row.checksum !== checksum) {
          throw new Error(`Migration ${file} was changed after it was applied; add a new migration instead.`);
        }
        return false;
      }
      await sql.raw(text).execute(trx);
      await trx.insertInto('schema_migrations').values({ name: file, checksum }).execute();
      return true;
    });
    if (done) applied.push(file);
    else alreadyApplied++;
  }
  return { applied, alreadyApplied };
}
