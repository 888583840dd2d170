import { describe, expect, it } from 'vitest';
import { addTimeLimit, createWorkingCalendar } from '../../platform/calendar/working-time.js';
import { deadlineLevel, pointInStep } from './deadlines.js';

const cal = createWorkingCalendar();

describe('deadline traffic light', () => {
  // 4 duty hours from Tuesday 10 March 2026 09:00 (Beijing) end at 14:30 (the lunch break does not count).
  const startedAt = new Date('2026-03-10T01:00:00Z');
  const dueAt = addTimeLimit(startedAt, { value: 4, unit: 'work_hour' }, cal);
  const clock = { startedAt, dueAt, unit: 'work_hour' as const };

  it('counts duty time: green, yellow from 80% of the limit, red when due', () => {
    expect(dueAt.toISOString()).toBe('2026-03-10T06:30:00.000Z');
    const warnAt = pointInStep(clock, 0.8, cal); // 3.2 duty hours: 3 before lunch, 0.2 h after 13:30 = 13:42
    expect(warnAt.toISOString()).toBe('2026-03-10T05:42:00.000Z');
    expect(deadlineLevel(clock, new Date('2026-03-10T05:41:00Z'), cal)).toBe('green');
    expect(deadlineLevel(clock, new Date('2026-03-10T05:43:00Z'), cal)).toBe('yellow');
    expect(deadlineLevel(clock, dueAt, cal)).toBe('red');
    expect(deadlineLevel({ startedAt: null, dueAt: null, unit: null }, dueAt, cal)).toBe('none');
  });

  it('escalation at twice the limit lands in the next duty day', () => {
    // 8 duty hours: 7 on Tuesday, the 8th from 08:30 on Wednesday
    expect(pointInStep(clock, 2, cal).toISOString()).toBe('2026-03-11T01:30:00.000Z');
  });

  it('natural limits count the clock', () => {
    const natural = {
      startedAt,
      dueAt: new Date(startedAt.getTime() + 10 * 3_600_000),
      unit: 'natural_hour' as const,
    };
    expect(pointInStep(natural, 0.8, cal).getTime() - startedAt.getTime()).toBe(8 * 3_600_000);
  });
});
