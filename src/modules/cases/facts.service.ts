/**
 * The read the evaluation module needs: the facts of the cases visible to a caller over a period, inside
 * an area or for a unit (`CaseFacts`, derived in `case-facts.ts`). Evaluation never names the cases tables.
 */
import type { CaseEngine } from './case-engine.js';
import { type CaseFacts, deriveFacts, type FactEvent } from './case-facts.js';
import type { Viewer } from './cases.store.js';
import { rulesOf } from './catalogue.js';
import { CaseFactsStore, type FactFilter } from './facts.store.js';
import { isMonthStart, monthOfDay, monthStartDay } from './rollup.js';
import { type RollupFilter, RollupsStore } from './rollups.store.js';
import type { CaseKind } from './workflow.js';

export type { CaseFacts, DispatchFact, StateSpan } from './case-facts.js';
export { stateAt } from './case-facts.js';
export type { FactFilter } from './facts.store.js';
export { chinaDay, dayStart, METRICS, type Metric, monthOfDay, monthStartDay } from './rollup.js';
export type { RollupFilter } from './rollups.store.js';

/** An open case whose running deadline has passed (for a bulletin's worst-overdue lists). */
export interface OverdueOpen {
  id: string;
  number: string;
  title: string;
  areaCode: string;
  unitId: string | null;
  dueAt: Date;
}

/** One summed counter of a period (rollup.ts): a metric for a kind, a street, a unit and a person. */
export interface RollupCount {
  metric: number;
  kind: string;
  street: string;
  unitId: string;
  userId: string;
  n: number;
}

/**
 * Which counters a figure reads: chosen by the period ('auto'), or forced — 'split' reads 超期 and 积案
 * through the monthly counters up to the start of the end's month and everything else from the daily ones.
 */
export type RollupGrain = 'auto' | 'day' | 'month' | 'split';

/** Whether the monthly counters answer a filter exactly: month-start from and end, a district or street. */
export const monthlyAnswers = (f: RollupFilter): boolean =>
  isMonthStart(f.fromDay) && isMonthStart(f.endDay) && f.areaPrefix.length <= 9;

export class CaseFactsReader {
  private readonly store: CaseFactsStore;

  constructor(private readonly engine: CaseEngine) {
    this.store = new CaseFactsStore(engine.db);
  }

  /**
   * The roll-up counts of a period inside an area (district, street or community) — the caller has checked
   * the area is in the viewer's scope; per metric, kind, street, unit and person (rollup.ts). `grain`
   * 'auto' reads the monthly counters when the period is month-aligned and the area a district or street,
   * 'split' for other periods of a district or street (超期 and 积案 count every counter settled before
   * the end, all history: the monthly counters hold it in a few rows), else the daily ones; the recount
   * test compares each with the events.
   */
  async counts(f: RollupFilter, grain: RollupGrain = 'auto'): Promise<RollupCount[]> {
    const store = new RollupsStore(this.engine.db);
    const chosen =
      grain !== 'auto' ? grain : monthlyAnswers(f) ? 'month' : f.areaPrefix.length <= 9 ? 'split' : 'day';
    const monthStart = monthStartDay(monthOfDay(f.endDay));
    const rows =
      chosen === 'month'
        ? await store.countsMonthly(f)
        : chosen === 'day'
          ? await store.counts(f)
          : [
              ...(await store.countsMonthly({ ...f, endDay: monthStart }, true)),
              ...(await store.counts(f, monthStart)),
            ];
    // The two halves of 'split' may each hold a share of one key.
    const byKey = new Map<string, RollupCount>();
    for (const r of rows) {
      const key = `${r.metric}|${r.kind}|${r.street}|${r.unit_id}|${r.user_id}`;
      const had = byKey.get(key);
      if (had) had.n += Number(r.n);
      else
        byKey.set(key, {
          metric: r.metric,
          kind: r.kind,
          street: r.street,
          unitId: r.unit_id,
          userId: r.user_id,
          n: Number(r.n),
        });
    }
    return [...byKey.values()].filter((c) => c.n !== 0);
  }

  /** The open cases of an area whose running deadline fell before `before`: the longest overdue `perGroup`
   * per street and per unit (the cases as they stand now). */
  async overdueOpen(v: Viewer, areaPrefix: string, before: Date, perGroup: number): Promise<OverdueOpen[]> {
    const rows = await this.store.overdueOpen(v, areaPrefix, before, perGroup);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      title: r.title,
      areaCode: r.area_code,
      unitId: r.assigned_unit_id,
      dueAt: r.due_at as Date,
    }));
  }

  /** The facts of every case the viewer sees that was alive in [from, to), replayed up to `to`. */
  async facts(v: Viewer, f: FactFilter): Promise<CaseFacts[]> {
    const rows = await this.store.factCases(v, f);
    if (!rows.length) return [];
    const events = await this.store.factEvents(v, f);
    const byCase = new Map<string, FactEvent[]>();
    for (const e of events) {
      const list = byCase.get(e.case_id) ?? [];
      byCase.set(e.case_id, list);
      list.push({ seq: e.seq, type: e.type, toState: e.to_state, at: e.at, payload: e.payload ?? {} });
    }
    const out: CaseFacts[] = [];
    for (const r of rows) {
      const category = await this.engine.category(r.category_code);
      const cal = this.engine.decideContext(r.area_code, category, f.to);
      out.push(
        deriveFacts(
          {
            id: r.id,
            number: r.number,
            kind: r.kind as CaseKind,
            categoryCode: r.category_code,
            areaCode: r.area_code,
            title: r.title,
            assignedUnitId: r.assigned_unit_id,
            createdAt: r.created_at,
          },
          byCase.get(r.id) ?? [],
          rulesOf(category),
          cal.addLimit,
        ),
      );
    }
    return out;
  }
}
