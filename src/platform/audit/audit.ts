/** The audit trail: every administrative change writes who changed what, in the same transaction. */
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from '../auth/roles.js';
import type { DB } from '../db/schema.js';

export interface AuditEntry {
  action:
    | 'create'
    | 'update'
    | 'delete'
    | 'import'
    | 'seed'
    | 'token_create'
    | 'token_revoke'
    /** Someone saw personal data in clear (a reporter's phone, a caller's history): who, which, from where. */
    | 'view_personal';
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** The actor of changes made by the command line or the seed, not by a person through the API. */
export const SYSTEM_ACTOR = { userId: null, displayName: 'system' } as const;

export type AuditActor = Pick<Principal, 'userId' | 'displayName'> | typeof SYSTEM_ACTOR;

/**
 * Appends one row to the audit chain. The insert trigger (0010_audit.sql) takes the chain-head lock,
 * which the transaction then holds until it ends: call this as the last write of the transaction, so
 * other writers of audit rows wait only for the commit.
 */
export async function recordAudit(
  trx: Transaction<DB> | Kysely<DB>,
  actor: AuditActor,
  e: AuditEntry,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      actor_id: actor.userId,
      actor_name: actor.displayName,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .execute();
}

/** The latest audit rows, newest first, optionally for one entity (type and/or id). */
export async function listAudit(
  db: Transaction<DB> | Kysely<DB>,
  q: { limit: number; entity?: string | undefined; entityId?: string | undefined },
) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  }));
}
