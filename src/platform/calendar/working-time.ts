/**
 * Working-time arithmetic (工作时/工作日) over China's statutory holidays and make-up working days (调休),
 * from the maintained `chinese-days` package. Pure: the clock is always an argument.
 * Time zone: Asia/Shanghai, a fixed UTC+8 (China has had no daylight saving since 1991).
 */
import chineseDays from 'chinese-days';
import { type HolidayYear, weekday } from './holiday-year.js';

export type TimeUnit = 'work_hour' | 'work_day' | 'natural_hour' | 'natural_day';
export interface TimeLimit {
  value: number;
  unit: TimeUnit;
}

/** A daily duty period in minutes after local midnight, e.g. 08:30 → 510. */
export interface DutyPeriod {
  start: number;
  end: number;
}

export interface WorkingCalendar {
  duty: readonly DutyPeriod[];
  isWorkingDay(ymd: string): boolean;
}

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export const DEFAULT_DUTY_HOURS = ['08:30-12:00', '13:30-17:30'];

/** Parses `HH:MM-HH:MM` periods; throws on overlaps or nonsense so a bad district setting fails at start. */
export function parseDutyHours(periods: readonly string[]): DutyPeriod[] {
  const parsed = periods.map((p) => {
    const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(p.trim());
    if (!m) throw new RangeError(`duty period "${p}" is not HH:MM-HH:MM`);
    const [, h1, m1, h2, m2] = m.map(Number) as [number, number, number, number, number];
    const start = h1 * 60 + m1;
    const end = h2 * 60 + m2;
    if (start >= end || end > 24 * 60) throw new RangeError(`duty period "${p}" is empty or past midnight`);
    return { start, end };
  });
  parsed.sort((a, b) => a.start - b.start);
  for (let i = 1; i < parsed.length; i++) {
    if ((parsed[i] as DutyPeriod).start < (parsed[i - 1] as DutyPeriod).end)
      throw new RangeError('duty periods overlap');
  }
  if (parsed.length === 0) throw new RangeError('at least one duty period is needed');
  return parsed;
}

/**
 * A calendar: statutory working days from `chinese-days`, or, for a year an administrator entered
 * (`years`), from that entry alone — its holidays off, its make-up days on, other days Monday to Friday;
 * then a district's own overrides (`{'2026-06-01': false}` for an extra day off, `true` for an extra
 * working day).
 */
export function createWorkingCalendar(
  opts: {
    dutyHours?: readonly string[];
    overrides?: Readonly<Record<string, boolean>>;
    years?: readonly HolidayYear[];
  } = {},
): WorkingCalendar {
  const duty = parseDutyHours(opts.dutyHours ?? DEFAULT_DUTY_HOURS);
  const cache = new Map<string, boolean>();
  const entered = new Map<string, Map<string, boolean>>();
  for (const y of opts.years ?? []) {
    const days = new Map<string, boolean>();
    for (const d of y.holidays) days.set(d.date, false);
    for (const d of y.workdays) days.set(d.date, true);
    entered.set(String(y.year), days);
  }
  return {
    duty,
    isWorkingDay(ymd) {
      const override = opts.overrides?.[ymd];
      if (override !== undefined) return override;
      const year = entered.get(ymd.slice(0, 4));
      if (year) {
        const wd = weekday(ymd);
        return year.get(ymd) ?? (wd !== 0 && wd !== 6);
      }
      let v = cache.get(ymd);
      if (v === undefined) {
        v = chineseDays.isWorkday(ymd);
        cache.set(ymd, v);
      }
      return v;
    },
  };
}

