/**
 * The installation's working calendar as one value (pure): the years administrators entered on top of
 * `chinese-days`, the duty hours of each district, the working calendar of each district, and the last
 * date it knows the holidays of (coveredUntil). Immutable: a change builds a new book.
 */
import chineseDays from 'chinese-days';
import type { HolidayYear } from './holiday-year.js';
import { createWorkingCalendar, localDate, type TimeUnit, type WorkingCalendar } from './working-time.js';

/** What the book is made of (administrators' entries and the per-district duty hours). */
export interface CalendarData {
  years: readonly HolidayYear[];
  /** Duty hours per district code (6 digits), `HH:MM-HH:MM` periods; others use the default. */
  dutyHours: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_CALENDAR: CalendarData = { years: [], dutyHours: {} };

/**
 * The last year `chinese-days` knows the holidays of: a year it knows has weekdays off (every year has
 * 元旦 or 春节 on some weekday); for a year it does not, it only knows weekends.
 */
function builtInLastYear(): number {
  const knowsYear = (y: number) =>
    chineseDays.getHolidaysInRange(`${y}-01-01`, `${y}-12-31`, false).length > 0;
  let y = 2024;
  while (knowsYear(y + 1) && y < 2200) y++;
  return y;
}

export const BUILT_IN_LAST_YEAR = builtInLastYear();

/** From this month on (November), a calendar missing next year's holidays is worth a warning. */
export const WARN_FROM_MONTH = 11;

export class CalendarBook {
  /** The last date whose holidays are known: built-in years, then entered years that follow on. */
  readonly coveredUntil: string;
  private readonly calendars = new Map<string, WorkingCalendar>();
  private readonly defaultCalendar: WorkingCalendar;

  /** Throws RangeError on malformed duty hours, so a bad setting stops the start loudly. */
  constructor(readonly data: CalendarData = EMPTY_CALENDAR) {
    const years = data.years;
    this.defaultCalendar = createWorkingCalendar({ years });
    for (const [district, hours] of Object.entries(data.dutyHours)) {
      this.calendars.set(district, createWorkingCalendar({ dutyHours: hours, years }));
    }
    const entered = new Set(years.map((y) => y.year));
    let last = BUILT_IN_LAST_YEAR;
    while (entered.has(last + 1)) last++;
    this.coveredUntil = `${last}-12-31`;
  }

  /** The working calendar of the district of an area code (its first 6 digits). */
  calendarFor(areaCode: string): WorkingCalendar {
    return this.calendars.get(areaCode.slice(0, 6)) ?? this.defaultCalendar;
  }

  /**
   * A deadline counted in working time past the last date whose holidays are known is provisional
   * (暂定): holidays still to be announced may move it.
   */
  isProvisional(dueAt: Date | null, unit: TimeUnit | string | null): boolean {
    if (!dueAt || (unit !== 'work_day' && unit !== 'work_hour')) return false;
    return localDate(dueAt) > this.coveredUntil;
  }

  /** Next year as seen at `now` (local time), and whether, from November on, its holidays are missing. */
  nextYear(now: Date): { year: number; missing: boolean } {
    const today = localDate(now);
    const year = Number(today.slice(0, 4)) + 1;
    const month = Number(today.slice(5, 7));
    return { year, missing: month >= WARN_FROM_MONTH && this.coveredUntil < `${year}-12-31` };
  }
}
