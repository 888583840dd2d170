/**
 * Plans (预案) at district, street and community level, per incident type and level, versioned; their
 * activation on an incident (启动预案) as an action plan — one task per step, clock-time deadlines — and
 * the tasks tracked to done.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import { lockName } from '../../platform/db/locks.js';
import type { DB } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { notify } from '../notifications/notifications.service.js';
import type { PlanCreateT } from './emergency.schemas.js';
import { EmergencyStore, type PlanRow } from './emergency.store.js';
import { INCIDENT_TYPES, type IncidentType, planTier } from './incident-rules.js';
import {
  appendIncidentEvent,
  bump,
  type Incidents,
  requireOpen,
  type UnitDirectory,
} from './incidents.service.js';
import { actionTasks, planFits } from './plan-activation.js';

/** Roles that command an incident: they may complete any of its tasks, not only their own unit's. */
const COMMAND_ROLES = ['shift_lead', 'leader', 'admin'] as const;

/** A plan is seen by the scope it was made in and by the areas below it (a street runs the district's plans). */
function planVisible(scope: string, areaCode: string): boolean {
  return areaCode.startsWith(scope) || scope.startsWith(areaCode);
}

function toPlan(r: PlanRow) {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    name: r.name,
    areaCode: r.area_code,
    tier: planTier(r.area_code) ?? 'district',
    type: (INCIDENT_TYPES as readonly string[]).includes(r.type) ? (r.type as IncidentType) : 'accident',
    level: r.level,
    steps: r.steps,
    createdAt: r.created_at.toISOString(),
  };
}

