/**
 * The indicators from roll-up counts (cases/rollup.ts) instead of case facts: the same definitions as
 * indicators.ts, written as sums of counters. Pure. A figure from counts names no cases (its drill-down
 * opens the case list with the same filters); the recount test checks every figure equals indicators.ts.
 */
import type { Metric, RollupCount } from '../cases/cases.service.js';
import { METRICS } from '../cases/cases.service.js';
import { type Figure, INDICATORS, type IndicatorKey, percent } from './indicators.js';
import type { PerCaseCounter } from './scheme.js';

type Kind = 'request' | 'petition' | 'proposal';
/** Counts of one group (a district, a street, a unit, a person): per metric, in total and per kind. */
export interface CountBag {
  total: Map<Metric, number>;
  byKind: Map<string, Map<Metric, number>>;
}

export const emptyBag = (): CountBag => ({ total: new Map(), byKind: new Map() });

export function addToBag(bag: CountBag, c: RollupCount): void {
  const m = METRICS[c.metric];
  if (!m) return;
  bag.total.set(m, (bag.total.get(m) ?? 0) + c.n);
  let k = bag.byKind.get(c.kind);
  if (!k) {
    k = new Map();
    bag.byKind.set(c.kind, k);
  }
  k.set(m, (k.get(m) ?? 0) + c.n);
}

const fig = (num: number, den: number | null): Figure => ({
  numerator: num,
  denominator: den,
  rate: den === null ? null : percent(num, den),
  caseIds: [],
  denominatorIds: [],
});

/** Every indicator of a group from its counts. */
export function figuresFromCounts(bag: CountBag): Record<IndicatorKey, Figure> {
  const t = (m: Metric) => bag.total.get(m) ?? 0;
  const k = (kind: Kind, m: Metric) => bag.byKind.get(kind)?.get(m) ?? 0;
  const due = (get: (m: Metric) => number) => get('due_closed') + get('due_open');
  const of = (kind: Kind) => (m: Metric) => k(kind, m);
  const req = of('request');
  const pet = of('petition');
  const pro = of('proposal');
  const out: Record<IndicatorKey, Figure> = {
    filing_rate: fig(t('rep_filed'), t('rep_decided')),
    closing_rate: fig(t('due_closed'), due(t)),
    ontime_closing_rate: fig(t('due_closed_ontime'), due(t)),
    rework_rate: fig(t('chk_fail'), t('chk')),
    return_rate: fig(t('disp_returned'), t('disp')),
    ontime_sign_rate: fig(t('sign_ontime'), t('sign_settled') + t('sign_pending')),
    ontime_dispatch_rate: fig(t('fdisp_ontime'), t('fdisp_done') + t('fdisp_pending')),
    ontime_check_rate: fig(t('fb_ontime'), t('fb_done') + t('fb_pending')),
    overdue_count: fig(t('overdue'), null),
    backlog_count: fig(t('open_rep'), null),
    hotline_response_rate: fig(
      req('sign_ontime') + req('oncall'),
      req('sign_settled') + req('sign_pending') + req('oncall'),
    ),
    hotline_solve_rate: fig(req('due_closed_solved'), due(req)),
    hotline_satisfaction_rate: fig(req('closed_good'), req('closed_rated')),
    petition_ontime_accept_rate: fig(pet('rep_decided_ontime'), pet('rep_decided') + pet('rep_undecided')),
    petition_ontime_close_rate: fig(pet('due_closed_ontime'), due(pet)),
    proposal_reply_rate: fig(pro('due_closed'), due(pro)),
    proposal_satisfaction_rate: fig(pro('closed_good'), pro('closed_rated')),
    whistle_report_rate: fig(t('wh_all'), t('wh_blown')),
    whistle_ontime_report_rate: fig(t('wh_ontime'), t('wh_blown')),
  };
  // Every indicator must have a counted form: a new one in indicators.ts fails here until it has.
  for (const d of INDICATORS) if (!out[d.key]) throw new Error(`no roll-up form for ${d.key}`);
  return out;
}

/** The per-case facts of the scheme's rules from counts. */
export function countsCounter(bag: CountBag): PerCaseCounter {
  const t = (m: Metric) => bag.total.get(m) ?? 0;
  return (fact) => {
    const count =
      fact === 'rework'
        ? t('chk_fail')
        : fact === 'rework_3'
          ? t('rework3')
          : fact === 'return'
            ? t('returned')
            : t('overdue');
    return { count, caseIds: [] };
  };
}
