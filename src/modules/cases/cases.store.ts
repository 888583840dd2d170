/**
 * The cases module's SQL on cases, case_events and saved_views; the catalogue's is in `catalogue.store.ts`.
 * Events are appended to `case_events`; reads that need a case's whole chain read `case_history` (the hot
 * partitions and the archive that retention fills, 0028); the Open311 feed reads a recent window of
 * `case_events` only, so PostgreSQL prunes it to the months asked.
 * Bound to a `Db` — the database or a transaction — so a service writes a case row and its event through
 * the same `trx`.
 */
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { type Principal, seesByUnitOnly } from '../../platform/auth/roles.js';
import { jsonRows } from '../../platform/db/json-rows.js';
import type { CaseEventsTable, CasesTable } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import { type CaseState, FINAL_STATES } from './workflow.js';

export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
/** A lon/lat box (WGS84). */
type Box = { minLon: number; maxLon: number; minLat: number; maxLat: number };
/** Who is asking, for the visibility filter (roles: a handling unit's staff see by unit, not by area). */
export type Viewer = Pick<Principal, 'scope' | 'unitId'> & { roles?: Principal['roles'] };
/** The Open311 request filter, already checked by the channel. */
export interface PublicCaseFilter {
  kinds: readonly string[];
  areaPrefix: string;
  numbers?: readonly string[];
  from?: Date;
  to?: Date;
  categoryCodes?: readonly string[];
  states?: { in: readonly string[] } | { notIn: readonly string[] };
  /** Last changed at or after / at or before (Open311's updated_after / updated_before). */
  updatedFrom?: Date;
  updatedTo?: Date;
  /** The case whose media link this is (serving an uploaded photo only when its case is published). */
  mediaUrl?: string;
  limit: number;
  offset: number;
}

/**
 * Cases a staff user may see: inside their scope, assigned to their unit, or their unit summoned (吹哨).
 * A handling unit's staff (only the `handler` role) see by unit alone: cases sent to their unit now or
 * before (a dispatch event names it), or summoning it — never the rest of their area.
 */
// biome-ignore lint/suspicious/noExplicitAny: the helper works on any select over `cases as c`
export function visible<Q extends { where: (...args: any[]) => Q }>(q: Q, v: Viewer): Q {
  const unitId = v.unitId;
  const byUnit = seesByUnitOnly(v.roles ?? []);
  if (v.scope === '' && !byUnit) return q;
  // biome-ignore lint/suspicious/noExplicitAny: expression builder of the caller's query
  return q.where((eb: any) =>
    eb.or([
      ...(byUnit ? [] : [eb('c.area_code', 'like', `${v.scope}%`)]),
      ...(unitId
        ? [
            eb('c.assigned_unit_id', '=', unitId),
            sql<boolean>`c.whistle -> 'units' @> ${JSON.stringify([{ unitId }])}::jsonb`,
            ...(byUnit
              ? [
                  sql<boolean>`exists (select 1 from case_history e where e.case_id = c.id and e.type = 'dispatch' and e.payload ->> 'unitId' = ${unitId})`,
                ]
              : []),
          ]
        : [sql<boolean>`false`]),
    ]),
  );
}

const OPEN = FINAL_STATES as CaseState[];

/** The open cases of a category the viewer sees inside a box (the partial index on category, lon, lat). */
function openInBox(db: Db, v: Viewer, category: string, box: Box) {
  return visible(
    db
      .selectFrom('cases as c')
      .where('c.category_code', '=', category)
      .where('c.state', 'not in', OPEN)
      .where('c.lon', '>=', box.minLon)
      .where('c.lon', '<=', box.maxLon)
      .where('c.lat', '>=', box.minLat)
      .where('c.lat', '<=', box.maxLat),
    v,
  );
}

export class CasesStore {
  constructor(private readonly db: Db) {}

  // ---------- cases ----------

