/** The portal's public place search: name a place instead of pointing at the map. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.js';
import { PlaceQuery } from './channels.schemas.js';
import type { PublicPlaces } from './public-places.service.js';

export const PublicPlaceHit = z.object({
  kind: z.string(),
  name: z.string(),
  detail: z.string(),
  lon: z.number(),
  lat: z.number(),
});

export function registerPublicPlaceRoutes(app: App, places: PublicPlaces): void {
  app.get(
    '/api/public/places',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary:
          'Places by name (landmarks, addresses, streets, communities, grids) with their point; limited per address',
        querystring: PlaceQuery,
        response: { 200: PublicPlaceHit.array() },
      },
    },
    async (req) => places.search(req.query.q, req.ip),
  );
}
