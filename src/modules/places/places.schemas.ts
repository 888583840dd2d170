/** Request and response schemas of the places module. */
import { z } from 'zod';

export const AreaCodeParam = z.object({
  code: z.string().regex(/^\d{6}(\d{3}(\d{3}(\d{3})?)?)?$/, 'an area code of 6, 9, 12 or 15 digits'),
});
export const Level = z.enum(['district', 'street', 'community', 'grid']);

export const AreaRef = z.object({ code: z.string(), name: z.string(), level: Level });
export type AreaNode = z.infer<typeof AreaRef> & { children?: AreaNode[] };
// Named in the OpenAPI components: a recursive schema can only be described by a $ref to itself.
export const AreaNode: z.ZodType<AreaNode> = AreaRef.extend({
  children: z.lazy(() => z.array(AreaNode)).optional(),
}).meta({ id: 'AreaNode' });

const Geometry = z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) });
export const AreaDetail = AreaRef.extend({
  parentCode: z.string().nullable(),
  ancestors: z.array(AreaRef),
  synthetic: z.boolean(),
  bbox: z.array(z.number()).length(4).nullable(),
  geometry: Geometry.nullable(),
});

export const GeoJsonQuery = z.object({
  level: Level,
  within: AreaCodeParam.shape.code.optional(),
});

export const LocateQuery = z.object({
  lon: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
});
export const LocateResult = z.object({
  point: z.object({ lon: z.number(), lat: z.number() }),
  grid: AreaRef.omit({ level: true }),
  community: AreaRef.omit({ level: true }),
  street: AreaRef.omit({ level: true }),
  district: AreaRef.omit({ level: true }),
});

export const MapSettings = z.object({
  tileUrl: z.string().nullable(),
  attribution: z.string().nullable(),
  center: z.tuple([z.number(), z.number()]),
  zoom: z.number(),
});