  visibleCase(v: Viewer, id: string): Promise<CaseRow | undefined> {
    return visible(
      this.db.selectFrom('cases as c').selectAll('c').where('c.id', '=', id),
      v,
    ).executeTakeFirst();
  }

  visibleCaseByNumber(v: Viewer, number: string): Promise<CaseRow | undefined> {
    return visible(
      this.db.selectFrom('cases as c').selectAll('c').where('c.number', '=', number),
      v,
    ).executeTakeFirst();
  }

  /** The case row; with `lock`, locked until the transaction ends (use inside one). */
  caseById(id: string, opts: { lock?: boolean } = {}): Promise<CaseRow | undefined> {
    const q = this.db.selectFrom('cases').selectAll().where('id', '=', id);
    return (opts.lock ? q.forUpdate() : q).executeTakeFirst();
  }

  /**
   * New cases with their first events, in one statement (one round trip, atomic): each case's number is
   * its prefix and the next of `case_number_seq`. Answers each case's number and tracking code by id.
   */
  insertCasesWithEvents(
    cases: readonly { values: Omit<Insertable<CasesTable>, 'number'>; numberPrefix: string }[],
    events: readonly Insertable<CaseEventsTable>[],
  ) {
    return this.db
      .with('c', (db) =>
        db
          .insertInto('cases')
          .values(
            cases.map((c) => ({
              ...c.values,
              number: sql<string>`${c.numberPrefix} || lpad(nextval('case_number_seq')::text, 6, '0')`,
            })),
          )
          .returning(['id', 'number', 'tracking_code']),
      )
      .with('e', (db) => db.insertInto('case_events').values(events).returning('seq'))
      .selectFrom('c')
      .select(['c.id', 'c.number', 'c.tracking_code'])
      .execute();
  }

