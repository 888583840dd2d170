/** The places module's only access to its table `areas` (the area tree 区—街道—社区—网格 and its geometry). */
import { sql } from 'kysely';
import { containsPattern } from '../../platform/db/like.js';
import type { AreaLevel, GeoJsonGeometry } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export interface AreaInsert {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  geometry: GeoJsonGeometry | null;
  bbox: [number, number, number, number] | null;
  synthetic: boolean;
  source: string;
}

/** An area is visible to a user when it lies inside the scope or is one of the scope's ancestors. */
function visible(scope: string) {
  return sql<boolean>`(areas.code like ${`${scope}%`} or ${scope} like areas.code || '%')`;
}

export class PlacesStore {
  constructor(private readonly db: Db) {}

  /** Districts, streets and communities (no grids) visible in the scope, parents first. */
  treeRows(scope: string) {
    return this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'parent_code'])
      .where('level', '!=', 'grid')
      .where(visible(scope))
      .orderBy('code')
      .execute();
  }

  visibleArea(scope: string, code: string) {
    return this.db
      .selectFrom('areas')
      .selectAll()
      .where('code', '=', code)
      .where(visible(scope))
      .executeTakeFirst();
  }

  /** The areas with these codes, shortest code (widest area) first. */
  refs(codes: string[]) {
    return this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level'])
      .where('code', 'in', codes.length ? codes : [''])
      .orderBy(sql`length(code)`)
      .execute();
  }

  /** One area, whatever the caller's scope (intake and public channels locate before any scope applies). */
  area(code: string) {
    return this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'bbox'])
      .where('code', '=', code)
      .executeTakeFirst();
  }

  /** A grid named exactly by its code or its name. */
  gridNamed(named: string) {
    return this.db
      .selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where((eb) => eb.or([eb('code', '=', named), eb('name', '=', named)]))
      .executeTakeFirst();
  }

  /** Streets, communities and grids inside a scope whose name contains the text (or whose code is it). */
  search(scope: string, text: string) {
    return this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'bbox'])
      .where('level', 'in', ['street', 'community', 'grid'])
      .where('code', 'like', `${scope}%`)
      .where((eb) => eb.or([eb('name', 'like', containsPattern(text)), eb('code', '=', text)]))
      .orderBy('level')
      .orderBy('code')
      .limit(10)
      .execute();
  }

  visibleChildren(scope: string, code: string) {
    return this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level'])
      .where('parent_code', '=', code)
      .where(visible(scope))
      .orderBy('code')
      .execute();
  }

  /** Areas of one level that have geometry, visible in the scope, optionally within an area. */
  withGeometry(scope: string, level: AreaLevel, within?: string) {
    let q = this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'parent_code', 'geometry', 'synthetic'])
      .where('level', '=', level)
      .where('geometry', 'is not', null)
      .where(visible(scope));
    if (within) q = q.where('code', 'like', `${within}%`);
    return q.orderBy('code').execute();
  }

  /** Every grid with geometry: what the locator indexes. */
  gridGeometries() {
    return this.db
      .selectFrom('areas')
      .select(['code', 'geometry', 'bbox'])
      .where('level', '=', 'grid')
      .where('geometry', 'is not', null)
      .execute();
  }

  allNames() {
    return this.db.selectFrom('areas').select(['code', 'name']).execute();
  }

  ofLevel(level: AreaLevel) {
    return this.db.selectFrom('areas').select(['code', 'name']).where('level', '=', level).execute();
  }

  /** Whether an area with this code exists (any level). */
  async exists(code: string): Promise<boolean> {
    const row = await this.db.selectFrom('areas').select('code').where('code', '=', code).executeTakeFirst();
    return row !== undefined;
  }

  async nameOf(code: string): Promise<string | null> {
    const row = await this.db.selectFrom('areas').select('name').where('code', '=', code).executeTakeFirst();
    return row?.name ?? null;
  }

  /** Whether any area is stored at all (an empty installation has none). */
  async any(): Promise<boolean> {
    return (await this.db.selectFrom('areas').select('code').limit(1).executeTakeFirst()) !== undefined;
  }

  /** The first grid (by code) under a prefix, with its bounding box. */
  firstGrid(prefix: string) {
    return this.db
      .selectFrom('areas')
      .select(['code', 'bbox'])
      .where('level', '=', 'grid')
      .where('code', 'like', `${prefix}%`)
      .orderBy('code')
      .executeTakeFirst();
  }

  async deleteGridsOf(communityCodes: string[]): Promise<void> {
    if (communityCodes.length === 0) return;
    await this.db
      .deleteFrom('areas')
      .where('level', '=', 'grid')
      .where('parent_code', 'in', communityCodes)
      .execute();
  }

  /** Inserts or updates areas in batches (parents must come before children). */
  async upsert(rows: AreaInsert[], opts: { keepGeometry?: boolean } = {}): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await this.db
        .insertInto('areas')
        .values(
          batch.map((r) => ({
            code: r.code,
            name: r.name,
            level: r.level,
            parent_code: r.parentCode,
            geometry: r.geometry ? JSON.stringify(r.geometry) : null,
            bbox: r.bbox,
            synthetic: r.synthetic,
            source: r.source,
          })),
        )
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            parent_code: eb.ref('excluded.parent_code'),
            ...(opts.keepGeometry
              ? {}
              : {
                  geometry: eb.ref('excluded.geometry'),
                  bbox: eb.ref('excluded.bbox'),
                  synthetic: eb.ref('excluded.synthetic'),
                }),
            source: eb.ref('excluded.source'),
          })),
        )
        .execute();
    }
  }
}

const GRID: AreaInsert = {
  code: '120101001001001',
  name: '花园路 001',
  level: 'grid',
  parentCode: '120101001001',
  geometry: null,
  bbox: null,
  synthetic: true,
  source: 'example',
};

export const SQL_EXAMPLES: SqlExamples<PlacesStore> = {
  treeRows: ['120101'],
  visibleArea: ['120101', '120101001'],
  refs: [['120101', '120101001']],
  area: ['120101'],
  gridNamed: ['劝业场街道第1网格'],
  search: ['120101', '劝业场'],
  visibleChildren: ['120101', '120101001'],
  withGeometry: ['120101', 'grid', '120101001'],
  gridGeometries: [],
  allNames: [],
  ofLevel: ['community'],
  exists: ['120101'],
  nameOf: ['120101'],
  any: [],
  firstGrid: ['120101001'],
  deleteGridsOf: [['120101001001']],
  upsert: [[GRID], { keepGeometry: true }],
};
