/**
 * Plan activation (预案启动): a plan's steps become the action plan's tasks, one per step, for the unit the
 * step names, due a number of minutes after activation. Emergencies run around the clock, so the
 * deadlines are clock time, never working time (the calendar's 调休 and duty hours do not apply). Pure.
 */

export interface PlanStep {
  title: string;
  unitId: string;
  /** Minutes after activation by which the step must be done. */
  dueMinutes: number;
  resources: { name: string; quantity: number }[];
}

export interface ActionTask {
  stepNo: number;
  title: string;
  unitId: string;
  dueAt: Date;
  resources: { name: string; quantity: number }[];
}

/** One task per step, numbered from 1 in the plan's order, due `dueMinutes` after `activatedAt`. */
export function actionTasks(steps: readonly PlanStep[], activatedAt: Date): ActionTask[] {
  return steps.map((s, i) => ({
    stepNo: i + 1,
    title: s.title,
    unitId: s.unitId,
    dueAt: new Date(activatedAt.getTime() + s.dueMinutes * 60_000),
    resources: s.resources.map((r) => ({ ...r })),
  }));
}

/** A plan may run on an incident of its type whose level is at least as severe as the plan's. */
export function planFits(
  plan: { type: string; level: number; areaCode: string },
  incident: { type: string; level: number; areaCode: string },
): boolean {
  return (
    plan.type === incident.type && incident.level <= plan.level && incident.areaCode.startsWith(plan.areaCode)
  );
}
