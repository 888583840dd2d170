/**
 * Notifications (通知): messages to a unit's inbox — case deadlines, urging notices, progress reminders.
 * Other modules write them with `notify` inside their own transaction, as a kind (the text's key) and
 * params; staff read their unit's inbox in their own language, without the kinds they switched off.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { NotFound } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/messages.js';
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationParams,
  renderNotification,
} from './notification-texts.js';
import type {
  MarkedRead,
  Notification,
  NotificationPrefs,
  NotificationPrefsBody,
  UnreadCount,
} from './notifications.schemas.js';
import { NotificationsStore } from './notifications.store.js';

export type { NotificationKind, NotificationParams } from './notification-texts.js';

/** What a caller sends: a kind with the params its text needs (rendered per reader at read time). */
export type NotificationInsert = {
  unitId: string;
  caseId?: string | null;
  /** For this person of the unit only (an assignee 承办人); absent = the whole unit's inbox. */
  userId?: string | null;
  /** When set, (unit, kind, ref) is sent once: a second insert with the same triple does nothing. */
  ref?: string | null;
} & (
  | { kind: NotificationKind; params: NotificationParams; message?: undefined }
  /** A kind without a text of its own: the message is shown as it is, in every language. */
  | { kind: string; message: string; params?: undefined }
);

/**
 * Writes notifications with the caller's `db` — pass the open transaction so they commit or roll back
 * with the change that caused them. Rows with a `ref` already sent to that unit and kind are skipped
 * (reminders sent once, whichever process runs them). Returns how many were written.
 */
export function notify(db: Db, rows: readonly NotificationInsert[]): Promise<number> {
  return new NotificationsStore(db).insert(
    rows.map((r) => ({
      unitId: r.unitId,
      kind: r.kind,
      caseId: r.caseId ?? null,
      userId: r.userId ?? null,
      ref: r.ref ?? null,
      params: r.params ?? null,
      message: r.params ? renderNotification(r.kind, r.params, 'zh-CN', r.kind) : (r.message ?? ''),
    })),
  );
}

const INBOX_SIZE = 100;

/** Who reads: the unit's inbox and the user's own notifications, through the user's choices. */
type Reader = Pick<Principal, 'unitId' | 'userId'>;

export class Notifications {
  private readonly store: NotificationsStore;

  constructor(
    db: Kysely<DB>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new NotificationsStore(db);
  }

  /**
   * The caller's unit's latest notifications in the caller's language, without the kinds the caller
   * switched off (none for a user without a unit). Choices are honoured here, at read time, because a
   * notification goes to a unit and its staff choose each for themselves.
   */
  async list(p: Reader, locale: Locale = 'zh-CN'): Promise<Notification[]> {
    if (!p.unitId) return [];
    const muted = await this.muted(p);
    const rows = await this.store.listForUnit(p.unitId, p.userId, INBOX_SIZE, muted);
    return rows.map((r) => ({
      id: Number(r.id),
      caseId: r.case_id,
      kind: r.kind,
      message: renderNotification(r.kind, r.params, locale, r.message),
      createdAt: r.created_at.toISOString(),
      read: r.read_at !== null,
    }));
  }

  /** How many of the caller's unit's notifications are unread, counting only the kinds the caller wants. */
  async unreadCount(p: Reader): Promise<UnreadCount> {
    if (!p.unitId) return { count: 0 };
    const muted = await this.muted(p);
    return { count: await this.store.unreadCount(p.unitId, p.userId, muted) };
  }

  /** Marks one notification of the caller's unit read (again is fine); 404 for another unit's. */
  async markRead(p: Pick<Principal, 'unitId' | 'userId'>, id: number): Promise<void> {
    const done = p.unitId ? await this.store.markRead(p.unitId, p.userId, id, this.clock()) : false;
    if (!done) throw new NotFound('notification_not_found', 'No such notification for your unit.');
  }

  /** Marks every notification the caller sees read (the muted kinds stay as they are for colleagues). */
  async markAllRead(p: Reader): Promise<MarkedRead> {
    if (!p.unitId) return { marked: 0 };
    const muted = await this.muted(p);
    return { marked: await this.store.markAllRead(p.unitId, p.userId, muted, this.clock()) };
  }

  private muted(p: Reader): Promise<string[]> {
    return this.store.mutedKinds(p.userId);
  }

  /** The caller's choices: every kind, and those switched off. */
  async preferences(p: Pick<Principal, 'userId'>): Promise<NotificationPrefs> {
    const muted = new Set(await this.store.mutedKinds(p.userId));
    return { kinds: [...NOTIFICATION_KINDS], muted: NOTIFICATION_KINDS.filter((k) => muted.has(k)) };
  }

  /** Replaces the kinds the caller has switched off. */
  async setPreferences(
    p: Pick<Principal, 'userId'>,
    body: NotificationPrefsBody,
  ): Promise<NotificationPrefs> {
    const muted = NOTIFICATION_KINDS.filter((k) => body.muted.includes(k));
    await this.store.setMutedKinds(p.userId, muted, this.clock());
    return this.preferences(p);
  }
}
