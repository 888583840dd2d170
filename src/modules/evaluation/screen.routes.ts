/** HTTP route of the big screen (大屏): one call gives everything the wall shows. */
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { OVERSEERS } from './evaluation.routes.js';
import { ScreenOut, ScreenQuery } from './screen.schemas.js';
import type { Screen } from './screen.service.js';

/** The roles that oversee, and administrators (who set the screen up). */
export const SCREEN_ROLES: readonly Role[] = [...OVERSEERS, 'admin'];

export function registerScreenRoutes(app: App, screen: Screen): void {
  app.get(
    '/api/evaluation/screen',
    {
      config: { access: SCREEN_ROLES },
      schema: {
        tags: ['evaluation'],
        summary:
          'The big screen: grid load, live counts, 30-day and 12-month trends, top and rising categories, overdue, whistles',
        querystring: ScreenQuery,
        response: { 200: ScreenOut },
      },
    },
    async (req) => screen.screen(principalOf(req), req.query),
  );
}
