/** The emergency module's resources (应急资源) and their dispatches to incidents: its only SQL for those tables. */
import type { Selectable } from 'kysely';
import type { EmergencyResourcesTable } from '../../platform/db/schema-emergency.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export type ResourceRow = Selectable<EmergencyResourcesTable>;

export interface ResourceFilter {
  scope: string;
  kind?: string | undefined;
  category?: string | undefined;
  /** At least this much available now. */
  minAvailable?: number | undefined;
}

export class ResourcesStore {
  constructor(private readonly db: Db) {}

  insert(row: {
    kind: string;
    name: string;
    category: string;
    quantity: number;
    measure: string;
    skills: string[];
    lon: number;
    lat: number;
    areaCode: string;
  }): Promise<ResourceRow> {
    return this.db
      .insertInto('emergency_resources')
      .values({
        kind: row.kind,
        name: row.name,
        category: row.category,
        quantity: row.quantity,
        available: row.quantity,
        measure: row.measure,
        skills: row.skills,
        lon: row.lon,
        lat: row.lat,
        area_code: row.areaCode,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Resources inside the scope, filtered by kind, category and what is available (distance is ranked by the caller). */
  list(f: ResourceFilter): Promise<ResourceRow[]> {
    let q = this.db.selectFrom('emergency_resources').selectAll().where('area_code', 'like', `${f.scope}%`);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.category) q = q.where('category', '=', f.category);
    if (f.minAvailable !== undefined) q = q.where('available', '>=', f.minAvailable);
    return q.orderBy('name').orderBy('id').limit(5000).execute();
  }

  visible(scope: string, id: string): Promise<ResourceRow | undefined> {
    return this.db
      .selectFrom('emergency_resources')
      .selectAll()
      .where('id', '=', id)
      .where('area_code', 'like', `${scope}%`)
      .executeTakeFirst();
  }

  /** Takes `quantity` from what is available, in one statement; false when there is not that much. */
  async take(id: string, quantity: number): Promise<boolean> {
    const r = await this.db
      .updateTable('emergency_resources')
      .set((eb) => ({ available: eb('available', '-', quantity) }))
      .where('id', '=', id)
      .where('available', '>=', quantity)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async giveBack(id: string, quantity: number): Promise<void> {
    await this.db
      .updateTable('emergency_resources')
      .set((eb) => ({ available: eb('available', '+', quantity) }))
      .where('id', '=', id)
      .execute();
  }

  insertDispatch(row: {
    resourceId: string;
    incidentId: string;
    quantity: number;
    at: Date;
    by: string | null;
  }) {
    return this.db
      .insertInto('emergency_dispatches')
      .values({
        resource_id: row.resourceId,
        incident_id: row.incidentId,
        quantity: row.quantity,
        dispatched_at: row.at,
        dispatched_by: row.by,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Marks a dispatch returned once; the row as it was, or undefined when it was returned already. */
  markReturned(id: string, at: Date) {
    return this.db
      .updateTable('emergency_dispatches')
      .set({ returned_at: at })
      .where('id', '=', id)
      .where('returned_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  dispatchById(id: string) {
    return this.db.selectFrom('emergency_dispatches').selectAll().where('id', '=', id).executeTakeFirst();
  }

  dispatches(incidentId: string) {
    return this.db
      .selectFrom('emergency_dispatches as d')
      .innerJoin('emergency_resources as r', 'r.id', 'd.resource_id')
      .select([
        'd.id',
        'd.resource_id',
        'd.quantity',
        'd.dispatched_at',
        'd.returned_at',
        'r.name',
        'r.kind',
        'r.category',
        'r.measure',
      ])
      .where('d.incident_id', '=', incidentId)
      .orderBy('d.dispatched_at')
      .orderBy('d.id')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-07-01T02:00:00Z');

export const SQL_EXAMPLES: SqlExamples<ResourcesStore> = {
  insert: [
    {
      kind: 'stockpile',
      name: '和平区防汛物资库',
      category: '抽水泵',
      quantity: 10,
      measure: '台',
      skills: [],
      lon: 117.2,
      lat: 39.12,
      areaCode: '120101001001001',
    },
  ],
  list: [{ scope: '120101', kind: 'stockpile', category: '抽水泵', minAvailable: 2 }],
  visible: ['120101', ID],
  take: [ID, 2],
  giveBack: [ID, 2],
  insertDispatch: [{ resourceId: ID, incidentId: ID, quantity: 2, at: AT, by: ID }],
  markReturned: [ID, AT],
  dispatchById: [ID],
  dispatches: [ID],
};
