/**
 * What the jobs do when a step's clock reaches a mark: warn the unit (yellow), mark it overdue (red),
 * escalate to the command centre, and remind summoned units that have not reported in. A job whose
 * step has moved on (the case was signed, returned, closed …) does nothing.
 */
import type { Transaction } from 'kysely';
import type { TimeUnit } from '../../platform/calendar/working-time.js';
import type { DB } from '../../platform/db/schema.js';
import { enqueueJobs, type JobHandler } from '../../platform/jobs/jobs.js';
import { type Cases, type DeadlineMark, notify, SYSTEM_ACTOR, SYSTEM_EVENT_ACTOR } from './cases.service.js';
import { FINAL_STATES } from './workflow.js';

async function currentStep(trx: Transaction<DB>, payload: Record<string, unknown>) {
  const row = await trx
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', String(payload.caseId))
    .forUpdate()
    .executeTakeFirst();
  if (!row || (FINAL_STATES as readonly string[]).includes(row.state) || row.state === 'suspended')
    return null;
  return row.step_started_at?.toISOString() === payload.stepStartedAt ? row : null;
}

async function commandCentre(trx: Transaction<DB>, areaCode: string): Promise<string | null> {
  const unit = await trx
    .selectFrom('units')
    .select('id')
    .where('type', '=', 'command_center')
    .where('area_code', '=', areaCode.slice(0, 6))
    .executeTakeFirst();
  return unit?.id ?? null;
}

export function caseJobHandlers(cases: Cases): Record<string, JobHandler> {
  return {
    deadline: async (trx, payload, now) => {
      const row = await currentStep(trx, payload);
      if (!row) return;
      const mark = payload.mark as DeadlineMark;
      if (mark === 'escalate') {
        await cases.apply(
          trx,
          row,
          { type: 'escalate', note: '超时升级' },
          SYSTEM_ACTOR,
          SYSTEM_EVENT_ACTOR,
          null,
          now,
        );
        const centre = await commandCentre(trx, row.area_code);
        if (centre) await notify(trx, centre, row.id, 'escalated', `超时升级：${row.number} ${row.title}`);
        return;
      }
      const unit = row.assigned_unit_id ?? (await commandCentre(trx, row.area_code));
      const label = mark === 'warning' ? '即将超时' : '已超时';
      if (unit) await notify(trx, unit, row.id, mark, `${label}：${row.number} ${row.title}`);
      const clock = {
        dueAt: row.due_at,
        stepStartedAt: row.step_started_at,
        stepUnit: row.step_unit as TimeUnit | null,
      };
      const next = cases.nextMark(row.area_code, clock, mark);
      if (next)
        await enqueueJobs(trx, [
          { type: 'deadline', runAt: next.at, payload: { ...payload, mark: next.mark } },
        ]);
    },
    whistle_due: async (trx, payload) => {
      const row = await trx
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', String(payload.caseId))
        .executeTakeFirst();
      for (const u of row?.whistle?.units ?? []) {
        if (row && !u.reportedAt)
          await notify(trx, u.unitId, row.id, 'whistle_late', `吹哨报到超时：${row.number} ${row.title}`);
      }
    },
  };
}