/** Local (UTC+8) calendar date of an instant, as YYYY-MM-DD. */
export function localDate(t: Date | number): string {
  return new Date(+t + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of local midnight starting the day that contains `t`. */
function localMidnight(t: number): number {
  return Math.floor((t + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
}

export function isWorkingDay(t: Date, cal: WorkingCalendar): boolean {
  return cal.isWorkingDay(localDate(t));
}

/** Searching further than this for duty time means the calendar has none (a misconfiguration). */
const MAX_DAYS = 3_660;

/** The due time of a step that starts at `start` and has `limit` to finish. */
export function addTimeLimit(start: Date, limit: TimeLimit, cal: WorkingCalendar): Date {
  if (!Number.isFinite(limit.value) || limit.value < 0)
    throw new RangeError(`invalid time limit ${limit.value}`);
  const t0 = start.getTime();
  switch (limit.unit) {
    case 'natural_hour':
      return new Date(t0 + limit.value * 3_600_000);
    case 'natural_day':
      return new Date(t0 + limit.value * DAY_MS);
    case 'work_hour':
      return addDutyMs(t0, limit.value * 60 * MINUTE_MS, cal);
    case 'work_day':
      return addWorkingDays(t0, limit.value, cal);
    default: {
      const never: never = limit.unit;
      throw new RangeError(`unknown unit ${String(never)}`);
    }
  }
}

/** Walks duty periods from `t0`, consuming `ms` of duty time; time outside duty does not count. */
function addDutyMs(t0: number, ms: number, cal: WorkingCalendar): Date {
  let remaining = ms;
  let day = localMidnight(t0);
  for (let i = 0; i < MAX_DAYS; i++, day += DAY_MS) {
    if (!cal.isWorkingDay(localDate(day))) continue;
    for (const p of cal.duty) {
      const ps = day + p.start * MINUTE_MS;
      const pe = day + p.end * MINUTE_MS;
      const from = Math.max(ps, t0);
      if (from >= pe) continue;
      if (remaining <= pe - from) return new Date(from + remaining);
      remaining -= pe - from;
    }
  }
  throw new RangeError('no duty time found within ten years: check the calendar');
}

/**
 * N working days: the end of duty time on the N-th working day after the day the step started —
 * so a case signed for at 09:00 or at 17:00 on Monday with 1 working day is due Tuesday 17:30.
 * Counting whole days this way is how 工作日 limits are written in 立结案标准 and read by staff;
 * fractional days fall back to duty hours (0.5 working day = half a duty day).
 */
function addWorkingDays(t0: number, days: number, cal: WorkingCalendar): Date {
  const whole = Math.floor(days);
  const fraction = days - whole;
  const dutyPerDay = cal.duty.reduce((s, p) => s + p.end - p.start, 0);
  if (whole === 0) return addDutyMs(t0, fraction * dutyPerDay * MINUTE_MS, cal);
  let day = localMidnight(t0);
  let counted = 0;
  for (let i = 0; i < MAX_DAYS; i++) {
    day += DAY_MS;
    if (cal.isWorkingDay(localDate(day)) && ++counted === whole) {
      const endOfDuty = day + (cal.duty[cal.duty.length - 1] as DutyPeriod).end * MINUTE_MS;
      return fraction > 0
        ? addDutyMs(endOfDuty, fraction * dutyPerDay * MINUTE_MS, cal)
        : new Date(endOfDuty);
    }
  }
  throw new RangeError('no working day found within ten years: check the calendar');
}

/**
 * The due time a step would have under calendar `after`, given the due time it got under `before`: the
 * same amount of its own kind of time (N whole working days, or duty hours) counted again from its
 * start. Natural time does not depend on the calendar and is answered unchanged. Used when
 * administrators enter a year's holidays or change duty hours, so every open deadline tells the truth.
 */
export function recountDue(
  start: Date,
  due: Date,
  unit: TimeUnit,
  before: WorkingCalendar,
  after: WorkingCalendar,
): Date {
  if (unit === 'natural_hour' || unit === 'natural_day' || due <= start) return due;
  // A due time moved off duty (a resumed step shifts it by natural time) recounts to an equal one under
  // the same calendar; it changes only when the new calendar counts differently.
  const same = recount(start, due, unit, before, before);
  const moved = recount(start, due, unit, before, after);
  return same.getTime() === moved.getTime() ? due : moved;
}

function recount(
  start: Date,
  due: Date,
  unit: 'work_day' | 'work_hour',
  before: WorkingCalendar,
  after: WorkingCalendar,
): Date {
  if (unit === 'work_day') {
    // Whole working days when the due time is the end of duty of a working day after the start day.
    const dueDay = localMidnight(due.getTime());
    const endOfDuty = dueDay + (before.duty[before.duty.length - 1] as DutyPeriod).end * MINUTE_MS;
    if (endOfDuty === due.getTime() && before.isWorkingDay(localDate(dueDay))) {
      let n = 0;
      for (let d = localMidnight(start.getTime()) + DAY_MS; d <= dueDay; d += DAY_MS) {
        if (before.isWorkingDay(localDate(d))) n++;
      }
      if (n > 0) return addTimeLimit(start, { value: n, unit: 'work_day' }, after);
    }
  }
  return addDutyMs(start.getTime(), workingMsBetween(start, due, before), after);
}

/** Duty time between two instants, in milliseconds (0 when b ≤ a). */
export function workingMsBetween(a: Date, b: Date, cal: WorkingCalendar): number {
  const ta = a.getTime();
  const tb = b.getTime();
  if (tb <= ta) return 0;
  let total = 0;
  for (let day = localMidnight(ta); day < tb; day += DAY_MS) {
    if (!cal.isWorkingDay(localDate(day))) continue;
    for (const p of cal.duty) {
      const from = Math.max(ta, day + p.start * MINUTE_MS);
      const to = Math.min(tb, day + p.end * MINUTE_MS);
      if (to > from) total += to - from;
    }
  }
  return total;
}

/** How much of a step's time is used up at `now` (0…1+, counted in the limit's own kind of time). */
export function elapsedFraction(
  start: Date,
  due: Date,
  now: Date,
  unit: TimeUnit,
  cal: WorkingCalendar,
): number {
  const natural = unit === 'natural_hour' || unit === 'natural_day';
  const whole = natural ? due.getTime() - start.getTime() : workingMsBetween(start, due, cal);
  if (whole <= 0) return now >= due ? 1 : 0;
  const used = natural ? now.getTime() - start.getTime() : workingMsBetween(start, now, cal);
  return Math.max(0, used / whole);
}
