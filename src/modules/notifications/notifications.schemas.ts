/** Request and response schemas of the notifications module. */
import { z } from 'zod';
import { NOTIFICATION_KINDS } from './notification-texts.js';

export const Notification = z.object({
  id: z.number(),
  caseId: z.string().nullable(),
  kind: z.string(),
  /** The text in the reader's language (Accept-Language), rendered from the kind and its params. */
  message: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationIdParams = z.object({ id: z.coerce.number().int().positive() });

export const UnreadCount = z.object({ count: z.number().int().nonnegative() });
export type UnreadCount = z.infer<typeof UnreadCount>;

export const MarkedRead = z.object({ marked: z.number().int().nonnegative() });
export type MarkedRead = z.infer<typeof MarkedRead>;

export const NotificationKind = z.enum(NOTIFICATION_KINDS);

/** 通知设置: every kind there is, and the ones the caller has switched off. */
export const NotificationPrefs = z.object({
  kinds: z.array(NotificationKind),
  muted: z.array(NotificationKind),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefs>;

export const NotificationPrefsBody = z.object({
  muted: z.array(NotificationKind).max(NOTIFICATION_KINDS.length),
});
export type NotificationPrefsBody = z.infer<typeof NotificationPrefsBody>;
