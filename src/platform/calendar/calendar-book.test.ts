import { describe, expect, it } from 'vitest';
import { BUILT_IN_LAST_YEAR, CalendarBook } from './calendar-book.js';
import { parseHolidayNotice } from './holiday-notice.js';
import { addTimeLimit, localDate, recountDue } from './working-time.js';

/** A 2027 schedule as an administrator might enter it (元旦 and 春节 are what the tests lean on). */
const NOTICE_2027 = `一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。
二、春节：2月6日（星期六）至14日（星期日）放假调休，共9天。2月20日（星期六）上班。`;
const Y2027 = parseHolidayNotice(NOTICE_2027, 2027);

describe('the calendar book', () => {
  it('knows chinese-days covers 2026 and no further; entered years that follow on extend it', () => {
    expect(BUILT_IN_LAST_YEAR).toBe(2026);
    expect(new CalendarBook().coveredUntil).toBe('2026-12-31');
    expect(new CalendarBook({ years: [Y2027], dutyHours: {} }).coveredUntil).toBe('2027-12-31');
    // A gap (2027 missing) leaves 2028 uncovered as far as the book can vouch.
    expect(
      new CalendarBook({ years: [{ ...Y2027, year: 2028, holidays: [] }], dutyHours: {} }).coveredUntil,
    ).toBe('2026-12-31');
  });

  it('reads an entered year alone: its holidays off, its make-up days on, weekdays otherwise', () => {
    const before = new CalendarBook().calendarFor('120101001');
    const after = new CalendarBook({ years: [Y2027], dutyHours: {} }).calendarFor('120101001');
    expect(before.isWorkingDay('2027-01-01')).toBe(true); // chinese-days knows nothing of 2027 元旦
    expect(after.isWorkingDay('2027-01-01')).toBe(false);
    expect(after.isWorkingDay('2027-02-20')).toBe(true); // a Saturday worked
    expect(after.isWorkingDay('2027-02-21')).toBe(false);
    expect(after.isWorkingDay('2027-03-01')).toBe(true);
    expect(after.isWorkingDay('2026-10-01')).toBe(false); // 2026 still from chinese-days
  });

  it('marks working-time deadlines past the covered date provisional, not natural time', () => {
    const book = new CalendarBook();
    const jan = new Date('2027-01-05T09:30:00Z');
    expect(book.isProvisional(jan, 'work_day')).toBe(true);
    expect(book.isProvisional(jan, 'natural_day')).toBe(false);
    expect(book.isProvisional(new Date('2026-12-31T09:30:00Z'), 'work_hour')).toBe(false);
    expect(book.isProvisional(null, 'work_day')).toBe(false);
    expect(new CalendarBook({ years: [Y2027], dutyHours: {} }).isProvisional(jan, 'work_day')).toBe(false);
  });

  it('warns from 1 November (Beijing time) when next year is missing', () => {
    const book = new CalendarBook();
    expect(book.nextYear(new Date('2026-10-31T15:59:00Z'))).toEqual({ year: 2027, missing: false });
    expect(book.nextYear(new Date('2026-10-31T16:00:00Z'))).toEqual({ year: 2027, missing: true });
    expect(
      new CalendarBook({ years: [Y2027], dutyHours: {} }).nextYear(new Date('2026-12-02T00:00:00Z')),
    ).toEqual({ year: 2027, missing: false });
  });

  it('refuses malformed duty hours', () => {
    expect(() => new CalendarBook({ years: [], dutyHours: { '120101': ['18:00-09:00'] } })).toThrow(
      /duty period/,
    );
  });
});

describe('recounting a due time under a new calendar', () => {
  const before = new CalendarBook().calendarFor('120101');
  const after = new CalendarBook({ years: [Y2027], dutyHours: {} }).calendarFor('120101');
  /** 2026-12-02 10:00 Beijing time. */
  const start = new Date('2026-12-02T02:00:00Z');

  it('a 25-working-day extension filed on 2 December 2026 no longer counts 元旦 2027', () => {
    const limit = { value: 25, unit: 'work_day' as const };
    const old = addTimeLimit(start, limit, before);
    expect(localDate(old)).toBe('2027-01-06'); // 1 January counted as a working Friday
    const truth = addTimeLimit(start, limit, after);
    expect(localDate(truth)).toBe('2027-01-07');
    expect(recountDue(start, old, 'work_day', before, after)).toEqual(truth);
  });

  it('across 元旦 and 春节 2027, in whole days and in duty hours alike', () => {
    for (const unit of ['work_day', 'work_hour'] as const) {
      const value = unit === 'work_day' ? 60 : 60 * 7.5;
      const old = addTimeLimit(start, { value, unit }, before);
      const truth = addTimeLimit(start, { value, unit }, after);
      expect(truth.getTime() - old.getTime()).toBeGreaterThan(5 * 86_400_000);
      expect(recountDue(start, old, unit, before, after)).toEqual(truth);
    }
  });

  it('leaves natural time and a calendar that changes nothing alone', () => {
    const due = new Date('2027-01-10T00:00:00Z');
    expect(recountDue(start, due, 'natural_day', before, after)).toBe(due);
    const old = addTimeLimit(start, { value: 3, unit: 'work_day' }, before);
    expect(recountDue(start, old, 'work_day', before, after)).toEqual(old);
    const odd = new Date(start.getTime() + 3 * 3_600_000 + 17);
    expect(recountDue(start, odd, 'work_hour', before, after)).toEqual(odd);
  });
});
