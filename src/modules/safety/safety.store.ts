/**
 * The safety module's access to its registry and hazard tables: safety_places, hazards, hazard_events.
 * Scope filters are SQL (`area_code like scope || '%'`). Inspection plans are in `inspections.store.ts`.
 */
import { type Insertable, sql, type Updateable } from 'kysely';
import { containsPattern } from '../../platform/db/like.js';
import type {
  HazardEventsTable,
  HazardState,
  HazardsTable,
  RiskGrade,
  SafetyPlacesTable,
} from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export interface PlaceFilter {
  scope: string;
  text?: string | undefined;
  industry?: string | undefined;
  riskGrade?: RiskGrade | undefined;
  areaCode?: string | undefined;
  limit: number;
  offset: number;
}

export interface HazardFilter {
  scope: string;
  state?: HazardState | undefined;
  grade?: 'general' | 'major' | undefined;
  placeId?: string | undefined;
  areaCode?: string | undefined;
  limit: number;
  offset: number;
}

export class SafetyStore {
  constructor(private readonly db: Db) {}

  // ---------- registry (场所/企业) ----------

  async insertPlaces(rows: readonly Insertable<SafetyPlacesTable>[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const res = await this.db
      .insertInto('safety_places')
      .values([...rows])
      .returning('id')
      .execute();
    return res.map((r) => r.id);
  }

  updatePlace(id: string, set: Updateable<SafetyPlacesTable>) {
    return this.db
      .updateTable('safety_places')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** One place inside the scope. */
  place(scope: string, id: string) {
    return this.db
      .selectFrom('safety_places')
      .selectAll()
      .where('id', '=', id)
      .where('area_code', 'like', `${scope}%`)
      .executeTakeFirst();
  }

  /** Which of these credit codes are already registered (anywhere: a code names one legal entity). */
  async takenCreditCodes(codes: readonly string[]): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('safety_places')
      .select('credit_code')
      .where('credit_code', 'in', codes.length ? [...codes] : [''])
      .execute();
    return new Set(rows.map((r) => r.credit_code ?? ''));
  }

  places(f: PlaceFilter) {
    let q = this.db
      .selectFrom('safety_places as p')
      .selectAll('p')
      .select((eb) =>
        eb
          .selectFrom('hazards as h')
          .whereRef('h.place_id', '=', 'p.id')
          .where('h.state', '<>', 'closed')
          .select(eb.fn.countAll<number>().as('n'))
          .as('open_hazards'),
      )
      .where('p.area_code', 'like', `${f.scope}%`);
    if (f.areaCode) q = q.where('p.area_code', 'like', `${f.areaCode}%`);
    if (f.industry) q = q.where('p.industry', '=', f.industry);
    if (f.riskGrade) q = q.where('p.risk_grade', '=', f.riskGrade);
    if (f.text) {
      const pattern = containsPattern(f.text);
      q = q.where((eb) =>
        eb.or([
          eb('p.name', 'like', pattern),
          eb('p.credit_code', 'like', pattern),
          eb('p.address', 'like', pattern),
        ]),
      );
    }
    return q.orderBy('p.name').orderBy('p.id').limit(f.limit).offset(f.offset).execute();
  }

  /** Every place inside an area prefix: the candidates of an inspection pool. */
  candidates(areaPrefix: string) {
    return this.db
      .selectFrom('safety_places')
      .select(['id', 'industry', 'risk_grade', 'area_code', 'last_inspected_on'])
      .where('area_code', 'like', `${areaPrefix}%`)
      .orderBy('id')
      .execute();
  }

  async markInspected(ids: readonly string[], day: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('safety_places')
      .set({ last_inspected_on: day, updated_at: new Date() })
      .where('id', 'in', [...ids])
      .execute();
  }

  // ---------- hazards (隐患) ----------

  async insertHazard(row: Insertable<HazardsTable>): Promise<string> {
    const { id } = await this.db.insertInto('hazards').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** One hazard inside the scope, with its place's name. */
  hazard(scope: string, id: string) {
    return this.db
      .selectFrom('hazards as h')
      .innerJoin('safety_places as p', 'p.id', 'h.place_id')
      .selectAll('h')
      .select(['p.name as place_name', 'p.lon', 'p.lat'])
      .where('h.id', '=', id)
      .where('h.area_code', 'like', `${scope}%`)
      .executeTakeFirst();
  }

  hazardByCase(caseId: string) {
    return this.db.selectFrom('hazards').select('id').where('case_id', '=', caseId).executeTakeFirst();
  }

  hazards(f: HazardFilter) {
    let q = this.db
      .selectFrom('hazards as h')
      .innerJoin('safety_places as p', 'p.id', 'h.place_id')
      .selectAll('h')
      .select(['p.name as place_name', 'p.lon', 'p.lat'])
      .where('h.area_code', 'like', `${f.scope}%`);
    if (f.areaCode) q = q.where('h.area_code', 'like', `${f.areaCode}%`);
    if (f.state) q = q.where('h.state', '=', f.state);
    if (f.grade) q = q.where('h.grade', '=', f.grade);
    if (f.placeId) q = q.where('h.place_id', '=', f.placeId);
    return q.orderBy('h.deadline').orderBy('h.id').limit(f.limit).offset(f.offset).execute();
  }

  /** Updates a hazard if its version is still `version`; returns whether it did (the loser of a race gets false). */
  async updateHazard(id: string, version: number, set: Updateable<HazardsTable>): Promise<boolean> {
    const res = await this.db
      .updateTable('hazards')
      .set({ ...set, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** The last event of a hazard (for chaining the next one), locking nothing: the version check does. */
  lastEvent(hazardId: string) {
    return this.db
      .selectFrom('hazard_events')
      .select(['seq', 'hash'])
      .where('hazard_id', '=', hazardId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertEvent(row: Insertable<HazardEventsTable>): Promise<void> {
    await this.db.insertInto('hazard_events').values(row).execute();
  }

  events(hazardId: string) {
    return this.db
      .selectFrom('hazard_events')
      .selectAll()
      .where('hazard_id', '=', hazardId)
      .orderBy('seq')
      .execute();
  }

  /** Hazards for the indicators, inside an area prefix, registered in [from, to). */
  indicatorRows(scope: string, from: Date, to: Date) {
    return this.db
      .selectFrom('hazards')
      .select(['grade', 'area_code', 'industry', 'state', 'deadline', 'rectified_at', 'closed_at'])
      .where('area_code', 'like', `${scope}%`)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .execute();
  }

  /** Open hazards whose deadline passed before `now` and that were not flagged yet (for the overdue job). */
  hazardForJob(id: string) {
    return this.db
      .selectFrom('hazards')
      .select([
        'id',
        'state',
        'deadline',
        'grade',
        'major_level',
        'assigned_unit_id',
        'supervising_unit_id',
        'description',
        'version',
        'escalated_at',
      ])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /** How many places per risk grade inside a scope (registry summary). */
  gradeCounts(scope: string) {
    return this.db
      .selectFrom('safety_places')
      .select(['risk_grade', sql<number>`count(*)::int`.as('n')])
      .where('area_code', 'like', `${scope}%`)
      .groupBy('risk_grade')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-05-01T00:00:00Z');

export const SQL_EXAMPLES: SqlExamples<SafetyStore> = {
  insertPlaces: [
    [
      {
        name: '和平饭店',
        credit_code: '91350100M000100Y43',
        address: '南京路1号',
        lon: 117.2,
        lat: 39.12,
        area_code: '120101001001',
        industry: '餐饮',
        risk_grade: 'medium',
        contacts: '[]',
      },
    ],
  ],
  updatePlace: [ID, { risk_grade: 'high' }],
  place: ['120101', ID],
  takenCreditCodes: [['91350100M000100Y43']],
  places: [
    {
      scope: '120101',
      text: '饭店',
      industry: '餐饮',
      riskGrade: 'medium',
      areaCode: '120101001',
      limit: 50,
      offset: 0,
    },
  ],
  candidates: ['120101'],
  markInspected: [[ID], '2026-05-01'],
  insertHazard: [
    {
      place_id: ID,
      area_code: '120101001001',
      industry: '餐饮',
      class: '消防',
      grade: 'general',
      major_level: null,
      found_by: 'inspection',
      description: '灭火器过期',
      deadline: AT,
      funds: null,
      listed_level: null,
      assigned_unit_id: null,
      supervising_unit_id: ID,
      case_id: null,
      inspection_target_id: null,
      escalated_at: null,
      rectified_at: null,
      closed_at: null,
      created_by: ID,
    },
  ],
  hazard: ['120101', ID],
  hazardByCase: [ID],
  hazards: [
    {
      scope: '120101',
      state: 'registered',
      grade: 'major',
      placeId: ID,
      areaCode: '120101001',
      limit: 50,
      offset: 0,
    },
  ],
  updateHazard: [ID, 1, { state: 'assigned' }],
  lastEvent: [ID],
  insertEvent: [
    {
      hazard_id: ID,
      seq: 1,
      type: 'register',
      from_state: null,
      to_state: 'registered',
      at: AT,
      actor_id: ID,
      actor_name: '张三',
      note: null,
      payload: '{}',
      prev_hash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    },
  ],
  events: [ID],
  indicatorRows: ['120101', AT, AT],
  hazardForJob: [ID],
  gradeCounts: ['120101'],
};
