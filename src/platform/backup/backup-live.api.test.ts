import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { projectRoot } from '../config.js';
import { openDatabase } from '../db/database.js';
import { openTestDatabase } from '../db/testing.js';
import { restoreDatabase } from './restore.js';

describeApi('live backup from the serving process (administrators)', (ctx) => {
  it('makes an archive while writes go on, lists it, downloads it, and the archive restores', async () => {
    const admin = await ctx().login('admin');
    const inspector = await ctx().login('inspector');
    const grid = await wholeCellCentre(ctx().store.db, '120101001');
    const before = (await admin.get('/api/backups')).json.length;
    // A backup and a stream of intake at the same time: the archive is one moment, the writes all land.
    const writes = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        inspector.post('/api/cases', {
          categoryCode: 'event.0102',
          title: '路边暴露垃圾',
          description: `备份期间的上报 ${i}`,
          lon: grid.lon,
          lat: grid.lat,
        }),
      ),
    );
    // Two requests at once: the second waits for the first and makes its own archive.
    const [made, second] = await Promise.all([
      admin.post('/api/backups', {}),
      admin.post('/api/backups', {}),
    ]);
    expect([made.status, second.status]).toEqual([201, 201]);
    expect(second.json.name).not.toBe(made.json.name);
    expect(made.json.name).toMatch(/^wangge-\d{8}-\d{6}(-\d+)?\.wgz$/);
    expect(made.json.rows).toBeGreaterThan(1000);
    for (const w of await writes) expect(w.status).toBe(201);

    const list = (await admin.get('/api/backups')).json;
    expect(list).toHaveLength(before + 2);
    expect(list.map((b: { name: string }) => b.name)).toContain(made.json.name);

    const download = await admin.get(`/api/backups/${made.json.name}`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/gzip');
    expect(download.raw.length).toBe(made.json.size);

    const file = path.join(ctx().dataDir, 'restored.wgz');
    fs.writeFileSync(file, download.raw);
    const copy = await openTestDatabase('pglite');
    try {
      const r = await restoreDatabase(copy.db, path.join(ctx().dataDir, 'copy-files'), file);
      expect(r.tables.reduce((n, t) => n + t.rows, 0)).toBe(made.json.rows);
    } finally {
      await copy.close();
    }
    const audit = (await admin.get(`/api/audit?entity=backup&entityId=${made.json.name}`)).json;
    expect(audit).toHaveLength(1);
  });

  it('refuses names that are not archives, unknown archives and other roles, without touching files', async () => {
    const admin = await ctx().login('admin');
    expect((await admin.get('/api/backups/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await admin.get('/api/backups/wangge-20000101-000000.wgz')).status).toBe(404);
    const leader = await ctx().login('leader');
    expect((await leader.post('/api/backups', {})).status).toBe(403);
    expect((await leader.get('/api/backups')).status).toBe(403);
  });
});

describe('the embedded store is opened by one process at a time', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process while the first holds it, and takes over the lock of a dead one', async () => {
    const dataDir = path.join(dir, 'pglite');
    const first = await openDatabase({ kind: 'pglite', dataDir });
    const probe = `
      import { openDatabase } from './src/platform/db/database.ts';
      try { const s = await openDatabase({ kind: 'pglite', dataDir: ${JSON.stringify(dataDir)} }); await s.close(); console.log('opened'); }
      catch (e) { console.log(e.constructor.name + ': ' + e.message); }`;
    const other = () =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
        cwd: projectRoot,
        encoding: 'utf8',
      }).stdout;
    expect(other()).toMatch(/^StoreInUse: .*in use by process \d+/);
    await first.close();
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
    // A holder killed without closing leaves its lock behind; a dead pid does not block.
    fs.writeFileSync(`${dataDir}.lock`, '999999999');
    expect(other().trim()).toBe('opened');
  }, 120_000);
});
