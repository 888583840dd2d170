/**
 * The big screen's SQL (大屏): aggregates over the cases the caller sees, counted in the database — never a
 * case list loaded into JS — so one refresh costs a handful of grouped scans however many cases a year holds.
 * "Overdue" is the case list's own filter (`due_at < now`), so a figure opens the same cases in the list.
 */
import { sql } from 'kysely';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import { STATES } from './case-model.js';
import { type Viewer, visible } from './cases.store.js';
import { type CaseState, FINAL_STATES } from './workflow.js';

/**
 * The open states, named (not "not final"), so the (state, due_at) index serves the open cases alone
 * instead of a scan of every case of the year.
 */
const OPEN = STATES.filter((x) => !FINAL_STATES.includes(x)) as CaseState[];
/** Civil day in China (UTC+8 all year), whatever the session's time zone. */
const chinaDay = (col: string) =>
  sql<string>`to_char((${sql.ref(col)} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** The leader's live figures (`liveCases`). */
export type LiveFigure = 'intake' | 'closed' | 'overdue' | 'nearly' | 'whistles';

/** The cases the viewer sees, inside `area` when given. */
function base(db: Db, v: Viewer, area: string | null) {
  const q = visible(db.selectFrom('cases as c'), v);
  return area ? q.where('c.area_code', 'like', `${area}%`) : q;
}

export class CaseScreenStore {
  constructor(private readonly db: Db) {}

  /** Open and overdue cases per area code (a located case's code is its grid). */
  areaLoad(v: Viewer, area: string | null, now: Date) {
    return base(this.db, v, area)
      .where('c.state', 'in', OPEN)
      .select((eb) => [
        'c.area_code',
        eb.fn.countAll<string>().as('open'),
        eb.fn.countAll<string>().filterWhere('c.due_at', '<', now).as('overdue'),
      ])
      .groupBy('c.area_code')
      .execute();
  }

  /**
   * Received and closed per civil day in China from `from` on (a year is at most 366 rows each): the
   * 30-day trend, the 12-month trend (added up by month) and today's counts all come from it.
   */
  async daily(v: Viewer, area: string | null, from: Date) {
    const [received, closed] = await Promise.all([
      base(this.db, v, area)
        .where('c.created_at', '>=', from)
        .select((eb) => [chinaDay('c.created_at').as('day'), eb.fn.countAll<string>().as('n')])
        .groupBy(sql`1`)
        .execute(),
      base(this.db, v, area)
        .where('c.state', '=', 'closed')
        .where('c.closed_at', '>=', from)
        .select((eb) => [chinaDay('c.closed_at').as('day'), eb.fn.countAll<string>().as('n')])
        .groupBy(sql`1`)
        .execute(),
    ]);
    return { received, closed };
  }

  /**
   * Cases received per street (first 9 digits of the area code) and category in two spans: `now` =
   * [from, to), `before` = [beforeFrom, beforeTo). Top categories and the fastest rising come from it.
   */
  streetCategories(
    v: Viewer,
    area: string | null,
    spans: { from: Date; to: Date; beforeFrom: Date; beforeTo: Date },
  ) {
    return base(this.db, v, area)
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .where('c.created_at', '>=', spans.beforeFrom)
      .where('c.created_at', '<', spans.to)
      .select((eb) => [
        sql<string>`substr(c.area_code, 1, 9)`.as('street'),
        'c.category_code',
        'cat.name',
        'cat.name_en',
        eb.fn
          .countAll<string>()
          .filterWhere((w) => w.and([w('c.created_at', '>=', spans.from), w('c.created_at', '<', spans.to)]))
          .as('now'),
        eb.fn
          .countAll<string>()
          .filterWhere((w) =>
            w.and([w('c.created_at', '>=', spans.beforeFrom), w('c.created_at', '<', spans.beforeTo)]),
          )
          .as('before'),
      ])
      .groupBy([sql`1`, 'c.category_code', 'cat.name', 'cat.name_en'])
      .execute();
  }

  /** The longest overdue open cases (the list's overdue filter), oldest deadline first. */
  overdueCases(v: Viewer, area: string | null, now: Date, limit: number) {
    return base(this.db, v, area)
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .where('c.state', 'in', OPEN)
      .where('c.due_at', '<', now)
      .select([
        'c.id',
        'c.number',
        'c.title',
        'c.state',
        'c.area_code',
        'c.assigned_unit_id',
        'c.due_at',
        'cat.name as category_name',
        'cat.name_en as category_name_en',
      ])
      .orderBy('c.due_at')
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }

  /**
   * The cases behind one of the leader's live figures (领导首页), as the case list shows them: at most `limit`
   * ids (most urgent or newest first), each row carrying the total and, for whistles, the summoned units
   * that have not reported in across all of them.
   *   intake  — received since `today`;         closed — closed since `today` (it was updated since, too);
   *   overdue — open past its deadline (the list's `overdue` filter); nearly — open, due within `soon`;
   *   whistles — open, with a whistle (吹哨).
   */
  liveCases(
    v: Viewer,
    area: string | null,
    which: LiveFigure,
    at: { now: Date; today: Date; soon: Date },
    limit: number,
  ) {
    let q = base(this.db, v, area);
    if (which === 'intake') q = q.where('c.created_at', '>=', at.today);
    else if (which === 'closed')
      q = q
        .where('c.state', '=', 'closed')
        .where('c.updated_at', '>=', at.today)
        .where('c.closed_at', '>=', at.today);
    else if (which === 'overdue') q = q.where('c.state', 'in', OPEN).where('c.due_at', '<', at.now);
    else if (which === 'nearly')
      q = q.where('c.state', 'in', OPEN).where('c.due_at', '>=', at.now).where('c.due_at', '<', at.soon);
    else q = q.where('c.state', 'in', OPEN).where('c.whistle', 'is not', null);
    const urgent = which === 'overdue' || which === 'nearly';
    return q
      .select([
        'c.id',
        sql<string>`count(*) over ()`.as('total'),
        (which === 'whistles'
          ? sql<string>`sum((select count(*) from jsonb_array_elements(c.whistle -> 'units') u
              where coalesce(u ->> 'reportedAt', '') = '')) over ()`
          : sql<string>`0`
        ).as('unreported'),
      ])
      .orderBy(urgent ? 'c.due_at' : 'c.created_at', urgent ? 'asc' : 'desc')
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }

  /** Open whistles (吹哨) with their summoned units, newest first, each row carrying how many there are. */
  openWhistles(v: Viewer, area: string | null, limit: number) {
    return base(this.db, v, area)
      .where('c.whistle', 'is not', null)
      .where('c.state', 'in', OPEN)
      .select([
        'c.id',
        'c.number',
        'c.title',
        'c.area_code',
        'c.created_at',
        'c.whistle',
        sql<string>`count(*) over ()`.as('total'),
      ])
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }
}

const AT = new Date('2026-03-10T02:00:00Z');
const VIEWER: Viewer = {
  scope: '120101',
  unitId: '00000000-0000-4000-8000-000000000001',
  roles: ['leader'],
};
export const SQL_EXAMPLES: SqlExamples<CaseScreenStore> = {
  areaLoad: [VIEWER, '120101001', AT],
  daily: [VIEWER, null, new Date('2025-03-31T16:00:00Z')],
  streetCategories: [
    VIEWER,
    null,
    {
      from: new Date('2026-02-28T16:00:00Z'),
      to: AT,
      beforeFrom: new Date('2026-01-31T16:00:00Z'),
      beforeTo: new Date('2026-02-10T02:00:00Z'),
    },
  ],
  overdueCases: [VIEWER, null, AT, 20],
  liveCases: [
    VIEWER,
    null,
    'overdue',
    { now: AT, today: new Date('2026-03-09T16:00:00Z'), soon: new Date('2026-03-11T02:00:00Z') },
    300,
  ],
  openWhistles: [VIEWER, null, 10],
};
