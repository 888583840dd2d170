/**
 * The leader's home page (领导首页), sized for a year of a district's cases:
 * - live figures as of now — today's intake and closures, overdue and due within 24 hours, open whistles
 *   (吹哨) — each counted in SQL by the cases module over the cases the caller sees, with the ids of at
 *   most `LIVE_IDS` of them (the most urgent or newest) for the list behind the figure;
 * - the month's 三率, composite score and worst streets and departments, from the roll-ups, through the last
 *   complete day: the month of yesterday up to today's midnight (so on the 1st it is the month just ended, in
 *   full), against the month before it. Exact, and never a month of case facts replayed in JS.
 */
import type { Principal } from '../../platform/auth/roles.js';
import { seesByUnitOnly } from '../../platform/auth/roles.js';
import type { CaseScreenReader } from '../cases/screen.service.js';
import { type Evaluation, figureOut, periodOut, type UnitScoreOut } from './evaluation.service.js';
import type { IndicatorKey } from './indicators.js';
import { monthOf, type NamedPeriod, previousPeriod, todayOf } from './period.js';

/** Ids handed out per live figure (the case list opens them; the count is always the whole). */
export const LIVE_IDS = 300;
const THREE_RATES: IndicatorKey[] = [
  'hotline_response_rate',
  'hotline_solve_rate',
  'hotline_satisfaction_rate',
];

export class Dashboard {
  constructor(
    private readonly evaluation: Pick<Evaluation, 'scoreUnits' | 'scopeFigures'>,
    private readonly cases: Pick<CaseScreenReader, 'live'>,
    readonly now: () => Date = () => new Date(),
  ) {}

  async dashboard(p: Principal) {
    const now = this.now();
    const today = todayOf(now).from;
    // The month of yesterday, through yesterday: whole days, so the roll-ups answer it exactly.
    const month: NamedPeriod = { ...monthOf(new Date(today.getTime() - 1)), end: today };
    const last = previousPeriod(month);
    // Streets and departments within the caller's own scope (a street user: their street).
    const district = p.scope.length >= 6 && !seesByUnitOnly(p.roles) ? p.scope : null;
    // The scores' totals are the scope's figures; without scores (a handler, a city-wide login) they are
    // read alone.
    const figures = (period: NamedPeriod) =>
      district
        ? this.evaluation.scoreUnits(p, district, period).then((s) => ({ s, all: s.totals }))
        : this.evaluation.scopeFigures(p, period).then((all) => ({ s: null, all }));
    const [live, thisMonth, lastMonth] = await Promise.all([
      this.cases.live(p, null, now, today, LIVE_IDS),
      figures(month),
      figures(last),
    ]);
    const [figNow, figLast] = [thisMonth.all, lastMonth.all];
    const scores = thisMonth.s && lastMonth.s ? ([thisMonth.s, lastMonth.s] as const) : null;
    let composite = { current: null as number | null, previous: null as number | null };
    let worstStreets: { id: string; name: string; score: number }[] = [];
    let worstDepartments: { id: string; name: string; score: number }[] = [];
    if (scores) {
      const [s, sl] = scores;
      const avg = (xs: UnitScoreOut[]) =>
        xs.length ? Math.round((xs.reduce((a, u) => a + u.score, 0) / xs.length) * 100) / 100 : null;
      composite = { current: avg(s.streets), previous: avg(sl.streets) };
      const pick = (u: UnitScoreOut) => ({ id: u.id, name: u.name, score: u.score });
      worstStreets = [...s.streets].reverse().slice(0, 5).map(pick);
      worstDepartments = [...s.departments].reverse().slice(0, 5).map(pick);
    }
    return {
      today: {
        intake: live.intake.count,
        closed: live.closed.count,
        intakeIds: live.intake.caseIds,
        closedIds: live.closed.caseIds,
      },
      month: periodOut(month),
      threeRates: THREE_RATES.map((k) => {
        const [rate, previous] = [figNow[k].rate, figLast[k].rate];
        return {
          ...figureOut(k, figNow[k]),
          previous,
          change: rate === null || previous === null ? null : Math.round((rate - previous) * 100) / 100,
        };
      }),
      composite,
      overdue: { count: live.overdue.count, caseIds: live.overdue.caseIds },
      nearlyOverdue: { count: live.nearly.count, caseIds: live.nearly.caseIds },
      worstStreets,
      worstDepartments,
      openWhistles: {
        count: live.whistles.count,
        caseIds: live.whistles.caseIds,
        unreported: live.whistles.unreported,
      },
    };
  }
}
