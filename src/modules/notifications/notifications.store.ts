/**
 * The notifications module's only access to its tables: `notifications` (messages to a unit's inbox) and
 * `notification_prefs` (the kinds each user has switched off).
 */
import type { Db, SqlExamples } from '../../platform/db/store.js';

export interface NotificationRow {
  unitId: string;
  kind: string;
  /** The zh-CN text (for rows without params, the only text). */
  message: string;
  /** What the kind's text is filled with when it is read in the reader's language. */
  params: Readonly<Record<string, string>> | null;
  caseId?: string | null;
  /** For this person of the unit only (an assignee 承办人); absent = the whole unit's inbox. */
  userId?: string | null;
  /** When set, (unit, kind, ref) is sent once: a second insert with the same triple does nothing. */
  ref?: string | null;
}

export class NotificationsStore {
  constructor(private readonly db: Db) {}

  /**
   * Inserts the rows; those with a ref already sent are skipped. Returns how many were inserted.
   * On a server the table is partitioned by month (0028) and (unit_id, kind, ref) is unique per month's
   * partition only: refs already sent in earlier months are looked up first, and the conflict clause names
   * no target, so it stands on whichever unique index the row's partition has (plain table: the global one).
   */
  async insert(rows: readonly NotificationRow[]): Promise<number> {
    const withRef = rows.filter((r) => r.ref != null);
    const sent = new Set<string>();
    if (withRef.length > 0) {
      const found = await this.db
        .selectFrom('notifications')
        .select(['unit_id', 'kind', 'ref'])
        .where('ref', 'in', [...new Set(withRef.map((r) => r.ref as string))])
        .where('unit_id', 'in', [...new Set(withRef.map((r) => r.unitId))])
        .execute();
      for (const f of found) sent.add(`${f.unit_id}\u0000${f.kind}\u0000${f.ref}`);
    }
    const fresh = rows.filter((r) => r.ref == null || !sent.has(`${r.unitId}\u0000${r.kind}\u0000${r.ref}`));
    if (fresh.length === 0) return 0;
    const res = await this.db
      .insertInto('notifications')
      .values(
        fresh.map((r) => ({
          unit_id: r.unitId,
          kind: r.kind,
          message: r.message,
          params: r.params ? JSON.stringify(r.params) : null,
          case_id: r.caseId ?? null,
          user_id: r.userId ?? null,
          ref: r.ref ?? null,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0);
  }

  /** A unit's latest notifications for the whole unit and for this user, newest first, leaving out the muted kinds. */
  listForUnit(unitId: string, userId: string, limit: number, muted: readonly string[]) {
    let q = this.db
      .selectFrom('notifications')
      .select(['id', 'case_id', 'kind', 'message', 'params', 'created_at', 'read_at'])
      .where('unit_id', '=', unitId)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]));
    if (muted.length > 0) q = q.where('kind', 'not in', muted);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** How many of the notifications this user sees are unread, leaving out the muted kinds. */
  async unreadCount(unitId: string, userId: string, muted: readonly string[]): Promise<number> {
    let q = this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('unit_id', '=', unitId)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]))
      .where('read_at', 'is', null);
    if (muted.length > 0) q = q.where('kind', 'not in', muted);
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
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

  /** Marks every unread notification this user sees read, except the muted kinds; returns how many. */
  async markAllRead(unitId: string, userId: string, muted: readonly string[], at: Date): Promise<number> {
    let q = this.db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('unit_id', '=', unitId)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]))
      .where('read_at', 'is', null);
    if (muted.length > 0) q = q.where('kind', 'not in', muted);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** The kinds a user has switched off (none when the user never chose). */
  async mutedKinds(userId: string): Promise<string[]> {
    const row = await this.db
      .selectFrom('notification_prefs')
      .select('muted_kinds')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.muted_kinds ?? [];
  }

  /** Replaces the kinds a user has switched off. */
  async setMutedKinds(userId: string, kinds: readonly string[], at: Date): Promise<void> {
    await this.db
      .insertInto('notification_prefs')
      .values({ user_id: userId, muted_kinds: [...kinds], updated_at: at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ muted_kinds: [...kinds], updated_at: at }))
      .execute();
  }
}

const UNIT = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';
const AT = new Date('2026-05-01T00:00:00Z');

export const SQL_EXAMPLES: SqlExamples<NotificationsStore> = {
  insert: [
    [
      {
        unitId: UNIT,
        kind: 'progress_due',
        message: '请于2026-05-05前报送进度：示例任务',
        params: { dueOn: '2026-05-05', title: '示例任务' },
        ref: 'task:2026-05',
      },
    ],
  ],
  listForUnit: [UNIT, USER, 100, ['progress_due']],
  unreadCount: [UNIT, USER, ['progress_due']],
  markRead: [UNIT, USER, 1, AT],
  markAllRead: [UNIT, USER, ['progress_due'], AT],
  mutedKinds: [USER],
  setMutedKinds: [USER, ['progress_due', 'progress_late'], AT],
};
