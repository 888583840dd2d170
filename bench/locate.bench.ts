/** Benchmark: locate 1,000,000 random points inside 和平/河西/南开 against their generated grids, in-process. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDivisionsCsv } from '../src/modules/places/divisions-csv.js';
import { bboxOf, type GridFeature, generateGrids } from '../src/modules/places/grid-generator.js';
import { GridLocator } from '../src/modules/places/locator.js';
import { projectRoot } from '../src/platform/config.js';
import type { GeoJsonGeometry } from '../src/platform/db/schema.js';

const POINTS = Number(process.env.POINTS ?? 1_000_000);

const rows = parseDivisionsCsv(
  fs.readFileSync(path.join(projectRoot, 'data/divisions/tianjin_heping_hexi_nankai_divisions.csv'), 'utf8'),
).rows;
const boundaries = JSON.parse(
  fs.readFileSync(
    path.join(projectRoot, 'data/boundaries/heping_hexi_nankai_wgs84_converted.geojson'),
    'utf8',
  ),
) as { features: { properties: { adcode: number }; geometry: GeoJsonGeometry }[] };

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, node ${process.version}`,
);

const t0 = performance.now();
const grids: GridFeature[] = [];
for (const d of rows.filter((r) => r.level === 'district')) {
  const boundary = boundaries.features.find((f) => String(f.properties.adcode) === d.code)?.geometry;
  if (!boundary) throw new Error(`no boundary for ${d.code}`);
  grids.push(
    ...generateGrids({
      district: { code: d.code, boundary },
      streets: rows.filter((r) => r.level === 'street' && r.parentCode === d.code),
      communities: rows
        .filter((r) => r.level === 'community' && r.code.startsWith(d.code))
        .map((c) => ({ code: c.code, streetCode: c.parentCode ?? '' })),
    }).grids,
  );
}
console.log(`generated ${grids.length} grids in ${Math.round(performance.now() - t0)} ms`);

const t1 = performance.now();
const locator = new GridLocator(grids);
const indexBuildMs = performance.now() - t1;

// Random points inside the district boundaries (rejection sampling with a fixed seed), made before timing.
const districtLocator = new GridLocator(
  boundaries.features.map((f) => ({
    code: String(f.properties.adcode),
    geometry: f.geometry,
    bbox: bboxOf(f.geometry),
  })),
);
const [minX, minY, maxX, maxY] = boundaries.features
  .map((f) => bboxOf(f.geometry))
  .reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
let seed = 20_261_124;
const random = () => {
  seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
  return seed / 4_294_967_296;
};
const xs = new Float64Array(POINTS);
const ys = new Float64Array(POINTS);
for (let i = 0; i < POINTS; ) {
  const x = minX + random() * (maxX - minX);
  const y = minY + random() * (maxY - minY);
  if (districtLocator.locate(x, y) === null) continue;
  xs[i] = x;
  ys[i] = y;
  i++;
}

const run = () => {
  let located = 0;
  for (let i = 0; i < POINTS; i++) if (locator.locate(xs[i] as number, ys[i] as number) !== null) located++;
  return located;
};
run(); // warm-up: let the JIT settle
const t2 = performance.now();
const located = run();
const seconds = (performance.now() - t2) / 1000;
const perSecond = Math.round(POINTS / seconds);
console.log(
  `located ${located}, unlocated ${POINTS - located} (slivers under 5% of a cell are dropped at the boundary)`,
);
console.log(`${POINTS} points in ${(seconds * 1000).toFixed(0)} ms`);
console.log(`locate points_per_s ${perSecond} index_build_ms ${Math.round(indexBuildMs)}`);
