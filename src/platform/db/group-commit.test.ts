import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { describeEachStore } from './testing.js';

describeEachStore('group commit', (store) => {
  beforeAll(async () => {
    await sql`create table gc_probe (n integer primary key, note text not null)`.execute(store().db);
  });
  const rows = async () =>
    (await sql<{ n: number }>`select n from gc_probe order by n`.execute(store().db)).rows.map((r) => r.n);

  /** One multi-row insert per batch; note 'bad' breaks the statement (a not-null column). */
  const group = () =>
    new GroupCommit<{ n: number; note: string | null }, number>(store().db, async (trx, items) => {
      await sql`insert into gc_probe (n, note) values ${sql.join(
        items.map((i) => sql`(${i.n}, ${i.note === 'bad' ? null : i.note})`),
      )}`.execute(trx);
      return items.map((i) => i.n * 10);
    });

  it('writes a lone item at once and items arriving together in one transaction, each with its result', async () => {
    const g = group();
    expect(await g.submit({ n: 1, note: 'alone' })).toBe(10);
    expect(g.stats).toMatchObject({ batches: 1, items: 1 });
    // Submitted in one tick: all queued before the transaction holds its connection, so one batch.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => g.submit({ n: 100 + i, note: 'together' })),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => (100 + i) * 10));
    expect(g.stats.items).toBe(21);
    expect(g.stats.batches).toBe(2);
    expect(g.stats.largest).toBe(20);
    expect((await rows()).filter((n) => n >= 100)).toHaveLength(20);
  });

  it('fails only the bad item of a batch: the others are written, the bad one not at all', async () => {
    const g = group();
    const outcomes = await Promise.allSettled([
      g.submit({ n: 200, note: 'first' }),
      g.submit({ n: 201, note: 'ok' }),
      g.submit({ n: 202, note: 'bad' }),
      g.submit({ n: 203, note: 'ok' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(g.stats.retriedAlone).toBe(4);
    expect((await rows()).filter((n) => n >= 200)).toEqual([200, 201, 203]);
  });

  it('refuses a write that answers the wrong number of results, writing nothing', async () => {
    const g = new GroupCommit<number, number>(store().db, async (trx, items) => {
      await sql`insert into gc_probe (n, note) values (${items[0]}, 'short')`.execute(trx);
      return [];
    });
    await expect(g.submit(300)).rejects.toThrow(/0 results for 1 items/);
    expect(await rows()).not.toContain(300);
  });
});
