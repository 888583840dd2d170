/**
 * The monthly reporting duty as jobs (进度报送): a reminder to the lead unit two working days before a
 * month's report is due, and a check the moment its deadline (in working days, over the holiday
 * calendar) has passed — a missed month notifies the lead unit and the supervising unit (yellow), a
 * second missed month in a row says the task is red. Each check enqueues the next month's jobs; a job
 * whose task is done, gone or closed does nothing.
 */
import type { WorkingCalendar } from '../../platform/calendar/working-time.js';
import { localDate } from '../../platform/calendar/working-time.js';
import { enqueueJobs, type JobHandler, type NewJob } from '../../platform/jobs/jobs.js';
import { notify } from '../notifications/notifications.service.js';
import { unitOfType } from '../org/org.service.js';
import { missedReports, nextPeriod, RED_MISSED, reportDeadline } from './supervision.js';
import { TargetsStore } from './targets.store.js';

export const REPORT_REMINDER = 'target_report_reminder';
export const REPORT_CHECK = 'target_report_check';
/** Working days before the deadline when the lead unit is reminded. */
const REMIND_AHEAD = 2;

function dayAfter(day: string, by: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + by * 86_400_000).toISOString().slice(0, 10);
}

/** The working day `n` working days before `day` (or `day` itself for n = 0). */
function workingDaysBefore(day: string, n: number, cal: WorkingCalendar): string {
  let d = day;
  for (let left = n, guard = 0; left > 0 && guard < 60; guard++) {
    d = dayAfter(d, -1);
    if (cal.isWorkingDay(d)) left--;
  }
  return d;
}

export interface ReportDuty {
  taskId: string;
  period: string;
  reportDay: number;
  /** The unit that supervises the task (the assigning supervisor's), or null for the command centre. */
  supervisorUnitId: string | null;
}

/** The reminder and the check of one month's report. */
export function reportDutyJobs(duty: ReportDuty, cal: WorkingCalendar): NewJob[] {
  const deadline = reportDeadline(duty.period, duty.reportDay, (d) => cal.isWorkingDay(d));
  const payload = { ...duty };
  return [
    {
      type: REPORT_REMINDER,
      runAt: new Date(`${workingDaysBefore(deadline, REMIND_AHEAD, cal)}T09:00:00+08:00`),
      payload,
    },
    { type: REPORT_CHECK, runAt: new Date(`${dayAfter(deadline, 1)}T00:00:00+08:00`), payload },
  ];
}

function dutyOf(payload: Record<string, unknown>): ReportDuty {
  return {
    taskId: String(payload.taskId),
    period: String(payload.period),
    reportDay: Number(payload.reportDay),
    supervisorUnitId: typeof payload.supervisorUnitId === 'string' ? payload.supervisorUnitId : null,
  };
}

export function targetJobHandlers(cal: WorkingCalendar): Record<string, JobHandler> {
  const working = (d: string) => cal.isWorkingDay(d);
  async function load(trx: Parameters<JobHandler>[0], duty: ReportDuty) {
    const store = new TargetsStore(trx);
    const task = await store.task(duty.taskId);
    if (!task) return null;
    const doc = await store.documentOfTask(task.document_id);
    if (doc.closed_at) return null;
    const reports = await store.reportsOf([task.id]);
    if (reports.some((r) => r.progress >= 100)) return null;
    return { task, doc, reports };
  }
  return {
    [REPORT_REMINDER]: async (trx, payload, now) => {
      const duty = dutyOf(payload);
      const found = await load(trx, duty);
      if (!found || found.reports.some((r) => r.period === duty.period)) return;
      const deadline = reportDeadline(duty.period, duty.reportDay, working);
      if (localDate(now) > deadline) return; // too late to remind; the check speaks now
      await notify(trx, [
        {
          unitId: found.task.lead_unit_id,
          kind: 'progress_due',
          ref: `${found.task.id}:${duty.period}`,
          params: { title: found.task.title, period: duty.period, dueOn: deadline },
        },
      ]);
    },
    [REPORT_CHECK]: async (trx, payload, now) => {
      const duty = dutyOf(payload);
      const found = await load(trx, duty);
      if (!found) return;
      const { task, doc, reports } = found;
      const plan = { startsOn: task.starts_on, deadline: task.deadline };
      const missed = missedReports(plan, reports, localDate(now), doc.report_day, working);
      if (missed.includes(duty.period)) {
        const red = missed.length >= RED_MISSED;
        const supervisor =
          duty.supervisorUnitId ?? (await unitOfType(trx, 'command_center', doc.area_code.slice(0, 6)));
        const units = [...new Set([task.lead_unit_id, ...(supervisor ? [supervisor] : [])])];
        await notify(
          trx,
          units.map((unitId) => ({
            unitId,
            kind: red ? ('target_task_red' as const) : ('progress_missed' as const),
            ref: `${task.id}:${duty.period}`,
            params: {
              title: task.title,
              period: duty.period,
              count: String(missed.length),
              periods: missed.join(', '),
            },
          })),
        );
      }
      const next = nextPeriod(duty.period);
      if (next <= task.deadline.slice(0, 7))
        await enqueueJobs(trx, reportDutyJobs({ ...duty, period: next, reportDay: doc.report_day }, cal));
    },
  };
}
