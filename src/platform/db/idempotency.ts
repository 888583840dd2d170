/**
 * Idempotency keys: the first request with a key does the work and stores its answer in the same
 * transaction; a resend with that key gets the stored answer and changes nothing. A concurrent resend
 * waits on the key's row lock and then sees the first answer.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Invalid } from '../errors.js';
import type { DB } from './schema.js';

export async function withIdempotency<T extends object>(
  db: Kysely<DB>,
  claim: { owner: string; key: string | undefined; request: string },
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const { owner, key } = claim;
  if (!key) return { result: await db.transaction().execute(work), replayed: false };
  const requestHash = createHash('sha256').update(claim.request).digest('hex');
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('idempotency_keys')
      .values({ owner, key, request_hash: requestHash, status: 0, response: '{}' })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const prior = await trx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'response'])
        .where('owner', '=', owner)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (prior.request_hash !== requestHash) {
        throw new Invalid(
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different request; use a new key.',
        );
      }
      return { result: prior.response as T, replayed: true };
    }
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
