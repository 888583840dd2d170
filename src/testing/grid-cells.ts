/**
 * Points certainly inside a grid, for tests and benchmarks: the centres of unclipped cells — squares
 * that are their own bounding box — whose code starts with `within`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.js';

export interface CellCentre {
  code: string;
  lon: number;
  lat: number;
}

export async function wholeCellCentres(db: Kysely<DB>, within: string): Promise<CellCentre[]> {
  const cells = await db
    .selectFrom('areas')
    .select(['code', 'bbox', 'geometry'])
    .where('level', '=', 'grid')
    .where('code', 'like', `${within}%`)
    .orderBy('code')
    .execute();
  return cells.flatMap((c) => {
    const ring = c.geometry?.type === 'Polygon' ? (c.geometry.coordinates[0] ?? []) : [];
    const square = ring.length === 5 && new Set(ring.map((p) => p[0])).size === 2;
    const [w, s, e, n] = (c.bbox ?? []) as number[];
    return square && w !== undefined && s !== undefined && e !== undefined && n !== undefined
      ? [{ code: c.code, lon: (w + e) / 2, lat: (s + n) / 2 }]
      : [];
  });
}

export async function wholeCellCentre(db: Kysely<DB>, within: string): Promise<CellCentre> {
  const [first] = await wholeCellCentres(db, within);
  if (!first) throw new Error(`no unclipped grid cell in ${within}`);
  return first;
}
