/**
 * The working calendar (工作日历) administrators keep: each year's holidays and make-up working days
 * (entered, pasted from the State Council notice, or imported from an .ics file) and each district's duty
 * hours. Kept in the `calendar` installation setting; a change counts every open deadline again through
 * the cases module, in the same transaction, and is audited.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { inScope } from '../../platform/auth/roles.js';
import {
  BUILT_IN_LAST_YEAR,
  CalendarBook,
  type CalendarData,
} from '../../platform/calendar/calendar-book.js';
import { parseHolidayNotice } from '../../platform/calendar/holiday-notice.js';
import {
  checkHolidayYear,
  type HolidayYear,
  normaliseYear,
  sameSchedule,
} from '../../platform/calendar/holiday-year.js';
import { parseHolidayIcs } from '../../platform/calendar/ics.js';
import { DEFAULT_DUTY_HOURS, parseDutyHours } from '../../platform/calendar/working-time.js';
import { lockName } from '../../platform/db/locks.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { readSetting, writeSetting } from '../../platform/settings.js';
import type { CalendarParseBodyT, CalendarViewT, HolidayYearBodyT } from './calendar.schemas.js';

/** The installation setting that holds what administrators entered. */
export const CALENDAR_SETTINGS_KEY = 'calendar';

/** What administrators entered (the `calendar` setting); duty hours here win over the `cases` setting's. */
interface StoredCalendar {
  years: HolidayYear[];
  dutyHours: Record<string, string[]>;
}

/**
 * What the calendar needs of the cases module (`Cases` satisfies it): the calendar deadlines count in,
 * and counting them again inside this module's transaction.
 */
export interface DeadlineKeeper {
  readonly calendar: CalendarBook;
  adoptCalendar(book: CalendarBook): void;
  recomputeDeadlines(
    trx: Db,
    before: CalendarBook,
    after: CalendarBook,
    p: Principal,
    reason: string,
  ): Promise<{ checked: number; moved: readonly unknown[] }>;
}

async function readStored(db: Db): Promise<StoredCalendar> {
  const v = (await readSetting<Partial<StoredCalendar>>(db, CALENDAR_SETTINGS_KEY)) ?? {};
  return { years: v.years ?? [], dutyHours: v.dutyHours ?? {} };
}

function bookOf(stored: StoredCalendar, baseDutyHours: Readonly<Record<string, readonly string[]>>) {
  const data: CalendarData = { years: stored.years, dutyHours: { ...baseDutyHours, ...stored.dutyHours } };
  return new CalendarBook(data);
}

/**
 * The calendar as stored, for the composition root: build the cases module over it. Throws on a
 * malformed setting, so the start fails loudly.
 */
export async function loadCalendarBook(
  db: Db,
  baseDutyHours: Readonly<Record<string, readonly string[]>> = {},
): Promise<CalendarBook> {
  return bookOf(await readStored(db), baseDutyHours);
}

function invalidYear(y: HolidayYear): void {
  const problem = checkHolidayYear(y);
  if (problem)
    throw new Invalid(problem.code, problem.message, {
      year: y.year,
      ...(problem.date === undefined ? {} : { date: problem.date }),
    });
}

