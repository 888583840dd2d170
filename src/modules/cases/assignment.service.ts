/**
 * 分派到人: a unit head gives a case of their unit to one of its members (the assignee 承办人) or takes it
 * back, and sees each member's workload when choosing. The rule is `assignment.ts`; this file loads the
 * case and the unit's members, and writes the case row, its hash-chained event and the assignee's
 * notification in one transaction, guarded by the case version.
 */
import type { Principal } from '../../platform/auth/roles.js';
import { earlierAnswer, idempotencyOwner, withIdempotency } from '../../platform/db/idempotency.js';
import { Conflict, Forbidden, Invalid } from '../../platform/errors.js';
import { notify } from '../notifications/notifications.service.js';
import { unitMembers } from '../org/members.service.js';
import { unitNames } from '../org/org.service.js';
import {
  ASSIGNABLE_STATES,
  type AssignmentRefusal,
  decideAssignment,
  isHeadOfCaseUnit,
} from './assignment.js';
import { caseActorOf } from './case-actor.js';
import type { CaseEngine } from './case-engine.js';
import { CaseListStore } from './case-list.store.js';
import type { AssignBodyT } from './cases.schemas.js';
import { CasesStore } from './cases.store.js';
import { canonicalJson, eventHash, type HashedEvent } from './hash-chain.js';
import type { CaseQueries } from './queries.service.js';
import type { TransitionResult } from './transitions.service.js';
import type { CaseState } from './workflow.js';

export class CaseAssignments {
  constructor(
    private readonly engine: CaseEngine,
    private readonly queries: CaseQueries,
  ) {}

  /** Assigns the case to a member of its unit, or takes it back (`userId: null`); idempotent by key. */
  async assign(
    p: Principal,
    caseId: string,
    body: AssignBodyT,
    idempotencyKey?: string,
  ): Promise<TransitionResult & { replayed: boolean }> {
    const claim = {
      owner: idempotencyOwner({ user: p.userId }),
      key: idempotencyKey,
      request: canonicalJson({ caseId, assign: body }),
    };
    const earlier = await earlierAnswer<TransitionResult>(this.engine.db, claim);
    if (earlier) return { ...earlier, replayed: true };
    const row = await this.queries.visibleRow(p, caseId);
    if (body.version !== row.version) {
      throw new Conflict(
        'version_conflict',
        `The case has changed since you loaded it (now version ${row.version}); reload and try again.`,
        { version: row.version },
      );
    }
    // Read before the transaction: the embedded store has one connection.
    const members = row.assigned_unit_id ? await unitMembers(this.engine.db, row.assigned_unit_id) : [];
    const decision = decideAssignment(
      { state: row.state, assignedUnitId: row.assigned_unit_id, assignedUserId: row.assigned_user_id },
      members,
      p.userId,
      body.userId,
    );
    if (!decision.ok) throw toDomainError(decision.error);
    const now = this.engine.now();
    const actor = caseActorOf(p, 'handler');
    const { result, replayed } = await withIdempotency(this.engine.db, claim, async (trx) => {
      const version = row.version + 1;
      const e: HashedEvent = {
        caseId: row.id,
        seq: version,
        type: decision.type,
        fromState: row.state,
        toState: row.state,
        at: now,
        actorId: actor.userId,
        actorName: actor.name,
        actorRole: actor.role,
        actorUnitId: actor.unitId,
        lon: null,
        lat: null,
        note: body.note ?? null,
        evidence: [],
        payload: decision.payload,
      };
      const hash = eventHash(row.last_hash, e);
      const updated = await new CasesStore(trx).updateCaseAtVersion(row.id, row.version, {
        assigned_user_id: decision.assignedUserId,
        version,
        last_hash: hash,
        updated_at: now,
      });
      if (!updated) {
        throw new Conflict(
          'version_conflict',
          'Someone else changed this case at the same moment; reload and try again.',
        );
      }
      await this.engine.writeEvent(trx, e, row.last_hash, hash);
      if (decision.type === 'assign' && row.assigned_unit_id && decision.assignedUserId) {
        await notify(trx, [
          {
            unitId: row.assigned_unit_id,
            userId: decision.assignedUserId,
            caseId: row.id,
            kind: 'assigned',
            params: { number: row.number, title: row.title },
          },
        ]);
      }
      return {
        id: row.id,
        number: row.number,
        state: row.state,
        version,
        event: { seq: version, type: decision.type },
      };
    });
    return { ...result, replayed };
  }

  /** The members of the case's unit with their workload (open, overdue), and whether the caller may assign. */
  async assignees(p: Principal, caseId: string) {
    const row = await this.queries.visibleRow(p, caseId);
    const unitId = row.assigned_unit_id;
    if (!unitId) {
      return { unitId: null, unitName: null, canAssign: false, assignedUserId: null, members: [] };
    }
    // Only the unit's own people see who of them carries what.
    const own = p.unitId === unitId;
    const members = own ? await unitMembers(this.engine.db, unitId) : [];
    const head = isHeadOfCaseUnit(
      { state: row.state, assignedUnitId: unitId, assignedUserId: row.assigned_user_id },
      members,
      p.userId,
    );
    const [load, names] = await Promise.all([
      own ? new CaseListStore(this.engine.db).workload(unitId, this.engine.now()) : Promise.resolve([]),
      unitNames(this.engine.db, [unitId]),
    ]);
    const byUser = new Map(load.map((l) => [l.assigned_user_id, l]));
    return {
      unitId,
      unitName: names.get(unitId) ?? null,
      canAssign: head && ASSIGNABLE_STATES.includes(row.state as CaseState),
      assignedUserId: row.assigned_user_id,
      members: members.map((m) => ({
        id: m.id,
        displayName: m.displayName,
        unitHead: m.unitHead,
        handler: m.roles.includes('handler'),
        open: Number(byUser.get(m.id)?.open ?? 0),
        overdue: Number(byUser.get(m.id)?.overdue ?? 0),
      })),
    };
  }
}

function toDomainError(e: AssignmentRefusal) {
  switch (e.code) {
    case 'invalid':
      return new Invalid(e.messageKey, e.message);
    case 'wrong_state':
      return new Conflict(e.messageKey, e.message);
    case 'forbidden':
      return new Forbidden(e.messageKey, e.message);
    default: {
      const never: never = e.code;
      return new Invalid('invalid_request', String(never));
    }
  }
}
