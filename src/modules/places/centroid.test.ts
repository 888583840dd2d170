import { describe, expect, it } from 'vitest';
import { centroidOf } from './centroid.js';

const square = (x: number, y: number, s: number) => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];

describe('centroidOf', () => {
  it('a square: its middle, whatever the winding', () => {
    const c = centroidOf({ type: 'Polygon', coordinates: [square(117, 39, 0.001)] });
    expect(c?.lon).toBeCloseTo(117.0005, 9);
    expect(c?.lat).toBeCloseTo(39.0005, 9);
    const reversed = centroidOf({ type: 'Polygon', coordinates: [square(117, 39, 0.001).reverse()] });
    expect(reversed?.lon).toBeCloseTo(117.0005, 9);
  });
  it('an L shape: weighted by area', () => {
    // Two unit squares side by side and one above the left: centre at (5/6, 5/6) from the corner.
    const c = centroidOf({
      type: 'MultiPolygon',
      coordinates: [[square(0, 0, 1)], [square(1, 0, 1)], [square(0, 1, 1)]],
    });
    expect(c?.lon).toBeCloseTo(5 / 6, 9);
    expect(c?.lat).toBeCloseTo(5 / 6, 9);
  });
  it('a hole subtracts', () => {
    const c = centroidOf({ type: 'Polygon', coordinates: [square(0, 0, 2), square(1, 0, 1)] });
    // 2×2 minus its lower-right unit square = the L above: centre (5/6, 7/6).
    expect(c?.lon).toBeCloseTo(5 / 6, 9);
    expect(c?.lat).toBeCloseTo(7 / 6, 9);
  });
});
