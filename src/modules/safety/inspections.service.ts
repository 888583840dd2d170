/**
 * 双随机、一公开 use cases: a plan with its pool filters, roster and published seed; the draw (once per
 * plan, the pool kept with the plan so it can be replayed); results per target, whose findings become
 * hazards; the public view of plans, draws and results.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { idempotencyOwner, withIdempotency } from '../../platform/db/idempotency.js';
import type { DB, InspectionPlansTable } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { DRAW_ALGORITHM, type DrawResult, drawInspection, poolOf } from './draw.js';
import type { Hazards } from './hazards.service.js';
import { InspectionsStore } from './inspections.store.js';
import type { PlanCreateT, TargetResultT } from './safety.schemas.js';
import { SafetyStore } from './safety.store.js';

type PlanRow = Selectable<InspectionPlansTable>;
type TargetRow = Omit<Awaited<ReturnType<InspectionsStore['targets']>>[number], 'risk_grade'>;

/** What safety needs from the file store: which of these uploads are missing. */
export interface UploadCheck {
  missing(hashes: readonly string[]): Promise<string[]>;
}

function presentTarget(t: TargetRow) {
  return {
    id: t.id,
    position: t.position,
    placeId: t.place_id,
    placeName: t.place_name,
    creditCode: t.credit_code,
    address: t.address,
    industry: t.industry,
    stratum: t.stratum,
    inspectors: t.inspectors,
    lon: t.lon,
    lat: t.lat,
    result: t.result,
    resultNote: t.result_note,
    inspectedOn: t.inspected_on,
    photos: t.photos,
  };
}

