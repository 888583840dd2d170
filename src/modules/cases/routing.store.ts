/** The cases module's SQL on routing (分拨建议): `routing_models`, `routing_suggestions`, and the closed cases it learns from. */
import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { RoutingModelsTable, RoutingSuggestionsTable } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export type RoutingModelRow = Selectable<RoutingModelsTable>;
export type RoutingModelSummary = Omit<RoutingModelRow, 'model'>;
export type RoutingSuggestionRow = Selectable<RoutingSuggestionsTable>;

export interface RoutingMonthRow {
  month: string;
  suggestions: number;
  chosen: number;
  accepted: number;
  cases_with: number;
  returned_with: number;
  cases_without: number;
  returned_without: number;
}

const SUMMARY = [
  'id',
  'created_at',
  'source',
  'status',
  'trained_on',
  'closed_cases',
  'held_out',
  'top1',
  'previous_top1',
  'reason',
] as const;

export class RoutingStore {
  constructor(private readonly db: Db) {}

  /** The newest active model (id only, to tell whether a cached one is still current). */
  async activeModelId(): Promise<number | null> {
    const row = await this.db
      .selectFrom('routing_models')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  modelRow(id: number): Promise<RoutingModelRow | undefined> {
    return this.db.selectFrom('routing_models').selectAll().where('id', '=', id).executeTakeFirst();
  }

  models(limit: number): Promise<RoutingModelSummary[]> {
    return this.db.selectFrom('routing_models').select(SUMMARY).orderBy('id', 'desc').limit(limit).execute();
  }

  async insertModel(row: Insertable<RoutingModelsTable>): Promise<number> {
    const r = await this.db
      .insertInto('routing_models')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  /** Retires every active model but `keep`. */
  async retireOthers(keep: number): Promise<void> {
    await this.db
      .updateTable('routing_models')
      .set({ status: 'retired' })
      .where('status', '=', 'active')
      .where('id', '<>', keep)
      .execute();
  }

  /** Closed cases, oldest first (the newest `limit`), with what routing learns from. */
  async closedCases(limit: number): Promise<{ title: string; description: string; category_code: string }[]> {
    const rows = await this.db
      .selectFrom('cases')
      .select(['title', 'description', 'category_code', 'closed_at', 'id'])
      .where('state', '=', 'closed')
      .where('closed_at', 'is not', null)
      .orderBy('closed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  async closedCount(): Promise<number> {
    const r = await this.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('state', '=', 'closed')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertSuggestion(row: Insertable<RoutingSuggestionsTable>): Promise<number> {
    const r = await this.db
      .insertInto('routing_suggestions')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  suggestion(id: number): Promise<RoutingSuggestionRow | undefined> {
    return this.db.selectFrom('routing_suggestions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async recordChoice(
    id: number,
    choice: { chosenCategory: string; accepted: boolean; caseId: string | null; at: Date },
  ): Promise<void> {
    await this.db
      .updateTable('routing_suggestions')
      .set({
        chosen_category: choice.chosenCategory,
        accepted: choice.accepted,
        case_id: choice.caseId,
        chosen_at: choice.at,
      })
      .where('id', '=', id)
      .execute();
  }

  async caseExists(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('cases').select('id').where('id', '=', id).executeTakeFirst();
    return r !== undefined;
  }

  /**
   * Per month (Beijing time) inside an area scope: suggestions shown, chosen, first one taken; cases filed
   * after a suggestion and without one, and how many of each were returned (退单) at least once.
   */
  async months(scope: string, from: Date): Promise<RoutingMonthRow[]> {
    const res = await sql<RoutingMonthRow>`
      with s as (
        select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month,
               count(*)::int as suggestions,
               count(chosen_category)::int as chosen,
               count(*) filter (where accepted)::int as accepted
        from routing_suggestions
        where created_at >= ${from}
          and (case_id is null or case_id in (select id from cases where area_code like ${scope} || '%'))
        group by 1
      ),
      c as (
        select to_char(c.created_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month,
               exists (select 1 from routing_suggestions rs where rs.case_id = c.id) as suggested,
               exists (select 1 from case_history e where e.case_id = c.id and e.type = 'return') as returned
        from cases c
        where c.created_at >= ${from} and c.area_code like ${scope} || '%'
      ),
      cm as (
        select month,
               count(*) filter (where suggested)::int as cases_with,
               count(*) filter (where suggested and returned)::int as returned_with,
               count(*) filter (where not suggested)::int as cases_without,
               count(*) filter (where not suggested and returned)::int as returned_without
        from c group by 1
      )
      select coalesce(s.month, cm.month) as month,
             coalesce(s.suggestions, 0) as suggestions, coalesce(s.chosen, 0) as chosen,
             coalesce(s.accepted, 0) as accepted,
             coalesce(cm.cases_with, 0) as cases_with, coalesce(cm.returned_with, 0) as returned_with,
             coalesce(cm.cases_without, 0) as cases_without, coalesce(cm.returned_without, 0) as returned_without
      from s full join cm on cm.month = s.month
      order by 1`.execute(this.db);
    return res.rows;
  }
}

const AT = new Date('2026-03-10T02:00:00Z');

export const SQL_EXAMPLES: SqlExamples<RoutingStore> = {
  activeModelId: [],
  modelRow: [1],
  models: [20],
  insertModel: [
    {
      source: 'catalogue',
      status: 'active',
      trained_on: 100,
      closed_cases: 0,
      held_out: 0,
      top1: null,
      previous_top1: null,
      reason: 'cold start',
      model: '{}',
    },
  ],
  retireOthers: [2],
  closedCases: [5000],
  closedCount: [],
  insertSuggestion: [
    {
      channel: 'hotline',
      user_id: null,
      model_id: 1,
      suggested: ['event.0101'],
      confidence: [0.9],
      reason: null,
    },
  ],
  suggestion: [1],
  recordChoice: [1, { chosenCategory: 'event.0101', accepted: true, caseId: null, at: AT }],
  caseExists: ['00000000-0000-0000-0000-000000000000'],
  months: ['110105', AT],
};
