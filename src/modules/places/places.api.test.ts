import { expect, it } from 'vitest';
import { describeApi } from '../../testing/api.js';
import { toGcj02 } from './locator.js';

type Ring = number[][];
type Area = { code: string; bbox: number[]; geometry: { type: string; coordinates: unknown } };

/** An unclipped cell: four corners that are the corners of its bounding box. */
function isRectangle(ring: Ring): boolean {
  const xs = new Set(ring.map((p) => p[0]));
  const ys = new Set(ring.map((p) => p[1]));
  return ring.length === 5 && xs.size === 2 && ys.size === 2;
}

/** A point certainly inside a grid: the centre of an unclipped (rectangular) cell. */
async function interiorPointOfSomeGrid(get: (url: string) => Promise<{ json: unknown }>) {
  const fc = (await get('/api/areas/geojson?level=grid&within=120101001001')).json as {
    features: { properties: { code: string }; geometry: { type: string; coordinates: Ring[] } }[];
  };
  const cell = fc.features.find(
    (f) => f.geometry.type === 'Polygon' && isRectangle(f.geometry.coordinates[0] ?? []),
  );
  if (!cell) throw new Error('no rectangular grid cell in the first community');
  const ring = cell.geometry.coordinates[0] as Ring;
  const xs = ring.map((p) => p[0] as number);
  const ys = ring.map((p) => p[1] as number);
  return {
    code: cell.properties.code,
    lon: (Math.min(...xs) + Math.max(...xs)) / 2,
    lat: (Math.min(...ys) + Math.max(...ys)) / 2,
  };
}

