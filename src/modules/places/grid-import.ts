/** Validation of real grids imported as GeoJSON: every problem named by feature; pure, all-or-nothing. */
import { area as turfArea } from '@turf/area';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { kinks } from '@turf/kinks';
import Flatbush from 'flatbush';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { GeoJsonGeometry } from '../../platform/db/schema.js';
import { levelOfCode } from './area-code.js';
import { type BBox, bboxOf } from './grid-generator.js';
import { isInChina } from './locator.js';

export interface ImportedGrid {
  code: string;
  name: string | null;
  geometry: GeoJsonGeometry;
  bbox: BBox;
}

export interface ImportError {
  /** Index of the feature in the file (0-based); -1 for the file as a whole. */
  feature: number;
  code?: string;
  message: string;
}

/** Two grids may share edges; an overlap larger than this is an error. */
export const OVERLAP_TOLERANCE_M2 = 1;
export const MAX_FEATURES = 100_000;

export function validateGridImport(
  fc: unknown,
  knownCommunities: ReadonlySet<string>,
): { ok: true; grids: ImportedGrid[] } | { ok: false; errors: ImportError[] } {
  const errors: ImportError[] = [];
  if (!isObject(fc) || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return {
      ok: false,
      errors: [{ feature: -1, message: 'expected a GeoJSON FeatureCollection with a features array' }],
    };
  }
  if (fc.features.length === 0)
    return { ok: false, errors: [{ feature: -1, message: 'the collection has no features' }] };
  if (fc.features.length > MAX_FEATURES) {
    return { ok: false, errors: [{ feature: -1, message: `more than ${MAX_FEATURES} features` }] };
  }
  const grids: (ImportedGrid & { index: number })[] = [];
  const seen = new Map<string, number>();
  fc.features.forEach((f: unknown, index: number) => {
    const fail = (message: string, code?: string): void => {
      errors.push({ feature: index, ...(code ? { code } : {}), message });
    };
    if (!isObject(f) || f.type !== 'Feature' || !isObject(f.geometry)) {
      fail('not a GeoJSON Feature with a geometry');
      return;
    }
    const props = isObject(f.properties) ? f.properties : {};
    const code = typeof props.code === 'string' ? props.code : '';
    if (levelOfCode(code) !== 'grid') {
      fail('properties.code must be a 15-digit grid code (given as a string)');
      return;
    }
    if (!knownCommunities.has(code.slice(0, 12))) {
      fail(`community ${code.slice(0, 12)} does not exist`, code);
      return;
    }
    const previous = seen.get(code);
    if (previous !== undefined) {
      fail(`code repeats feature ${previous}`, code);
      return;
    }
    seen.set(code, index);
    const name = typeof props.name === 'string' ? props.name.trim().slice(0, 60) : null;
    if (name && /[<>]/.test(name)) {
      fail('name must not contain < or >', code);
      return;
    }
    const geometry = f.geometry;
    const problem = checkGeometry(geometry);
    if (problem) {
      fail(problem, code);
      return;
    }
    const g = geometry as unknown as GeoJsonGeometry;
    const selfCrossings = kinks(toFeature(g)).features.length;
    if (selfCrossings > 0) {
      fail(`the polygon intersects itself (${selfCrossings} crossing point(s))`, code);
      return;
    }
    grids.push({ index, code, name, geometry: g, bbox: bboxOf(g) });
  });

  // Overlaps between features: candidate pairs from a spatial index, then the exact shared area.
  if (grids.length > 1) {
    const index = new Flatbush(grids.length);
    for (const g of grids) index.add(g.bbox[0], g.bbox[1], g.bbox[2], g.bbox[3]);
    index.finish();
    grids.forEach((a, i) => {
      for (const j of index.search(a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3])) {
        if (j <= i) continue;
        const b = grids[j];
        if (!b) continue;
        const shared = intersect(
          featureCollection<Polygon | MultiPolygon>([toFeature(a.geometry), toFeature(b.geometry)]),
        );
        const m2 = shared ? turfArea(shared) : 0;
        if (m2 > OVERLAP_TOLERANCE_M2) {
          errors.push({
            feature: b.index,
            code: b.code,
            message: `overlaps feature ${a.index} (${a.code}) by ${Math.round(m2)} m²`,
          });
        }
      }
    });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, grids: grids.map(({ index: _index, ...g }) => g) };
}

function checkGeometry(g: Record<string, unknown>): string | null {
  const polys =
    g.type === 'Polygon'
      ? [g.coordinates]
      : g.type === 'MultiPolygon' && Array.isArray(g.coordinates)
        ? g.coordinates
        : null;
  if (!polys) return 'geometry must be a Polygon or MultiPolygon';
  if (polys.length === 0) return 'geometry has no polygons';
  for (const poly of polys) {
    if (!Array.isArray(poly) || poly.length === 0) return 'a polygon has no rings';
    for (const ring of poly) {
      if (!Array.isArray(ring) || ring.length < 4) return 'a ring has fewer than 4 positions';
      for (const p of ring) {
        if (
          !Array.isArray(p) ||
          typeof p[0] !== 'number' ||
          typeof p[1] !== 'number' ||
          !Number.isFinite(p[0]) ||
          !Number.isFinite(p[1])
        ) {
          return 'a position is not a pair of numbers';
        }
        if (!isInChina(p[0], p[1]))
          return `position (${p[0]}, ${p[1]}) is outside China (expect WGS84 longitude, latitude)`;
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1])
        return 'a ring is not closed (first and last positions differ)';
    }
  }
  return null;
}

function toFeature(g: GeoJsonGeometry): Feature<Polygon | MultiPolygon> {
  return { type: 'Feature', properties: {}, geometry: g };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
