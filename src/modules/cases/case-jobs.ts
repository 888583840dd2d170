/**
 * What the jobs do when a step's clock reaches a mark: warn the unit (yellow), mark it overdue (red),
 * escalate to the command centre, and remind summoned units that have not reported in. A job whose
 * step has moved on (the case was signed, returned, closed …) does nothing.
 */
import type { TimeUnit } from '../../platform/calendar/working-time.js';
import type { Db } from '../../platform/db/store.js';
import { enqueueJobs, type JobHandler } from '../../platform/jobs/jobs.js';
import { notify } from '../notifications/notifications.service.js';
import { unitOfType } from '../org/org.service.js';
import { SYSTEM_CASE_ACTOR } from './case-actor.js';
import type { Cases } from './cases.service.js';
import { CasesStore } from './cases.store.js';
import type { DeadlineMark } from './deadlines.js';
import { FINAL_STATES } from './workflow.js';

const PREVIOUS_MARK: Record<DeadlineMark, DeadlineMark | null> = {
  warning: null,
  overdue: 'warning',
  escalate: 'overdue',
};

async function currentStep(trx: Db, payload: Record<string, unknown>) {
  const row = await new CasesStore(trx).caseById(String(payload.caseId), { lock: true });
  if (!row || (FINAL_STATES as readonly string[]).includes(row.state) || row.state === 'suspended')
    return null;
  return row.step_started_at?.toISOString() === payload.stepStartedAt ? row : null;
}

/** The district's command centre (指挥中心), whoever is active. */
function commandCentre(trx: Db, areaCode: string): Promise<string | null> {
  return unitOfType(trx, 'command_center', areaCode.slice(0, 6));
}

export function caseJobHandlers(cases: Cases): Record<string, JobHandler> {
  return {
    deadline: async (trx, payload, now) => {
      const row = await currentStep(trx, payload);
      if (!row) return;
      const mark = payload.mark as DeadlineMark;
      const clock = {
        dueAt: row.due_at,
        stepStartedAt: row.step_started_at,
        stepUnit: row.step_unit as TimeUnit | null,
      };
      // A calendar change may have moved the due time later: the mark then waits for its new moment.
      const due = cases.engine.nextMark(row.area_code, clock, PREVIOUS_MARK[mark]);
      if (due && due.mark === mark && due.at > now) {
        await enqueueJobs(trx, [{ type: 'deadline', runAt: due.at, payload }]);
        return;
      }
      if (mark === 'escalate') {
        await cases.transitions.apply(
          trx,
          row,
          { type: 'escalate', note: '超时升级' },
          SYSTEM_CASE_ACTOR,
          null,
          now,
        );
        const centre = await commandCentre(trx, row.area_code);
        if (centre)
          await notify(trx, [
            {
              unitId: centre,
              caseId: row.id,
              kind: 'escalated',
              params: { number: row.number, title: row.title },
            },
          ]);
        return;
      }
      const unit = row.assigned_unit_id ?? (await commandCentre(trx, row.area_code));
      if (unit)
        await notify(trx, [
          {
            unitId: unit,
            caseId: row.id,
            kind: mark,
            params: { number: row.number, title: row.title },
          },
        ]);
      const next = cases.engine.nextMark(row.area_code, clock, mark);
      if (next)
        await enqueueJobs(trx, [
          { type: 'deadline', runAt: next.at, payload: { ...payload, mark: next.mark } },
        ]);
    },
    whistle_due: async (trx, payload) => {
      const row = await new CasesStore(trx).caseById(String(payload.caseId));
      for (const u of row?.whistle?.units ?? []) {
        if (row && !u.reportedAt)
          await notify(trx, [
            {
              unitId: u.unitId,
              caseId: row.id,
              kind: 'whistle_late',
              params: { number: row.number, title: row.title },
            },
          ]);
      }
    },
  };
}
