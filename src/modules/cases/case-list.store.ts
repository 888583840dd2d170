/**
 * The case list's SQL: the filtered, scoped list (one page and the total), the export's keyset pages and
 * the first time each case reached each state, and an assignee's workload (承办人工作量). The filters live
 * here once, so the list, the export and the bulk selection read the same cases.
 */
import { sql } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import { containsPattern } from '../../platform/db/like.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import type { CaseFilterT } from './cases.schemas.js';
import { type Viewer, visible } from './cases.store.js';
import { type CaseState, FINAL_STATES } from './workflow.js';

const OPEN = FINAL_STATES as CaseState[];
/** Who lists: the visibility filter's viewer, and who "me" and "mine" are. */
export type Lister = Viewer & Pick<Principal, 'userId'>;
/** Where the export's previous page ended (newest first: created_at desc, id desc). */
export interface ExportCursor {
  createdAt: Date;
  id: string;
}

const SUMMARY_COLUMNS = [
  'c.id',
  'c.number',
  'c.kind',
  'c.category_code',
  'cat.name as category_name',
  'cat.urgency',
  'c.state',
  'c.version',
  'c.title',
  'c.address',
  'c.area_code',
  'c.lon',
  'c.lat',
  'c.assigned_unit_id',
  'c.assigned_user_id',
  'c.due_at',
  'c.step_started_at',
  'c.step_unit',
  'c.created_at',
  'c.whistle',
] as const;

/** The visible cases matching the filters (no order, no columns yet). */
function filtered(db: Db, v: Lister, q: CaseFilterT, now: Date) {
  let query = visible(
    db.selectFrom('cases as c').innerJoin('categories as cat', 'cat.code', 'c.category_code'),
    v,
  );
  if (q.state) query = query.where('c.state', 'in', q.state.split(','));
  if (q.category) query = query.where('c.category_code', 'like', `${q.category}%`);
  if (q.area) query = query.where('c.area_code', 'like', `${q.area}%`);
  if (q.unit === 'mine') {
    query = v.unitId ? query.where('c.assigned_unit_id', '=', v.unitId) : query.where(sql<boolean>`false`);
  } else if (q.unit) query = query.where('c.assigned_unit_id', '=', q.unit);
  if (q.assignee) query = query.where('c.assigned_user_id', '=', q.assignee === 'me' ? v.userId : q.assignee);
  if (q.ids) query = query.where('c.id', 'in', q.ids);
  if (q.overdue) query = query.where('c.due_at', '<', now);
  if (q.q) {
    const like = containsPattern(q.q);
    query = query.where((eb) =>
      eb.or([eb('c.number', '=', q.q ?? ''), eb('c.title', 'like', like), eb('c.address', 'like', like)]),
    );
  }
  switch (q.queue) {
    case 'mine':
      query = query.where('c.created_by', '=', v.userId);
      break;
    case 'file':
      query = query.where('c.state', 'in', ['reported', 'verifying']);
      break;
    case 'verify':
      query = query.where('c.state', '=', 'verifying');
      break;
    case 'dispatch':
      query = query.where('c.state', '=', 'filed');
      break;
    case 'inbox':
      query = query
        .where('c.assigned_unit_id', '=', v.unitId)
        .where('c.state', 'in', ['dispatched', 'handling', 'suspended']);
      break;
    case 'check':
      query = query
        .where('c.state', '=', 'handled')
        .where('c.checked', '=', false)
        .where('cat.check_required', '=', true);
      break;
    case 'whistle':
      query = query.where('c.whistle', 'is not', null).where('c.state', 'not in', OPEN);
      break;
    case 'close':
      query = query
        .where('c.state', '=', 'handled')
        .where((eb) => eb.or([eb('c.checked', '=', true), eb('cat.check_required', '=', false)]));
      break;
  }
  return query;
}

export class CaseListStore {
  constructor(private readonly db: Db) {}

  /** One page of the case list and the total, newest first. */
  async listCases(v: Lister, q: CaseFilterT & { limit: number; offset: number }, now: Date) {
    const query = filtered(this.db, v, q, now);
    const [{ total } = { total: 0 }] = await query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .execute();
    const rows = await query
      .select(SUMMARY_COLUMNS)
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { total: Number(total), rows };
  }

  /**
   * One page of the export, newest first, after `cursor` (keyset: no offset, so page n costs what page 1
   * does), with what masking and the columns need.
   */
  exportPage(v: Lister, q: CaseFilterT, now: Date, cursor: ExportCursor | null, limit: number) {
    let query = filtered(this.db, v, q, now);
    if (cursor) query = query.where(sql<boolean>`(c.created_at, c.id) < (${cursor.createdAt}, ${cursor.id})`);
    return query
      .select(SUMMARY_COLUMNS)
      .select(['c.source', 'c.reporter', 'c.created_unit_id', 'c.closed_at', 'c.rating'])
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** The first time each of the cases reached each state, from their events. */
  async firstStateTimes(caseIds: readonly string[]) {
    if (!caseIds.length) return [];
    return this.db
      .selectFrom('case_history')
      .select(['case_id', 'to_state'])
      .select((eb) => eb.fn.min('at').as('first_at'))
      .where('case_id', 'in', [...caseIds])
      .groupBy(['case_id', 'to_state'])
      .execute();
  }

  /** Per assignee of a unit: open cases and overdue ones among them (for the assign dialog). */
  workload(unitId: string, now: Date) {
    return this.db
      .selectFrom('cases')
      .select('assigned_user_id')
      .select((eb) => [
        eb.fn.countAll<number>().as('open'),
        eb.fn.countAll<number>().filterWhere('due_at', '<', now).as('overdue'),
      ])
      .where('assigned_unit_id', '=', unitId)
      .where('assigned_user_id', 'is not', null)
      .where('state', 'not in', OPEN)
      .groupBy('assigned_user_id')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-03-10T02:00:00Z');
const LISTER: Lister = { scope: '120101', unitId: ID, roles: ['handler'], userId: ID };
export const SQL_EXAMPLES: SqlExamples<CaseListStore> = {
  listCases: [
    LISTER,
    {
      q: 'road',
      queue: 'check',
      state: 'filed,dispatched',
      unit: 'mine',
      assignee: 'me',
      limit: 50,
      offset: 0,
    },
    AT,
  ],
  exportPage: [LISTER, { area: '120101', ids: [ID], overdue: '1' }, AT, { createdAt: AT, id: ID }, 500],
  firstStateTimes: [[ID]],
  workload: [ID, AT],
};
