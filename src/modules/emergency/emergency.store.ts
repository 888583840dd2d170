/** The emergency module's only access to its tables: incidents, their events and case links, plans, activations, tasks. */
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type {
  EmergencyIncidentsTable,
  EmergencyPlanStepJson,
  EmergencyPlansTable,
} from '../../platform/db/schema-emergency.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export type IncidentRow = Selectable<EmergencyIncidentsTable>;
export type PlanRow = Selectable<EmergencyPlansTable>;
/** Who is asking: the area-code prefix they see, and their unit (units given a task see its incident). */
export interface IncidentViewer {
  scope: string;
  unitId: string | null;
}

export interface EventInsert {
  incidentId: string;
  seq: number;
  type: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  note: string | null;
  payload: unknown;
  prevHash: string;
  hash: string;
}

export interface TaskInsert {
  activationId: string;
  incidentId: string;
  stepNo: number;
  title: string;
  unitId: string;
  dueAt: Date;
  resources: { name: string; quantity: number }[];
}

export class EmergencyStore {
  constructor(private readonly db: Db) {}

  /** How many incidents carry a number starting with `prefix` (the day's sequence; call under a lock). */
  async countNumbered(prefix: string): Promise<number> {
    const r = await this.db
      .selectFrom('emergency_incidents')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('number', 'like', `${prefix}%`)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  insertIncident(row: Insertable<EmergencyIncidentsTable>): Promise<IncidentRow> {
    return this.db.insertInto('emergency_incidents').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** An incident by id, whoever asks (alarms join incidents on the rules' word, not a viewer's). */
  incidentById(id: string): Promise<IncidentRow | undefined> {
    return this.db.selectFrom('emergency_incidents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** 信息发布: incidents with a public notice, newest notice first (what the portal shows, nothing else). */
  publicNotices(limit: number) {
    return this.db
      .selectFrom('emergency_incidents')
      .select([
        'number',
        'title',
        'type',
        'subtype',
        'level',
        'colour',
        'status',
        'public_notice',
        'published_at',
        'closed_at',
      ])
      .where('public_notice', 'is not', null)
      .orderBy('published_at', 'desc')
      .orderBy('number', 'desc')
      .limit(limit)
      .execute();
  }

  /** The incident if the viewer sees it: inside their scope, or their unit holds one of its tasks. */
  visibleIncident(v: IncidentViewer, id: string): Promise<IncidentRow | undefined> {
    return this.db
      .selectFrom('emergency_incidents as i')
      .selectAll('i')
      .where('i.id', '=', id)
      .where((eb) =>
        eb.or([
          eb('i.area_code', 'like', `${v.scope}%`),
          ...(v.unitId
            ? [
                eb.exists(
                  eb
                    .selectFrom('emergency_tasks as t')
                    .select('t.id')
                    .whereRef('t.incident_id', '=', 'i.id')
                    .where('t.unit_id', '=', v.unitId),
                ),
              ]
            : []),
        ]),
      )
      .executeTakeFirst();
  }

  /** Incidents of the viewer's scope (or with a task for their unit), open first, newest first. */
  listIncidents(v: IncidentViewer, status: 'open' | 'closed' | null, limit: number): Promise<IncidentRow[]> {
    let q = this.db
      .selectFrom('emergency_incidents as i')
      .selectAll('i')
      .where((eb) =>
        eb.or([
          eb('i.area_code', 'like', `${v.scope}%`),
          ...(v.unitId
            ? [
                eb.exists(
                  eb
                    .selectFrom('emergency_tasks as t')
                    .select('t.id')
                    .whereRef('t.incident_id', '=', 'i.id')
                    .where('t.unit_id', '=', v.unitId),
                ),
              ]
            : []),
        ]),
      );
    if (status) q = q.where('i.status', '=', status);
    return q
      .orderBy('i.status', 'desc')
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id')
      .limit(limit)
      .execute();
  }

  /** Writes the patch if the incident is still at `version` (bumping it); undefined when it moved on. */
  updateIncident(
    id: string,
    version: number,
    patch: Updateable<EmergencyIncidentsTable>,
    at: Date,
  ): Promise<IncidentRow | undefined> {
    return this.db
      .updateTable('emergency_incidents')
      .set({ ...patch, version: version + 1, updated_at: at })
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
  }

  /** The last event of the incident (its seq and hash), to chain the next one to. */
  lastEvent(incidentId: string): Promise<{ seq: number; hash: string } | undefined> {
    return this.db
      .selectFrom('emergency_events')
      .select(['seq', 'hash'])
      .where('incident_id', '=', incidentId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertEvent(e: EventInsert): Promise<void> {
    await this.db
      .insertInto('emergency_events')
      .values({
        incident_id: e.incidentId,
        seq: e.seq,
        type: e.type,
        at: e.at,
        actor_id: e.actorId,
        actor_name: e.actorName,
        note: e.note,
        payload: JSON.stringify(e.payload ?? {}),
        prev_hash: e.prevHash,
        hash: e.hash,
      })
      .execute();
  }

  events(incidentId: string) {
    return this.db
      .selectFrom('emergency_events')
      .select(['seq', 'type', 'at', 'actor_id', 'actor_name', 'note', 'payload', 'prev_hash', 'hash'])
      .where('incident_id', '=', incidentId)
      .orderBy('seq')
      .execute();
  }

  /** Links a case; false when it was linked already. */
  async linkCase(incidentId: string, caseId: string, at: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('emergency_case_links')
      .values({ incident_id: incidentId, case_id: caseId, linked_at: at })
      .onConflict((oc) => oc.columns(['incident_id', 'case_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  linkedCases(incidentId: string) {
    return this.db
      .selectFrom('emergency_case_links')
      .select(['case_id', 'linked_at'])
      .where('incident_id', '=', incidentId)
      .orderBy('linked_at')
      .orderBy('case_id')
      .execute();
  }

  // ---- plans (预案) ----

  insertPlan(row: {
    code: string;
    version: number;
    name: string;
    areaCode: string;
    type: string;
    level: number;
    steps: EmergencyPlanStepJson[];
  }): Promise<PlanRow> {
    return this.db
      .insertInto('emergency_plans')
      .values({
        code: row.code,
        version: row.version,
        name: row.name,
        area_code: row.areaCode,
        type: row.type,
        level: row.level,
        steps: JSON.stringify(row.steps),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The newest version of a plan code, if any. */
  latestPlan(code: string): Promise<PlanRow | undefined> {
    return this.db
      .selectFrom('emergency_plans')
      .selectAll()
      .where('code', '=', code)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  planById(id: string): Promise<PlanRow | undefined> {
    return this.db.selectFrom('emergency_plans').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The newest version of every plan the scope sees: plans made inside it, and those of the areas above it
   * (a street runs the district's plans too).
   */
  latestPlans(scope: string): Promise<PlanRow[]> {
    return this.db
      .selectFrom('emergency_plans as p')
      .selectAll('p')
      .where((eb) =>
        eb.or([eb('p.area_code', 'like', `${scope}%`), sql<boolean>`${scope} like p.area_code || '%'`]),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('emergency_plans as q')
              .select('q.id')
              .whereRef('q.code', '=', 'p.code')
              .whereRef('q.version', '>', 'p.version'),
          ),
        ),
      )
      .orderBy('p.area_code')
      .orderBy('p.code')
      .execute();
  }

  // ---- activations and their tasks ----

  /** The activation of this plan code that is still running on the incident, if any. */
  activeActivation(incidentId: string, planCode: string) {
    return this.db
      .selectFrom('emergency_activations')
      .select(['id', 'plan_version'])
      .where('incident_id', '=', incidentId)
      .where('plan_code', '=', planCode)
      .where('status', '=', 'active')
      .executeTakeFirst();
  }

  insertActivation(row: {
    incidentId: string;
    planId: string;
    planCode: string;
    planVersion: number;
    activatedAt: Date;
    activatedBy: string | null;
  }) {
    return this.db
      .insertInto('emergency_activations')
      .values({
        incident_id: row.incidentId,
        plan_id: row.planId,
        plan_code: row.planCode,
        plan_version: row.planVersion,
        activated_at: row.activatedAt,
        activated_by: row.activatedBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  activations(incidentId: string) {
    return this.db
      .selectFrom('emergency_activations as a')
      .innerJoin('emergency_plans as p', 'p.id', 'a.plan_id')
      .select(['a.id', 'a.plan_id', 'a.plan_code', 'a.plan_version', 'a.status', 'a.activated_at', 'p.name'])
      .where('a.incident_id', '=', incidentId)
      .orderBy('a.activated_at')
      .orderBy('a.id')
      .execute();
  }

  async insertTasks(rows: readonly TaskInsert[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('emergency_tasks')
      .values(
        rows.map((t) => ({
          activation_id: t.activationId,
          incident_id: t.incidentId,
          step_no: t.stepNo,
          title: t.title,
          unit_id: t.unitId,
          due_at: t.dueAt,
          resources: JSON.stringify(t.resources),
        })),
      )
      .execute();
  }

  tasks(incidentId: string) {
    return this.db
      .selectFrom('emergency_tasks')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('activation_id')
      .orderBy('step_no')
      .execute();
  }

  taskById(id: string) {
    return this.db.selectFrom('emergency_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Marks a task done once; false when it was done already. */
  async markTaskDone(id: string, by: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('emergency_tasks')
      .set({ done_at: at, done_by: by })
      .where('id', '=', id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Closes the activation when none of its tasks is left open; true when it closed now. */
  async finishActivationIfDone(activationId: string): Promise<boolean> {
    const r = await this.db
      .updateTable('emergency_activations as a')
      .set({ status: 'done' })
      .where('a.id', '=', activationId)
      .where('a.status', '=', 'active')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('emergency_tasks as t')
              .select('t.id')
              .whereRef('t.activation_id', '=', 'a.id')
              .where('t.done_at', 'is', null),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-07-01T02:00:00Z');
const VIEWER = { scope: '120101001', unitId: ID };

export const SQL_EXAMPLES: SqlExamples<EmergencyStore> = {
  countNumbered: ['YJ20260701'],
  insertIncident: [
    {
      number: 'YJ202607010001',
      title: '劝业场街道积水',
      type: 'natural_disaster',
      subtype: 'rainstorm',
      level: 4,
      colour: 'blue',
      lon: 117.2,
      lat: 39.12,
      area_code: '120101001001001',
      affected_grids: ['120101001001001'],
      reporter: '网格员 张伟',
      unit_id: ID,
      command: JSON.stringify({ commander: '周军' }),
    },
  ],
  incidentById: [ID],
  publicNotices: [20],
  visibleIncident: [VIEWER, ID],
  listIncidents: [VIEWER, 'open', 200],
  updateIncident: [ID, 1, { level: 3, colour: 'yellow' }, AT],
  lastEvent: [ID],
  insertEvent: [
    {
      incidentId: ID,
      seq: 1,
      type: 'reported',
      at: AT,
      actorId: ID,
      actorName: '网格员 张伟',
      note: null,
      payload: {},
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    },
  ],
  events: [ID],
  linkCase: [ID, ID, AT],
  linkedCases: [ID],
  insertPlan: [
    {
      code: 'HP-FLOOD',
      version: 1,
      name: '防汛预案',
      areaCode: '120101',
      type: 'natural_disaster',
      level: 4,
      steps: [{ title: '排水', unitId: ID, dueMinutes: 30, resources: [] }],
    },
  ],
  latestPlan: ['HP-FLOOD'],
  planById: [ID],
  latestPlans: ['120101001'],
  activeActivation: [ID, 'HP-FLOOD'],
  insertActivation: [
    { incidentId: ID, planId: ID, planCode: 'HP-FLOOD', planVersion: 1, activatedAt: AT, activatedBy: ID },
  ],
  activations: [ID],
  insertTasks: [
    [
      {
        activationId: ID,
        incidentId: ID,
        stepNo: 1,
        title: '排水',
        unitId: ID,
        dueAt: AT,
        resources: [{ name: '抽水泵', quantity: 2 }],
      },
    ],
  ],
  tasks: [ID],
  taskById: [ID],
  markTaskDone: [ID, ID, AT],
  finishActivationIfDone: [ID],
};
