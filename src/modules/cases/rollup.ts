/**
 * Roll-ups (汇总计数): what the evaluation indicators count, kept as per-day counters updated in the same
 * transaction as each case event (pure; `case-engine.ts` writes the deltas, `rollups.store.ts` keeps them).
 *
 * A case's *memberships* are the counted things its facts (case-facts.ts, replayed up to now) hold: "filed,
 * reported on day s", "due to close with its handling deadline on day s", "one dispatch made on day s and
 * signed on time", "open with its running deadline on day s" … Each has a `stamp` day (the date the
 * indicator compares with the period) and for a few a `due` day (a deadline that must have passed by the
 * period's end). When an event changes the facts, the memberships that went away count −1 and the new ones
 * +1, on the event's day (`known`). The figure of a period [from, end) — end a day boundary — is then the sum
 * of the counters with known < end and the stamp condition of the metric's class:
 *   range:   from ≤ stamp < end and due < end   (most metrics)
 *   stock:   stamp < end                          (超期: open with the running deadline before the end)
 *   backlog: stamp < end − 60 days                (积案: open at the end and reported more than 60 days before)
 * which is exactly what the indicators over facts replayed up to the end count (the recount test checks it).
 *
 * A change is stored as a `Counter`: its three days folded into one, `settled` (see there), with the case's
 * community (12-digit area code), its unit (the unit it was last dispatched to), its person (承办人), its kind,
 * and a count. Categories are not kept (no indicator needs them), nor case ids (drill-downs read the case
 * list).
 *
 * Monthly counters (case_rollups_monthly) fold the same deltas to month numbers and the street (9 digits):
 * for a period whose from and end are month starts, "day < end" ⇔ "month(day) < month(end)" and
 * "day ≥ from" ⇔ "month(day) ≥ month(from)", so range and stock metrics stay exact with every day replaced
 * by its month. 积案's "stamp < end − 60 days" is not month-aligned: its monthly stamp is the first month
 * whose start is ≥ stamp + 61 days, and it counts when that month ≤ month(end) — the same condition for any
 * month-start end (`monthlyOf`). The row count is bounded by months × streets × units × people × kinds ×
 * metrics (and a few settled months), not by the number of cases.
 */
import type { CaseFacts } from './case-facts.js';

/** Stored as their index: append only, never reorder. */
export const METRICS = [
  'rep_decided', // reported on stamp; filed or rejected
  'rep_filed', // reported on stamp; filed
  'rep_decided_ontime', // reported on stamp; decided (filed or rejected) within the filing limit
  'rep_undecided', // reported on stamp; neither filed nor rejected; due = filing deadline
  'due_closed', // filed, closed (stands) on stamp
  'due_closed_ontime', // … on time (按期)
  'due_closed_solved', // … not rated unsatisfied
  'due_open', // filed, open (not deferred) with the handling deadline on stamp
  'closed_rated', // closed on stamp and rated
  'closed_good', // closed on stamp and rated satisfied / basically satisfied
  'chk', // a check (核查) on stamp
  'chk_fail', // a failed check on stamp (返工)
  'disp', // a dispatch on stamp
  'disp_returned', // a dispatch on stamp, returned (退单)
  'sign_settled', // a dispatch on stamp, signed or returned
  'sign_pending', // a dispatch on stamp, neither yet; due = sign deadline
  'sign_ontime', // a dispatch on stamp, signed within the limit
  'fdisp_done', // reported on stamp, dispatched
  'fdisp_ontime', // reported on stamp, first dispatch within the filing limit
  'fdisp_pending', // reported on stamp, filed and waiting for a unit; due = filing deadline
  'fb_done', // a feedback on stamp, checked
  'fb_ontime', // a feedback on stamp, checked within the limit
  'fb_pending', // a feedback on stamp, waiting for its check; due = check deadline
  'oncall', // a consultation answered on the call, closed on stamp, on time
  'overdue', // open (not deferred) with the running step's deadline on stamp (stock)
  'open_rep', // open (deferred too), reported on stamp (stock, 积案)
  'wh_blown', // whistle (吹哨) blown on stamp
  'wh_all', // … every summoned unit reported in
  'wh_ontime', // … every summoned unit reported in on time
  'returned', // a return (退单) made on stamp
  'rework3', // the third failed check on stamp
  'received', // every case, reported on stamp (the big screen's intake trend; no indicator; community only)
  'closed', // closed (stands) on stamp, filed or not (the big screen's closing trend; no indicator; community only)
] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_ID = new Map<Metric, number>(METRICS.map((m, i) => [m, i]));
export const STOCK_METRICS: readonly Metric[] = ['overdue'];
export const BACKLOG_METRICS: readonly Metric[] = ['open_rep'];

