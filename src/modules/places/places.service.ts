/** Places use cases: the area tree and geometry (scoped), the grid locator, imports of divisions and grids. */
import { type Kysely, sql, type Transaction } from 'kysely';
import { type AuditActor, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { AreaLevel, DB, GeoJsonGeometry } from '../../platform/db/schema.js';
import { Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { parseDivisionsCsv } from './divisions-csv.js';
import { validateGridImport } from './grid-import.js';
import { GridLocator, isInChina, toWgs84 } from './locator.js';

type Db = Kysely<DB> | Transaction<DB>;
type Scoped = Pick<Principal, 'scope'>;

export interface AreaRef {
  code: string;
  name: string;
  level: AreaLevel;
}

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

/** Settings key whose value changes whenever grids change, so every process rebuilds its locator. */
const GRID_VERSION_KEY = 'places.grid_version';
const STALE_CHECK_MS = 10_000;

/** An area is visible to a user when it lies inside the scope or is one of the scope's ancestors. */
function visible(scope: string) {
  return sql<boolean>`(areas.code like ${`${scope}%`} or ${scope} like areas.code || '%')`;
}

export class Places {
  private locator: {
    index: GridLocator;
    version: string;
    checkedAt: number;
    names: Map<string, string>;
  } | null = null;
  private building: Promise<void> | null = null;

  constructor(private readonly db: Kysely<DB>) {}

  /** Districts → streets → communities visible to the user (grids are fetched per community). */
  async tree(p: Scoped): Promise<(AreaRef & { children?: AreaRef[] })[]> {
    const rows = await this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'parent_code'])
      .where('level', '!=', 'grid')
      .where(visible(p.scope))
      .orderBy('code')
      .execute();
    type Node = AreaRef & { children?: Node[] };
    const nodes = new Map<string, Node>();
    const roots: Node[] = [];
    for (const r of rows) {
      const node: Node = { code: r.code, name: r.name, level: r.level };
      if (r.level !== 'community') node.children = [];
      nodes.set(r.code, node);
      const parent = r.parent_code ? nodes.get(r.parent_code) : undefined;
      if (parent?.children) parent.children.push(node);
      else roots.push(node);
    }
    return roots;
  }

  async get(p: Scoped, code: string) {
    const row = await this.db
      .selectFrom('areas')
      .selectAll()
      .where('code', '=', code)
      .where(visible(p.scope))
      .executeTakeFirst();
    if (!row) throw new NotFound('area_not_found', `No area ${code} in your scope.`);
    const ancestors = await this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level'])
      .where('code', 'in', ['', ...ancestorCodes(code)]) // '' is no area: a district has none, and `in ()` is not SQL
      .orderBy(sql`length(code)`)
      .execute();
    return {
      code: row.code,
      name: row.name,
      level: row.level,
      parentCode: row.parent_code,
      ancestors,
      synthetic: row.synthetic,
      bbox: row.bbox,
      geometry: row.geometry,
    };
  }

  async children(p: Scoped, code: string): Promise<AreaRef[]> {
    await this.get(p, code);
    return this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level'])
      .where('parent_code', '=', code)
      .where(visible(p.scope))
      .orderBy('code')
      .execute();
  }

  /** A FeatureCollection of one level, optionally within an area, restricted to the scope. */
  async geojson(p: Scoped, level: AreaLevel, within?: string) {
    let q = this.db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'parent_code', 'geometry', 'synthetic'])
      .where('level', '=', level)
      .where('geometry', 'is not', null)
      .where(visible(p.scope));
    if (within) q = q.where('code', 'like', `${within}%`);
    const rows = await q.orderBy('code').execute();
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => ({
        type: 'Feature' as const,
        id: r.code,
        properties: {
          code: r.code,
          name: r.name,
          level: r.level,
          parentCode: r.parent_code,
          synthetic: r.synthetic,
        },
        geometry: r.geometry,
      })),
    };
  }

  /** Point → grid, community, street, district; null when the point is in no grid (never a guess). */
  async locate(lon: number, lat: number, crs: 'wgs84' | 'gcj02' = 'wgs84') {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || !isInChina(lon, lat)) {
      throw new Invalid('outside_china', `(${lon}, ${lat}) is not in China; send longitude then latitude.`);
    }
    const [x, y] = toWgs84(lon, lat, crs);
    const loc = await this.currentLocator();
    const grid = loc.index.locate(x, y);
    if (!grid) return null;
    const ref = (code: string) => ({ code, name: loc.names.get(code) ?? code });
    return {
      point: { lon: x, lat: y },
      grid: ref(grid),
      community: ref(grid.slice(0, 12)),
      street: ref(grid.slice(0, 9)),
      district: ref(grid.slice(0, 6)),
    };
  }

  private async currentLocator() {
    const now = Date.now();
    if (this.locator && now - this.locator.checkedAt < STALE_CHECK_MS) return this.locator;
    const version = await this.gridVersion();
    if (this.locator && this.locator.version === version) {
      this.locator.checkedAt = now;
      return this.locator;
    }
    this.building ??= this.buildLocator(version).finally(() => {
      this.building = null;
    });
    await this.building;
    if (!this.locator) throw new Error('locator failed to build');
    return this.locator;
  }

  private async gridVersion(): Promise<string> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', GRID_VERSION_KEY)
      .executeTakeFirst();
    return String(row?.value.version ?? '0');
  }

  private async buildLocator(version: string): Promise<void> {
    const grids = await this.db
      .selectFrom('areas')
      .select(['code', 'geometry', 'bbox'])
      .where('level', '=', 'grid')
      .where('geometry', 'is not', null)
      .execute();
    const names = await this.db.selectFrom('areas').select(['code', 'name']).execute();
    const index = new GridLocator(
      grids.flatMap((g) =>
        g.geometry && g.bbox
          ? [{ code: g.code, geometry: g.geometry, bbox: g.bbox as [number, number, number, number] }]
          : [],
      ),
    );
    this.locator = {
      index,
      version,
      checkedAt: Date.now(),
      names: new Map(names.map((n) => [n.code, n.name])),
    };
  }

  /** Imports a divisions CSV all-or-nothing; existing codes are renamed, not duplicated. */
  async importDivisions(actor: AuditActor, csvText: string, source = 'divisions csv') {
    const { rows, errors } = parseDivisionsCsv(csvText);
    if (errors.length) {
      throw new Invalid(
        'invalid_request',
        `The divisions file has ${errors.length} error(s); nothing was imported.`,
        {
          errors,
        },
      );
    }
    await this.db.transaction().execute(async (trx) => {
      await upsertAreas(
        trx,
        rows.map((r) => ({ ...r, geometry: null, bbox: null, synthetic: false, source })),
        { keepGeometry: true },
      );
      await recordAudit(trx, actor, {
        action: 'import',
        entity: 'area',
        entityId: 'divisions',
        after: { rows: rows.length },
      });
    });
    return { imported: rows.length };
  }

  /** Imports real grids from GeoJSON, validated, all-or-nothing; they replace the grids of their communities. */
  async importGrids(actor: AuditActor & { scope?: string }, fc: unknown, source = 'grid import') {
    const communities = await this.db
      .selectFrom('areas')
      .select(['code', 'name'])
      .where('level', '=', 'community')
      .execute();
    const result = validateGridImport(fc, new Set(communities.map((c) => c.code)));
    if (!result.ok) {
      throw new Invalid(
        'invalid_geojson',
        `${result.errors.length} feature(s) failed validation; nothing was imported.`,
        {
          errors: result.errors,
        },
      );
    }
    const touched = [...new Set(result.grids.map((g) => g.code.slice(0, 12)))];
    const outside = touched.filter((c) => !c.startsWith(actor.scope ?? ''));
    if (outside.length) {
      throw new Forbidden(
        'scope_outside',
        `Communities outside your scope: ${outside.slice(0, 5).join(', ')}.`,
      );
    }
    const names = new Map(communities.map((c) => [c.code, c.name]));
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('areas').where('level', '=', 'grid').where('parent_code', 'in', touched).execute();
      await upsertAreas(
        trx,
        result.grids.map((g) => ({
          code: g.code,
          name: g.name ?? gridName(names.get(g.code.slice(0, 12)) ?? '', g.code),
          level: 'grid' as const,
          parentCode: g.code.slice(0, 12),
          geometry: g.geometry,
          bbox: g.bbox,
          synthetic: false,
          source,
        })),
      );
      await bumpGridVersion(trx);
      await recordAudit(trx, actor, {
        action: 'import',
        entity: 'area',
        entityId: 'grids',
        after: { grids: result.grids.length, communities: touched },
      });
    });
    this.locator = null;
    return { imported: result.grids.length, communities: touched.length };
  }
}

/** The codes of the district, street and community that contain `code` (not itself). */
export function ancestorCodes(code: string): string[] {
  return [6, 9, 12].filter((n) => n < code.length).map((n) => code.slice(0, n));
}

/** A grid's display name: its community's short name and its sequence, e.g. 花园路社区 007. */
export function gridName(communityName: string, code: string): string {
  return `${communityName.replace(/居委会$|居民委员会$/, '')} ${code.slice(12)}`;
}

export async function bumpGridVersion(trx: Db): Promise<void> {
  await trx
    .insertInto('settings')
    .values({ key: GRID_VERSION_KEY, value: JSON.stringify({ version: Date.now().toString(36) }) })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: new Date() }),
    )
    .execute();
}

/** Inserts or updates areas in batches (parents must come before children). */
export async function upsertAreas(
  trx: Db,
  rows: AreaInsert[],
  opts: { keepGeometry?: boolean } = {},
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await trx
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
