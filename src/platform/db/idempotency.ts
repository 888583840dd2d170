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
 *   One statement fewer, for work that cannot conflict with itself (creating a new case). A resend that
 *   arrives after the first answer is stored gets that answer without doing the work again, and a
 *   concurrent resend whose own work fails (say, a limit the first request just used up) answers the
 *   first result too, once that is stored.
 *
 * Writes that share a transaction (group commit) use the `claim: 'last'` order by hand: `storeAnswers`
 * stores every key and answer of the batch in one statement and throws `KeyTaken` when any key was
 * already taken, which rolls the batch back; each item is then written alone, and the one whose key was
 * taken answers the stored result (`earlierAnswer`).
 *
 * Keys belong to a caller: `owner` comes from `idempotencyOwner`, so the same key sent by two callers
 * names two requests — one citizen's key never replays another citizen's tracking code.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Invalid } from '../errors.js';
import type { DB } from './schema.js';

/** A key already has a stored answer (or is being stored by a concurrent request). */
class KeyTaken extends Error {}

/** What a key's stored answer is checked against: a hash of the request it answered. */
function requestHash(request: string): string {
  return createHash('sha256').update(request).digest('hex');
}

/** Who sent the key: each caller has its own key space. */
export type IdempotencyCaller =
  /** A staff user (cookie session), or the user behind an API token (Open311, field devices). */
  | { user: string }
  /** A citizen on the public portal, known only by network address and the browser's device id. */
  | { source: string; device: string };

/** The stored owner of a caller's keys. Users keep their id (as stored before); public callers a hash. */
export function idempotencyOwner(caller: IdempotencyCaller): string {
  if ('user' in caller) return caller.user;
  const who = createHash('sha256').update(`${caller.source}\n${caller.device}`).digest('hex');
  return `public:${who}`;
}

/**
 * The answer stored for an earlier request with this key, or null. A resend after a lost answer must get
 * it back even when the state it checks first (a case's version) has since moved on because of it.
 */
export async function earlierAnswer<T extends object>(
  db: Kysely<DB>,
  claim: { owner: string; key: string | undefined; request: string },
): Promise<T | null> {
  if (!claim.key) return null;
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response', 'status'])
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .executeTakeFirst();
  if (!row || row.status === 0) return null;
  if (row.request_hash !== requestHash(claim.request)) {
    throw new Invalid(
      'idempotency_key_reused',
      'This Idempotency-Key was used for a different request; use a new key.',
    );
  }
  return row.response as T;
}

export async function withIdempotency<T extends object>(
  db: Kysely<DB>,
  claim: { owner: string; key: string | undefined; request: string; order?: 'first' | 'last' },
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const { owner, key } = claim;
  if (!key) return { result: await db.transaction().execute(work), replayed: false };
  const hash = requestHash(claim.request);
  const store = (trx: Transaction<DB>, status: number, response: object) =>
    trx
      .insertInto('idempotency_keys')
      .values({ owner, key, request_hash: hash, status, response: JSON.stringify(response) })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
  const find = (q: Kysely<DB> | Transaction<DB>) =>
    q
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response'])
      .where('owner', '=', owner)
      .where('key', '=', key)
      .executeTakeFirst();
  const prior = async (q: Kysely<DB> | Transaction<DB>, found?: Awaited<ReturnType<typeof find>>) => {
    const row = found ?? (await find(q));
    if (!row) throw new Error(`idempotency key ${key} vanished`);
    if (row.request_hash !== hash) {
      throw new Invalid(
        'idempotency_key_reused',
        'This Idempotency-Key was used for a different request; use a new key.',
      );
    }
    return { result: row.response as T, replayed: true };
  };

  if (claim.order === 'last') {
    const earlier = await find(db);
    if (earlier) return prior(db, earlier);
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await work(trx);
        if (!(await store(trx, 200, result))) throw new KeyTaken();
        return { result, replayed: false };
      });
    } catch (err) {
      if (err instanceof KeyTaken) return prior(db);
      // A concurrent resend may have failed only because the first request's work got there first.
      const stored = await find(db);
      if (stored?.request_hash === hash) return prior(db, stored);
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

/**
 * Stores the answers of work done in `trx` under their keys, in one statement; throws `KeyTaken` (the
 * caller's transaction then rolls back) when any key was taken already, by another request or by an
 * earlier item of the same batch.
 */
export async function storeAnswers(
  trx: Transaction<DB>,
  answers: readonly { owner: string; key: string; request: string; response: object }[],
): Promise<void> {
  if (!answers.length) return;
  const stored = await trx
    .insertInto('idempotency_keys')
    .values(
      answers.map((a) => ({
        owner: a.owner,
        key: a.key,
        request_hash: requestHash(a.request),
        status: 200,
        response: JSON.stringify(a.response),
      })),
    )
    .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
    .returning('key')
    .execute();
  if (stored.length !== answers.length) throw new KeyTaken();
}
