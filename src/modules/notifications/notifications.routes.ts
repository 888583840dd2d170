/** HTTP routes of the notifications module: the caller's unit's inbox. Validate → call the service → shape. */
import { z } from 'zod';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { Notification, NotificationIdParams } from './notifications.schemas.js';
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
        summary: "Warnings, overdue marks, escalations and reminders for the caller's unit",
        response: { 200: z.array(Notification) },
      },
    },
    async (req) => notifications.list(principalOf(req)),
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
}
