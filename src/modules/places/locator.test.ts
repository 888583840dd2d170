import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import type { GeoJsonGeometry } from '../../platform/db/schema.js';
import { bboxOf } from './grid-generator.js';
import { GridLocator, isInChina, toGcj02, toWgs84 } from './locator.js';

const rect = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const grid = (code: string, geometry: GeoJsonGeometry) => ({ code, geometry, bbox: bboxOf(geometry) });

// Four unit cells around (1, 1), a cell with a hole, and a two-part cell.
const cells = [
  grid('sw', { type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] }),
  grid('se', { type: 'Polygon', coordinates: [rect(1, 0, 2, 1)] }),
  grid('nw', { type: 'Polygon', coordinates: [rect(0, 1, 1, 2)] }),
  grid('ne', { type: 'Polygon', coordinates: [rect(1, 1, 2, 2)] }),
  grid('donut', { type: 'Polygon', coordinates: [rect(3, 0, 6, 3), rect(4, 1, 5, 2).reverse()] }),
  grid('pair', {
    type: 'MultiPolygon',
    coordinates: [[rect(7, 0, 8, 1)], [rect(9, 0, 10, 1)]],
  }),
];
const locator = new GridLocator(cells);

describe('GridLocator', () => {
  it('finds the grid containing an interior point', () => {
    expect(locator.locate(0.5, 0.5)).toBe('sw');
    expect(locator.locate(1.5, 1.5)).toBe('ne');
    expect(locator.locate(3.5, 2.5)).toBe('donut');
  });

  it('gives a point on a shared edge to exactly one grid: east of a vertical edge, north of a horizontal one', () => {
    expect(locator.locate(1, 0.5)).toBe('se');
    expect(locator.locate(0.5, 1)).toBe('nw');
    expect(locator.locate(1.5, 1)).toBe('ne');
  });

  it('gives the vertex shared by four cells to the north-east one', () => {
    expect(locator.locate(1, 1)).toBe('ne');
  });

  it('answers null in a hole, in the gap between parts, and outside every grid', () => {
    expect(locator.locate(4.5, 1.5)).toBeNull();
    expect(locator.locate(8.5, 0.5)).toBeNull();
    expect(locator.locate(-1, -1)).toBeNull();
    expect(locator.locate(100, 100)).toBeNull();
    expect(locator.locate(2, 0.5)).toBeNull(); // the outer east edge is outside (half-open)
  });

  it('finds both parts of a MultiPolygon grid', () => {
    expect(locator.locate(7.5, 0.5)).toBe('pair');
    expect(locator.locate(9.5, 0.5)).toBe('pair');
  });

  it('agrees with turf on 10,000 random points', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 10_000; i++) {
      const x = random() * 11 - 0.5;
      const y = random() * 3.5 - 0.25;
      const expected =
        cells.find((c) => booleanPointInPolygon([x, y], c.geometry, { ignoreBoundary: true }))?.code ?? null;
      const got = locator.locate(x, y);
      if (expected !== null) expect(got).toBe(expected);
      else if (got !== null) {
        // Only a point exactly on a boundary may differ from turf's "ignore boundary" answer.
        expect(cells.some((c) => booleanPointInPolygon([x, y], c.geometry))).toBe(true);
      }
    }
  });

  it('handles an empty set of grids', () => {
    expect(new GridLocator([]).locate(117.2, 39.1)).toBeNull();
  });
});

describe('coordinates', () => {
  it('converts GCJ-02 to WGS84: a few hundred metres in Tianjin, and back', () => {
    const [x, y] = toWgs84(117.2, 39.12, 'gcj02');
    const metres = Math.hypot((117.2 - x) * 86_000, (39.12 - y) * 111_000);
    expect(metres).toBeGreaterThan(300);
    expect(metres).toBeLessThan(800);
    const [bx, by] = toGcj02(x, y);
    expect(bx).toBeCloseTo(117.2, 5);
    expect(by).toBeCloseTo(39.12, 5);
    expect(toWgs84(117.2, 39.12, 'wgs84')).toEqual([117.2, 39.12]);
  });

  it('rejects points outside China, including swapped latitude and longitude', () => {
    expect(isInChina(117.2, 39.12)).toBe(true);
    expect(isInChina(39.12, 117.2)).toBe(false);
    expect(isInChina(0, 0)).toBe(false);
  });
});
