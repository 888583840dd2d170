/**
 * The read the evaluation module needs: the facts of the cases visible to a caller over a period, inside
 * an area or for a unit (`CaseFacts`, derived in `case-facts.ts`). Evaluation never names the cases tables.
 */
import type { CaseEngine } from './case-engine.js';
import { type CaseFacts, deriveFacts, type FactEvent } from './case-facts.js';
import type { Viewer } from './cases.store.js';
import { rulesOf } from './catalogue.js';
import { CaseFactsStore, type FactFilter } from './facts.store.js';
import type { CaseKind } from './workflow.js';

export type { CaseFacts, DispatchFact, StateSpan } from './case-facts.js';
export { stateAt } from './case-facts.js';
export type { FactFilter } from './facts.store.js';

export class CaseFactsReader {
  private readonly store: CaseFactsStore;

  constructor(private readonly engine: CaseEngine) {
    this.store = new CaseFactsStore(engine.db);
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
