import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { TooMany } from '../errors.js';
import { idempotencyOwner, withIdempotency } from './idempotency.js';
import { lockName } from './locks.js';
import { describeEachStore } from './testing.js';

describeEachStore('idempotency keys and name locks', (store) => {
  beforeAll(async () => {
    await sql`create table probe (who text not null, n integer not null)`.execute(store().db);
  });
  const countOf = async (who: string) =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from probe where who = ${who}`.execute(store().db))
        .rows[0]?.n,
    );

  it('gives each caller its own key space', () => {
    const a = idempotencyOwner({ source: '10.0.0.1', device: 'device-aaaa' });
    expect(idempotencyOwner({ source: '10.0.0.1', device: 'device-aaaa' })).toBe(a);
    expect(idempotencyOwner({ source: '10.0.0.2', device: 'device-aaaa' })).not.toBe(a);
    expect(idempotencyOwner({ source: '10.0.0.1', device: 'device-bbbb' })).not.toBe(a);
    expect(a).not.toContain('10.0.0.1'); // no address at rest
    // Staff keys keep the user id, as stored before: keys already in the table stay valid.
    expect(idempotencyOwner({ user: '7d3c1c2e-0000-4000-8000-000000000001' })).toBe(
      '7d3c1c2e-0000-4000-8000-000000000001',
    );
  });

  it('answers the same key from two owners with two results, and a resend with the first', async () => {
    let made = 0;
    const work = async () => ({ n: ++made });
    for (const order of ['first', 'last'] as const) {
      const claim = (owner: string) => ({ owner, key: `k-${order}`, request: 'same body', order });
      const a = await withIdempotency(store().db, claim('owner-a'), work);
      const b = await withIdempotency(store().db, claim('owner-b'), work);
      expect(a.replayed || b.replayed).toBe(false);
      expect(b.result).not.toEqual(a.result);
      expect(await withIdempotency(store().db, claim('owner-a'), work)).toEqual({
        result: a.result,
        replayed: true,
      });
    }
  });

  it('a resend does not do the work again, even when the work would now be refused', async () => {
    const claim = { owner: 'owner-c', key: 'k-limit', request: 'body', order: 'last' as const };
    const first = await withIdempotency(store().db, claim, async () => ({ ok: 1 }));
    const again = await withIdempotency(store().db, claim, async () => {
      throw new TooMany('too_many_submissions', 'limit reached');
    });
    expect(again).toEqual({ result: first.result, replayed: true });
  });

  it('parallel resends of one key do the work once and all answer its result', async () => {
    const claim = { owner: 'owner-d', key: 'k-parallel', request: 'body', order: 'last' as const };
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        withIdempotency(store().db, claim, async (trx) => {
          await lockName(trx, 'probe', 'owner-d');
          // The limit (1) holds exactly: only the first through the lock does the work.
          const n = Number(
            (
              await sql<{ n: number }>`select count(*)::int as n from probe where who = 'owner-d'`.execute(
                trx,
              )
            ).rows[0]?.n,
          );
          if (n >= 1) throw new TooMany('too_many_submissions', 'limit reached');
          await sql`insert into probe (who, n) values ('owner-d', 1)`.execute(trx);
          return { made: 'once' };
        }),
      ),
    );
    expect(replies.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(replies.map((r) => JSON.stringify(r.result)))).toEqual(new Set(['{"made":"once"}']));
    expect(await countOf('owner-d')).toBe(1);
  });

  it('a name lock makes count-then-insert exact under parallel transactions', async () => {
    const limit = 5;
    const results = await Promise.allSettled(
      Array.from({ length: limit + 7 }, () =>
        store()
          .db.transaction()
          .execute(async (trx) => {
            await lockName(trx, 'probe', 'exact');
            const n = Number(
              (
                await sql<{ n: number }>`select count(*)::int as n from probe where who = 'exact'`.execute(
                  trx,
                )
              ).rows[0]?.n,
            );
            if (n >= limit) throw new TooMany('too_many_submissions', 'limit reached');
            await sql`insert into probe (who, n) values ('exact', ${n})`.execute(trx);
          }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(limit);
    expect(await countOf('exact')).toBe(limit);
  });

  it('refuses to lock outside a transaction', async () => {
    await expect(lockName(store().db, 'probe', 'x')).rejects.toThrow(/needs a transaction/);
  });
});
