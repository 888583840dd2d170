/**
 * The grid locator: point → grid code, through a uniform bucket index over grid bounding boxes and an
 * exact even-odd point-in-polygon test on flat coordinate arrays. Pure; built once, then read-only.
 *
 * Edge rule (half-open cells): a point on an edge shared by two grids belongs to exactly one of them —
 * the grid to its east for a vertical edge, to its north for a horizontal one (for a rectangle,
 * [minX, maxX) × [minY, maxY)); a vertex shared by four cells belongs to the north-east one. Points on a
 * district's outer east or north edge are therefore outside; the west and south edges are inside.
 */
import * as gcoordModule from 'gcoord';
import type { GeoJsonGeometry } from '../../platform/db/schema.js';

export interface LocatableGrid {
  code: string;
  geometry: GeoJsonGeometry;
  bbox: readonly [number, number, number, number] | readonly number[];
}

interface Shape {
  code: string;
  /** Flat [x0, y0, x1, y1, …] of every ring, holes included: even-odd counting handles both. */
  coords: Float64Array;
  /** Start offsets (in numbers) of each ring in `coords`, plus the end. */
  rings: Uint32Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export class GridLocator {
  readonly size: number;
  private readonly shapes: Shape[];
  private readonly originX: number;
  private readonly originY: number;
  private readonly cellW: number;
  private readonly cellH: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Bucket b holds shape ids bucketItems[bucketStart[b] .. bucketStart[b+1]). */
  private readonly bucketStart: Uint32Array;
  private readonly bucketItems: Uint32Array;

  constructor(grids: readonly LocatableGrid[]) {
    this.shapes = grids.map(toShape);
    this.size = this.shapes.length;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const widths: number[] = [];
    const heights: number[] = [];
    for (const s of this.shapes) {
      minX = Math.min(minX, s.minX);
      minY = Math.min(minY, s.minY);
      maxX = Math.max(maxX, s.maxX);
      maxY = Math.max(maxY, s.maxY);
      widths.push(s.maxX - s.minX);
      heights.push(s.maxY - s.minY);
    }
    if (this.size === 0) {
      minX = minY = 0;
      maxX = maxY = 1;
    }
    // Buckets the size of a typical grid keep the candidates per point at about one to four.
    this.cellW = Math.max(median(widths), 1e-7);
    this.cellH = Math.max(median(heights), 1e-7);
    this.originX = minX;
    this.originY = minY;
    this.cols = Math.max(1, Math.ceil((maxX - minX) / this.cellW) + 1);
    this.rows = Math.max(1, Math.ceil((maxY - minY) / this.cellH) + 1);
    const n = this.cols * this.rows;
    const counts = new Uint32Array(n + 1);
    const each = (s: Shape, fn: (b: number) => void) => {
      const c0 = this.col(s.minX);
      const c1 = this.col(s.maxX);
      const r0 = this.row(s.minY);
      const r1 = this.row(s.maxY);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) fn(r * this.cols + c);
    };
    for (const s of this.shapes) each(s, (b) => counts[b + 1]!++);
    for (let b = 0; b < n; b++) counts[b + 1]! += counts[b]!;
    this.bucketStart = counts;
    this.bucketItems = new Uint32Array(counts[n]!);
    const fill = counts.slice(0, n);
    this.shapes.forEach((s, id) => {
      each(s, (b) => {
        this.bucketItems[fill[b]!++] = id;
      });
    });
  }

  private col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.originX) / this.cellW)));
  }
  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.originY) / this.cellH)));
  }

  /** The code of the grid containing (lon, lat) in WGS84, or null when no grid contains it. */
  locate(lon: number, lat: number): string | null {
    const cx = Math.floor((lon - this.originX) / this.cellW);
    const cy = Math.floor((lat - this.originY) / this.cellH);
    if (cx < 0 || cy < 0 || cx >= this.cols || cy >= this.rows) return null;
    const b = cy * this.cols + cx;
    const end = this.bucketStart[b + 1]!;
    for (let i = this.bucketStart[b]!; i < end; i++) {
      const s = this.shapes[this.bucketItems[i]!]!;
      if (lon < s.minX || lon > s.maxX || lat < s.minY || lat > s.maxY) continue;
      if (pointInShape(s, lon, lat)) return s.code;
    }
    return null;
  }
}

/** Even-odd ray casting towards +x; the strict comparisons give the half-open edge rule above. */
function pointInShape(s: Shape, x: number, y: number): boolean {
  const c = s.coords;
  const rings = s.rings;
  let inside = false;
  for (let r = 0; r < rings.length - 1; r++) {
    const start = rings[r]!;
    const end = rings[r + 1]!;
    let j = end - 2;
    for (let i = start; i < end; i += 2) {
      const xi = c[i]!;
      const yi = c[i + 1]!;
      const xj = c[j]!;
      const yj = c[j + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      j = i;
    }
  }
  return inside;
}

function toShape(g: LocatableGrid): Shape {
  const polys = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
  const ringArrays = polys.flat();
  const rings = new Uint32Array(ringArrays.length + 1);
  let total = 0;
  ringArrays.forEach((ring, k) => {
    rings[k] = total;
    total += ring.length * 2;
  });
  rings[ringArrays.length] = total;
  const coords = new Float64Array(total);
  let o = 0;
  for (const ring of ringArrays) {
    for (const p of ring) {
      coords[o++] = p[0] ?? Number.NaN;
      coords[o++] = p[1] ?? Number.NaN;
    }
  }
  const [minX = 0, minY = 0, maxX = 0, maxY = 0] = g.bbox;
  return { code: g.code, coords, rings, minX, minY, maxX, maxY };
}

function median(xs: number[]): number {
  if (xs.length === 0) return 1;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 1;
}

/** China's rough bounding box: enough to catch swapped or absurd coordinates. */
export function isInChina(lon: number, lat: number): boolean {
  return lon >= 73.5 && lon <= 135.1 && lat >= 3.8 && lat <= 53.6;
}

// gcoord is CommonJS: under Node's ESM loader its API is the namespace's `default`, which its
// bundled typings do not describe, so we name the two members we use.
const gcoord = (gcoordModule as unknown as { default: Gcoord }).default;
interface Gcoord {
  transform(input: [number, number], from: string, to: string): [number, number];
  GCJ02: string;
  WGS84: string;
}

/** Converts a GCJ-02 point (Chinese web maps) to WGS84 with the maintained `gcoord` package. */
export function toWgs84(lon: number, lat: number, crs: 'wgs84' | 'gcj02'): [number, number] {
  if (crs === 'wgs84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
  return [x, y];
}

/** WGS84 → GCJ-02, for tests and for sending points to Chinese web maps. */
export function toGcj02(lon: number, lat: number): [number, number] {
  return gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02);
}
