/** HTTP routes of the places module: area tree, one area, GeoJSON export, locate, grid import, map settings. */
import { z } from 'zod';
import { NotFound } from '../../platform/errors.js';
import { type App, principalOf } from '../../platform/http/app.js';
import {
  AreaCodeParam,
  AreaDetail,
  AreaNode,
  AreaRef,
  GeoJsonQuery,
  LocateQuery,
  LocateResult,
  MapSettings,
} from './places.schemas.js';
import type { Places } from './places.service.js';

export function registerPlacesRoutes(
  app: App,
  places: Places,
  map: { tileUrl: string | null; tileAttribution: string | null },
): void {
  app.get(
    '/api/areas/tree',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['places'], response: { 200: z.array(AreaNode) } },
    },
    async (req) => places.tree(principalOf(req)),
  );
  app.get(
    '/api/areas/geojson',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['places'],
        summary: 'Areas of one level as a GeoJSON FeatureCollection',
        querystring: GeoJsonQuery,
      },
    },
    async (req, reply) => {
      reply.type('application/geo+json');
      return places.geojson(principalOf(req), req.query.level, req.query.within);
    },
  );
  app.get(
    '/api/areas/:code',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['places'], params: AreaCodeParam, response: { 200: AreaDetail } },
    },
    async (req) => places.get(principalOf(req), req.params.code),
  );
  app.get(
    '/api/areas/:code/children',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['places'], params: AreaCodeParam, response: { 200: z.array(AreaRef) } },
    },
    async (req) => places.children(principalOf(req), req.params.code),
  );
  app.get(
    '/api/locate',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['places'],
        summary: 'The grid, community, street and district of a point (WGS84 or GCJ-02)',
        querystring: LocateQuery,
        response: { 200: LocateResult },
      },
    },
    async (req) => {
      const found = await places.locate(req.query.lon, req.query.lat, req.query.crs);
      if (!found)
        throw new NotFound('outside_grids', `(${req.query.lon}, ${req.query.lat}) is not inside any grid.`);
      return found;
    },
  );
  app.post(
    '/api/areas/grids/import',
    {
      config: { access: ['admin'] },
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags: ['places'],
        summary: 'Import real grids (GeoJSON FeatureCollection); all-or-nothing',
        body: z.unknown(),
      },
    },
    async (req) => places.importGrids(principalOf(req), req.body, 'api import'),
  );
  app.get(
    '/api/settings/map',
    { config: { access: 'authenticated' }, schema: { tags: ['places'], response: { 200: MapSettings } } },
    async () => ({
      tileUrl: map.tileUrl,
      attribution: map.tileAttribution,
      center: [117.2, 39.11] as [number, number],
      zoom: 11,
    }),
  );
}