export class Plans {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly incidents: Incidents,
    private readonly places: { areaExists(code: string): Promise<boolean> },
    private readonly units: UnitDirectory,
  ) {}

  async list(p: Principal) {
    return (await new EmergencyStore(this.db).latestPlans(p.scope)).map(toPlan);
  }

  /** One version of a plan, if the caller sees it. */
  async get(p: Principal, id: string) {
    const row = await new EmergencyStore(this.db).planById(id);
    if (!row || !planVisible(p.scope, row.area_code))
      throw new NotFound('emergency_plan_not_found', 'The plan does not exist or is outside your scope.');
    return toPlan(row);
  }

  /** 编制预案: version 1 of a new plan code, made in the caller's own area. */
  async create(p: Principal, input: PlanCreateT) {
    await this.checkPlan(p, input);
    return this.db.transaction().execute(async (trx) => {
      const store = new EmergencyStore(trx);
      await lockName(trx, 'emergency_plan', input.code);
      if (await store.latestPlan(input.code))
        throw new Conflict('duplicate', `Plan ${input.code} exists already.`);
      const row = await store.insertPlan({ ...input, version: 1 });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'emergency_plan',
        entityId: row.id,
        after: toPlan(row),
      });
      return toPlan(row);
    });
  }

  /** 修订预案: a new version; the earlier ones stay as they were for the incidents that ran them. */
  async revise(p: Principal, code: string, input: Omit<PlanCreateT, 'code'>) {
    await this.checkPlan(p, input);
    return this.db.transaction().execute(async (trx) => {
      const store = new EmergencyStore(trx);
      await lockName(trx, 'emergency_plan', code);
      const latest = await store.latestPlan(code);
      if (!latest || !planVisible(p.scope, latest.area_code))
        throw new NotFound('emergency_plan_not_found', 'The plan does not exist or is outside your scope.');
      if (!latest.area_code.startsWith(p.scope))
        throw new Forbidden('scope_outside', 'The plan belongs to an area above yours.');
      const row = await store.insertPlan({ ...input, code, version: latest.version + 1 });
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'emergency_plan',
        entityId: row.id,
        before: toPlan(latest),
        after: toPlan(row),
      });
      return toPlan(row);
    });
  }

  /**
   * 启动预案: the plan version becomes the incident's action plan — one task per step for the step's unit,
   * due `dueMinutes` of clock time after now — and the units hear of it. A plan still active on the
   * incident is not started twice (409).
   */
  async activate(p: Principal, incidentId: string, planId: string) {
    const plan = await new EmergencyStore(this.db).planById(planId);
    if (!plan || !planVisible(p.scope, plan.area_code))
      throw new NotFound('emergency_plan_not_found', 'The plan does not exist or is outside your scope.');
    await this.incidents.mutate(p, incidentId, async (store, trx, row, at) => {
      requireOpen(row);
      if (!planFits({ ...plan, areaCode: plan.area_code }, { ...row, areaCode: row.area_code }))
        throw new Invalid(
          'plan_does_not_fit',
          'The plan is for another type, a more severe level or another area.',
          {
            planType: plan.type,
            planLevel: plan.level,
          },
        );
      await bump(store, row, {}, at);
      const active = await store.activeActivation(row.id, plan.code);
      if (active)
        throw new Conflict('plan_active', `Plan ${plan.code} is already running on this incident.`, {
          version: active.plan_version,
        });
      const activation = await store.insertActivation({
        incidentId: row.id,
        planId: plan.id,
        planCode: plan.code,
        planVersion: plan.version,
        activatedAt: at,
        activatedBy: p.userId,
      });
      const tasks = actionTasks(plan.steps, at);
      await store.insertTasks(tasks.map((t) => ({ ...t, activationId: activation.id, incidentId: row.id })));
      await appendIncidentEvent(store, row.id, p, 'plan_activated', at, null, {
        planId: plan.id,
        planCode: plan.code,
        planVersion: plan.version,
        tasks: tasks.length,
      });
      await notify(
        trx,
        tasks.map((t) => ({
          unitId: t.unitId,
          kind: 'incident_task',
          message: `突发事件 ${row.number}「${row.title}」启动预案「${plan.name}」：${t.title}，限 ${t.dueAt.toISOString()} 前完成`,
          ref: `incident-task:${activation.id}:${t.stepNo}`,
        })),
      );
    });
    return this.incidents.detail(p, incidentId);
  }

  /** A task done: by its unit's staff, or by those commanding the incident. The plan is done with its last task. */
  async completeTask(p: Principal, taskId: string) {
    const task = await new EmergencyStore(this.db).taskById(taskId);
    if (!task) throw new NotFound('task_not_found', 'The task does not exist or is outside your scope.');
    await this.incidents.visible(p, task.incident_id).catch(() => {
      throw new NotFound('task_not_found', 'The task does not exist or is outside your scope.');
    });
    const commands = p.roles.some((r) => (COMMAND_ROLES as readonly string[]).includes(r));
    if (task.unit_id !== p.unitId && !commands)
      throw new Forbidden('forbidden', "Only the task's unit or the incident's command may complete it.");
    await this.incidents.mutate(p, task.incident_id, async (store, _trx, row, at) => {
      requireOpen(row);
      if (!(await store.markTaskDone(task.id, p.userId, at)))
        throw new Conflict('task_done', 'The task is done already.');
      await bump(store, row, {}, at);
      await appendIncidentEvent(store, row.id, p, 'task_done', at, null, {
        taskId: task.id,
        title: task.title,
      });
      if (await store.finishActivationIfDone(task.activation_id))
        await appendIncidentEvent(store, row.id, p, 'plan_completed', at, null, {
          activationId: task.activation_id,
        });
    });
    return this.incidents.detail(p, task.incident_id);
  }

  /** A plan is made in the caller's area; its steps name active units within the caller's reach. */
  private async checkPlan(p: Principal, input: Omit<PlanCreateT, 'code'>): Promise<void> {
    if (!input.areaCode.startsWith(p.scope))
      throw new Forbidden('scope_outside', 'A plan is made for an area inside your scope.');
    if (!(await this.places.areaExists(input.areaCode)))
      throw new Invalid('area_not_found', `Area ${input.areaCode} does not exist.`);
    const ids = [...new Set(input.steps.map((s) => s.unitId))];
    const found = await this.units.activeUnits(ids);
    const unknown = ids.filter((id) => !found.some((u) => u.id === id));
    if (unknown.length)
      throw new Invalid('unknown_unit', 'A step names a unit that does not exist.', { unitIds: unknown });
    const outside = found.filter((u) => !unitInScope(p.scope, u.areaCode));
    if (outside.length)
      throw new Forbidden('scope_outside', 'A step names a unit outside your reach.', {
        unitIds: outside.map((u) => u.id),
      });
  }
}
