/** The traffic light of a step's clock and the moments the jobs act on it (pure). */
import {
  addTimeLimit,
  elapsedFraction,
  type TimeUnit,
  type WorkingCalendar,
  workingMsBetween,
} from '../../platform/calendar/working-time.js';

/** Yellow once this share of the step's time is used up (黄灯预警). */
export const WARN_FRACTION = 0.8;

export type DeadlineLevel = 'none' | 'green' | 'yellow' | 'red';

export interface Clock {
  startedAt: Date | null;
  dueAt: Date | null;
  unit: TimeUnit | null;
}

export function deadlineLevel(clock: Clock, now: Date, cal: WorkingCalendar): DeadlineLevel {
  const { startedAt, dueAt, unit } = clock;
  if (!dueAt || !startedAt || !unit) return 'none';
  if (now >= dueAt) return 'red';
  return elapsedFraction(startedAt, dueAt, now, unit, cal) >= WARN_FRACTION ? 'yellow' : 'green';
}

/** The instant `fraction` of the step's time has passed, counted in the step's own kind of time. */
export interface RunningClock {
  startedAt: Date;
  dueAt: Date;
  unit: TimeUnit;
}

export function pointInStep(clock: RunningClock, fraction: number, cal: WorkingCalendar): Date {
  const { startedAt, dueAt, unit } = clock;
  if (unit === 'natural_hour' || unit === 'natural_day') {
    return new Date(startedAt.getTime() + fraction * (dueAt.getTime() - startedAt.getTime()));
  }
  const dutyHours = (fraction * workingMsBetween(startedAt, dueAt, cal)) / 3_600_000;
  return addTimeLimit(startedAt, { value: dutyHours, unit: 'work_hour' }, cal);
}

/** Escalation (升级) after this multiple of a step's time limit, unless the settings say otherwise. */
export const DEFAULT_ESCALATE_MULTIPLE = 2;

/** The three marks of a step's clock: yellow warning, red at the due time, escalation. */
export type DeadlineMark = 'warning' | 'overdue' | 'escalate';

/** The clock mark after `after` (null: the first), and when it falls; null when the step has no clock. */
export function nextMark(
  clock: { dueAt: Date | null; stepStartedAt: Date | null; stepUnit: TimeUnit | null },
  after: DeadlineMark | null,
  cal: WorkingCalendar,
  escalateMultiple: number,
): { mark: DeadlineMark; at: Date } | null {
  const { dueAt, stepStartedAt, stepUnit } = clock;
  if (!dueAt || !stepStartedAt || !stepUnit) return null;
  const running = { startedAt: stepStartedAt, dueAt, unit: stepUnit };
  switch (after) {
    case null:
      return { mark: 'warning', at: pointInStep(running, WARN_FRACTION, cal) };
    case 'warning':
      return { mark: 'overdue', at: dueAt };
    case 'overdue':
      return { mark: 'escalate', at: pointInStep(running, escalateMultiple, cal) };
    case 'escalate':
      return null;
  }
}
