/**
 * Transitions: a person (or a job) moves a case through the loop. The pure state machine decides; this
 * file checks what only the database knows (units, merge target, evidence) and writes the case row and
 * its hash-chained event in one transaction, guarded by the case version (optimistic concurrency).
 */
import type { Transaction } from 'kysely';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import { earlierAnswer, idempotencyOwner, withIdempotency } from '../../platform/db/idempotency.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Forbidden, Invalid } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/files.js';
import { enqueueJobs } from '../../platform/jobs/jobs.js';
import { notify } from '../notifications/notifications.service.js';
import { activeUnitAreas } from '../org/org.service.js';
import { type CaseActor, caseActorOf } from './case-actor.js';
import type { CaseEngine } from './case-engine.js';
import { patchColumns, snapshotOf, splitPayload } from './case-rows.js';
import type { TransitionT } from './cases.schemas.js';
import { type CaseRow, CasesStore, type Viewer } from './cases.store.js';
import { canonicalJson, eventHash, type HashedEvent } from './hash-chain.js';
import type { CaseQueries } from './queries.service.js';
import { type ActorRole, type Command, type DecisionError, decide, FINAL_STATES, RULES } from './workflow.js';

/** What a transition answers. */
export interface TransitionResult {
  id: string;
  number: string;
  state: string;
  version: number;
  event: { seq: number; type: string };
}

/** A record on a case's timeline that does not move it through the loop (合并 merged in, a repeated alarm). */
export interface TimelineRecord {
  type: string;
  by: CaseActor;
  note?: string | null;
  payload: Record<string, unknown>;
  place?: { lon: number; lat: number } | null;
}

export class CaseTransitions {
  constructor(
    private readonly engine: CaseEngine,
    private readonly queries: CaseQueries,
    private readonly files: FileStore,
  ) {}

