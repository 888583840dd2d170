import { describe, expect, it } from 'vitest';
import { byMonth, fillSeries, RISING_MIN, risingByStreet, screenWindows, topCategories } from './screen.js';

const row = (street: string, categoryCode: string, now: number, before: number) => ({
  street,
  categoryCode,
  name: categoryCode,
  nameEn: categoryCode,
  now,
  before,
});

describe('screen windows', () => {
  it('counts days and months in China time, and compares this month with the same stretch of the last', () => {
    // 2026-03-10 09:30 in China.
    const w = screenWindows(new Date('2026-03-10T01:30:00Z'));
    expect(w.today.toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(w.dayLabels).toHaveLength(30);
    expect(w.dayLabels[29]).toBe('2026-03-10');
    expect(w.dayLabels[0]).toBe('2026-02-09');
    expect(w.days.toISOString()).toBe('2026-02-08T16:00:00.000Z');
    expect(w.monthLabels).toHaveLength(12);
    expect(w.monthLabels[0]).toBe('2025-04');
    expect(w.monthLabels[11]).toBe('2026-03');
    expect(w.months.toISOString()).toBe('2025-03-31T16:00:00.000Z');
    expect(w.month.from.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    // 9 days 9.5 hours into March → the same into February.
    expect(w.month.beforeFrom.toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(w.month.beforeTo.toISOString()).toBe('2026-02-10T01:30:00.000Z');
  });

  it('never reaches past the end of a shorter previous month', () => {
    // 31 March, late: February had 28 days.
    const w = screenWindows(new Date('2026-03-31T15:00:00Z'));
    expect(w.month.beforeTo.toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });
});

describe('screen figures', () => {
  it('fills missing buckets with zeros, in label order', () => {
    const s = fillSeries(['a', 'b', 'c'], new Map([['b', 2]]), new Map([['c', 1]]));
    expect(s).toEqual([
      { bucket: 'a', received: 0, closed: 0 },
      { bucket: 'b', received: 2, closed: 0 },
      { bucket: 'c', received: 0, closed: 1 },
    ]);
  });

  it('adds streets together for the top categories', () => {
    const top = topCategories(
      [row('1', 'x', 2, 1), row('2', 'x', 3, 0), row('1', 'y', 4, 9), row('1', 'z', 0, 5)],
      5,
    );
    expect(top.map((c) => [c.code, c.count, c.previous])).toEqual([
      ['x', 5, 1],
      ['y', 4, 9],
    ]);
  });

  it('ranks rising categories per street by rise, then ratio, and ignores noise and falls', () => {
    const rows = [
      row('120101001', 'a', 10, 4), // +6
      row('120101001', 'b', 6, 0), // +6, from nothing: before a
      row('120101001', 'c', 20, 25), // falling
      row('120101001', 'd', RISING_MIN - 1, 0), // too few
      row('120101002', 'a', 5, 1),
    ];
    const r = risingByStreet(rows, 2);
    expect(r.map((x) => [x.street, x.categoryCode, x.rise])).toEqual([
      ['120101001', 'b', 6],
      ['120101001', 'a', 6],
      ['120101002', 'a', 4],
    ]);
    expect(risingByStreet(rows, 1)).toHaveLength(2);
  });
});

describe('screen months', () => {
  it('adds days up by month', () => {
    const m = byMonth(
      new Map([
        ['2026-02-28', 2],
        ['2026-03-01', 3],
        ['2026-03-10', 4],
      ]),
    );
    expect([...m]).toEqual([
      ['2026-02', 2],
      ['2026-03', 7],
    ]);
  });
});
