/**
 * The reads the evaluation module needs from cases and case_events: the cases alive in a period inside an
 * area or for a unit, and their events — visible to the caller exactly as the case list is.
 */
import { sql } from 'kysely';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import { type Viewer, visible } from './cases.store.js';

/** Which cases a period's figures read: created before `to`, and not finished before `from`. */
export interface FactFilter {
  from: Date;
  to: Date;
  /** Area-code prefix (district, street, community or grid). */
  areaPrefix?: string;
  /** A unit: the cases dispatched to it at some time, or summoning it (吹哨). */
  unitId?: string;
  /** Only these cases (a figure's drill-down). */
  ids?: readonly string[];
}

function scoped(db: Db, v: Viewer, f: FactFilter) {
  let q = visible(db.selectFrom('cases as c'), v)
    .where('c.created_at', '<', f.to)
    // Cases finished (closed, rejected, merged) and untouched since before the period never reach its figures.
    .where((eb) =>
      eb.or([
        eb('c.created_at', '>=', f.from),
        eb('c.updated_at', '>=', f.from),
        eb('c.state', 'not in', ['closed', 'rejected', 'merged']),
      ]),
    );
  if (f.areaPrefix) q = q.where('c.area_code', 'like', `${f.areaPrefix}%`);
  if (f.ids) q = q.where('c.id', 'in', f.ids.length ? [...f.ids] : ['00000000-0000-0000-0000-000000000000']);
  if (f.unitId) {
    const unitId = f.unitId;
    q = q.where((eb) =>
      eb.or([
        eb('c.assigned_unit_id', '=', unitId),
        sql<boolean>`c.whistle -> 'units' @> ${JSON.stringify([{ unitId }])}::jsonb`,
        sql<boolean>`exists (select 1 from case_history d where d.case_id = c.id and d.type = 'dispatch' and d.payload ->> 'unitId' = ${unitId})`,
      ]),
    );
  }
  return q;
}

export class CaseFactsStore {
  constructor(private readonly db: Db) {}

  /** The cases of the filter, with what the facts need from the row. */
  factCases(v: Viewer, f: FactFilter) {
    return scoped(this.db, v, f)
      .select([
        'c.id',
        'c.number',
        'c.kind',
        'c.category_code',
        'c.area_code',
        'c.state',
        'c.assigned_unit_id',
        'c.title',
        'c.created_at',
        'c.closed_at',
        'c.due_at',
        'c.rating',
      ])
      .orderBy('c.created_at')
      .orderBy('c.id')
      .execute();
  }

  /** Open cases of an area with the running deadline before `before`: `perGroup` longest overdue per street and unit. */
  overdueOpen(v: Viewer, areaPrefix: string, before: Date, perGroup: number) {
    const ranked = visible(this.db.selectFrom('cases as c'), v)
      .select([
        'c.id',
        'c.number',
        'c.title',
        'c.area_code',
        'c.assigned_unit_id',
        'c.due_at',
        sql<number>`row_number() over (partition by substr(c.area_code, 1, 9) order by c.due_at)`.as('rs'),
        sql<number>`row_number() over (partition by c.assigned_unit_id order by c.due_at)`.as('ru'),
      ])
      .where('c.area_code', 'like', `${areaPrefix}%`)
      .where('c.state', 'in', ['reported', 'verifying', 'dispatched', 'handling'])
      .where('c.due_at', '<', before);
    return this.db
      .selectFrom(ranked.as('x'))
      .select(['x.id', 'x.number', 'x.title', 'x.area_code', 'x.assigned_unit_id', 'x.due_at'])
      .where((eb) => eb.or([eb('x.rs', '<=', perGroup), eb('x.ru', '<=', perGroup)]))
      .orderBy('x.due_at')
      .execute();
  }

  /** The events of the same cases up to the period's end, oldest first per case. */
  factEvents(v: Viewer, f: FactFilter) {
    return this.db
      .selectFrom('case_history as e')
      .select(['e.case_id', 'e.seq', 'e.type', 'e.from_state', 'e.to_state', 'e.at', 'e.payload'])
      .where('e.case_id', 'in', scoped(this.db, v, f).select('c.id'))
      .where('e.at', '<', f.to)
      .orderBy('e.case_id')
      .orderBy('e.seq')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const FILTER: FactFilter = {
  from: new Date('2026-03-01T00:00:00+08:00'),
  to: new Date('2026-04-01T00:00:00+08:00'),
  areaPrefix: '120101001',
  unitId: ID,
};
const VIEWER: Viewer = { scope: '120101', unitId: ID, roles: ['leader'] };
export const SQL_EXAMPLES: SqlExamples<CaseFactsStore> = {
  factCases: [VIEWER, FILTER],
  factEvents: [VIEWER, { ...FILTER, ids: [ID] }],
  overdueOpen: [VIEWER, '120101', new Date('2026-04-01T00:00:00+08:00'), 5],
};