  /** Checks the version the caller loaded, resolves the command, and applies it (idempotent by key). */
  async transition(
    p: Principal,
    caseId: string,
    body: TransitionT & { version: number; lon?: number; lat?: number },
    idempotencyKey?: string,
  ): Promise<TransitionResult & { replayed: boolean }> {
    const claim = {
      owner: idempotencyOwner({ user: p.userId }),
      key: idempotencyKey,
      request: canonicalJson({ caseId, body }),
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
    const command = await this.resolveCommand(p, row, body);
    const actor = caseActorOf(p, roleFor(p, command.type));
    const place = body.lon !== undefined && body.lat !== undefined ? { lon: body.lon, lat: body.lat } : null;
    const { result, replayed } = await withIdempotency(this.engine.db, claim, (trx) =>
      this.apply(trx, row, command, actor, place),
    );
    return { ...result, replayed };
  }

  /** Turns what the client sent into a command, checking what only the database knows. */
  private async resolveCommand(p: Viewer, row: CaseRow, body: TransitionT): Promise<Command> {
    switch (body.type) {
      case 'dispatch': {
        const unitId = body.mode === 'auto' ? row.suggested_unit_id : body.unitId;
        if (!unitId) {
          throw new Invalid(
            body.mode === 'auto' ? 'no_suggested_unit' : 'unit_required',
            'No responsible unit is known; choose one (manual dispatch).',
          );
        }
        await this.requireUnits(p, [unitId]);
        return { type: 'dispatch', unitId, mode: body.mode, note: body.note };
      }
      case 'whistle':
        await this.requireUnits(p, body.unitIds);
        return body;
      case 'merge': {
        const target = await this.queries.visibleRow(p, body.intoCaseId).catch(() => {
          throw new Invalid(
            'merge_target',
            'The case to merge into does not exist or is outside your scope.',
          );
        });
        if ((FINAL_STATES as readonly string[]).includes(target.state)) {
          throw new Invalid(
            'merge_target',
            `Case ${target.number} is ${target.state}; merge into an open case.`,
          );
        }
        return body;
      }
      case 'feedback':
      case 'check': {
        const missing = await this.files.missing(body.evidence ?? []);
        if (missing.length)
          throw new Invalid('unknown_attachment', `Upload the files first: ${missing.join(', ')}.`);
        return body;
      }
      default:
        return body;
    }
  }

  /** The named units exist and are active, and lie within the caller's reach (`unitInScope`). */
  private async requireUnits(p: Viewer, ids: readonly string[]): Promise<void> {
    const found = await activeUnitAreas(this.engine.db, ids);
    if (found.size !== new Set(ids).size)
      throw new Invalid('unit_not_found', 'A named unit does not exist or is inactive.');
    for (const [id, area] of found) {
      if (!unitInScope(p.scope, area))
        throw new Forbidden('scope_outside', `Unit ${id} is outside your scope ${p.scope || '(all)'}.`);
    }
  }

  /** Decides and writes one transition inside `trx`; used by the API, the portal and the jobs (escalation). */
  async apply(
    trx: Transaction<DB>,
    row: CaseRow,
    command: Command,
    actor: CaseActor,
    place: { lon: number; lat: number } | null = null,
    now = this.engine.now(),
  ): Promise<TransitionResult> {
    const category = await this.engine.category(row.category_code, trx);
    const decision = decide(
      snapshotOf(row),
      command,
      actor,
      this.engine.decideContext(row.area_code, category, now),
    );
    if (!decision.ok) throw toDomainError(decision.error);
    const { event, patch } = decision;
    const version = row.version + 1;
    const { payload, note, evidence } = splitPayload(event.payload);
    const hashed: HashedEvent = {
      caseId: row.id,
      seq: version,
      type: event.type,
      fromState: event.from,
      toState: event.to,
      at: now,
      actorId: actor.userId,
      actorName: actor.name,
      actorRole: actor.role,
      actorUnitId: actor.unitId,
      lon: place?.lon ?? null,
      lat: place?.lat ?? null,
      note,
      evidence,
      payload,
    };
    const hash = eventHash(row.last_hash, hashed);
    const updated = await new CasesStore(trx).updateCaseAtVersion(row.id, row.version, {
      ...patchColumns(patch),
      ...(command.type === 'merge' ? { merged_into: command.intoCaseId } : {}),
      ...(event.to === 'closed' && event.from !== 'closed' ? { closed_at: now } : {}),
      // The assignee (承办人) is a member of the unit: when the case leaves the unit, they no longer hold it.
      ...(patch.assignedUnitId !== undefined && patch.assignedUnitId !== row.assigned_unit_id
        ? { assigned_user_id: null }
        : {}),
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
    await this.engine.writeEvent(trx, hashed, row.last_hash, hash);
    if (command.type === 'merge') {
      // 合并: the surviving case's timeline records what joined it; both timelines stay whole.
      await this.appendRecord(
        trx,
        command.intoCaseId,
        { type: 'merge_in', by: actor, payload: { mergedCaseId: row.id, mergedNumber: row.number } },
        now,
      );
    }
    if (patch.stepStartedAt && patch.dueAt && patch.stepUnit) {
      await this.engine.scheduleClock(trx, row.id, row.area_code, {
        dueAt: patch.dueAt,
        stepStartedAt: patch.stepStartedAt,
        stepUnit: patch.stepUnit,
      });
    }
    if (patch.whistle && command.type === 'whistle') {
      await enqueueJobs(trx, [
        { type: 'whistle_due', runAt: new Date(patch.whistle.reportDueAt), payload: { caseId: row.id } },
      ]);
    }
    if (command.type === 'urge' && row.assigned_unit_id) {
      await notify(trx, [
        {
          unitId: row.assigned_unit_id,
          caseId: row.id,
          kind: 'urged',
          params: { number: row.number, note: command.note ?? '' },
        },
      ]);
    }
    return {
      id: row.id,
      number: row.number,
      state: event.to,
      version,
      event: { seq: version, type: event.type },
    };
  }

  /**
   * Appends a record to a case's timeline without moving it through the loop — a case merged into it
   * (合并), a repeated device alarm — hash-chained and versioned like every event.
   */
  async appendRecord(
    trx: Db,
    caseId: string,
    record: TimelineRecord,
    now = this.engine.now(),
  ): Promise<void> {
    const store = new CasesStore(trx);
    const target = await store.caseById(caseId, { lock: true });
    if (!target) throw new Error(`case ${caseId} vanished inside its transaction`);
    const e: HashedEvent = {
      caseId: target.id,
      seq: target.version + 1,
      type: record.type,
      fromState: target.state,
      toState: target.state,
      at: now,
      actorId: record.by.userId,
      actorName: record.by.name,
      actorRole: record.by.role,
      actorUnitId: record.by.unitId,
      lon: record.place?.lon ?? null,
      lat: record.place?.lat ?? null,
      note: record.note ?? null,
      evidence: [],
      payload: record.payload,
    };
    const hash = await this.engine.writeEvent(trx, e, target.last_hash);
    await store.updateCaseAtVersion(target.id, target.version, {
      version: e.seq,
      last_hash: hash,
      updated_at: now,
    });
  }
}

function toDomainError(e: DecisionError) {
  switch (e.code) {
    case 'invalid':
      return new Invalid(e.messageKey, e.message);
    case 'wrong_state':
      return new Conflict(e.messageKey === 'wrong_state' ? 'wrong_state' : e.messageKey, e.message);
    default:
      return new Forbidden(e.messageKey === 'out_of_scope' ? 'scope_outside' : e.messageKey, e.message);
  }
}

/** The role a person acts in for a command: the first of their roles the command admits. */
function roleFor(p: Principal, type: Command['type']): ActorRole {
  const admitted: readonly ActorRole[] = RULES[type].roles;
  return p.roles.find((r) => admitted.includes(r)) ?? p.roles[0] ?? 'operator';
}
