/** The safety module's access to its inspection tables (双随机、一公开): inspection_plans, inspection_targets. */
import { type Insertable, sql, type Updateable } from 'kysely';
import type { InspectionPlansTable, InspectionTargetsTable } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export class InspectionsStore {
  constructor(private readonly db: Db) {}

  async insertPlan(row: Insertable<InspectionPlansTable>): Promise<string> {
    const { id } = await this.db
      .insertInto('inspection_plans')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** One plan inside the scope (scope '' = any: the public page and the CLI). */
  plan(scope: string, id: string) {
    return this.db
      .selectFrom('inspection_plans')
      .selectAll()
      .where('id', '=', id)
      .where('area_code', 'like', `${scope}%`)
      .executeTakeFirst();
  }

  /** The plan row locked for the draw, so two draws of one plan cannot both pass the "not drawn yet" test. */
  planForUpdate(id: string) {
    return this.db
      .selectFrom('inspection_plans')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  plans(scope: string, drawnOnly: boolean) {
    let q = this.db
      .selectFrom('inspection_plans')
      .select(['id', 'title', 'area_code', 'target_count', 'seed', 'drawn_at', 'created_at'])
      .where('area_code', 'like', `${scope}%`);
    if (drawnOnly) q = q.where('drawn_at', 'is not', null);
    return q.orderBy('created_at', 'desc').limit(200).execute();
  }

  async recordDraw(
    planId: string,
    pool: string,
    at: Date,
    targets: readonly Omit<Insertable<InspectionTargetsTable>, 'plan_id'>[],
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('inspection_plans')
      .set({ pool, drawn_at: at })
      .where('id', '=', planId)
      .where('drawn_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    if (targets.length)
      await this.db
        .insertInto('inspection_targets')
        .values(targets.map((t) => ({ ...t, plan_id: planId })))
        .execute();
    return true;
  }

  targets(planId: string) {
    return this.db
      .selectFrom('inspection_targets as t')
      .innerJoin('safety_places as p', 'p.id', 't.place_id')
      .selectAll('t')
      .select([
        'p.name as place_name',
        'p.credit_code',
        'p.address',
        'p.risk_grade',
        'p.industry',
        'p.lon',
        'p.lat',
      ])
      .where('t.plan_id', '=', planId)
      .orderBy('t.position')
      .execute();
  }

  target(planId: string, targetId: string) {
    return this.db
      .selectFrom('inspection_targets')
      .selectAll()
      .where('plan_id', '=', planId)
      .where('id', '=', targetId)
      .executeTakeFirst();
  }

  updateTarget(id: string, set: Updateable<InspectionTargetsTable>) {
    return this.db
      .updateTable('inspection_targets')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * The field app's list: targets of drawn plans inside the scope where one of the two inspectors is the
   * caller (a roster entry's id is the user's id or username), still open or inspected on `day`.
   */
  inspectorTargets(scope: string, keys: readonly string[], day: string) {
    return this.db
      .selectFrom('inspection_targets as t')
      .innerJoin('inspection_plans as pl', 'pl.id', 't.plan_id')
      .innerJoin('safety_places as p', 'p.id', 't.place_id')
      .selectAll('t')
      .select([
        'pl.title as plan_title',
        'p.name as place_name',
        'p.credit_code',
        'p.address',
        'p.industry',
        'p.lon',
        'p.lat',
      ])
      .where('pl.area_code', 'like', `${scope}%`)
      .where('pl.drawn_at', 'is not', null)
      .where((eb) =>
        eb.or(keys.map((k) => eb(sql`t.inspectors`, '@>', sql`${JSON.stringify([{ id: k }])}::jsonb`))),
      )
      .where((eb) => eb.or([eb('t.result', 'is', null), eb('t.inspected_on', '=', day)]))
      .orderBy('pl.drawn_at')
      .orderBy('t.position')
      .limit(500)
      .execute();
  }

  /** Targets drawn and inspected in plans inside a scope drawn in [from, to): inspections done against plan. */
  planProgress(scope: string, from: Date, to: Date) {
    return this.db
      .selectFrom('inspection_targets as t')
      .innerJoin('inspection_plans as pl', 'pl.id', 't.plan_id')
      .select(['pl.area_code', 't.result'])
      .where('pl.area_code', 'like', `${scope}%`)
      .where('pl.drawn_at', '>=', from)
      .where('pl.drawn_at', '<', to)
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-05-01T00:00:00Z');

export const SQL_EXAMPLES: SqlExamples<InspectionsStore> = {
  insertPlan: [
    {
      title: '2026年12月餐饮单位双随机抽查',
      area_code: '120101',
      filters: '{"industries":[],"grades":[],"areaCode":"120101","excludeInspectedMonths":6}',
      target_count: 10,
      different_units: true,
      roster: '[]',
      seed: 'seed',
      pool: null,
      drawn_at: null,
      created_by: ID,
    },
  ],
  plan: ['120101', ID],
  planForUpdate: [ID],
  plans: ['120101', true],
  recordDraw: [ID, '[]', AT, []],
  targets: [ID],
  target: [ID, ID],
  updateTarget: [ID, { result: 'no_problem', inspected_on: '2026-05-01', photos: [], inspected_by: ID }],
  inspectorTargets: ['120101', [ID, 'inspector'], '2026-05-01'],
  planProgress: ['120101', AT, AT],
};
