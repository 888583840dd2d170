/**
 * Generates synthetic unit grids (万米单元网格) for a district: ≈100 m cells clipped to its boundary,
 * partitioned into its streets and their communities as contiguous blocks, numbered in reading order.
 * Real grids are not published; these stand in until an administrator imports official ones. Pure.
 */
import { area as turfArea } from '@turf/area';
import { bbox as turfBbox } from '@turf/bbox';
import { featureCollection, multiPolygon, polygon } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { GeoJsonGeometry } from '../../platform/db/schema.js';
import { gridCode } from './area-code.js';

export type BBox = [number, number, number, number];

export interface GridFeature {
  code: string;
  communityCode: string;
  streetCode: string;
  districtCode: string;
  geometry: GeoJsonGeometry;
  bbox: BBox;
}

export interface AreaGeometry {
  code: string;
  geometry: GeoJsonGeometry;
  bbox: BBox;
}

export interface GenerateInput {
  district: { code: string; boundary: GeoJsonGeometry };
  streets: { code: string; name?: string }[];
  communities: { code: string; name?: string; streetCode: string }[];
  cellMeters?: number;
}

interface Cell {
  col: number;
  row: number;
  geometry: GeoJsonGeometry;
  full: boolean;
}

const METERS_PER_DEGREE_LAT = 111_320;
/** Clipped slivers smaller than this share of a cell are dropped. */
const MIN_SHARE = 0.05;

export function generateGrids(input: GenerateInput): {
  grids: GridFeature[];
  streets: AreaGeometry[];
  communities: AreaGeometry[];
} {
  const cellMeters = input.cellMeters ?? 100;
  const boundary = input.district.boundary;
  const [minX, minY, maxX, maxY] = bboxOf(boundary);
  const dy = cellMeters / METERS_PER_DEGREE_LAT;
  const dx = cellMeters / (METERS_PER_DEGREE_LAT * Math.cos((((minY + maxY) / 2) * Math.PI) / 180));
  const cols = Math.ceil((maxX - minX) / dx);
  const rows = Math.ceil((maxY - minY) / dy);
  const rings = ringsOf(boundary);
  const vertices = rings.flat();
  const boundaryFeature = toFeature(boundary);

  const cells: Cell[] = [];
  for (let row = 0; row < rows; row++) {
    // Row 0 is the northernmost: reading order is north→south, west→east.
    // Edges computed from their own index, so neighbours share bit-identical coordinates.
    const y1 = maxY - row * dy;
    const y0 = maxY - (row + 1) * dy;
    for (let col = 0; col < cols; col++) {
      const x0 = minX + col * dx;
      const x1 = minX + (col + 1) * dx;
      const rect: number[][][] = [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
          [x0, y0],
        ],
      ];
      const corners = [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ] as const;
      const cornersIn = corners.filter(([x, y]) => inRings(rings, x, y)).length;
      const vertexInside = vertices.some(([x = 0, y = 0]) => x > x0 && x < x1 && y > y0 && y < y1);
      if (cornersIn === 4 && !vertexInside) {
        cells.push({ col, row, geometry: { type: 'Polygon', coordinates: rect }, full: true });
        continue;
      }
      if (cornersIn === 0 && !vertexInside && !edgeCrosses(rings, x0, y0, x1, y1)) continue;
      const clipped = intersect(featureCollection<Polygon | MultiPolygon>([polygon(rect), boundaryFeature]));
      if (!clipped) continue;
      const share = turfArea(clipped) / (cellMeters * cellMeters);
      if (share < MIN_SHARE) continue;
      cells.push({ col, row, geometry: clipped.geometry as GeoJsonGeometry, full: false });
    }
  }

  // Contiguous blocks: walk the cells along a Hilbert curve and cut the walk into runs.
  const order = Math.ceil(Math.log2(Math.max(cols, rows, 2)));
  const walk = [...cells].sort((a, b) => hilbert(order, a.col, a.row) - hilbert(order, b.col, b.row));
  const streets = [...input.streets].sort((a, b) => a.code.localeCompare(b.code));
  const communitiesOf = (s: string) =>
    input.communities.filter((c) => c.streetCode === s).sort((a, b) => a.code.localeCompare(b.code));
  const weights = streets.map((s) => Math.max(1, communitiesOf(s.code).length));
  const streetRuns = cut(walk, weights);

  const grids: GridFeature[] = [];
  const streetGeoms: AreaGeometry[] = [];
  const communityGeoms: AreaGeometry[] = [];
  streets.forEach((street, si) => {
    const run = streetRuns[si] ?? [];
    const comms = communitiesOf(street.code);
    if (run.length === 0 || comms.length === 0) return;
    const communityRuns = cut(
      run,
      comms.map(() => 1),
    );
    comms.forEach((community, ci) => {
      const own = [...(communityRuns[ci] ?? [])].sort((a, b) => a.row - b.row || a.col - b.col);
      if (own.length > 999)
        throw new RangeError(`community ${community.code} would get ${own.length} grids (max 999)`);
      own.forEach((cell, k) => {
        grids.push({
          code: gridCode(community.code, k + 1),
          communityCode: community.code,
          streetCode: street.code,
          districtCode: input.district.code,
          geometry: cell.geometry,
          bbox: bboxOf(cell.geometry),
        });
      });
      const g = dissolve(own.map((c) => c.geometry));
      if (g) communityGeoms.push({ code: community.code, geometry: g, bbox: bboxOf(g) });
    });
    const g = dissolve(run.map((c) => c.geometry));
    if (g) streetGeoms.push({ code: street.code, geometry: g, bbox: bboxOf(g) });
  });
  return { grids, streets: streetGeoms, communities: communityGeoms };
}

