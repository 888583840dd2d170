import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../db/testing.js';
import { recordAudit, SYSTEM_ACTOR } from './audit.js';
import { verifyAuditChain } from './audit-chain.js';

describeEachStore('audit log: append-only hash chain', (store) => {
  it('stays one linear chain when many transactions write audit rows at once', async () => {
    const { db } = store();
    const before = await verifyAuditChain(db);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          // Some work before the audit row, as a service does; and two rows in one transaction.
          await sql`select pg_sleep(${(i % 4) / 1000})`.execute(trx);
          await recordAudit(trx, SYSTEM_ACTOR, { action: 'create', entity: 'test', entityId: `a${i}` });
          await recordAudit(trx, SYSTEM_ACTOR, {
            action: 'update',
            entity: 'test',
            entityId: `a${i}`,
            before: { n: i, 名: '网格', nested: { z: 1, a: [1.5, null] } },
            after: { n: i + 1 },
          });
        }),
      ),
    );
    // A rolled-back writer leaves no trace and no fork.
    await expect(
      db.transaction().execute(async (trx) => {
        await recordAudit(trx, SYSTEM_ACTOR, { action: 'create', entity: 'test', entityId: 'rolled-back' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await recordAudit(db, SYSTEM_ACTOR, { action: 'delete', entity: 'test', entityId: 'last' });
    const r = await verifyAuditChain(db);
    expect(r.broken).toBeNull();
    expect(r.checked).toBe(before.checked + 81);
    const rows = await db.selectFrom('audit_log').select(['id', 'prev_hash', 'hash']).orderBy('id').execute();
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(r.head).toEqual({ id: rows.at(-1)?.id, hash: rows.at(-1)?.hash });
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const { db } = store();
    await recordAudit(db, SYSTEM_ACTOR, { action: 'create', entity: 'test', entityId: 'x' });
    await expect(sql`update audit_log set actor_name = 'someone else'`.execute(db)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only: TRUNCATE refused/);
    // A writer cannot choose its own id or hashes: the trigger sets them.
    await sql`insert into audit_log (id, actor_name, action, entity, entity_id, prev_hash, hash)
      values (999999, 'x', 'create', 'test', 'forged', 'p', 'h')`.execute(db);
    expect((await verifyAuditChain(db)).broken).toBeNull();
  });

  it('names the first changed row when the trigger is bypassed (owner or superuser)', async () => {
    const { db } = store();
    for (let i = 0; i < 3; i++)
      await recordAudit(db, SYSTEM_ACTOR, { action: 'create', entity: 'test', entityId: `t${i}` });
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .orderBy('id', 'desc')
      .limit(3)
      .execute();
    const victim = rows[1];
    if (!victim) throw new Error('no rows');
    await db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
      await sql`update audit_log set after = '{"forged":true}' where id = ${victim.id}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_change`.execute(trx);
    });
    const r = await verifyAuditChain(db);
    expect(r.broken).toMatchObject({ table: 'audit_log', id: victim.id, field: 'hash', found: victim.hash });
    expect(r.broken?.expected).not.toBe(victim.hash);
  });
});
