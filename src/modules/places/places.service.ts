/** Places use cases: the area tree and geometry (scoped), the grid locator, imports of divisions and grids. */

import type { Kysely } from 'kysely';
import { type AuditActor, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { AreaLevel, DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { readSetting, writeSetting } from '../../platform/settings.js';
import { centroidOf } from './centroid.js';
import { parseDivisionsCsv } from './divisions-csv.js';
import { validateGridImport } from './grid-import.js';
import { GridLocator, isInChina, toWgs84 } from './locator.js';
import { type AreaInsert, PlacesStore } from './places.store.js';

export type { AreaInsert } from './places.store.js';

type Scoped = Pick<Principal, 'scope'>;

export interface AreaRef {
  code: string;
  name: string;
  level: AreaLevel;
}

/** Settings key whose value changes whenever grids change, so every process rebuilds its locator. */
const GRID_VERSION_KEY = 'places.grid_version';
const STALE_CHECK_MS = 10_000;

export class Places {
  private locator: {
    index: GridLocator;
    version: string;
    checkedAt: number;
    names: Map<string, string>;
    /** Each grid's centre (形心), where the public sees a case snapped to its grid. */
    centres: Map<string, { lon: number; lat: number }>;
  } | null = null;
  private building: Promise<void> | null = null;

  private readonly store: PlacesStore;

  constructor(private readonly db: Kysely<DB>) {
    this.store = new PlacesStore(db);
  }

  /** Whether an area with this code exists (other modules check codes they are given through this). */
  areaExists(code: string): Promise<boolean> {
    return this.store.exists(code);
  }

  /** An area's name, or null when there is no such area. */
  areaName(code: string): Promise<string | null> {
    return this.store.nameOf(code);
  }

  /** Whether the installation has any area yet (the demo seed runs only on an empty one). */
  hasAreas(): Promise<boolean> {
    return this.store.any();
  }

  /** Districts → streets → communities visible to the user (grids are fetched per community). */
  async tree(p: Scoped): Promise<(AreaRef & { children?: AreaRef[] })[]> {
    const rows = await this.store.treeRows(p.scope);
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
    const row = await this.store.visibleArea(p.scope, code);
    if (!row) throw new NotFound('area_not_found', `No area ${code} in your scope.`);
    const up = ancestorCodes(code);
    const ancestors = up.length ? await this.store.refs(up) : [];
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
    return this.store.visibleChildren(p.scope, code);
  }

  /** A FeatureCollection of one level, optionally within an area, restricted to the scope. */
  async geojson(p: Scoped, level: AreaLevel, within?: string) {
    const rows = await this.store.withGeometry(p.scope, level, within);
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

  /** The centres of these grids (those with geometry); for publishing a point at grid precision. */
  async gridCentres(codes: readonly string[]): Promise<Map<string, { lon: number; lat: number }>> {
    const loc = await this.currentLocator();
    const found = new Map<string, { lon: number; lat: number }>();
    for (const code of codes) {
      const c = loc.centres.get(code);
      if (c) found.set(code, c);
    }
    return found;
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
    const value = await readSetting<{ version?: string }>(this.db, GRID_VERSION_KEY);
    return String(value?.version ?? '0');
  }

  private async buildLocator(version: string): Promise<void> {
    const grids = await this.store.gridGeometries();
    const names = await this.store.allNames();
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
      centres: new Map(
        grids.flatMap((g) => {
          const c = g.geometry && centroidOf(g.geometry);
          return c ? [[g.code, c] as const] : [];
        }),
      ),
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
      await new PlacesStore(trx).upsert(
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
    const communities = await this.store.ofLevel('community');
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
      const store = new PlacesStore(trx);
      await store.deleteGridsOf(touched);
      await store.upsert(
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

/** Tells every process that grids changed (they rebuild their locator); call inside the writing transaction. */
export async function bumpGridVersion(trx: Db): Promise<void> {
  await writeSetting(trx, GRID_VERSION_KEY, { version: Date.now().toString(36) });
}

/** Inserts or updates areas in batches (parents must come before children): the seed's way in. */
export async function upsertAreas(
  trx: Db,
  rows: AreaInsert[],
  opts: { keepGeometry?: boolean } = {},
): Promise<void> {
  await new PlacesStore(trx).upsert(rows, opts);
}

/** The first grid under a prefix with its bounding box (the demo seed places its devices there). */
export function firstGridUnder(db: Db, prefix: string) {
  return new PlacesStore(db).firstGrid(prefix);
}

// ---------- small reads for other modules (cases, channels) ----------

/** Names of areas by code. */
export async function areaNames(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes)];
  if (!wanted.length) return new Map();
  const rows = await new PlacesStore(db).refs(wanted);
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** One area's code, name, level and box, or undefined (no scope: for intake and public channels). */
export function findArea(db: Db, code: string) {
  return new PlacesStore(db).area(code);
}

/** A grid named exactly by its code or its name. */
export function gridByCodeOrName(db: Db, named: string) {
  return new PlacesStore(db).gridNamed(named);
}

/** Streets, communities and grids inside a scope whose name contains the text (or whose code is it). */
export function searchAreas(db: Db, scope: string, text: string) {
  return new PlacesStore(db).search(scope, text);
}
