import { describe, expect, it } from 'vitest';
import type { CaseFacts } from '../cases/cases.service.js';
import type { SchemeT } from './evaluation.schemas.js';
import { computeAll, dueToClose, percent } from './indicators.js';
import { parsePeriod, previousPeriod } from './period.js';
import { rank } from './ranking.js';
import { compositeScore, DEFAULT_SCHEME, factsCounter, gradeOf } from './scheme.js';

const month = parsePeriod({ period: '2026-03' }, new Date('2026-06-01T00:00:00Z'));
const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 2, day, hour - 8));

/** A case filed and signed on the 2nd, due on the 5th; closed on `closedDay` (on time when before the 5th). */
function fact(
  i: number,
  o: { closedDay?: number; feedbackDay?: number; suspended?: boolean } = {},
): CaseFacts {
  const states = [
    { state: 'reported', at: at(1) },
    { state: 'filed', at: at(1, 11) },
    { state: 'dispatched', at: at(2) },
    { state: 'handling', at: at(2, 11) },
  ];
  if (o.suspended) states.push({ state: 'suspended', at: at(3) });
  if (o.closedDay) {
    states.push({ state: 'handled', at: at(o.feedbackDay ?? o.closedDay) });
    states.push({ state: 'closed', at: at(o.closedDay, 15) });
  }
  const handledOnTime = o.closedDay ? (o.feedbackDay ?? o.closedDay) <= 5 : null;
  return {
    id: `c${i}`,
    number: String(i),
    kind: 'event',
    categoryCode: 'event.0102',
    areaCode: i % 2 ? '120101001001001' : '120101002001001',
    title: 't',
    assignedUnitId: 'u1',
    createdAt: at(1),
    reportedAt: at(1),
    fileDueAt: at(2),
    filedAt: at(1, 11),
    rejectedAt: null,
    dispatches: [{ at: at(2), unitId: 'u1', signDueAt: at(2, 12), signedAt: at(2, 11), returnedAt: null }],
    unitId: 'u1',
    userId: null,
    feedbacks: [],
    reworks: [],
    checks: [],
    extensionApproved: false,
    handleDueAt: at(5, 18),
    handledAt: o.closedDay ? at(o.feedbackDay ?? o.closedDay) : null,
    handledOnTime,
    states,
    closedAt: o.closedDay ? at(o.closedDay, 15) : null,
    closedOnTime: o.closedDay ? handledOnTime : null,
    rating: null,
    whistle: null,
  };
}

describe('indicators', () => {
  it('reproduces the worked example: 应结案 972, 结案 911, 按期结案 737 → 93.72% and 75.82%', () => {
    const facts: CaseFacts[] = [];
    for (let i = 0; i < 972; i++) {
      if (i < 737) facts.push(fact(i, { closedDay: 4 }));
      else if (i < 911) facts.push(fact(i, { closedDay: 20, feedbackDay: 19 }));
      else facts.push(fact(i));
    }
    // Deferred (缓办) cases leave the denominator.
    for (let i = 972; i < 990; i++) facts.push(fact(i, { suspended: true }));
    expect(dueToClose(facts, month)).toHaveLength(972);
    const f = computeAll(facts, month);
    expect(f.closing_rate).toMatchObject({ numerator: 911, denominator: 972, rate: 93.72 });
    expect(f.ontime_closing_rate).toMatchObject({ numerator: 737, denominator: 972, rate: 75.82 });
    expect(f.overdue_count.numerator).toBe(61);
    expect(f.closing_rate.caseIds).toHaveLength(911);
    expect(percent(1, 0)).toBeNull();
  });

  it('counts a case due in March but still open as not closed, and not overdue while deferred', () => {
    const f = computeAll([fact(1), fact(2, { suspended: true })], month);
    expect(f.closing_rate).toMatchObject({ numerator: 0, denominator: 1 });
    expect(f.overdue_count.caseIds).toEqual(['c1']);
  });
});

describe('按时派遣率 and 按时核查率', () => {
  it('dispatch: first dispatch before the filing deadline; a filed case still waiting past it counts as late', () => {
    const onTime = fact(1); // reported 1st 10:00, file due 2nd 10:00, dispatched 2nd 10:00
    const late = fact(2);
    late.dispatches = [{ ...(late.dispatches[0] as CaseFacts['dispatches'][number]), at: at(3) }];
    const waiting = fact(3);
    waiting.dispatches = [];
    waiting.states = waiting.states.slice(0, 2); // filed, never dispatched
    const fresh = fact(4);
    fresh.dispatches = [];
    fresh.states = fresh.states.slice(0, 2);
    fresh.fileDueAt = new Date('2026-04-02T00:00:00Z'); // not yet due at the month's end
    const f = computeAll([onTime, late, waiting, fresh], month);
    expect(f.ontime_dispatch_rate).toMatchObject({ numerator: 1, denominator: 3, rate: 33.33 });
    expect(f.ontime_dispatch_rate.caseIds).toEqual(['c1']);
  });

  it('check: per feedback, within the filing limit from it; skipped checks are out, overdue waits are in', () => {
    const a = fact(1);
    a.feedbacks = [
      { at: at(3), checkDueAt: at(4), checkedAt: at(3, 15), skipped: false },
      { at: at(6), checkDueAt: at(7), checkedAt: at(8), skipped: false },
    ];
    const b = fact(2);
    b.feedbacks = [{ at: at(9), checkDueAt: at(10), checkedAt: null, skipped: true }];
    const c = fact(3);
    c.feedbacks = [
      { at: at(31), checkDueAt: new Date('2026-04-01T02:00:00Z'), checkedAt: null, skipped: false },
    ];
    const d = fact(4);
    d.feedbacks = [{ at: at(10), checkDueAt: at(11), checkedAt: null, skipped: false }];
    const f = computeAll([a, b, c, d], month);
    // a: 2 checks, 1 on time; b skipped; c due after the month; d waiting past its due.
    expect(f.ontime_check_rate).toMatchObject({ numerator: 1, denominator: 3 });
    expect(f.ontime_check_rate.denominatorIds).toEqual(['c1', 'c4']);
  });

  it('scores people (承办人) by the rules that apply to persons', () => {
    const facts = [fact(1, { closedDay: 4 }), fact(2, { closedDay: 20 })];
    const all = computeAll(facts, month);
    const person = compositeScore(DEFAULT_SCHEME, 'person', all, factsCounter(facts, month));
    expect(person.items.map((i) => i.ruleId)).toEqual(['ontime_closing', 'rework']);
    // 按期 50% is 20 points below 70%: 50 − 20 = 30.
    expect(person.score).toBe(30);
  });
});

