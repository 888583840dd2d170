import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../config.js';
import {
  addTimeLimit,
  createWorkingCalendar,
  elapsedFraction,
  localDate,
  parseDutyHours,
  workingMsBetween,
} from './working-time.js';

const cal = createWorkingCalendar();
/** A Beijing-time instant. */
const bj = (s: string) => new Date(`${s}+08:00`);
const iso = (d: Date) => localDate(d) + new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(10, 16);

describe('the statutory calendar', () => {
  it('agrees with every holiday and make-up day in the shipped 2020–2026 table', () => {
    const lines = fs
      .readFileSync(path.join(projectRoot, 'data/holidays/china_holidays_2020_2026.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(lines.length).toBeGreaterThan(200);
    for (const line of lines) {
      const [date = '', , type = ''] = line.split(',');
      const expected = type.startsWith('workday');
      expect(cal.isWorkingDay(date), `${date} ${type}`).toBe(expected);
    }
  });

  it('honours a district override', () => {
    const local = createWorkingCalendar({ overrides: { '2025-09-30': false, '2025-10-04': true } });
    expect(local.isWorkingDay('2025-09-30')).toBe(false);
    expect(local.isWorkingDay('2025-10-04')).toBe(true);
  });
});

describe('deadlines across the 2025 National Day holiday (10-01…10-08 off, 09-28 and 10-11 worked)', () => {
  it('4 working hours from 2025-09-30 16:00 end on 2025-10-09 11:00', () => {
    // 16:00–17:30 on the 30th uses 1.5 h; the holiday is skipped; the other 2.5 h run 08:30–11:00 on the 9th.
    expect(iso(addTimeLimit(bj('2025-09-30T16:00'), { value: 4, unit: 'work_hour' }, cal))).toBe(
      '2025-10-09T11:00',
    );
  });

  it('counts duty time on the make-up Saturday 2025-10-11', () => {
    // Friday 10-10 16:30 + 2 working hours: 1 h on Friday, then Saturday 10-11 is a working day → 09:30.
    expect(iso(addTimeLimit(bj('2025-10-10T16:30'), { value: 2, unit: 'work_hour' }, cal))).toBe(
      '2025-10-11T09:30',
    );
    // And the make-up Sunday 2025-09-28 before the holiday.
    expect(iso(addTimeLimit(bj('2025-09-27T10:00'), { value: 1, unit: 'work_hour' }, cal))).toBe(
      '2025-09-28T09:30',
    );
  });

  it('3 working days from 2025-09-29 end at the close of duty on 2025-10-10', () => {
    // Working days after the 29th: 30th (1), 9th (2), 10th (3).
    expect(iso(addTimeLimit(bj('2025-09-29T15:00'), { value: 3, unit: 'work_day' }, cal))).toBe(
      '2025-10-10T17:30',
    );
    // 4 working days lands on the make-up Saturday.
    expect(iso(addTimeLimit(bj('2025-09-29T15:00'), { value: 4, unit: 'work_day' }, cal))).toBe(
      '2025-10-11T17:30',
    );
  });

  it('natural time ignores holidays', () => {
    expect(iso(addTimeLimit(bj('2025-09-30T16:00'), { value: 24, unit: 'natural_hour' }, cal))).toBe(
      '2025-10-01T16:00',
    );
    expect(iso(addTimeLimit(bj('2025-09-30T16:00'), { value: 15, unit: 'natural_day' }, cal))).toBe(
      '2025-10-15T16:00',
    );
  });
});

describe('starts outside duty time', () => {
  it('a start during the lunch break counts from 13:30', () => {
    expect(iso(addTimeLimit(bj('2025-11-04T12:15'), { value: 2, unit: 'work_hour' }, cal))).toBe(
      '2025-11-04T15:30',
    );
  });
  it('a start at night counts from the next morning', () => {
    expect(iso(addTimeLimit(bj('2025-11-04T22:00'), { value: 4, unit: 'work_hour' }, cal))).toBe(
      '2025-11-05T14:00',
    );
  });
  it('a start on a holiday counts from the next working day', () => {
    expect(iso(addTimeLimit(bj('2025-10-03T09:00'), { value: 1, unit: 'work_hour' }, cal))).toBe(
      '2025-10-09T09:30',
    );
  });
  it('exactly the rest of a period ends at the period end', () => {
    expect(iso(addTimeLimit(bj('2025-11-04T10:00'), { value: 2, unit: 'work_hour' }, cal))).toBe(
      '2025-11-04T12:00',
    );
  });
});

describe('measuring', () => {
  it('counts duty time between two instants across a weekend', () => {
    const ms = workingMsBetween(bj('2025-11-07T17:00'), bj('2025-11-10T09:00'), cal); // Fri 17:00 → Mon 09:00
    expect(ms / 60_000).toBe(30 + 30);
  });
  it('reports the used share of a limit for the 80 % warning', () => {
    const start = bj('2025-11-04T08:30');
    const due = addTimeLimit(start, { value: 4, unit: 'work_hour' }, cal); // 3.5 h before lunch + 0.5 h after
    expect(iso(due)).toBe('2025-11-04T14:00');
    expect(elapsedFraction(start, due, bj('2025-11-04T11:42'), 'work_hour', cal)).toBeCloseTo(0.8, 5);
    expect(elapsedFraction(start, due, bj('2025-11-04T15:00'), 'work_hour', cal)).toBeGreaterThan(1);
  });
  it('rejects nonsense duty hours', () => {
    expect(() => parseDutyHours(['9-12'])).toThrow();
    expect(() => parseDutyHours(['08:30-12:00', '11:00-13:00'])).toThrow(/overlap/);
    expect(() => parseDutyHours([])).toThrow();
  });
});
