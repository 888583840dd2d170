/**
 * Hazard use cases (隐患排查治理): register (directly, from a case, or from an inspection finding), move
 * through the lifecycle with hash-chained events, overdue warnings by job, 重大 hazards escalating by
 * themselves, and the indicators the evaluation module reads.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import {
  addTimeLimit,
  createWorkingCalendar,
  elapsedFraction,
  type TimeLimit,
  type WorkingCalendar,
} from '../../platform/calendar/working-time.js';
import type { DB, HazardsTable } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { enqueueJobs, type JobHandler } from '../../platform/jobs/jobs.js';
import { canonicalJson, GENESIS_HASH } from '../cases/hash-chain.js';
import { notify } from '../notifications/notifications.service.js';
import {
  deadlineAcceptable,
  deadlineLevel,
  decideHazard,
  escalatesOnRegistration,
  type HazardCommand,
  type HazardState,
  hazardActions,
  isSafetyCategory,
} from './hazard-lifecycle.js';
import { safetyIndicators } from './indicators.js';
import type { InspectionsStore } from './inspections.store.js';
import type { HazardCreateT, HazardFromCaseT, IndicatorsT } from './safety.schemas.js';
import { type HazardFilter, SafetyStore } from './safety.store.js';

export const HAZARD_DEADLINE_JOB = 'hazard_deadline';

type HazardRow = Selectable<HazardsTable> & { place_name: string; lon: number | null; lat: number | null };
type Actor = { userId: string | null; displayName: string };

/** What safety needs from the cases module: a case the caller may see, with its category. */
export interface CaseReader {
  detail(
    p: Principal,
    id: string,
  ): Promise<{
    id: string;
    title: string;
    description: string;
    categoryName: string;
    category: { majorName?: string | undefined; name: string };
    source: string;
    attributes?: unknown;
  }>;
}

/** What safety needs from org: active units by id (the assignee of a rectification). */
export interface UnitLookup {
  activeUnits(ids: readonly string[]): Promise<{ id: string; areaCode: string }[]>;
}

/** The hash of a hazard event: sha256 over the previous hash and the event's canonical JSON (as case events). */
export function hazardEventHash(
  prevHash: string,
  e: {
    hazardId: string;
    seq: number;
    type: string;
    fromState: string | null;
    toState: string;
    at: Date;
    actorId: string | null;
    actorName: string;
    note: string | null;
    payload: unknown;
  },
): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(e)).digest('hex');
}

