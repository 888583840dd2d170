/** Mapping between the case and event rows and the domain shapes the rules and the hash chain use (pure). */
import type { Insertable, Updateable } from 'kysely';
import type { TimeLimit, TimeUnit } from '../../platform/calendar/working-time.js';
import type { CaseEventsTable, CasesTable } from '../../platform/db/schema.js';
import type { CaseEventRow, CaseRow } from './cases.store.js';
import type { HashedEvent } from './hash-chain.js';
import type { CaseSnapshot, CaseState } from './workflow.js';

export function snapshotOf(r: CaseRow): CaseSnapshot {
  return {
    id: r.id,
    kind: r.kind as CaseSnapshot['kind'],
    state: r.state as CaseState,
    areaCode: r.area_code,
    assignedUnitId: r.assigned_unit_id,
    dispatchMode: r.dispatch_mode as CaseSnapshot['dispatchMode'],
    dueAt: r.due_at,
    stepStartedAt: r.step_started_at,
    stepUnit: r.step_unit as TimeUnit | null,
    suspendedAt: r.suspended_at,
    checked: r.checked,
    reworkCount: r.rework_count,
    reopenCount: r.reopen_count,
    extendedDays: Number(r.extended_days),
    extensionRequested: r.extension_requested as { limit: TimeLimit; reason: string } | null,
    rating: r.rating as CaseSnapshot['rating'],
    whistle: r.whistle,
  };
}

export function patchColumns(patch: Partial<CaseSnapshot>): Updateable<CasesTable> {
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  return {
    ...(patch.state !== undefined && { state: patch.state }),
    ...(patch.assignedUnitId !== undefined && { assigned_unit_id: patch.assignedUnitId }),
    ...(patch.dispatchMode !== undefined && { dispatch_mode: patch.dispatchMode }),
    ...(patch.dueAt !== undefined && { due_at: patch.dueAt }),
    ...(patch.stepStartedAt !== undefined && { step_started_at: patch.stepStartedAt }),
    ...(patch.stepUnit !== undefined && { step_unit: patch.stepUnit }),
    ...(patch.suspendedAt !== undefined && { suspended_at: patch.suspendedAt }),
    ...(patch.checked !== undefined && { checked: patch.checked }),
    ...(patch.reworkCount !== undefined && { rework_count: patch.reworkCount }),
    ...(patch.reopenCount !== undefined && { reopen_count: patch.reopenCount }),
    ...(patch.extendedDays !== undefined && { extended_days: patch.extendedDays }),
    ...(patch.extensionRequested !== undefined && { extension_requested: json(patch.extensionRequested) }),
    ...(patch.rating !== undefined && { rating: patch.rating }),
    ...(patch.whistle !== undefined && { whistle: json(patch.whistle) }),
  };
}

/** The event row keeps note and evidence in their own columns; the rest of the payload stays as is. */
export function splitPayload(all: Record<string, unknown>) {
  const { note, evidence, ...payload } = all;
  return {
    payload,
    note: typeof note === 'string' ? note : null,
    evidence: Array.isArray(evidence) ? (evidence as string[]) : [],
  };
}

export function eventRow(e: HashedEvent, prevHash: string, hash: string): Insertable<CaseEventsTable> {
  return {
    case_id: e.caseId,
    seq: e.seq,
    type: e.type,
    from_state: e.fromState,
    to_state: e.toState,
    at: e.at,
    actor_id: e.actorId,
    actor_name: e.actorName,
    actor_role: e.actorRole,
    actor_unit_id: e.actorUnitId,
    lon: e.lon,
    lat: e.lat,
    note: e.note,
    evidence: [...e.evidence],
    payload: JSON.stringify(e.payload),
    prev_hash: prevHash,
    hash,
  };
}

export function toHashed(e: CaseEventRow): HashedEvent & { prevHash: string; hash: string } {
  return {
    caseId: e.case_id,
    seq: e.seq,
    type: e.type,
    fromState: e.from_state,
    toState: e.to_state,
    at: e.at,
    actorId: e.actor_id,
    actorName: e.actor_name,
    actorRole: e.actor_role,
    actorUnitId: e.actor_unit_id,
    lon: e.lon,
    lat: e.lat,
    note: e.note,
    evidence: e.evidence,
    payload: e.payload,
    prevHash: e.prev_hash,
    hash: e.hash,
  };
}