/** Splits `items` into consecutive runs sized in proportion to `weights`, each non-empty while items last. */
export function cut<T>(items: readonly T[], weights: readonly number[]): T[][] {
  const total = weights.reduce((a, b) => a + b, 0);
  const runs: T[][] = [];
  let start = 0;
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w;
    const remainingRuns = weights.length - i - 1;
    let end = i === weights.length - 1 ? items.length : Math.round((acc / total) * items.length);
    end = Math.max(end, Math.min(start + 1, items.length)); // at least one cell each
    end = Math.min(
      end,
      items.length - Math.min(remainingRuns, items.length - Math.min(start + 1, items.length)),
    );
    runs.push(items.slice(start, Math.max(start, end)));
    start = Math.max(start, end);
  });
  return runs;
}

/** Distance of (x, y) along the Hilbert curve of a 2^order square: neighbours on the curve touch. */
export function hilbert(order: number, x: number, y: number): number {
  let d = 0;
  let rx: number;
  let ry: number;
  for (let s = 1 << (order - 1); s > 0; s >>= 1) {
    rx = (x & s) > 0 ? 1 : 0;
    ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return d;
}

function dissolve(geoms: GeoJsonGeometry[]): GeoJsonGeometry | null {
  if (geoms.length === 0) return null;
  if (geoms.length === 1) return geoms[0] ?? null;
  const merged = union(featureCollection(geoms.map(toFeature)));
  return merged ? (merged.geometry as GeoJsonGeometry) : null;
}

function toFeature(g: GeoJsonGeometry): Feature<Polygon | MultiPolygon> {
  return g.type === 'Polygon' ? polygon(g.coordinates) : multiPolygon(g.coordinates);
}

function ringsOf(g: GeoJsonGeometry): number[][][] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

function inRings(rings: number[][][], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? [];
      const [xj = 0, yj = 0] = ring[j] ?? [];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Whether any boundary edge crosses the rectangle (a thin strip of district can pass through a cell). */
function edgeCrosses(rings: number[][][], x0: number, y0: number, x1: number, y1: number): boolean {
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const [ax = 0, ay = 0] = ring[i - 1] ?? [];
      const [bx = 0, by = 0] = ring[i] ?? [];
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1)
        continue;
      return true; // bounding boxes touch: let the exact clip decide
    }
  }
  return false;
}

/** The [west, south, east, north] box of a polygon or multipolygon. */
export function bboxOf(g: GeoJsonGeometry): BBox {
  const [minX = 0, minY = 0, maxX = 0, maxY = 0] = turfBbox(g as Polygon | MultiPolygon);
  return [minX, minY, maxX, maxY];
}
