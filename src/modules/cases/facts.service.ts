/**
 * The read the evaluation module needs: the facts of the cases visible to a caller over a period, inside
 * an area or for a unit (`CaseFacts`, derived in `case-facts.ts`). Evaluation never names the cases tables.
 */
import type { CaseEngine } from './case-engine.js';
import { type CaseFacts, deriveFacts, type FactEvent } from './case-facts.js';
import type { Viewer } from './cases.store.js';
import { rulesOf } from './catalogue.js';
import { CaseFactsStore, type FactFilter } from './facts.store.js';
import { isMonthStart } from './rollup.js';
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

/** Which counters a figure reads: chosen by the period ('auto'), or forced. */
export type RollupGrain = 'auto' | 'day' | 'month';

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
   * else the daily ones; 'day' and 'month' force one (the recount test compares both with the events).
   */
  async counts(f: RollupFilter, grain: RollupGrain = 'auto'): Promise<RollupCount[]> {
    const store = new RollupsStore(this.engine.db);
    const rows =
      grain === 'month' || (grain === 'auto' && monthlyAnswers(f))
        ? await store.countsMonthly(f)
        : await store.counts(f);
    return rows.map((r) => ({
      metric: r.metric,
      kind: r.kind,
      street: r.street,
      unitId: r.unit_id,
      userId: r.user_id,
      n: Number(r.n),
    }));
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
