/** Request and response schemas of the notifications module. */
import { z } from 'zod';

export const Notification = z.object({
  id: z.number(),
  caseId: z.string().nullable(),
  kind: z.string(),
  message: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationIdParams = z.object({ id: z.coerce.number().int().positive() });
