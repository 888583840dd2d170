/**
 * Installation settings (`settings` table, a platform table): one JSON value per key. Modules read and
 * write their keys only through these two functions, never the table.
 */
import type { Db } from './db/store.js';

/** The value stored under `key`, or undefined when the key was never written. */
export async function readSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (row.value as T) : undefined;
}

/** Stores `value` under `key`, replacing what was there (inside the caller's transaction when `db` is one). */
export async function writeSetting(db: Db, key: string, value: unknown): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: new Date() }),
    )
    .execute();
}
