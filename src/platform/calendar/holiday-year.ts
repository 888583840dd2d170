/**
 * A year of statutory holidays (法定节假日) and make-up working days (调休上班) as an administrator enters
 * it, and the checks that keep a contradictory year out of the calendar (pure).
 */

/** One day of a year's schedule, with the festival it belongs to (元旦, 春节 …). */
export interface HolidayDay {
  date: string;
  name: string;
}

export interface HolidayYear {
  year: number;
  /** Days off (放假). */
  holidays: HolidayDay[];
  /** Weekend days worked instead (调休上班). */
  workdays: HolidayDay[];
}

/** What is wrong with a year, named so the console can say it (the code is the i18n key). */
export interface YearProblem {
  code:
    | 'calendar_date_invalid'
    | 'calendar_date_outside_year'
    | 'calendar_day_twice'
    | 'calendar_day_both'
    | 'calendar_workday_not_weekend'
    | 'calendar_no_holidays';
  message: string;
  date?: string;
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `ymd` is a real calendar date written YYYY-MM-DD. */
export function isDate(ymd: string): boolean {
  const m = YMD.exec(ymd);
  if (!m) return false;
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}

/** Day of the week of a date, 0 = Sunday. */
export function weekday(ymd: string): number {
  return new Date(`${ymd}T00:00:00Z`).getUTCDay();
}

export function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first problem of a year, or null when it can go into the calendar. */
export function checkHolidayYear(y: HolidayYear): YearProblem | null {
  const seen = new Map<string, 'holiday' | 'workday'>();
  const all = [
    ...y.holidays.map((d) => ({ ...d, kind: 'holiday' as const })),
    ...y.workdays.map((d) => ({ ...d, kind: 'workday' as const })),
  ];
  for (const d of all) {
    if (!isDate(d.date))
      return {
        code: 'calendar_date_invalid',
        message: `"${d.date}" is not a date (YYYY-MM-DD).`,
        date: d.date,
      };
    if (!d.date.startsWith(`${y.year}-`))
      return {
        code: 'calendar_date_outside_year',
        message: `${d.date} is not in ${y.year}.`,
        date: d.date,
      };
    const before = seen.get(d.date);
    if (before === d.kind)
      return { code: 'calendar_day_twice', message: `${d.date} is listed twice.`, date: d.date };
    if (before)
      return {
        code: 'calendar_day_both',
        message: `${d.date} is both a holiday and a make-up working day.`,
        date: d.date,
      };
    seen.set(d.date, d.kind);
    const wd = weekday(d.date);
    if (d.kind === 'workday' && wd !== 0 && wd !== 6)
      return {
        code: 'calendar_workday_not_weekend',
        message: `${d.date} is a weekday already; a make-up working day (调休上班) falls on a weekend.`,
        date: d.date,
      };
  }
  if (y.holidays.length === 0)
    return { code: 'calendar_no_holidays', message: `No holidays were given for ${y.year}.` };
  return null;
}

/** The year with its days in date order, so equal schedules compare equal. */
export function normaliseYear(y: HolidayYear): HolidayYear {
  const byDate = (a: HolidayDay, b: HolidayDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  return {
    year: y.year,
    holidays: y.holidays.map((d) => ({ date: d.date, name: d.name.trim() })).sort(byDate),
    workdays: y.workdays.map((d) => ({ date: d.date, name: d.name.trim() })).sort(byDate),
  };
}

/** Whether two entries of a year say the same days off and on (names may differ). */
export function sameSchedule(a: HolidayYear, b: HolidayYear): boolean {
  const days = (y: HolidayYear) => {
    const n = normaliseYear(y);
    return `${n.holidays.map((d) => d.date).join(',')}|${n.workdays.map((d) => d.date).join(',')}`;
  };
  return a.year === b.year && days(a) === days(b);
}