describe('rankings', () => {
  it('ties share a rank and the next rank skips (1, 1, 3); no value is unranked', () => {
    const r = rank(
      [
        { n: 'a', v: 90 },
        { n: 'b', v: 95 },
        { n: 'c', v: 90 },
        { n: 'd', v: null },
        { n: 'e', v: 80 },
      ],
      (x) => x.v,
      'higher',
    );
    expect(r.map((x) => [x.item.n, x.rank])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 2],
      ['e', 4],
      ['d', null],
    ]);
    const low = rank([{ v: 3 }, { v: 1 }, { v: 1 }], (x) => x.v, 'lower');
    expect(low.map((x) => x.rank)).toEqual([1, 1, 3]);
  });
});

describe('scheme', () => {
  it('scores thresholds, rate × points and per-case deductions, each item traced to its cases', () => {
    const facts: CaseFacts[] = [];
    for (let i = 0; i < 10; i++) facts.push(fact(i, { closedDay: i < 6 ? 4 : 20 }));
    const first = facts[0];
    if (first) first.reworks.push({ at: at(3), unitId: 'u1' });
    const scheme: SchemeT = {
      name: 't',
      rules: [
        {
          id: 'on',
          label: 'on',
          appliesTo: ['street'],
          kind: 'threshold',
          indicator: 'ontime_closing_rate',
          threshold: 70,
          points: 50,
          deductPerPoint: 1,
        },
        {
          id: 'cl',
          label: 'cl',
          appliesTo: ['street'],
          kind: 'rate_points',
          indicator: 'closing_rate',
          points: 20,
        },
        { id: 'rw', label: 'rw', appliesTo: ['street'], kind: 'per_case', fact: 'rework', amount: -0.2 },
        {
          id: 'dept',
          label: 'dept',
          appliesTo: ['department'],
          kind: 'per_case',
          fact: 'rework',
          amount: -5,
        },
      ],
      grades: DEFAULT_SCHEME.grades,
    };
    const s = compositeScore(scheme, 'street', computeAll(facts, month), factsCounter(facts, month));
    // 按期 60% is 10 points below 70%: 50 − 10 = 40; 结案率 100% × 20 = 20; one rework −0.2.
    expect(s.items.map((i) => [i.ruleId, i.points])).toEqual([
      ['on', 40],
      ['cl', 20],
      ['rw', -0.2],
    ]);
    expect(s.score).toBe(59.8);
    expect(s.grade).toEqual({ label: '不合格', colour: 'red' });
    expect(s.items[0]?.caseIds).toEqual(['c6', 'c7', 'c8', 'c9']);
    expect(s.items[2]?.caseIds).toEqual(['c0']);
    expect(gradeOf(DEFAULT_SCHEME, 90)).toEqual({ label: '优秀', colour: 'green' });
  });
});

describe('periods', () => {
  const now = new Date('2026-12-02T08:00:00Z');
  it('names months, quarters, years, days and ranges in China time', () => {
    expect(parsePeriod({ period: '2026-03' }, now).from.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(parsePeriod({ period: '2026-Q4' }, now).end).toEqual(now);
    expect(parsePeriod({ from: '2026-01-01', to: '2026-01-31' }, now).to.toISOString()).toBe(
      '2026-01-31T16:00:00.000Z',
    );
  });
  it('compares a month, quarter or year with the calendar period before it', () => {
    const prev = (period: string) => {
      const b = previousPeriod(parsePeriod({ period }, now));
      return [b.label, b.from.toISOString(), b.end.toISOString()];
    };
    expect(prev('2026-03')).toEqual(['2026-02', '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z']);
    expect(prev('2026-Q1')).toEqual(['2025-Q4', '2025-09-30T16:00:00.000Z', '2025-12-31T16:00:00.000Z']);
    expect(prev('2026-Q3')).toEqual(['2026-Q2', '2026-03-31T16:00:00.000Z', '2026-06-30T16:00:00.000Z']);
    // 2024 is a leap year: the year before 2025 is all of it, not 365 days back from 2025-01-01.
    expect(prev('2025')).toEqual(['2024', '2023-12-31T16:00:00.000Z', '2024-12-31T16:00:00.000Z']);
  });
  it('refuses the future, inverted and huge ranges, naming the field', () => {
    const field = (q: Record<string, string>) => {
      try {
        parsePeriod(q, now);
        return null;
      } catch (e) {
        return (e as { details?: { field?: string } }).details?.field;
      }
    };
    expect(field({ period: '2027-01' })).toBe('period');
    expect(field({ from: '2026-03-02', to: '2026-03-01' })).toBe('to');
    expect(field({ from: '2020-01-01', to: '2026-01-01' })).toBe('to');
    expect(field({ period: '2026-13' })).toBe('period');
    expect(field({ from: '2026-02-30', to: '2026-03-01' })).toBe('from');
  });
});
