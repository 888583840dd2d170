/** The notifications module's only access to its table `notifications` (messages to a unit's inbox). */
import type { Db, SqlExamples } from '../../platform/db/store.js';

export interface NotificationInsert {
  unitId: string;
  kind: string;
  message: string;
  caseId?: string | null;
  /** For this person of the unit only (an assignee 承办人); absent = the whole unit's inbox. */
  userId?: string | null;
  /** When set, (unit, kind, ref) is sent once: a second insert with the same triple does nothing. */
  ref?: string | null;
}

export class NotificationsStore {
  constructor(private readonly db: Db) {}

  /** Inserts the rows; those with a ref already sent are skipped. Returns how many were inserted. */
  async insert(rows: readonly NotificationInsert[]): Promise<number> {
    if (rows.length === 0) return 0;
    const res = await this.db
      .insertInto('notifications')
      .values(
        rows.map((r) => ({
          unit_id: r.unitId,
          kind: r.kind,
          message: r.message,
          case_id: r.caseId ?? null,
          user_id: r.userId ?? null,
          ref: r.ref ?? null,
        })),
      )
      .onConflict((oc) => oc.columns(['unit_id', 'kind', 'ref']).where('ref', 'is not', null).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0);
  }

  /** A unit's latest notifications for the whole unit and for this user, newest first. */
  listForUnit(unitId: string, userId: string, limit: number) {
    return this.db
      .selectFrom('notifications')
      .select(['id', 'case_id', 'kind', 'message', 'created_at', 'read_at'])
      .where('unit_id', '=', unitId)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Marks one of the unit's notifications read; false when the unit (or this user) has no such notification. */
  async markRead(unitId: string, userId: string, id: number, at: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('notifications')
      .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(at)) }))
      .where('id', '=', id)
      .where('unit_id', '=', unitId)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}

const UNIT = '00000000-0000-4000-8000-000000000001';

export const SQL_EXAMPLES: SqlExamples<NotificationsStore> = {
  insert: [[{ unitId: UNIT, kind: 'progress_due', message: '请报送进度', ref: 'task:2026-05' }]],
  listForUnit: [UNIT, UNIT, 100],
  markRead: [UNIT, UNIT, 1, new Date('2026-05-01T00:00:00Z')],
};
