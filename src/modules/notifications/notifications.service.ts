/**
 * Notifications (通知): messages to a unit's inbox — case deadlines, urging notices, progress reminders.
 * Other modules write them with `notify` inside their own transaction; staff read their unit's inbox.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { NotFound } from '../../platform/errors.js';
import type { Notification } from './notifications.schemas.js';
import { type NotificationInsert, NotificationsStore } from './notifications.store.js';

export type { NotificationInsert } from './notifications.store.js';

/**
 * Writes notifications with the caller's `db` — pass the open transaction so they commit or roll back
 * with the change that caused them. Rows with a `ref` already sent to that unit and kind are skipped
 * (reminders sent once, whichever process runs them). Returns how many were written.
 */
export function notify(db: Db, rows: readonly NotificationInsert[]): Promise<number> {
  return new NotificationsStore(db).insert(rows);
}

const INBOX_SIZE = 100;

export class Notifications {
  private readonly store: NotificationsStore;

  constructor(
    db: Kysely<DB>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new NotificationsStore(db);
  }

  /** The caller's unit's latest notifications and the caller's own (none for a user without a unit). */
  async list(p: Pick<Principal, 'unitId' | 'userId'>): Promise<Notification[]> {
    if (!p.unitId) return [];
    const rows = await this.store.listForUnit(p.unitId, p.userId, INBOX_SIZE);
    return rows.map((r) => ({
      id: Number(r.id),
      caseId: r.case_id,
      kind: r.kind,
      message: r.message,
      createdAt: r.created_at.toISOString(),
      read: r.read_at !== null,
    }));
  }

  /** Marks one notification of the caller's unit read (again is fine); 404 for another unit's. */
  async markRead(p: Pick<Principal, 'unitId' | 'userId'>, id: number): Promise<void> {
    const done = p.unitId ? await this.store.markRead(p.unitId, p.userId, id, this.clock()) : false;
    if (!done) throw new NotFound('notification_not_found', 'No such notification for your unit.');
  }
}