export class Calendars {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: DeadlineKeeper,
    /** Duty hours from the `cases` setting (the older place for them); entries here win. */
    private readonly baseDutyHours: Readonly<Record<string, readonly string[]>> = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  view(): CalendarViewT {
    const book = this.cases.calendar;
    const next = book.nextYear(this.now());
    return {
      coveredUntil: book.coveredUntil,
      builtInUntil: `${BUILT_IN_LAST_YEAR}-12-31`,
      nextYear: next.year,
      nextYearMissing: next.missing,
      years: [...book.data.years].sort((a, b) => a.year - b.year),
      dutyHours: Object.entries(book.data.dutyHours)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([district, periods]) => ({ district, periods: [...periods] })),
      defaultDutyHours: DEFAULT_DUTY_HOURS,
    };
  }

  /** Reads a year's schedule from pasted notice text or an .ics file; stores nothing. 400 when it is unusable. */
  parse(body: CalendarParseBodyT): HolidayYear {
    const y =
      body.format === 'ics'
        ? parseHolidayIcs(body.text, body.year)
        : parseHolidayNotice(body.text, body.year);
    invalidYear(y);
    return normaliseYear(y);
  }

  /**
   * Enters a year's holidays and make-up working days. The same schedule again changes nothing; a
   * different one for a year already entered needs `replace` (400 `calendar_year_conflict` otherwise).
   */
  async putYear(p: Principal, year: number, body: HolidayYearBodyT) {
    this.requireWholeScope(p);
    const entry = normaliseYear({ year, holidays: body.holidays, workdays: body.workdays });
    invalidYear(entry);
    return this.change(p, body.reason || `录入${year}年节假日安排`, (s) => {
      const existing = s.years.find((y) => y.year === year);
      if (existing && !sameSchedule(existing, entry) && !body.replace)
        throw new Invalid(
          'calendar_year_conflict',
          `${year} is already entered with a different schedule; send replace: true to replace it.`,
          { year },
        );
      return { ...s, years: [...s.years.filter((y) => y.year !== year), entry] };
    });
  }

  async deleteYear(p: Principal, year: number) {
    this.requireWholeScope(p);
    return this.change(p, `删除${year}年节假日安排`, (s) => {
      if (!s.years.some((y) => y.year === year))
        throw new NotFound('calendar_year_not_found', `${year} has not been entered.`, { year });
      return { ...s, years: s.years.filter((y) => y.year !== year) };
    });
  }

  /** Sets a district's daily duty hours (值班时间), e.g. 09:00-12:00 and 13:30-17:30. */
  async putDutyHours(p: Principal, district: string, periods: readonly string[]) {
    if (!inScope(p.scope, district))
      throw new Forbidden('scope_outside', `District ${district} is outside your scope ${p.scope}.`);
    try {
      parseDutyHours(periods);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Invalid('calendar_duty_hours', `Duty hours are not usable: ${reason}.`, { reason });
    }
    const clean = periods.map((x) => x.trim());
    return this.change(p, `调整${district}值班时间`, (s) => ({
      ...s,
      dutyHours: { ...s.dutyHours, [district]: clean },
    }));
  }

  /** Picks up a change another process made (called by the housekeeping timer). */
  async reload(): Promise<void> {
    const book = await loadCalendarBook(this.db, this.baseDutyHours);
    if (JSON.stringify(book.data) !== JSON.stringify(this.cases.calendar.data))
      this.cases.adoptCalendar(book);
  }

  /** Holidays are the same for the whole installation: only an administrator over everything sets them. */
  private requireWholeScope(p: Principal): void {
    if (p.scope !== '')
      throw new Forbidden(
        'scope_outside',
        'Holiday years apply everywhere; an administrator of everything enters them.',
      );
  }

  /**
   * Applies `edit` to what is stored, under a lock so concurrent edits do not lose each other; counts
   * every open deadline again and audits, all in one transaction; then counts in the new calendar.
   */
  private async change(p: Principal, reason: string, edit: (s: StoredCalendar) => StoredCalendar) {
    const { after, checked, moved } = await this.db.transaction().execute(async (trx) => {
      await lockName(trx, 'calendar', CALENDAR_SETTINGS_KEY);
      const stored = await readStored(trx);
      const next = edit(stored);
      const before = bookOf(stored, this.baseDutyHours);
      const after = bookOf(next, this.baseDutyHours);
      await writeSetting(trx, CALENDAR_SETTINGS_KEY, next);
      const r = await this.cases.recomputeDeadlines(trx, before, after, p, reason);
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'calendar',
        entityId: CALENDAR_SETTINGS_KEY,
        before: stored,
        after: { ...next, recount: { checked: r.checked, moved: r.moved.length } },
      });
      return { after, checked: r.checked, moved: r.moved.length };
    });
    this.cases.adoptCalendar(after);
    return { calendar: this.view(), checked, moved };
  }
}
