/** The centre (形心, area centroid) of a grid's polygon: where the public sees a case snapped to its grid. Pure. */
import type { GeoJsonGeometry } from '../../platform/db/schema.js';

/**
 * The area-weighted centroid of a Polygon or MultiPolygon in plain lon/lat (a grid is small enough for
 * that). Holes subtract. A degenerate shape (no area) answers the mean of its outer ring's vertices.
 */
export function centroidOf(g: GeoJsonGeometry): { lon: number; lat: number } | null {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  // Relative to the first vertex: cross products of raw degrees (≈117 × 39) lose the grid's detail.
  const [ox = 0, oy = 0] = polygons[0]?.[0]?.[0] ?? [];
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      // Outer rings add, holes subtract, whatever their winding.
      let a = 0;
      let x = 0;
      let y = 0;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [ax = 0, ay = 0] = ring[k] ?? [];
        const [bx = 0, by = 0] = ring[k + 1] ?? [];
        const [x0, y0, x1, y1] = [ax - ox, ay - oy, bx - ox, by - oy];
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        x += (x0 + x1) * cross;
        y += (y0 + y1) * cross;
      }
      const sign = (i === 0 ? 1 : -1) * Math.sign(a);
      area += (sign * Math.abs(a)) / 2;
      cx += (sign * Math.sign(a) * x) / 6;
      cy += (sign * Math.sign(a) * y) / 6;
    });
  }
  if (Math.abs(area) > 1e-18) return { lon: ox + cx / area, lat: oy + cy / area };
  const outer = polygons[0]?.[0] ?? [];
  if (outer.length === 0) return null;
  const mean = (i: 0 | 1) => outer.reduce((s, p) => s + (p[i] ?? 0), 0) / outer.length;
  return { lon: mean(0), lat: mean(1) };
}