const OFFSET_MS = 8 * 3_600_000;
const MS_DAY = 86_400_000;
/** The day number (days since 1970-01-01) of `t` in China time. */
export const chinaDay = (t: Date): number => Math.floor((t.getTime() + OFFSET_MS) / MS_DAY);
/** Midnight in China starting day number `d`. */
export const dayStart = (d: number): Date => new Date(d * MS_DAY - OFFSET_MS);

export interface RollupDims {
  /** Community (12 digits) of the case's area. */
  area: string;
  unit: string;
  user: string;
  kind: string;
}

export interface RollupDelta extends RollupDims {
  metric: number;
  known: number;
  stamp: number;
  due: number;
  n: number;
}

/** The backlog (积案) age: open and reported more than this many days before the period's end. */
export const BACKLOG_DAYS = 60;

/** The month number (year × 12 + month − 1) of China day number `d`. */
export function monthOfDay(d: number): number {
  const t = new Date(d * MS_DAY);
  return t.getUTCFullYear() * 12 + t.getUTCMonth();
}
/** The China day number the month `m` starts on. */
export const monthStartDay = (m: number): number => Date.UTC(Math.floor(m / 12), m % 12, 1) / MS_DAY;
/** Whether day `d` starts a month (a period from/end the monthly counters can answer). */
export const isMonthStart = (d: number): boolean => monthStartDay(monthOfDay(d)) === d;

/** A monthly counter change: months instead of days, the street instead of the community (`monthlyOf`). */
export interface MonthlyDelta extends Omit<RollupDelta, 'area'> {
  street: string;
}

const classOf = (metric: number): 'stock' | 'backlog' | 'range' => {
  const m = METRICS[metric] as Metric;
  return STOCK_METRICS.includes(m) ? 'stock' : BACKLOG_METRICS.includes(m) ? 'backlog' : 'range';
};

/** A daily delta mapped to its monthly change (see the header: exact for month-aligned periods). */
export function monthlyOf(d: RollupDelta): MonthlyDelta {
  let stamp: number;
  if (classOf(d.metric) === 'backlog') {
    // The first month start ≥ stamp + 61: "stamp < end − 60" ⇔ "end ≥ that start" for month-start ends.
    const first = d.stamp + BACKLOG_DAYS + 1;
    const m = monthOfDay(first);
    stamp = monthStartDay(m) === first ? m : m + 1;
  } else stamp = monthOfDay(d.stamp);
  return {
    metric: d.metric,
    known: monthOfDay(d.known),
    stamp,
    due: d.due < 0 ? -1 : monthOfDay(d.due),
    street: d.area.slice(0, 9),
    unit: d.unit,
    user: d.user,
    kind: d.kind,
    n: d.n,
  };
}

