/**
 * Transaction-scoped locks on a name, for limits that must hold exactly under parallel requests
 * (count, then record): whoever takes the same name waits until the holder commits or rolls back, so
 * the next count sees the last one's row. PostgreSQL advisory locks; names hash to two 32-bit keys,
 * and a rare collision only makes two names wait for each other.
 */
import { sql } from 'kysely';
import type { Db } from './store.js';

/**
 * Holds the lock `namespace:name` until the transaction ends. Take several in a fixed order (by
 * namespace) everywhere, so that two transactions never wait for each other in a circle.
 */
export async function lockName(trx: Db, namespace: string, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${namespace}), hashtext(${name}))`.execute(trx);
  // Outside a transaction the lock was released as soon as it was taken. (Checked after the query so
  // that a store method built on this still shows its SQL in the snapshot.)
  if (!trx.isTransaction) throw new Error(`lockName(${namespace}) needs a transaction`);
}