  /** When a case last changed (microseconds, as text), or null with no cases: `cases_updated_idx` answers. */
  async lastUpdate(): Promise<string | null> {
    const row = await this.db
      .selectFrom('cases')
      .select(sql<string | null>`max(updated_at)::text`.as('at'))
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /** Updates the case only if it still has `version`; answers whether it did (optimistic concurrency). */
  async updateCaseAtVersion(id: string, version: number, set: Updateable<CasesTable>): Promise<boolean> {
    const res = await this.db
      .updateTable('cases')
      .set(set)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async insertEvent(e: Insertable<CaseEventsTable>): Promise<void> {
    await this.db.insertInto('case_events').values(e).execute();
  }

  events(caseId: string): Promise<CaseEventRow[]> {
    return this.db
      .selectFrom('case_history')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('seq')
      .execute();
  }

  mergedInto(caseId: string) {
    return this.db
      .selectFrom('cases')
      .select(['id', 'number', 'title'])
      .where('merged_into', '=', caseId)
      .execute();
  }

  /** Open cases of a category inside a box around a point, with text similarity (pg_trgm). */
  nearbyOpenCases(v: Viewer, q: { category: string; text: string; box: Box }) {
    return openInBox(this.db, v, q.category, q.box)
      .select(['c.id', 'c.number', 'c.title', 'c.state', 'c.lon', 'c.lat'])
      .select(sql<number>`similarity(c.title || ' ' || c.description, ${q.text})`.as('sim'))
      .limit(200)
      .execute();
  }

  /** Points of open cases of a category inside a box (a few: whether one is near, not which are). */
  openCasePointsIn(v: Viewer, q: { category: string; box: Box }) {
    return openInBox(this.db, v, q.category, q.box).select(['c.lon', 'c.lat']).limit(20).execute();
  }

  /** Of the given cases, the ids that are still open. */
  async openCaseIds(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db
      .selectFrom('cases')
      .select('id')
      .where('id', 'in', [...ids])
      .where('state', 'not in', OPEN)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Open cases whose clock counts working time, locked: what a calendar change may move. */
  openWorkingClockCases(): Promise<CaseRow[]> {
    return this.db
      .selectFrom('cases')
      .selectAll()
      .where('state', 'not in', OPEN)
      .where('due_at', 'is not', null)
      .where('step_unit', 'in', ['work_day', 'work_hour'])
      .orderBy('created_at')
      .forUpdate()
      .execute();
  }

  caseHeads(caseId?: string) {
    let q = this.db.selectFrom('cases').select(['id', 'number']).orderBy('created_at');
    if (caseId) q = q.where('id', '=', caseId);
    return q.execute();
  }

  // ---------- reads for the channels ----------

  /** A caller's earlier cases by the phone they gave (not petitions), inside a scope. */
  casesByReporterPhone(phone: string, scope: string) {
    return this.db
      .selectFrom('cases as c')
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .select(['c.id', 'c.number', 'c.title', 'c.state', 'c.created_at', 'cat.name as category_name'])
      .where(sql<boolean>`c.reporter ->> 'phone' = ${phone}`)
      .where('c.area_code', 'like', `${scope}%`)
      .where('c.kind', '!=', 'petition')
      .orderBy('c.created_at', 'desc')
      .limit(20)
      .execute();
  }

  caseWithCategoryByTrackingCode(code: string) {
    return this.db
      .selectFrom('cases as c')
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .select([
        'c.id',
        'c.number',
        'c.state',
        'c.rating',
        'c.created_at',
        'c.kind',
        'c.tracking_code',
        'cat.name',
      ])
      .where('c.tracking_code', '=', code)
      .executeTakeFirst();
  }

  /**
   * Published cases for Open311, newest first, one page as one JSON value (json-rows.ts), each with its
   * steps that may carry a public reply (驳回, 结案, 重新打开: at and the reply, oldest first). Only what the
   * publication policy (公开范围, channels/publication.ts) may list, filtered here so pages stay full: the
   * categories not set to `none` (`published.codes`), hotline calls only in those that opt in
   * (`published.hotlineCodes`) — named by the caller from the cached catalogue, not joined (a join with the
   * catalogue tripled this query's planning and run time).
   */
  async publicCases(
    f: PublicCaseFilter & { published: { codes: readonly string[]; hotlineCodes: readonly string[] } },
  ) {
    if (!f.published.codes.length) return [];
    const hotline = f.published.hotlineCodes;
    let query = this.db
      .selectFrom('cases as c')
      .select([
        'c.id',
        'c.number',
        'c.version',
        'c.state',
        'c.category_code',
        'c.description',
        'c.title',
        'c.assigned_unit_id',
        'c.created_at',
        'c.updated_at',
        'c.due_at',
        'c.address',
        'c.area_code',
        'c.lon',
        'c.lat',
        'c.media_url',
        'c.kind',
        'c.source',
        'c.closed_at',
      ])
      .where('c.kind', 'in', [...f.kinds])
      // The published codes as one array parameter, not a hundred: binding and planning stay small.
      .where(sql<boolean>`c.category_code = any(${[...f.published.codes]}::text[])`)
      .where((eb) =>
        hotline.length
          ? eb.or([
              eb('c.source', '<>', 'hotline'),
              sql<boolean>`c.category_code = any(${[...hotline]}::text[])`,
            ])
          : eb('c.source', '<>', 'hotline'),
      );
    if (f.areaPrefix) query = query.where('c.area_code', 'like', `${f.areaPrefix}%`);
    if (f.numbers) query = query.where('c.number', 'in', [...f.numbers]);
    if (f.from) query = query.where('c.created_at', '>=', f.from);
    if (f.to) query = query.where('c.created_at', '<=', f.to);
    if (f.updatedFrom) query = query.where('c.updated_at', '>=', f.updatedFrom);
    if (f.updatedTo) query = query.where('c.updated_at', '<=', f.updatedTo);
    if (f.mediaUrl) query = query.where('c.media_url', '=', f.mediaUrl);
    if (f.categoryCodes) query = query.where('c.category_code', 'in', [...f.categoryCodes]);
    if (f.states)
      query =
        'in' in f.states
          ? query.where('c.state', 'in', [...f.states.in])
          : query.where('c.state', 'not in', [...f.states.notIn]);
    const page = query.orderBy('c.created_at', 'desc').orderBy('c.number').limit(f.limit).offset(f.offset);
    const rows = await jsonRows(this.db, page, ['created_at', 'updated_at', 'due_at', 'closed_at']);
    // Public replies come with 驳回, 结案 and 重办, and a case reopens only once closed (closed_at stays):
    // only rejected or once-closed cases have any, and the default page is mostly new ones.
    const replies = await publicReplies(
      this.db,
      rows.filter((r) => r.closed_at !== null || r.state === 'rejected').map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, replies: replies.get(r.id) ?? [] }));
  }

  /**
   * Open311's `servicerequestupdates` feed: the steps of public cases in a time window, oldest first
   * (stable by event id). Notes are not read: only the step, its state and a public reply.
   */
  publicEvents(f: {
    kinds: readonly string[];
    areaPrefix: string;
    from: Date;
    to: Date;
    numbers?: readonly string[];
    limit: number;
    offset: number;
  }) {
    let query = this.db
      .selectFrom('case_events as e')
      .innerJoin('cases as c', 'c.id', 'e.case_id')
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .select([
        sql<string>`e.id::text`.as('id'),
        'e.seq',
        'e.type',
        'e.to_state',
        'e.at',
        sql<string | null>`e.payload ->> 'publicReply'`.as('public_reply'),
        'c.number',
        'c.kind',
        'c.source',
        'c.media_url',
        'cat.publication',
        'cat.publish_hotline',
      ])
      .where('c.kind', 'in', [...f.kinds])
      .where('cat.publication', '<>', 'none')
      .where((eb) => eb.or([eb('c.source', '<>', 'hotline'), eb('cat.publish_hotline', '=', true)]))
      .where('e.at', '>=', f.from)
      .where('e.at', '<=', f.to);
    if (f.areaPrefix) query = query.where('c.area_code', 'like', `${f.areaPrefix}%`);
    if (f.numbers) query = query.where('c.number', 'in', [...f.numbers]);
    return query.orderBy('e.at').orderBy('e.id').limit(f.limit).offset(f.offset).execute();
  }

  // ---------- attachments on cases ----------

  /** Whether a case the viewer can see carries the file in its timeline. */
  async attachmentOnVisibleCase(v: Viewer, hash: string): Promise<boolean> {
    const row = await visible(
      this.db
        .selectFrom('case_history as e')
        .innerJoin('cases as c', 'c.id', 'e.case_id')
        .select('e.id')
        .where(sql<boolean>`${hash} = any(e.evidence)`),
      v,
    ).executeTakeFirst();
    return !!row;
  }

  // ---------- saved views ----------

  views(userId: string) {
    return this.db
      .selectFrom('saved_views')
      .select(['id', 'name', 'filters'])
      .where('user_id', '=', userId)
      .orderBy('name')
      .execute();
  }

  async countViews(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('saved_views')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  saveView(userId: string, name: string, filters: Record<string, string>) {
    return this.db
      .insertInto('saved_views')
      .values({ user_id: userId, name, filters: JSON.stringify(filters) })
      .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ filters: JSON.stringify(filters) }))
      .returning(['id', 'name', 'filters'])
      .executeTakeFirstOrThrow();
  }

  async deleteView(userId: string, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('saved_views')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}

