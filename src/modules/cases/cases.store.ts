/**
 * The cases module's SQL on cases, case_events and saved_views; the catalogue's is in `catalogue.store.ts`.
 * Events are appended to `case_events`; reads that need a case's whole chain read `case_history` (the hot
 * partitions and the archive that retention fills, 0028); the Open311 feed reads a recent window of
 * `case_events` only, so PostgreSQL prunes it to the months asked.
 * Bound to a `Db` — the database or a transaction — so a service writes a case row and its event through
 * the same `trx`.
 */
import {
  type Insertable,
  type InsertQueryBuilder,
  type QueryCreator,
  type Selectable,
  sql,
  type Updateable,
} from 'kysely';
import { type Principal, seesByUnitOnly } from '../../platform/auth/roles.js';
import type { CaseEventsTable, CasesTable, DB } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import { type CaseState, FINAL_STATES } from './workflow.js';

export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
/** A lon/lat box (WGS84). */
type Box = { minLon: number; maxLon: number; minLat: number; maxLat: number };
/** Who is asking, for the visibility filter (roles: a handling unit's staff see by unit, not by area). */
export type Viewer = Pick<Principal, 'scope' | 'unitId'> & { roles?: Principal['roles'] };
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
   * `alsoWrite`: other inserts (not executed) sent in the same statement, each a data-modifying WITH that
   * PostgreSQL runs to completion whether or not it is read (intake's roll-up counters and deadline jobs).
   */
  insertCasesWithEvents(
    cases: readonly { values: Omit<Insertable<CasesTable>, 'number'>; numberPrefix: string }[],
    events: readonly Insertable<CaseEventsTable>[],
    // biome-ignore lint/suspicious/noExplicitAny: any insert, whatever its table
    alsoWrite: readonly InsertQueryBuilder<DB, any, any>[] = [],
  ) {
    const written = alsoWrite.reduce<QueryCreator<DB>>(
      // The CTEs' names are never read, so the query's tables stay DB's.
      (q, insert, i) => q.with(`w${i}`, () => insert) as unknown as QueryCreator<DB>,
      this.db,
    );
    return written
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

  /**
   * For each box, points of open cases of its category inside it (a few, at most 20 a box: whether one is
   * near, not which are), tagged with the box's index: many boxes in one statement, each read through the
   * partial index on category, lon, lat.
   */
  openCasePointsInBoxes(v: Viewer, boxes: readonly { category: string; box: Box }[]) {
    const col = (k: keyof Box) => boxes.map((b) => b.box[k]);
    const q = sql<{
      i: number;
      cat: string;
      min_lon: number;
      max_lon: number;
      min_lat: number;
      max_lat: number;
    }>`(
      select * from unnest(${boxes.map((_, i) => i)}::int[], ${boxes.map((b) => b.category)}::text[],
        ${col('minLon')}::float8[], ${col('maxLon')}::float8[], ${col('minLat')}::float8[], ${col('maxLat')}::float8[])
        as t(i, cat, min_lon, max_lon, min_lat, max_lat))`;
    return this.db
      .selectFrom(q.as('q'))
      .innerJoinLateral(
        (eb) =>
          visible(
            eb
              .selectFrom('cases as c')
              .select(['c.lon', 'c.lat'])
              .whereRef('c.category_code', '=', 'q.cat')
              .where('c.state', 'not in', OPEN)
              .whereRef('c.lon', '>=', 'q.min_lon')
              .whereRef('c.lon', '<=', 'q.max_lon')
              .whereRef('c.lat', '>=', 'q.min_lat')
              .whereRef('c.lat', '<=', 'q.max_lat'),
            v,
          )
            .limit(20)
            .as('p'),
        (join) => join.onTrue(),
      )
      .select(['q.i', 'p.lon', 'p.lat'])
      .execute();
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
  openCasePointsInBoxes: [
    VIEWER,
    [{ category: 'component.0101', box: { minLon: 117, maxLon: 118, minLat: 39, maxLat: 40 } }],
  ],
  openCaseIds: [[ID]],
  openWorkingClockCases: [],
  caseHeads: [ID],
  attachmentOnVisibleCase: [VIEWER, HASH],
  views: [ID],
  countViews: [ID],
  saveView: [ID, 'mine', { queue: 'mine' }],
  deleteView: [ID, ID],
};