export class Hazards {
  readonly calendar: WorkingCalendar;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: CaseReader | null,
    private readonly units: UnitLookup,
    private readonly clock: () => Date = () => new Date(),
    calendar?: WorkingCalendar,
  ) {
    this.calendar = calendar ?? createWorkingCalendar();
  }

  now(): Date {
    return this.clock();
  }

  /** The deadline of a new hazard: an instant in the future, or a limit counted from now in working time. */
  deadlineOf(input: { deadline?: string | undefined; limit?: TimeLimit | undefined }): Date {
    const now = this.clock();
    const deadline = input.limit
      ? addTimeLimit(now, input.limit, this.calendar)
      : new Date(input.deadline ?? Number.NaN);
    if (!deadlineAcceptable(deadline, now))
      throw new Invalid('deadline_past', 'The rectification deadline must be in the future.');
    return deadline;
  }

  private present(h: HazardRow) {
    const now = this.clock();
    const fraction = elapsedFraction(h.created_at, h.deadline, now, 'work_hour', this.calendar);
    return {
      id: h.id,
      placeId: h.place_id,
      placeName: h.place_name,
      lon: h.lon,
      lat: h.lat,
      areaCode: h.area_code,
      industry: h.industry,
      class: h.class,
      grade: h.grade,
      majorLevel: h.major_level,
      foundBy: h.found_by,
      description: h.description,
      photos: h.photos,
      measures: h.measures,
      responsiblePerson: h.responsible_person,
      deadline: h.deadline.toISOString(),
      funds: h.funds === null ? null : Number(h.funds),
      listedLevel: h.listed_level,
      state: h.state,
      assignedUnitId: h.assigned_unit_id,
      caseId: h.case_id,
      escalated: h.escalated_at !== null,
      level: deadlineLevel(
        { state: h.state, deadline: h.deadline, rectifiedAt: h.rectified_at },
        now,
        fraction,
      ),
      rectifiedAt: h.rectified_at?.toISOString() ?? null,
      closedAt: h.closed_at?.toISOString() ?? null,
      version: h.version,
      createdAt: h.created_at.toISOString(),
      actions: hazardActions(h.state),
    };
  }

  /** Writes the next event of a hazard's chain (inside the caller's transaction). */
  private async appendEvent(
    store: SafetyStore,
    hazardId: string,
    actor: Actor,
    e: {
      type: string;
      from: HazardState | null;
      to: HazardState;
      note: string | null;
      payload: Record<string, unknown>;
    },
    at: Date,
  ): Promise<void> {
    const last = await store.lastEvent(hazardId);
    const seq = (last?.seq ?? 0) + 1;
    const prev = last?.hash ?? GENESIS_HASH;
    const content = {
      hazardId,
      seq,
      type: e.type,
      fromState: e.from,
      toState: e.to,
      at,
      actorId: actor.userId,
      actorName: actor.displayName,
      note: e.note,
      payload: e.payload,
    };
    await store.insertEvent({
      hazard_id: hazardId,
      seq,
      type: e.type,
      from_state: e.from,
      to_state: e.to,
      at,
      actor_id: actor.userId,
      actor_name: actor.displayName,
      note: e.note,
      payload: JSON.stringify(e.payload),
      prev_hash: prev,
      hash: hazardEventHash(prev, content),
    });
  }

  /**
   * Registers a hazard in the caller's transaction (`trx`): the row, its first event, its deadline job,
   * and for a 重大 hazard the escalation notices at once.
   */
  async registerIn(
    trx: Transaction<DB>,
    actor: Actor & { unitId: string | null },
    place: { id: string; area_code: string; industry: string; name: string },
    h: {
      class: string;
      grade: 'general' | 'major';
      majorLevel: number | null;
      foundBy: HazardsTable['found_by'];
      description: string;
      photos?: string[];
      measures?: string;
      responsiblePerson?: string;
      deadline: Date;
      funds?: number | null;
      listedLevel?: HazardsTable['listed_level'];
      caseId?: string | null;
      inspectionTargetId?: string | null;
    },
  ): Promise<string> {
    const now = this.clock();
    const store = new SafetyStore(trx);
    const escalate = escalatesOnRegistration(h.grade);
    const id = await store.insertHazard({
      place_id: place.id,
      area_code: place.area_code,
      industry: place.industry,
      class: h.class,
      grade: h.grade,
      major_level: h.majorLevel,
      found_by: h.foundBy,
      description: h.description,
      photos: h.photos ?? [],
      measures: h.measures ?? '',
      responsible_person: h.responsiblePerson ?? '',
      deadline: h.deadline,
      funds: h.funds ?? null,
      listed_level: h.listedLevel ?? null,
      assigned_unit_id: null,
      supervising_unit_id: actor.unitId,
      case_id: h.caseId ?? null,
      inspection_target_id: h.inspectionTargetId ?? null,
      escalated_at: escalate ? now : null,
      rectified_at: null,
      closed_at: null,
      created_by: actor.userId,
      created_at: now,
    });
    await this.appendEvent(
      store,
      id,
      actor,
      {
        type: 'register',
        from: null,
        to: 'registered',
        note: null,
        payload: { grade: h.grade, majorLevel: h.majorLevel },
      },
      now,
    );
    await enqueueJobs(trx, [{ type: HAZARD_DEADLINE_JOB, runAt: h.deadline, payload: { hazardId: id } }]);
    if (escalate && actor.unitId)
      await notify(trx, [
        {
          unitId: actor.unitId,
          kind: 'hazard_major',
          ref: `hazard_major:${id}`,
          message: `重大隐患（${h.majorLevel}级）：${place.name}，${h.description}`,
        },
      ]);
    return id;
  }

  async register(p: Principal, input: HazardCreateT) {
    const deadline = this.deadlineOf(input);
    const id = await this.db.transaction().execute(async (trx) => {
      const place = await new SafetyStore(trx).place(p.scope, input.placeId);
      if (!place) throw new NotFound('place_not_found', 'No such place in your scope.');
      const id = await this.registerIn(trx, p, place, { ...input, deadline });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'hazard',
        entityId: id,
        after: { placeId: place.id },
      });
      return id;
    });
    return this.detail(p, id);
  }

  /** Turns a case in a safety category into a hazard: its description and origin are taken from the case. */
  async fromCase(p: Principal, input: HazardFromCaseT) {
    if (!this.cases) throw new Error('Hazards built without a case reader');
    const c = await this.cases.detail(p, input.caseId);
    if (!isSafetyCategory({ name: c.category.name, majorName: c.category.majorName }))
      throw new Invalid('case_not_safety', `Case category ${c.categoryName} is not a safety matter.`);
    const deadline = this.deadlineOf(input);
    const foundBy =
      c.source === 'device' ? 'device' : c.source === 'inspector' ? 'inspection' : 'citizen_report';
    const id = await this.db.transaction().execute(async (trx) => {
      const store = new SafetyStore(trx);
      if (await store.hazardByCase(c.id))
        throw new Conflict('case_has_hazard', 'This case is a hazard already.');
      const place = await store.place(p.scope, input.placeId);
      if (!place) throw new NotFound('place_not_found', 'No such place in your scope.');
      const description = [c.title, c.description].filter((s) => s?.trim()).join('\n');
      const id = await this.registerIn(trx, p, place, {
        class: input.class,
        grade: input.grade,
        majorLevel: input.majorLevel,
        foundBy,
        description: description || c.categoryName,
        deadline,
        caseId: c.id,
      });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'hazard',
        entityId: id,
        after: { caseId: c.id },
      });
      return id;
    });
    return this.detail(p, id);
  }

  async list(p: Pick<Principal, 'scope'>, q: Omit<HazardFilter, 'scope'>) {
    return (await new SafetyStore(this.db).hazards({ ...q, scope: p.scope })).map((h) => this.present(h));
  }

  async detail(p: Pick<Principal, 'scope'>, id: string) {
    const store = new SafetyStore(this.db);
    const h = await store.hazard(p.scope, id);
    if (!h) throw new NotFound('hazard_not_found', 'No such hazard in your scope.');
    const events = await store.events(id);
    let prev = GENESIS_HASH;
    let chainValid = true;
    for (const e of events) {
      const expect = hazardEventHash(prev, {
        hazardId: e.hazard_id,
        seq: e.seq,
        type: e.type,
        fromState: e.from_state,
        toState: e.to_state,
        at: e.at,
        actorId: e.actor_id,
        actorName: e.actor_name,
        note: e.note,
        payload: e.payload,
      });
      if (e.prev_hash !== prev || e.hash !== expect) chainValid = false;
      prev = e.hash;
    }
    return {
      ...this.present(h),
      events: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        fromState: e.from_state,
        toState: e.to_state,
        at: e.at.toISOString(),
        actorName: e.actor_name,
        note: e.note,
        hash: e.hash,
      })),
      chainValid,
    };
  }

  /** One lifecycle step; the row is updated only if its version did not move (409 otherwise), with its event. */
  async transition(p: Principal, id: string, cmd: HazardCommand) {
    const now = this.clock();
    if (!(await new SafetyStore(this.db).hazard(p.scope, id)))
      throw new NotFound('hazard_not_found', 'No such hazard in your scope.');
    if (cmd.type === 'assign') {
      // Read before the transaction opens (PGlite has one connection).
      const [unit] = await this.units.activeUnits([cmd.unitId]);
      if (!unit) throw new Invalid('unit_not_found', 'No such active unit.');
      if (!unitInScope(p.scope, unit.areaCode))
        throw new Forbidden('scope_outside', 'The unit is outside your scope.');
    }
    await this.db.transaction().execute(async (trx) => {
      const store = new SafetyStore(trx);
      const h = await store.hazard(p.scope, id);
      if (!h) throw new NotFound('hazard_not_found', 'No such hazard in your scope.');
      const d = decideHazard(h.state, cmd);
      if (!d.ok) {
        if (d.code === 'invalid') throw new Invalid('hazard_invalid', d.message);
        throw new Conflict(
          d.code === 'not_rechecked' ? 'hazard_not_rechecked' : 'hazard_wrong_state',
          d.message,
          {
            state: h.state,
          },
        );
      }
      const set: Parameters<SafetyStore['updateHazard']>[2] = { state: d.to };
      if (d.patch.assignedUnitId) set.assigned_unit_id = d.patch.assignedUnitId;
      if (d.patch.rectified === true) set.rectified_at = now;
      if (d.patch.rectified === false) set.rectified_at = null;
      if (d.patch.closed) set.closed_at = now;
      if (!(await store.updateHazard(id, h.version, set)))
        throw new Conflict('hazard_changed', 'The hazard changed meanwhile; reload it.');
      const note = 'note' in cmd ? cmd.note : null;
      const payload: Record<string, unknown> = {};
      if (cmd.type === 'assign') payload.unitId = cmd.unitId;
      if (cmd.type === 'recheck') payload.passed = cmd.passed;
      await this.appendEvent(store, id, p, { type: cmd.type, from: h.state, to: d.to, note, payload }, now);
      if (cmd.type === 'assign')
        await notify(trx, [
          {
            unitId: cmd.unitId,
            kind: 'hazard_assigned',
            ref: `hazard_assigned:${id}`,
            message: `隐患整改：${h.place_name}，${h.description}`,
          },
        ]);
    });
    return this.detail(p, id);
  }

  /**
   * The job at a hazard's deadline: when it is still not rectified, the units concerned are told it is
   * overdue (超期); a 重大 hazard is escalated (升级督办) by the same notice. A rectified hazard does nothing.
   */
  jobHandlers(): Record<string, JobHandler> {
    return {
      [HAZARD_DEADLINE_JOB]: async (trx, payload, now) => {
        const store = new SafetyStore(trx);
        const h = await store.hazardForJob(String(payload.hazardId));
        if (!h || h.state === 'applied' || h.state === 'rechecked' || h.state === 'closed') return;
        if (now.getTime() < h.deadline.getTime()) return;
        const units = [
          ...new Set([h.assigned_unit_id, h.supervising_unit_id].filter((u): u is string => !!u)),
        ];
        const major = h.grade === 'major';
        await notify(
          trx,
          units.map((unitId) => ({
            unitId,
            kind: major ? 'hazard_escalated' : 'hazard_overdue',
            ref: `hazard_overdue:${h.id}`,
            message: `${major ? '重大隐患超期升级督办' : '隐患整改超期'}：${h.description}`,
          })),
        );
        if (major && !h.escalated_at) await store.updateHazard(h.id, h.version, { escalated_at: now });
        await this.appendEvent(
          store,
          h.id,
          SYSTEM_ACTOR,
          { type: 'overdue', from: h.state, to: h.state, note: null, payload: { escalated: major } },
          now,
        );
      },
    };
  }

  /** Hazards registered in [from, to) inside the caller's scope, counted by `indicators.ts`; inspections done vs plan. */
  async indicators(
    p: Pick<Principal, 'scope'>,
    from: Date,
    to: Date,
    inspections: InspectionsStore,
  ): Promise<IndicatorsT> {
    const rows = await new SafetyStore(this.db).indicatorRows(p.scope, from, to);
    const targets = await inspections.planProgress(p.scope, from, to);
    return safetyIndicators(rows, targets, this.clock());
  }
}
