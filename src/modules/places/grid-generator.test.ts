import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../platform/config.js';
import type { GeoJsonGeometry } from '../../platform/db/schema.js';
import { parseDivisionsCsv } from './divisions-csv.js';
import { cut, type GridFeature, generateGrids } from './grid-generator.js';
import { GridLocator } from './locator.js';

const rows = parseDivisionsCsv(
  fs.readFileSync(path.join(projectRoot, 'data/divisions/tianjin_heping_hexi_nankai_divisions.csv'), 'utf8'),
).rows;
const boundaries = JSON.parse(
  fs.readFileSync(
    path.join(projectRoot, 'data/boundaries/heping_hexi_nankai_wgs84_converted.geojson'),
    'utf8',
  ),
) as { features: { properties: { adcode: number }; geometry: GeoJsonGeometry }[] };

function generate(districtCode: string) {
  const boundary = boundaries.features.find((f) => String(f.properties.adcode) === districtCode)?.geometry;
  if (!boundary) throw new Error('no boundary');
  return generateGrids({
    district: { code: districtCode, boundary },
    streets: rows.filter((r) => r.level === 'street' && r.parentCode === districtCode),
    communities: rows
      .filter((r) => r.level === 'community' && r.code.startsWith(districtCode))
      .map((c) => ({ code: c.code, streetCode: c.parentCode ?? '' })),
  });
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

/** An unclipped cell: its ring is exactly its bounding box. */
function isRectangle(g: GridFeature): boolean {
  if (g.geometry.type !== 'Polygon') return false;
  const ring = g.geometry.coordinates[0] ?? [];
  return (
    ring.length === 5 &&
    ring.every(([x, y]) => (x === g.bbox[0] || x === g.bbox[2]) && (y === g.bbox[1] || y === g.bbox[3]))
  );
}

/** Grids of one community that touch along an edge form one connected piece. */
function connected(cells: GridFeature[]): boolean {
  if (cells.length <= 1) return true;
  const seen = new Set<number>([0]);
  const stack = [0];
  const touches = (a: GridFeature, b: GridFeature) => {
    const eps = 1e-9;
    const overlapX = Math.min(a.bbox[2], b.bbox[2]) - Math.max(a.bbox[0], b.bbox[0]);
    const overlapY = Math.min(a.bbox[3], b.bbox[3]) - Math.max(a.bbox[1], b.bbox[1]);
    return (overlapX > eps && Math.abs(overlapY) < eps) || (overlapY > eps && Math.abs(overlapX) < eps);
  };
  while (stack.length) {
    const i = stack.pop() as number;
    cells.forEach((c, j) => {
      if (!seen.has(j) && touches(cells[i] as GridFeature, c)) {
        seen.add(j);
        stack.push(j);
      }
    });
  }
  return seen.size === cells.length;
}

describe('generateGrids on 和平区', () => {
  let out: ReturnType<typeof generateGrids>;
  beforeAll(() => {
    out = generate('120101');
  });

  it('covers the district with about 100 m cells: ≈10 km² → about a thousand grids', () => {
    expect(out.grids.length).toBeGreaterThan(800);
    expect(out.grids.length).toBeLessThan(1300);
  });

  it('gives every grid a unique 15-digit code inside its community, street and district', () => {
    const codes = new Set(out.grids.map((g) => g.code));
    expect(codes.size).toBe(out.grids.length);
    for (const g of out.grids) {
      expect(g.code).toMatch(/^\d{15}$/);
      expect(g.code.startsWith(g.communityCode)).toBe(true);
      expect(g.communityCode.startsWith(g.streetCode)).toBe(true);
      expect(g.districtCode).toBe('120101');
    }
  });

  it('gives all 64 communities grids, numbered 001… in reading order (north→south, west→east)', () => {
    // Lattice position of each cell from its centre (a clipped cell's centre stays in its lattice cell).
    const top = Math.max(...out.grids.map((g) => g.bbox[3]));
    const left = Math.min(...out.grids.map((g) => g.bbox[0]));
    const dy = 100 / 111_320;
    const dx = dy / Math.cos((39.12 * Math.PI) / 180);
    const position = (g: GridFeature) => ({
      row: Math.floor((top - (g.bbox[1] + g.bbox[3]) / 2) / dy),
      col: Math.floor(((g.bbox[0] + g.bbox[2]) / 2 - left) / dx),
    });
    const byCommunity = groupBy(out.grids, (g) => g.communityCode);
    expect(byCommunity.size).toBe(64);
    for (const cells of byCommunity.values()) {
      expect(cells.length).toBeLessThanOrEqual(999);
      expect(cells.map((g) => Number(g.code.slice(12)))).toEqual(cells.map((_, i) => i + 1));
      const keys = cells.map((g) => {
        const p = position(g);
        return p.row * 100_000 + p.col;
      });
      expect(keys).toEqual([...keys].sort((x, y) => x - y));
    }
  });

  it('partitions into contiguous blocks: the streets are connected and nearly all communities are', () => {
    const byStreet = groupBy(out.grids, (g) => g.streetCode);
    expect(byStreet.size).toBe(6);
    const byCommunity = [...groupBy(out.grids, (g) => g.communityCode).values()];
    const share = byCommunity.filter(connected).length / byCommunity.length;
    // Runs along a Hilbert curve are contiguous on a full square; where the district boundary cuts
    // the curve, a run can fall into two pieces.
    expect(share).toBeGreaterThanOrEqual(0.9);
  });

  it('dissolves street and community geometry from their cells', () => {
    expect(out.streets).toHaveLength(6);
    expect(out.communities).toHaveLength(64);
  });

  it('is deterministic, and every cell centre locates to its own grid', () => {
    const again = generate('120101');
    expect(again.grids.map((g) => g.code)).toEqual(out.grids.map((g) => g.code));
    const locator = new GridLocator(out.grids);
    const rectangles = out.grids.filter(isRectangle);
    for (const g of rectangles) {
      expect(locator.locate((g.bbox[0] + g.bbox[2]) / 2, (g.bbox[1] + g.bbox[3]) / 2)).toBe(g.code);
    }
  });
});

describe('cut', () => {
  it('splits in proportion and never leaves a run empty while items last', () => {
    expect(cut([1, 2, 3, 4, 5, 6], [1, 2]).map((r) => r.length)).toEqual([2, 4]);
    expect(cut([1, 2, 3], [10, 1, 1]).map((r) => r.length)).toEqual([1, 1, 1]);
    expect(cut([1, 2, 3, 4], [1, 1, 1, 1]).flat()).toEqual([1, 2, 3, 4]);
  });
});
