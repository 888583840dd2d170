/**
 * The indicators (考核指标) as pure definitions over case facts, for one period and one set of cases (an
 * area, a unit). One file a district can read and argue about; each definition says what it counts.
 *
 * Definitions in force (shown in the console):
 * - 应结案 (due to close): a case that was filed (立案) and, in the period, was either closed, or stood open at
 *   the period's end with its handling deadline inside the period. Cases deferred (缓办/挂账, `suspended`)
 *   at the period's end are left out (EVALUATION.md: 应结案数 − 缓办数). A case due in one month and closed
 *   in a later one counts in both: open (not closed) where it fell due, late (not 按期) where it closed.
 * - 按期 (on time): the handling was finished (反馈) before its deadline — the category's limit in the
 *   district's working time from signing (签收), extended by approved extensions, suspended time left out —
 *   or a consultation was answered on the call within the filing limit.
 * - Unrated cases (未评价) are left out of 满意率's denominator; the count of rated cases is shown beside it.
 * - Steps that can happen more than once in a case count per occurrence (件次), as the 数字城管 reports do:
 *   按时签收率 and 回退率 count dispatches (派遣次), 返工率 counts checks (核查次), 按时核查率 counts feedbacks.
 *   The case lists behind them name each case once. (This is also what lets the figures be kept as
 *   per-day counters, see cases/rollup.ts: a per-case "any of its dispatches in the period" is not additive.)
 * - 按时派遣率 (on-time dispatch): the catalogue has no separate dispatch limit; the command centre's clock
 *   from the report runs under the category's filing limit (立案时限) until the case goes to a unit, so a
 *   case is dispatched on time when its first dispatch (派遣) comes before the filing deadline. Counted over
 *   the cases reported in the period whose dispatch is settled by its end: dispatched, or filed and still
 *   waiting with the filing deadline passed. Cases answered on the call or rejected never need a dispatch.
 * - 按时核查率 (on-time check): the check (核查) is the command centre's step too, so it runs under the
 *   filing limit counted from the feedback (反馈). Counted over the feedbacks of the period whose check is
 *   settled by its end: checked, or still waiting with the check deadline passed. Feedbacks closed without
 *   a check (categories that need none) are left out.
 */
import type { CaseFacts } from '../cases/cases.service.js';
import { stateAt } from '../cases/cases.service.js';

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** A figure: numerator over denominator (a rate), or a count (denominator null). */
export interface Figure {
  numerator: number;
  denominator: number | null;
  /** Percent, two decimals; null for counts and for an empty denominator. */
  rate: number | null;
  /** The cases behind the numerator, and behind the denominator. */
  caseIds: string[];
  denominatorIds: string[];
}