describeApi('places API', (ctx) => {
  it('gives the dispatcher the tree of 和平区: 6 streets, 64 communities', async () => {
    const c = await ctx().login('dispatcher');
    const tree = (await c.get('/api/areas/tree')).json as {
      code: string;
      name: string;
      children: { children: unknown[] }[];
    }[];
    expect(tree.map((d) => d.name)).toEqual(['和平区']);
    expect(tree[0]?.children).toHaveLength(6);
    expect(tree[0]?.children.reduce((n, s) => n + s.children.length, 0)).toBe(64);
  });

  it('shows a street user only their street (with its district as context)', async () => {
    const c = await ctx().login('street');
    const tree = (await c.get('/api/areas/tree')).json as { code: string; children: { code: string }[] }[];
    expect(tree[0]?.code).toBe('120101');
    expect(tree[0]?.children.map((s) => s.code)).toEqual(['120101001']);
    expect((await c.get('/api/areas/120101002')).status).toBe(404);
    const fc = (await c.get('/api/areas/geojson?level=grid')).json as {
      features: { properties: { code: string } }[];
    };
    expect(fc.features.length).toBeGreaterThan(0);
    expect(fc.features.every((f) => f.properties.code.startsWith('120101001'))).toBe(true);
  });

  it('returns one area with its geometry and parents, and a community with its grids', async () => {
    const c = await ctx().login('dispatcher');
    const grids = (await c.get('/api/areas/120101001001/children')).json as { code: string; level: string }[];
    expect(grids.length).toBeGreaterThan(0);
    expect(grids.every((g) => /^120101001001\d{3}$/.test(g.code) && g.level === 'grid')).toBe(true);
    const grid = (await c.get(`/api/areas/${grids[0]?.code}`)).json as Area & {
      ancestors: { code: string }[];
      synthetic: boolean;
    };
    expect(grid.ancestors.map((a) => a.code)).toEqual(['120101', '120101001', '120101001001']);
    expect(grid.synthetic).toBe(true);
    expect(['Polygon', 'MultiPolygon']).toContain(grid.geometry.type);
    expect(grid.bbox).toHaveLength(4);
    expect((await c.get('/api/areas/12010100100')).status).toBe(400);
    expect((await c.get('/api/areas/120101999')).status).toBe(404);
  });

  it('locates a point to its grid, community, street and district, in WGS84 and GCJ-02', async () => {
    const c = await ctx().login('operator');
    const p = await interiorPointOfSomeGrid((u) => c.get(u));
    const hit = await c.get(`/api/locate?lon=${p.lon}&lat=${p.lat}`);
    expect(hit.status).toBe(200);
    expect(hit.json.grid.code).toBe(p.code);
    expect(hit.json.community.code).toBe('120101001001');
    expect(hit.json.street).toMatchObject({ code: '120101001', name: '劝业场街道' });
    expect(hit.json.district).toMatchObject({ code: '120101', name: '和平区' });
    // The same place as a Chinese web map gives it (GCJ-02 is offset by a few hundred metres).
    const [gx, gy] = toGcj02(p.lon, p.lat);
    const viaGcj = await c.get(`/api/locate?lon=${gx}&lat=${gy}&crs=gcj02`);
    expect(viaGcj.json.grid.code).toBe(p.code);
    const misread = await c.get(`/api/locate?lon=${gx}&lat=${gy}`);
    expect(misread.json?.grid?.code).not.toBe(p.code);
  });

  it('says clearly when a point is in no grid, or not in China, or not a coordinate', async () => {
    const c = await ctx().login('operator');
    const beijing = await c.get('/api/locate?lon=116.397&lat=39.909');
    expect(beijing.status).toBe(404);
    expect(beijing.json.error.code).toBe('outside_grids');
    const swapped = await c.get('/api/locate?lon=39.12&lat=117.2');
    expect(swapped.status).toBe(400);
    const atlantic = await c.get('/api/locate?lon=-30&lat=10');
    expect(atlantic.status).toBe(400);
    expect(atlantic.json.error.code).toBe('outside_china');
    expect((await c.get('/api/locate?lon=abc&lat=39')).status).toBe(400);
    expect((await c.get('/api/locate?lon=117.2')).status).toBe(400);
  });

  it('exports GeoJSON per level', async () => {
    const c = await ctx().login('leader');
    const res = await c.get('/api/areas/geojson?level=street');
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    const fc = res.json as { type: string; features: { properties: { level: string } }[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(6);
    expect((await c.get('/api/areas/geojson?level=planet')).status).toBe(400);
  });

  it('imports real grids all-or-nothing: a bad file changes nothing, a good one replaces the community', async () => {
    const admin = await ctx().login('admin');
    const before = (await admin.get('/api/areas/120101001002/children')).json as { code: string }[];
    // Split one of the community's own cells in two, so the new grids overlap nobody else's.
    const fc = (await admin.get('/api/areas/geojson?level=grid&within=120101001002')).json as {
      features: { geometry: { type: string; coordinates: number[][][] } }[];
    };
    const cell = fc.features.find(
      (f) => f.geometry.type === 'Polygon' && isRectangle(f.geometry.coordinates[0] ?? []),
    );
    const ring = cell?.geometry.coordinates[0] ?? [];
    const [x0, x1] = [Math.min(...ring.map((q) => q[0] ?? 0)), Math.max(...ring.map((q) => q[0] ?? 0))];
    const [y0, y1] = [Math.min(...ring.map((q) => q[1] ?? 0)), Math.max(...ring.map((q) => q[1] ?? 0))];
    const xm = (x0 + x1) / 2;
    const rect = (a: number, b: number) => [
      [
        [a, y0],
        [b, y0],
        [b, y1],
        [a, y1],
        [a, y0],
      ],
    ];
    const feature = (code: string, coordinates: unknown) => ({
      type: 'Feature',
      properties: { code },
      geometry: { type: 'Polygon', coordinates },
    });
    const bad = {
      type: 'FeatureCollection',
      features: [
        feature('120101001002001', rect(x0, xm)),
        feature('120101001002002', [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
          ],
        ]), // open ring
        feature('999999001002003', rect(xm, x1)), // unknown community
      ],
    };
    const refused = await admin.post('/api/areas/grids/import', bad);
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('invalid_geojson');
    const failing = (refused.json.error.details.errors as { feature: number }[]).map((e) => e.feature);
    expect(failing).toContain(1);
    expect(failing).toContain(2);
    expect((await admin.get('/api/areas/120101001002/children')).json).toEqual(before);

    const good = {
      type: 'FeatureCollection',
      features: [feature('120101001002001', rect(x0, xm)), feature('120101001002002', rect(xm, x1))],
    };
    const ok = await admin.post('/api/areas/grids/import', good);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ imported: 2, communities: 1 });
    const after = (await admin.get('/api/areas/120101001002/children')).json as { code: string }[];
    expect(after.map((g) => g.code)).toEqual(['120101001002001', '120101001002002']);
    const located = await admin.get(`/api/locate?lon=${(x0 + xm) / 2}&lat=${(y0 + y1) / 2}`);
    expect(located.json.grid.code).toBe('120101001002001');
    const dispatcher = await ctx().login('dispatcher');
    expect((await dispatcher.post('/api/areas/grids/import', good)).status).toBe(403);
  });

  it('documents every route in the served OpenAPI description', async () => {
    const doc = (await ctx().anonymous.get('/api/openapi.json')).json as { paths: Record<string, unknown> };
    for (const p of [
      '/api/auth/login',
      '/api/areas/tree',
      '/api/areas/{code}',
      '/api/locate',
      '/api/units',
      '/api/rules',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
