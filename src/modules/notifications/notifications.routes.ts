/** HTTP routes of the notifications module: the caller's unit's inbox. Validate → call the service → shape. */
import { z } from 'zod';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { pickLocale } from '../../platform/i18n/messages.js';
import {
  MarkedRead,
  Notification,
  NotificationIdParams,
  NotificationPrefs,
  NotificationPrefsBody,
  UnreadCount,
} from './notifications.schemas.js';
import type { Notifications } from './notifications.service.js';

/** Every staff role: anyone working for a unit may read that unit's inbox. */
const STAFF: readonly Role[] = ROLES;

export function registerNotificationsRoutes(app: App, notifications: Notifications): void {
  app.get(
    '/api/notifications',
    {
      config: { access: STAFF },
      schema: {
        tags: ['notifications'],
        summary:
          "Warnings, overdue marks, escalations and reminders for the caller's unit, in the caller's language (Accept-Language), without the kinds the caller switched off",
        response: { 200: z.array(Notification) },
      },
    },
    async (req) => notifications.list(principalOf(req), pickLocale(req.headers['accept-language'])),
  );
  app.get(
    '/api/notifications/unread-count',
    {
      config: { access: STAFF },
      schema: {
        tags: ['notifications'],
        summary: "How many of the caller's unit's notifications are unread (the kinds the caller wants)",
        response: { 200: UnreadCount },
      },
    },
    async (req) => notifications.unreadCount(principalOf(req)),
  );
  app.post(
    '/api/notifications/:id/read',
    {
      config: { access: STAFF },
      schema: { tags: ['notifications'], summary: 'Mark a notification read', params: NotificationIdParams },
    },
    async (req, reply) => {
      await notifications.markRead(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/notifications/read-all',
    {
      config: { access: STAFF },
      schema: {
        tags: ['notifications'],
        summary: 'Mark every notification the caller sees read; answers how many were marked',
        response: { 200: MarkedRead },
      },
    },
    async (req) => notifications.markAllRead(principalOf(req)),
  );
  app.get(
    '/api/notifications/preferences',
    {
      config: { access: STAFF },
      schema: {
        tags: ['notifications'],
        summary: "The caller's notification choices: every kind and the ones switched off",
        response: { 200: NotificationPrefs },
      },
    },
    async (req) => notifications.preferences(principalOf(req)),
  );
  app.put(
    '/api/notifications/preferences',
    {
      config: { access: STAFF },
      schema: {
        tags: ['notifications'],
        summary: 'Set the notification kinds the caller does not want to be told about',
        body: NotificationPrefsBody,
        response: { 200: NotificationPrefs },
      },
    },
    async (req) => notifications.setPreferences(principalOf(req), req.body),
  );
}