export const INDICATOR_KEYS = [
  'filing_rate',
  'closing_rate',
  'ontime_closing_rate',
  'rework_rate',
  'return_rate',
  'ontime_sign_rate',
  'ontime_dispatch_rate',
  'ontime_check_rate',
  'overdue_count',
  'backlog_count',
  'hotline_response_rate',
  'hotline_solve_rate',
  'hotline_satisfaction_rate',
  'petition_ontime_accept_rate',
  'petition_ontime_close_rate',
  'proposal_reply_rate',
  'proposal_satisfaction_rate',
  'whistle_report_rate',
  'whistle_ontime_report_rate',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

export type Family = 'city' | 'hotline' | 'petition' | 'proposal' | 'whistle';

export interface IndicatorDef {
  key: IndicatorKey;
  family: Family;
  zh: string;
  en: string;
  /** Higher is better (rates of success) or lower is better (rework, overdue …): for ranking. */
  better: 'higher' | 'lower';
  compute(facts: readonly CaseFacts[], p: AsOf): Figure;
}

/** A period as the figures see it: `end` is the period's end or now, whichever comes first. */
export interface AsOf extends Period {
  end: Date;
}

/** Indicators the existing case events cannot support, and why (none left). */
export const UNAVAILABLE: readonly { key: string; zh: string; reason: string }[] = [];

const MS_DAY = 86_400_000;
/** 积案: open longer than this many natural days. */
export const BACKLOG_DAYS = 60;

/** Percent with two decimals (half up): 911 / 972 → 93.72. */
export function percent(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.round((numerator / denominator) * 10_000 + 1e-9) / 100;
}

function rate(num: readonly CaseFacts[], den: readonly CaseFacts[]): Figure {
  return {
    numerator: num.length,
    denominator: den.length,
    rate: percent(num.length, den.length),
    caseIds: num.map((f) => f.id),
    denominatorIds: den.map((f) => f.id),
  };
}
/** A rate over occurrences (件次): each entry is one occurrence in its case; the case lists name a case once. */
function occurrences(num: readonly CaseFacts[], den: readonly CaseFacts[]): Figure {
  const ids = (xs: readonly CaseFacts[]) => [...new Set(xs.map((f) => f.id))];
  return {
    numerator: num.length,
    denominator: den.length,
    rate: percent(num.length, den.length),
    caseIds: ids(num),
    denominatorIds: ids(den),
  };
}
function count(num: readonly CaseFacts[]): Figure {
  return {
    numerator: num.length,
    denominator: null,
    rate: null,
    caseIds: num.map((f) => f.id),
    denominatorIds: [],
  };
}

const within = (t: Date | null, p: AsOf): t is Date => !!t && t >= p.from && t < p.end;
/** The state just before the end of the period. */
const stateAtEnd = (f: CaseFacts, p: AsOf) => stateAt(f, new Date(p.end.getTime() - 1));
const FINAL = new Set(['closed', 'rejected', 'merged']);
const OPEN_AT_END = (f: CaseFacts, p: AsOf) => {
  const s = stateAtEnd(f, p);
  return s !== null && !FINAL.has(s);
};
export const closedAtEnd = (f: CaseFacts, p: AsOf) => stateAtEnd(f, p) === 'closed';
/** 缓办: deferred (suspended) at the period's end. */
export const deferredAtEnd = (f: CaseFacts, p: AsOf) => stateAtEnd(f, p) === 'suspended';

/** 应结案: see the file's header. */
export function dueToClose(facts: readonly CaseFacts[], p: AsOf): CaseFacts[] {
  return facts.filter((f) => {
    if (!f.filedAt || f.filedAt >= p.end || f.rejectedAt || deferredAtEnd(f, p)) return false;
    if (closedAtEnd(f, p)) return within(f.closedAt, p);
    return OPEN_AT_END(f, p) && within(f.handleDueAt, p);
  });
}
const closedIn = (due: readonly CaseFacts[], p: AsOf) =>
  due.filter((f) => closedAtEnd(f, p) && within(f.closedAt, p));
const onTime = (closed: readonly CaseFacts[]) => closed.filter((f) => f.closedOnTime === true);

/** 超期: open at the end (not deferred) with the running step's deadline passed. */
export function isOverdue(f: CaseFacts, p: AsOf): boolean {
  if (!OPEN_AT_END(f, p) || deferredAtEnd(f, p)) return false;
  const s = stateAtEnd(f, p);
  if (s === 'reported' || s === 'verifying') return f.fileDueAt < p.end;
  const d = f.dispatches[f.dispatches.length - 1];
  if (s === 'dispatched') return !!d && d.signDueAt < p.end;
  if (s === 'handling') return !!f.handleDueAt && f.handleDueAt < p.end;
  return false;
}

/** The dispatches made in the period whose signing is settled (signed, returned, or due) by its end. */
export function settledDispatches(facts: readonly CaseFacts[], p: AsOf) {
  const den: CaseFacts[] = [];
  const num: CaseFacts[] = [];
  for (const f of facts)
    for (const d of f.dispatches) {
      if (!within(d.at, p) || !(d.signedAt || d.returnedAt || d.signDueAt < p.end)) continue;
      den.push(f);
      if (d.signedAt && d.signedAt <= d.signDueAt) num.push(f);
    }
  return { num, den };
}

/** 按时派遣: see the file's header. */
export function settledFirstDispatches(facts: readonly CaseFacts[], p: AsOf) {
  const den: CaseFacts[] = [];
  const num: CaseFacts[] = [];
  for (const f of facts) {
    if (!within(f.reportedAt, p)) continue;
    const first = f.dispatches[0];
    if (first) {
      den.push(f);
      if (first.at <= f.fileDueAt) num.push(f);
    } else if (stateAtEnd(f, p) === 'filed' && f.fileDueAt < p.end) den.push(f);
  }
  return { num, den };
}

/** 按时核查: see the file's header. */
export function settledChecks(facts: readonly CaseFacts[], p: AsOf) {
  const den: CaseFacts[] = [];
  const num: CaseFacts[] = [];
  for (const f of facts)
    for (const b of f.feedbacks) {
      if (!within(b.at, p) || b.skipped || !(b.checkedAt || b.checkDueAt < p.end)) continue;
      den.push(f);
      if (b.checkedAt && b.checkedAt <= b.checkDueAt) num.push(f);
    }
  return { num, den };
}

const ofKind = (kind: CaseFacts['kind']) => (facts: readonly CaseFacts[]) =>
  facts.filter((f) => f.kind === kind);
const requests = ofKind('request');
const petitions = ofKind('petition');
const proposals = ofKind('proposal');
const GOOD = new Set(['satisfied', 'basically']);
function satisfaction(facts: readonly CaseFacts[], p: AsOf): Figure {
  const rated = closedIn(facts, p).filter((f) => f.rating !== null);
  return rate(
    rated.filter((f) => GOOD.has(f.rating ?? '')),
    rated,
  );
}

export const INDICATORS: readonly IndicatorDef[] = [
  {
    key: 'filing_rate',
    family: 'city',
    zh: '立案率',
    en: 'Filing rate',
    better: 'higher',
    // Of the reports of the period decided by its end (filed or rejected), the share filed.
    compute(facts, p) {
      const reported = facts.filter((f) => within(f.reportedAt, p));
      const decided = reported.filter((f) => within(f.filedAt, p) || within(f.rejectedAt, p));
      return rate(
        decided.filter((f) => within(f.filedAt, p)),
        decided,
      );
    },
  },
  {
    key: 'closing_rate',
    family: 'city',
    zh: '结案率',
    en: 'Closing rate',
    better: 'higher',
    compute(facts, p) {
      const due = dueToClose(facts, p);
      return rate(closedIn(due, p), due);
    },
  },
  {
    key: 'ontime_closing_rate',
    family: 'city',
    zh: '按期结案率',
    en: 'On-time closing rate',
    better: 'higher',
    compute(facts, p) {
      const due = dueToClose(facts, p);
      return rate(onTime(closedIn(due, p)), due);
    },
  },
  {
    key: 'rework_rate',
    family: 'city',
    zh: '返工率',
    en: 'Rework rate',
    better: 'lower',
    // Checks (核查) in the period that failed and sent the case back / checks in the period.
    compute(facts, p) {
      const checks = facts.flatMap((f) => f.checks.filter((c) => within(c.at, p)).map((c) => ({ f, c })));
      return occurrences(
        checks.filter((x) => !x.c.pass).map((x) => x.f),
        checks.map((x) => x.f),
      );
    },
  },
  {
    key: 'return_rate',
    family: 'city',
    zh: '回退率（退单）',
    en: 'Return rate',
    better: 'lower',
    // Dispatches made in the period that the unit returned (退单) by its end / dispatches made in the period.
    compute(facts, p) {
      const ds = facts.flatMap((f) => f.dispatches.filter((d) => within(d.at, p)).map((d) => ({ f, d })));
      return occurrences(
        ds.filter((x) => x.d.returnedAt).map((x) => x.f),
        ds.map((x) => x.f),
      );
    },
  },
  {
    key: 'ontime_sign_rate',
    family: 'city',
    zh: '按时签收率',
    en: 'On-time signing rate',
    better: 'higher',
    compute(facts, p) {
      const { num, den } = settledDispatches(facts, p);
      return occurrences(num, den);
    },
  },
  {
    key: 'ontime_dispatch_rate',
    family: 'city',
    zh: '按时派遣率',
    en: 'On-time dispatch rate',
    better: 'higher',
    compute(facts, p) {
      const { num, den } = settledFirstDispatches(facts, p);
      return rate(num, den);
    },
  },
  {
    key: 'ontime_check_rate',
    family: 'city',
    zh: '按时核查率',
    en: 'On-time check rate',
    better: 'higher',
    compute(facts, p) {
      const { num, den } = settledChecks(facts, p);
      return occurrences(num, den);
    },
  },
  {
    key: 'overdue_count',
    family: 'city',
    zh: '超期数',
    en: 'Overdue',
    better: 'lower',
    compute: (facts, p) => count(facts.filter((f) => isOverdue(f, p))),
  },
  {
    key: 'backlog_count',
    family: 'city',
    zh: '积案（超过60天未结）',
    en: 'Backlog (open > 60 days)',
    better: 'lower',
    compute: (facts, p) =>
      count(
        facts.filter(
          (f) => OPEN_AT_END(f, p) && p.end.getTime() - f.reportedAt.getTime() > BACKLOG_DAYS * MS_DAY,
        ),
      ),
  },
  {
    key: 'hotline_response_rate',
    family: 'hotline',
    zh: '响应率',
    en: 'Response rate',
    better: 'higher',
    // Requests whose dispatch was settled in the period: signed within the sign limit.
    compute(facts, p) {
      const { num, den } = settledDispatches(requests(facts), p);
      // A consultation answered on the call (咨询直接办结) is a response within the limit.
      const onCall = requests(facts).filter(
        (f) => f.dispatches.length === 0 && within(f.closedAt, p) && f.closedOnTime === true,
      );
      return occurrences([...num, ...onCall], [...den, ...onCall]);
    },
  },
  {
    key: 'hotline_solve_rate',
    family: 'hotline',
    zh: '解决率',
    en: 'Solved rate',
    better: 'higher',
    // Requests due to close, closed and not rated unsatisfied.
    compute(facts, p) {
      const due = dueToClose(requests(facts), p);
      return rate(
        closedIn(due, p).filter((f) => f.rating !== 'unsatisfied'),
        due,
      );
    },
  },
  {
    key: 'hotline_satisfaction_rate',
    family: 'hotline',
    zh: '满意率',
    en: 'Satisfaction rate',
    better: 'higher',
    compute: (facts, p) => satisfaction(requests(facts), p),
  },
  {
    key: 'petition_ontime_accept_rate',
    family: 'petition',
    zh: '及时受理率',
    en: 'Timely acceptance rate',
    better: 'higher',
    // Petitions received in the period whose acceptance was due or decided by its end: decided within the limit.
    compute(facts, p) {
      const received = petitions(facts).filter(
        (f) =>
          within(f.reportedAt, p) && (within(f.filedAt, p) || within(f.rejectedAt, p) || f.fileDueAt < p.end),
      );
      const decided = (f: CaseFacts) => f.filedAt ?? f.rejectedAt;
      return rate(
        received.filter((f) => {
          const d = decided(f);
          return !!d && d < p.end && d <= f.fileDueAt;
        }),
        received,
      );
    },
  },
  {
    key: 'petition_ontime_close_rate',
    family: 'petition',
    zh: '按期办结率',
    en: 'On-time completion rate',
    better: 'higher',
    compute(facts, p) {
      const due = dueToClose(petitions(facts), p);
      return rate(onTime(closedIn(due, p)), due);
    },
  },
  {
    key: 'proposal_reply_rate',
    family: 'proposal',
    zh: '办复率',
    en: 'Reply rate',
    better: 'higher',
    compute(facts, p) {
      const due = dueToClose(proposals(facts), p);
      return rate(closedIn(due, p), due);
    },
  },
  {
    key: 'proposal_satisfaction_rate',
    family: 'proposal',
    zh: '满意率（建议提案）',
    en: 'Proposal satisfaction rate',
    better: 'higher',
    compute: (facts, p) => satisfaction(proposals(facts), p),
  },
  {
    key: 'whistle_report_rate',
    family: 'whistle',
    zh: '报到率',
    en: 'Report-in rate',
    better: 'higher',
    // Cases whose whistle (吹哨) was blown in the period: every summoned unit reported in by the end.
    compute(facts, p) {
      const blown = facts.filter((f) => f.whistle && within(f.whistle.at, p));
      return rate(
        blown.filter((f) => f.whistle?.units.every((u) => within(u.reportedAt, p))),
        blown,
      );
    },
  },
  {
    key: 'whistle_ontime_report_rate',
    family: 'whistle',
    zh: '报到及时率',
    en: 'On-time report-in rate',
    better: 'higher',
    compute(facts, p) {
      const blown = facts.filter((f) => f.whistle && within(f.whistle.at, p));
      return rate(
        blown.filter((f) => f.whistle?.units.every((u) => within(u.reportedAt, p) && u.late === false)),
        blown,
      );
    },
  },
];

export const INDICATOR_BY_KEY = new Map(INDICATORS.map((d) => [d.key, d]));

/** Every indicator over the same facts and period. */
export function computeAll(facts: readonly CaseFacts[], p: AsOf): Record<IndicatorKey, Figure> {
  const out = {} as Record<IndicatorKey, Figure>;
  for (const d of INDICATORS) out[d.key] = d.compute(facts, p);
  return out;
}
