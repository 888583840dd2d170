/** Installation settings (the `settings` table, one JSON value per key), read by modules through here. */
import type { Db } from './db/store.js';

/** The value stored under `key`, or undefined when the installation has not set it. */
export async function readSetting(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}