/** The local (Asia/Shanghai) calendar day of an instant. */
function localDay(t: Date): string {
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Re-runs a plan's draw from what the plan stores (seed, pool, roster): the same inputs, the same result. */
export function replayDraw(
  plan: Pick<PlanRow, 'seed' | 'pool' | 'roster' | 'target_count' | 'different_units'>,
) {
  if (!plan.pool) throw new Conflict('plan_not_drawn', 'The plan has not been drawn yet.');
  return drawInspection({
    seed: plan.seed,
    pool: plan.pool,
    roster: plan.roster,
    targetCount: plan.target_count,
    differentUnits: plan.different_units,
  });
}

export class Inspections {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly hazards: Hazards,
    private readonly areas: { areaExists(code: string): Promise<boolean> },
    private readonly uploads: UploadCheck = { missing: async () => [] },
  ) {}

  get store(): InspectionsStore {
    return new InspectionsStore(this.db);
  }

  async createPlan(p: Principal, input: PlanCreateT) {
    if (!input.areaCode.startsWith(p.scope))
      throw new Forbidden('scope_outside', `Area ${input.areaCode} is outside your scope.`);
    if (!(await this.areas.areaExists(input.areaCode)))
      throw new Invalid('area_not_found', `There is no area ${input.areaCode}.`);
    const ids = input.roster.map((r) => r.id);
    if (new Set(ids).size !== ids.length)
      throw new Invalid('roster_duplicate', 'An inspector appears twice in the roster.');
    const seed = input.seed ?? randomBytes(16).toString('hex');
    const id = await this.db.transaction().execute(async (trx) => {
      const id = await new InspectionsStore(trx).insertPlan({
        title: input.title,
        area_code: input.areaCode,
        filters: JSON.stringify({
          industries: input.industries,
          grades: input.grades,
          areaCode: input.areaCode,
          excludeInspectedMonths: input.excludeInspectedMonths,
        }),
        target_count: input.targetCount,
        different_units: input.differentUnits,
        roster: JSON.stringify(input.roster),
        seed,
        pool: null,
        drawn_at: null,
        created_by: p.userId,
      });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'inspection_plan',
        entityId: id,
        after: { seed },
      });
      return id;
    });
    return this.plan(p, id);
  }

  async listPlans(scope: string, drawnOnly = false) {
    return (await this.store.plans(scope, drawnOnly)).map((r) => ({
      id: r.id,
      title: r.title,
      areaCode: r.area_code,
      targetCount: r.target_count,
      seed: r.seed,
      drawnAt: r.drawn_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async plan(p: Pick<Principal, 'scope'>, id: string) {
    const store = this.store;
    const r = await store.plan(p.scope, id);
    if (!r) throw new NotFound('plan_not_found', 'No such inspection plan in your scope.');
    const targets = await store.targets(id);
    const replay = r.pool ? replayDraw(r) : null;
    return {
      id: r.id,
      title: r.title,
      areaCode: r.area_code,
      targetCount: r.target_count,
      seed: r.seed,
      drawnAt: r.drawn_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
      filters: r.filters,
      differentUnits: r.different_units,
      algorithm: DRAW_ALGORITHM,
      roster: r.roster,
      pool: r.pool,
      strata: replay?.ok ? replay.result.strata : null,
      targets: targets.map(presentTarget),
    };
  }

  /**
   * An inspector's list for today (the field app): the targets of drawn plans in the caller's scope where
   * the caller is one of the two inspectors — a roster entry names a user by id or username — still
   * without a result, or inspected today.
   */
  async myTargets(p: Principal) {
    const rows = await this.store.inspectorTargets(
      p.scope,
      [p.userId, p.username],
      localDay(this.hazards.now()),
    );
    return rows.map((t) => ({ ...presentTarget(t), planId: t.plan_id, planTitle: t.plan_title }));
  }

  /** The draw: once per plan (a second one is 409); a problem with the pool or roster is 400 and changes nothing. */
  async draw(p: Principal, id: string) {
    const now = this.hazards.now();
    const plan = await this.store.plan(p.scope, id);
    if (!plan) throw new NotFound('plan_not_found', 'No such inspection plan in your scope.');
    await this.db.transaction().execute(async (trx) => {
      const store = new InspectionsStore(trx);
      const locked = await store.planForUpdate(id);
      if (!locked || locked.drawn_at)
        throw new Conflict('plan_drawn', 'This plan has been drawn already; replay it instead.');
      const candidates = await new SafetyStore(trx).candidates(locked.filters.areaCode);
      const pool = poolOf(
        candidates.map((c) => ({
          id: c.id,
          industry: c.industry,
          riskGrade: c.risk_grade,
          areaCode: c.area_code,
          lastInspectedOn: c.last_inspected_on,
        })),
        locked.filters,
        localDay(now),
      );
      const drawn = drawInspection({
        seed: locked.seed,
        pool,
        roster: locked.roster,
        targetCount: locked.target_count,
        differentUnits: locked.different_units,
      });
      if (!drawn.ok) {
        const { code, message, ...details } = drawn.problem;
        throw new Invalid(code, message, details);
      }
      const names = new Map(locked.roster.map((r) => [r.id, r]));
      const ok = await store.recordDraw(
        id,
        JSON.stringify(pool),
        now,
        drawn.result.targets.map((t) => ({
          place_id: t.placeId,
          position: t.position,
          stratum: t.stratum,
          inspectors: JSON.stringify(
            t.inspectorIds.map((i) => ({
              id: i,
              name: names.get(i)?.name ?? i,
              unit: names.get(i)?.unit ?? '',
            })),
          ),
          result: null,
          result_note: null,
          inspected_on: null,
        })),
      );
      if (!ok) throw new Conflict('plan_drawn', 'This plan has been drawn already.');
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'inspection_plan',
        entityId: id,
        after: { drawn: drawn.result.targets.length },
      });
    });
    return this.plan(p, id);
  }

  /**
   * Re-runs a drawn plan from its stored seed, pool and roster and compares with the targets recorded:
   * what `wangge safety draw --replay PLAN` prints.
   */
  async replay(id: string): Promise<{ result: DrawResult; matches: boolean }> {
    const store = this.store;
    const plan = await store.plan('', id);
    if (!plan) throw new NotFound('plan_not_found', 'No such inspection plan.');
    const r = replayDraw(plan);
    if (!r.ok) throw new Invalid(r.problem.code, r.problem.message);
    const stored = await store.targets(id);
    const matches =
      stored.length === r.result.targets.length &&
      stored.every((t, i) => {
        const d = r.result.targets[i];
        return (
          d !== undefined &&
          t.place_id === d.placeId &&
          t.position === d.position &&
          t.inspectors.map((x) => x.id).join() === d.inspectorIds.join()
        );
      });
    return { result: r.result, matches };
  }

  /**
   * Enters a target's result; each finding becomes a hazard of the target's place (found by inspection),
   * with the photos taken. A resend with the same Idempotency-Key (the field app's outbox) answers the
   * first result; a second, different result is 409.
   */
  async recordResult(
    p: Principal,
    planId: string,
    targetId: string,
    input: TargetResultT,
    idempotencyKey?: string,
  ) {
    if (input.result !== 'hazards_found' && input.findings.length)
      throw new Invalid('findings_without_hazards', 'Findings go with the result hazards_found.');
    if (input.result === 'hazards_found' && input.findings.length === 0)
      throw new Invalid('findings_required', 'Say what was found: at least one finding.');
    if (input.inspectedOn > localDay(this.hazards.now()))
      throw new Invalid('inspected_in_future', 'The inspection date cannot be in the future.');
    const deadlines = input.findings.map((f) => this.hazards.deadlineOf({ limit: f.limit }));
    const plan = await this.store.plan(p.scope, planId);
    if (!plan) throw new NotFound('plan_not_found', 'No such inspection plan in your scope.');
    if (!plan.drawn_at) throw new Conflict('plan_not_drawn', 'The plan has not been drawn yet.');
    const missing = await this.uploads.missing(input.evidence);
    if (missing.length)
      throw new Invalid('unknown_attachment', `Upload the files first: ${missing.join(', ')}.`);
    const claim = {
      owner: idempotencyOwner({ user: p.userId }),
      key: idempotencyKey,
      request: JSON.stringify({ planId, targetId, input }),
      order: 'first' as const,
    };
    await withIdempotency(this.db, claim, async (trx) => {
      const store = new InspectionsStore(trx);
      const target = await store.target(planId, targetId);
      if (!target) throw new NotFound('inspection_target_not_found', 'No such target in this plan.');
      if (target.result !== null)
        throw new Conflict('result_recorded', 'This target has its result already.');
      await store.updateTarget(targetId, {
        result: input.result,
        result_note: input.note,
        inspected_on: input.inspectedOn,
        photos: input.evidence,
        inspected_by: p.userId,
      });
      const safety = new SafetyStore(trx);
      if (input.result !== 'not_found') await safety.markInspected([target.place_id], input.inspectedOn);
      const place = await safety.place('', target.place_id);
      if (!place) throw new NotFound('place_not_found', 'The target’s place is gone.');
      const hazardIds: string[] = [];
      for (const [i, f] of input.findings.entries())
        hazardIds.push(
          await this.hazards.registerIn(trx, p, place, {
            class: f.class,
            grade: f.grade,
            majorLevel: f.grade === 'major' ? (f.majorLevel ?? 3) : null,
            foundBy: 'inspection',
            description: f.description,
            photos: input.evidence,
            deadline: deadlines[i] as Date,
            inspectionTargetId: targetId,
          }),
        );
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'inspection_target',
        entityId: targetId,
        after: input,
      });
      return { hazardIds };
    });
    return this.plan(p, planId);
  }
}
