/** The emergency module's duty roster (值班表): shifts and handovers, its only SQL for those tables. */
import { type Selectable, sql } from 'kysely';
import type { EmergencyHandoversTable, EmergencyShiftsTable } from '../../platform/db/schema-emergency.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export type ShiftRow = Selectable<EmergencyShiftsTable>;
export type HandoverRow = Selectable<EmergencyHandoversTable>;

export class RosterStore {
  constructor(private readonly db: Db) {}

  insertShift(s: {
    unitId: string;
    areaCode: string;
    userId: string;
    role: string;
    startsAt: Date;
    endsAt: Date;
    phone: string;
  }): Promise<ShiftRow> {
    return this.db
      .insertInto('emergency_shifts')
      .values({
        unit_id: s.unitId,
        area_code: s.areaCode,
        user_id: s.userId,
        role: s.role,
        starts_at: s.startsAt,
        ends_at: s.endsAt,
        phone: s.phone,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A person's shifts that meet [from, to) (half-open), any unit. */
  userShiftsBetween(userId: string, from: Date, to: Date): Promise<ShiftRow[]> {
    return this.db
      .selectFrom('emergency_shifts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('starts_at', '<', to)
      .where('ends_at', '>', from)
      .orderBy('starts_at')
      .execute();
  }

  /**
   * Shifts that meet [from, to), of units whose area is inside the scope or above it (the roster of one's
   * own area and of the units one reports to); optionally of some units only.
   */
  shiftsBetween(scope: string, from: Date, to: Date, unitIds: readonly string[] | null): Promise<ShiftRow[]> {
    let q = this.db
      .selectFrom('emergency_shifts')
      .selectAll()
      .where('starts_at', '<', to)
      .where('ends_at', '>', from)
      .where((eb) =>
        eb.or([eb('area_code', 'like', `${scope}%`), sql<boolean>`${scope} like (area_code || '%')`]),
      );
    if (unitIds) {
      if (!unitIds.length) return Promise.resolve([]);
      q = q.where('unit_id', 'in', unitIds);
    }
    return q.orderBy('starts_at').orderBy('id').limit(2000).execute();
  }

  /** The shifts of these units on duty at `at` (for alerts: no scope, the units are the recipients). */
  onDuty(unitIds: readonly string[], at: Date): Promise<ShiftRow[]> {
    if (!unitIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('emergency_shifts')
      .selectAll()
      .where('unit_id', 'in', unitIds)
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .orderBy('starts_at')
      .execute();
  }

  shiftById(id: string): Promise<ShiftRow | undefined> {
    return this.db.selectFrom('emergency_shifts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Shifts of a unit and role that may take over at `end` (starting up to an hour after it). */
  successors(unitId: string, role: string, end: Date): Promise<ShiftRow[]> {
    return this.db
      .selectFrom('emergency_shifts')
      .selectAll()
      .where('unit_id', '=', unitId)
      .where('role', '=', role)
      .where('starts_at', '<=', new Date(end.getTime() + 3_600_000))
      .where('ends_at', '>', end)
      .orderBy('starts_at')
      .execute();
  }

  /** Records a handover; false when the shift was handed over already (the unique key). */
  async insertHandover(h: {
    fromShiftId: string;
    toShiftId: string | null;
    note: string;
    at: Date;
    by: string;
  }): Promise<boolean> {
    const r = await this.db
      .insertInto('emergency_handovers')
      .values({
        from_shift_id: h.fromShiftId,
        to_shift_id: h.toShiftId,
        note: h.note,
        handed_over_at: h.at,
        handed_over_by: h.by,
      })
      .onConflict((oc) => oc.column('from_shift_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  handoversOf(shiftIds: readonly string[]): Promise<HandoverRow[]> {
    if (!shiftIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('emergency_handovers')
      .selectAll()
      .where((eb) => eb.or([eb('from_shift_id', 'in', shiftIds), eb('to_shift_id', 'in', shiftIds)]))
      .orderBy('handed_over_at')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-07-01T00:00:00Z');
const LATER = new Date('2026-07-01T12:00:00Z');

export const SQL_EXAMPLES: SqlExamples<RosterStore> = {
  insertShift: [
    {
      unitId: ID,
      areaCode: '120101',
      userId: ID,
      role: 'officer',
      startsAt: AT,
      endsAt: LATER,
      phone: '13800000000',
    },
  ],
  userShiftsBetween: [ID, AT, LATER],
  shiftsBetween: ['120101001', AT, LATER, [ID]],
  onDuty: [[ID], AT],
  shiftById: [ID],
  successors: [ID, 'officer', LATER],
  insertHandover: [{ fromShiftId: ID, toShiftId: ID, note: '无异常', at: LATER, by: ID }],
  handoversOf: [[ID]],
};
