import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../platform/config.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-cli-'));
// The CLI under test uses the embedded store even where the caller has a DATABASE_URL.
const { DATABASE_URL: _ignored, ...inherited } = process.env;
const env = { ...inherited, WANGGE_DATA: dataDir };

function wangge(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'src/cli/main.ts'), ...args],
    {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('wangge CLI (embedded store)', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, then imports divisions, and names the line of a malformed CSV without importing it', () => {
    const migrated = wangge('db', 'migrate');
    expect(migrated.status).toBe(0);
    expect(migrated.out).toMatch(/applied \d+ migration/);
    const good = wangge(
      'import',
      'divisions',
      path.join(projectRoot, 'data/divisions/tianjin_heping_hexi_nankai_divisions.csv'),
    );
    expect(good.status).toBe(0);
    expect(good.out).toContain('imported 419 areas');
    const bad = path.join(dataDir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'code,name,level,parent_code\n120199000000,新区,district,120100000000\n120199001000,街道,street\n',
    );
    const refused = wangge('import', 'divisions', bad);
    expect(refused.status).toBe(1);
    expect(refused.err).toContain('line 3: expected 4 comma-separated fields');
  }, 600_000); // three CLI processes, each migrating a fresh store: slow on a loaded 2-core machine

  it('names the feature of an invalid grid file and exits non-zero', () => {
    const bad = path.join(dataDir, 'bad.geojson');
    fs.writeFileSync(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: '120101001001001' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [117.2, 39.1],
                  [117.21, 39.1],
                  [117.21, 39.11],
                ],
              ],
            },
          },
        ],
      }),
    );
    const r = wangge('import', 'grids', bad);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/feature 0 \(120101001001001\): a ring has fewer than 4 positions/);
    fs.writeFileSync(bad, '{"type": "FeatureCollection", ');
    const notJson = wangge('import', 'grids', bad);
    expect(notJson.status).toBe(1);
    expect(notJson.err).toMatch(/is not valid JSON/);
  });

  it('verifies the case hash chains', () => {
    const r = wangge('cases', 'verify');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/checked \d+ case\(s\): all chains hold/);
  });
});