/**
 * A stored counter (case_rollups by day and community, case_rollups_monthly by month and street). Of a
 * change's three days only what a period asks is kept: every condition on `known`, `due` and the stamp's
 * upper bound is "before the period's end", so they fold into one day, `settled` — the last of them — and
 * the counter counts for a period [from, end) exactly when
 *   settled < end, and (range metrics only) stamp ≥ from.
 *   range:   settled = max(known, stamp, due)
 *   stock:   settled = max(known, stamp)                 stamp not kept (0)
 *   backlog: settled = max(known, stamp + 60)            (monthly: max(known, first month − 1)); stamp 0
 * So a +1 and its later −1 land on the same counter and cancel whenever the change came before the deadline
 * the counter waited for (a report filed on time, a case closed before its deadline …): most of the open,
 * pending and overdue bookkeeping of a closed case leaves no row behind.
 */
export interface Counter {
  metric: number;
  settled: number;
  stamp: number;
  /** Community (daily) or street (monthly). */
  area: string;
  unit: string;
  user: string;
  kind: string;
  n: number;
}

function counterOf(d: Omit<RollupDelta, 'area'>, area: string, backlogLag: number): Counter {
  const c = classOf(d.metric);
  const settled =
    c === 'stock'
      ? Math.max(d.known, d.stamp)
      : c === 'backlog'
        ? Math.max(d.known, d.stamp + backlogLag)
        : Math.max(d.known, d.stamp, d.due);
  return {
    metric: d.metric,
    settled,
    stamp: c === 'range' ? d.stamp : 0,
    area,
    unit: d.unit,
    user: d.user,
    kind: d.kind,
    n: d.n,
  };
}

/** The key of a stored counter (what the tables' primary keys hold). */
export const counterKey = (c: Counter): string =>
  `${c.area}|${c.metric}|${c.settled}|${c.stamp}|${c.unit}|${c.user}|${c.kind}`;

/** Counters folded by key, zeros dropped, sorted by key (upserts in one order never deadlock). */
function fold(counters: Iterable<Counter>): Counter[] {
  const m = new Map<string, Counter>();
  for (const c of counters) {
    const k = counterKey(c);
    const had = m.get(k);
    if (had) had.n += c.n;
    else m.set(k, { ...c });
  }
  return [...m.entries()]
    .filter(([, c]) => c.n !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => c);
}

/** The daily counters (case_rollups) of some deltas. */
export function dailyCounters(deltas: Iterable<RollupDelta>): Counter[] {
  const out: Counter[] = [];
  for (const d of deltas) out.push(counterOf(d, d.area, BACKLOG_DAYS));
  return fold(out);
}

/** The monthly counters (case_rollups_monthly) of some daily deltas. */
export function monthlyCounters(deltas: Iterable<RollupDelta>): Counter[] {
  const out: Counter[] = [];
  for (const d of deltas) {
    const m = monthlyOf(d);
    out.push(counterOf(m, m.street, -1));
  }
  return fold(out);
}

const FINAL = new Set(['closed', 'rejected', 'merged']);
const GOOD = new Set(['satisfied', 'basically']);

