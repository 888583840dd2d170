/**
 * Idempotency keys: the first request with a key does the work and stores its answer in the same
 * transaction; a resend with that key gets the stored answer and changes nothing.
 *
 * Two orders, same guarantee:
 * - `claim: 'first'` takes the key before the work, so a concurrent resend waits on the key's row lock
 *   and then sees the first answer — needed when the work itself would conflict (a transition guarded
 *   by the case version would answer the resend 409 instead of the first result).
 * - `claim: 'last'` does the work and then stores key and answer in one statement; a concurrent resend
 *   blocks on that insert, finds the key taken, rolls its own work back and answers the stored result.
 *   One statement fewer, for work that cannot conflict with itself (creating a new case).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Invalid } from '../errors.js';
import type { DB } from './schema.js';

class KeyTaken extends Error {}

export async function withIdempotency<T extends object>(
  db: Kysely<DB>,
  claim: { owner: string; key: string | undefined; request: string; order?: 'first' | 'last' },
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const { owner, key } = claim;
  if (!key) return { result: await db.transaction().execute(work), replayed: false };
  const requestHash = createHash('sha256').update(claim.request).digest('hex');
  const store = (trx: Transaction<DB>, status: number, response: object) =>
    trx
      .insertInto('idempotency_keys')
      .values({ owner, key, request_hash: requestHash, status, response: JSON.stringify(response) })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
  const prior = async (q: Kysely<DB> | Transaction<DB>) => {
    const row = await q
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response'])
      .where('owner', '=', owner)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (row.request_hash !== requestHash) {
      throw new Invalid(
        'idempotency_key_reused',
        'This Idempotency-Key was used for a different request; use a new key.',
      );
    }
    return { result: row.response as T, replayed: true };
  };

  if (claim.order === 'last') {
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await work(trx);
        if (!(await store(trx, 200, result))) throw new KeyTaken();
        return { result, replayed: false };
      });
    } catch (err) {
      if (err instanceof KeyTaken) return prior(db);
      throw err;
    }
  }
  return db.transaction().execute(async (trx) => {
    if (!(await store(trx, 0, {}))) return prior(trx);
    const result = await work(trx);
    await trx
      .updateTable('idempotency_keys')
      .set({ status: 200, response: JSON.stringify(result) })
      .where('owner', '=', owner)
      .where('key', '=', key)
      .execute();
    return { result, replayed: false };
  });
}
