/**
 * The rules of supervision (督查督办), pure: where a task should be by a date, the traffic light of a
 * task, when its monthly report is due, the report section a figure stands in, and whether a target
 * was met at the year-end account (年底交账).
 */
import type { Milestone } from '../../platform/db/schema.js';

export type Rag = 'green' | 'yellow' | 'red';

/** A task behind its plan by more than this many percentage points is red; less, yellow. */
export const RED_GAP = 20;

export interface TaskPlan {
  startsOn: string;
  deadline: string;
  milestones: readonly Milestone[];
}

/**
 * Planned progress (0–100) on `today` (YYYY-MM-DD): the latest milestone reached (节点), or — with no
 * milestones — a straight line from the start to the deadline. 100 from the deadline on.
 */
export function plannedProgress(plan: TaskPlan, today: string): number {
  if (today >= plan.deadline) return 100;
  if (today < plan.startsOn) return 0;
  if (plan.milestones.length > 0) {
    const reached = plan.milestones.filter((m) => m.due <= today).map((m) => m.progress);
    return reached.length ? Math.max(...reached) : 0;
  }
  const span = days(plan.startsOn, plan.deadline);
  return span <= 0 ? 100 : Math.floor((100 * days(plan.startsOn, today)) / span);
}

function days(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/** The month a report is due for on `today`, and the day it is due (monthly, by `reportDay`). */
export function reportDue(today: string, reportDay: number): { period: string; dueOn: string } {
  const period = today.slice(0, 7);
  return { period, dueOn: `${period}-${String(reportDay).padStart(2, '0')}` };
}

/** Whether a day (YYYY-MM-DD) is a working day; the default counts every day. */
export type WorkingDayTest = (day: string) => boolean;
const EVERY_DAY: WorkingDayTest = () => true;

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The last day a month's report is accepted on time (报送截止日): the report day of that month, moved
 * to the next working day when it falls on a weekend or holiday (国庆 moves 10-05 to 10-08).
 */
export function reportDeadline(
  period: string,
  reportDay: number,
  isWorkingDay: WorkingDayTest = EVERY_DAY,
): string {
  let day = `${period}-${String(reportDay).padStart(2, '0')}`;
  for (let i = 0; i < 40 && !isWorkingDay(day); i++) day = nextDay(day);
  return day;
}

/** The month after `period` (YYYY-MM). */
export function nextPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The months in a row, latest last, whose report deadline passed before `today` with no report: those
 * after the latest month reported (or from the task's first month). Nothing is owed once a report says 100.
 */
export function missedReports(
  plan: Pick<TaskPlan, 'startsOn' | 'deadline'>,
  reports: readonly { period: string; progress: number }[],
  today: string,
  reportDay: number,
  isWorkingDay: WorkingDayTest = EVERY_DAY,
): string[] {
  if (reports.some((r) => r.progress >= 100)) return [];
  const reported = new Set(reports.map((r) => r.period));
  const last = plan.deadline.slice(0, 7);
  const due: string[] = [];
  for (let p = plan.startsOn.slice(0, 7); p <= last; p = nextPeriod(p)) {
    if (today <= reportDeadline(p, reportDay, isWorkingDay)) break;
    due.push(p);
  }
  // A report for a later month (filed early) means the unit is reporting: only months after it count.
  const latest = [...reported].sort().at(-1) ?? '';
  return due.filter((p) => p > latest);
}

/** Missed monthly reports in a row that turn a task red (one turns it yellow). */
export const RED_MISSED = 2;

export interface TaskStatus {
  status: Rag;
  planned: number;
  actual: number;
  /** done | on_track | behind | overdue | report_late | reports_missed */
  reason: string;
  reportLate: boolean;
  /** Months in a row whose report deadline passed with no report (see `missedReports`). */
  missedReports: number;
}

/**
 * Green: done, or on plan with its reports in. Yellow: behind by up to RED_GAP points, or one monthly
 * report missed (at its deadline, in working days). Red: behind by more, RED_MISSED reports missed in a
 * row, or past the deadline and not done.
 */
export function taskStatus(
  plan: TaskPlan,
  reports: readonly { period: string; progress: number }[],
  today: string,
  reportDay: number,
  isWorkingDay: WorkingDayTest = EVERY_DAY,
): TaskStatus {
  const latest = [...reports].sort((a, b) => a.period.localeCompare(b.period)).at(-1);
  const actual = latest?.progress ?? 0;
  const planned = plannedProgress(plan, today);
  const missed = actual >= 100 ? 0 : missedReports(plan, reports, today, reportDay, isWorkingDay).length;
  const reportLate = missed > 0;
  const base = { planned, actual, reportLate, missedReports: missed };
  if (actual >= 100) return { ...base, status: 'green', reason: 'done' };
  if (today > plan.deadline) return { ...base, status: 'red', reason: 'overdue' };
  const gap = planned - actual;
  if (gap > RED_GAP) return { ...base, status: 'red', reason: 'behind' };
  if (missed >= RED_MISSED) return { ...base, status: 'red', reason: 'reports_missed' };
  if (gap > 0) return { ...base, status: 'yellow', reason: 'behind' };
  return reportLate
    ? { ...base, status: 'yellow', reason: 'report_late' }
    : { ...base, status: 'green', reason: 'on_track' };
}

/** The worst of several lights (a unit's or a section's tasks). */
export function worst(statuses: readonly Rag[]): Rag | null {
  if (statuses.length === 0) return null;
  return statuses.includes('red') ? 'red' : statuses.includes('yellow') ? 'yellow' : 'green';
}

/** Words that make a smaller outcome the better one ("下降3%", "控制在4.5%以内"). */
const LOWER_IS_BETTER = /下降|降低|减少|压缩|控制|以内|不超过|不高于/;

/** 年底交账: whether an outcome meets a target, or null while nothing has been reported. */
export function targetMet(
  target: { measure: string | null; value: number; value_max: number | null; quote: string },
  outcome: number | null,
): boolean | null {
  if (outcome === null) return null;
  const lower = LOWER_IS_BETTER.test(`${target.measure ?? ''}${target.quote}`);
  return lower ? outcome <= (target.value_max ?? target.value) : outcome >= target.value;
}

const HEADING = /^[ \t\u3000]*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)[^\n]*/gm;

/** The top-level headings of a report (一、… / 第一部分 …) with where they start. */
export function headings(text: string): { start: number; title: string }[] {
  return [...text.matchAll(HEADING)].map((m) => ({ start: m.index ?? 0, title: m[0].trim().slice(0, 60) }));
}

/** The section a position stands in: the last top-level heading before it, or '' before any. */
export function sectionAt(outline: readonly { start: number; title: string }[], offset: number): string {
  let title = '';
  for (const h of outline) {
    if (h.start > offset) break;
    title = h.title;
  }
  return title;
}

/** A unit's reporting record: reports due so far, those in by their (working-day) deadline, and claims
 * of 100% with no evidence attached (a quality flag). */
export interface ReportingRecord {
  due: number;
  onTime: number;
  /** onTime / due, or null while nothing was due. */
  onTimeRate: number | null;
  unevidencedDone: number;
}

/**
 * The reporting record of one unit over its tasks: each month whose deadline has passed (up to the
 * month a report said 100) is due; it is on time when its report was filed by the deadline day.
 */
export function reportingRecord(
  tasks: readonly { plan: Pick<TaskPlan, 'startsOn' | 'deadline'>; reportDay: number }[],
  reports: readonly {
    taskIndex: number;
    period: string;
    progress: number;
    filedOn: string;
    evidence: readonly string[];
  }[],
  today: string,
  isWorkingDay: WorkingDayTest = EVERY_DAY,
): ReportingRecord {
  let due = 0;
  let onTime = 0;
  tasks.forEach((t, i) => {
    const mine = reports.filter((r) => r.taskIndex === i);
    const doneIn = mine
      .filter((r) => r.progress >= 100)
      .map((r) => r.period)
      .sort()[0];
    for (let p = t.plan.startsOn.slice(0, 7); p <= t.plan.deadline.slice(0, 7); p = nextPeriod(p)) {
      if (doneIn !== undefined && p > doneIn) break;
      const deadline = reportDeadline(p, t.reportDay, isWorkingDay);
      const report = mine.find((r) => r.period === p);
      if (today <= deadline && !report) break;
      due++;
      if (report && report.filedOn <= deadline) onTime++;
    }
  });
  const unevidencedDone = reports.filter((r) => r.progress >= 100 && r.evidence.length === 0).length;
  return { due, onTime, onTimeRate: due === 0 ? null : onTime / due, unevidencedDone };
}