/** The case's memberships as a multiset keyed `metric|stamp|due|area|unit|user|kind`. */
export function memberships(f: CaseFacts): Map<string, number> {
  const out = new Map<string, number>();
  const dims = `${f.areaCode.slice(0, 12)}|${f.unitId ?? ''}|${f.userId ?? ''}|${f.kind}`;
  const add = (m: Metric, stamp: Date, due?: Date, d = dims) => {
    const k = `${METRIC_ID.get(m)}|${chinaDay(stamp)}|${due ? chinaDay(due) : -1}|${d}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  };
  const state = f.states[f.states.length - 1]?.state ?? null;
  const open = state !== null && !FINAL.has(state);
  const rep = f.reportedAt;
  // The screen's trends need the community alone: one counter per community and day, whatever the unit.
  const community = `${f.areaCode.slice(0, 12)}|||`;
  add('received', rep, undefined, community);
  if (state === 'closed' && f.closedAt) add('closed', f.closedAt, undefined, community);
  // Filing (立案) and, for petitions, acceptance.
  const decidedAt = f.filedAt ?? f.rejectedAt;
  if (decidedAt) {
    add('rep_decided', rep);
    if (decidedAt <= f.fileDueAt) add('rep_decided_ontime', rep);
  } else add('rep_undecided', rep, f.fileDueAt);
  if (f.filedAt) add('rep_filed', rep);
  // Due to close (应结案) and closed.
  if (f.filedAt && !f.rejectedAt) {
    if (state === 'closed' && f.closedAt) {
      add('due_closed', f.closedAt);
      if (f.closedOnTime === true) add('due_closed_ontime', f.closedAt);
      if (f.rating !== 'unsatisfied') add('due_closed_solved', f.closedAt);
    } else if (open && state !== 'suspended' && f.handleDueAt) add('due_open', f.handleDueAt);
  }
  if (state === 'closed' && f.closedAt && f.rating !== null) {
    add('closed_rated', f.closedAt);
    if (GOOD.has(f.rating)) add('closed_good', f.closedAt);
  }
  if (f.kind === 'request' && f.dispatches.length === 0 && f.closedAt && f.closedOnTime === true)
    add('oncall', f.closedAt);
  // Checks, dispatches, signing, returns.
  for (const c of f.checks) {
    add('chk', c.at);
    if (!c.pass) add('chk_fail', c.at);
  }
  const third = f.reworks[2];
  if (third) add('rework3', third.at);
  for (const d of f.dispatches) {
    add('disp', d.at);
    if (d.returnedAt) {
      add('disp_returned', d.at);
      add('returned', d.returnedAt);
    }
    if (d.signedAt || d.returnedAt) add('sign_settled', d.at);
    else add('sign_pending', d.at, d.signDueAt);
    if (d.signedAt && d.signedAt <= d.signDueAt) add('sign_ontime', d.at);
  }
  const first = f.dispatches[0];
  if (first) {
    add('fdisp_done', rep);
    if (first.at <= f.fileDueAt) add('fdisp_ontime', rep);
  } else if (state === 'filed') add('fdisp_pending', rep, f.fileDueAt);
  for (const b of f.feedbacks) {
    if (b.checkedAt) {
      add('fb_done', b.at);
      if (b.checkedAt <= b.checkDueAt) add('fb_ontime', b.at);
    } else if (!b.skipped) add('fb_pending', b.at, b.checkDueAt);
  }
  // Stocks: overdue (the running step's deadline) and open since the report (积案).
  if (open) {
    add('open_rep', rep);
    let deadline: Date | null = null;
    if (state === 'reported' || state === 'verifying') deadline = f.fileDueAt;
    else if (state === 'dispatched') deadline = f.dispatches[f.dispatches.length - 1]?.signDueAt ?? null;
    else if (state === 'handling') deadline = f.handleDueAt;
    if (deadline) add('overdue', deadline);
  }
  // Whistles (吹哨报到).
  if (f.whistle) {
    add('wh_blown', f.whistle.at);
    if (f.whistle.units.every((u) => u.reportedAt)) {
      add('wh_all', f.whistle.at);
      if (f.whistle.units.every((u) => u.late === false)) add('wh_ontime', f.whistle.at);
    }
  }
  return out;
}

/** The counter changes an event makes: memberships after minus before, on the event's day. */
export function rollupDeltas(
  before: Map<string, number> | null,
  after: Map<string, number>,
  at: Date,
): RollupDelta[] {
  const known = chinaDay(at);
  const diff = new Map<string, number>();
  for (const [k, n] of after) diff.set(k, n);
  for (const [k, n] of before ?? []) diff.set(k, (diff.get(k) ?? 0) - n);
  const out: RollupDelta[] = [];
  for (const [k, n] of diff) {
    if (n === 0) continue;
    const [metric, stamp, due, area, unit, user, kind] = k.split('|') as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    out.push({
      metric: Number(metric),
      known,
      stamp: Number(stamp),
      due: Number(due),
      area,
      unit,
      user,
      kind,
      n,
    });
  }
  return out;
}