/** The public replies (公开答复) given on these cases, oldest first, by case id. */
async function publicReplies(db: Db, ids: readonly string[]) {
  if (!ids.length) return new Map<string, { at: Date; reply: unknown }[]>();
  const rows = await db
    .selectFrom('case_history as e')
    .select(['e.case_id', 'e.at', sql<unknown>`e.payload -> 'publicReply'`.as('reply')])
    .where('e.case_id', 'in', [...ids])
    .where('e.type', 'in', ['reject', 'close', 'reopen'])
    .orderBy('e.case_id')
    .orderBy('e.seq')
    .execute();
  const byCase = new Map<string, { at: Date; reply: unknown }[]>();
  for (const r of rows)
    byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), { at: r.at, reply: r.reply }]);
  return byCase;
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-03-10T02:00:00Z');
const HASH = 'a'.repeat(64);
const VIEWER: Viewer = { scope: '120101', unitId: ID, roles: ['handler'] };
export const SQL_EXAMPLES: SqlExamples<CasesStore> = {
  visibleCase: [VIEWER, ID],
  visibleCaseByNumber: [VIEWER, '12010120260310000001'],
  caseById: [ID, { lock: true }],
  insertCasesWithEvents: [
    [
      {
        values: {
          id: ID,
          tracking_code: 'ABCDEFGHJK',
          kind: 'component',
          category_code: 'component.0101',
          state: 'reported',
          source: 'staff',
          title: 'title',
          lon: 117.2,
          lat: 39.1,
          area_code: '120101001001001',
          due_at: AT,
          step_started_at: AT,
          step_unit: 'work_hour',
          created_by: ID,
          attributes: '{}',
          created_at: AT,
          updated_at: AT,
          last_hash: HASH,
        },
        numberPrefix: '12010120260310',
      },
    ],
    [
      {
        case_id: ID,
        seq: 1,
        type: 'report',
        to_state: 'reported',
        at: AT,
        actor_name: 'operator',
        actor_role: 'operator',
        evidence: [],
        payload: '{}',
        prev_hash: '0',
        hash: '1',
      },
    ],
  ],

  lastUpdate: [],
  updateCaseAtVersion: [ID, 1, { state: 'filed', version: 2, last_hash: HASH, updated_at: AT }],
  insertEvent: [
    {
      case_id: ID,
      seq: 1,
      type: 'report',
      to_state: 'reported',
      at: AT,
      actor_id: ID,
      actor_name: 'name',
      actor_role: 'inspector',
      evidence: [],
      payload: '{}',
      prev_hash: HASH,
      hash: HASH,
    },
  ],
  events: [ID],
  mergedInto: [ID],
  nearbyOpenCases: [
    VIEWER,
    { category: 'component.0101', text: 'text', box: { minLon: 117, maxLon: 118, minLat: 39, maxLat: 40 } },
  ],
  openCasePointsIn: [
    VIEWER,
    { category: 'component.0101', box: { minLon: 117, maxLon: 118, minLat: 39, maxLat: 40 } },
  ],
  openCaseIds: [[ID]],
  openWorkingClockCases: [],
  caseHeads: [ID],
  casesByReporterPhone: ['13800000000', '120101'],
  caseWithCategoryByTrackingCode: ['ABCDEFGHJK'],
  publicCases: [
    {
      kinds: ['component'],
      areaPrefix: '120101',
      from: AT,
      to: AT,
      categoryCodes: ['component.0101'],
      states: { notIn: ['closed'] },
      published: { codes: ['component.0101'], hotlineCodes: ['component.0101'] },
      updatedFrom: AT,
      updatedTo: AT,
      mediaUrl: 'http://localhost/open311/v2/media/abc.jpg',
      limit: 1000,
      offset: 0,
    },
  ],
  publicEvents: [
    { kinds: ['event'], areaPrefix: '120101', from: AT, to: AT, numbers: ['1'], limit: 50, offset: 0 },
  ],
  attachmentOnVisibleCase: [VIEWER, HASH],
  views: [ID],
  countViews: [ID],
  saveView: [ID, 'mine', { queue: 'mine' }],
  deleteView: [ID, ID],
};
