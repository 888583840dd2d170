import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrate, migrationsDir } from './migrate.js';
import { describeEachStore } from './testing.js';

describeEachStore('migrations', (store) => {
  it('has applied every migration file once, and a second run applies nothing', async () => {
    const files = fs.readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'));
    const rows = await store().db.selectFrom('schema_migrations').select('name').execute();
    expect(rows.map((r) => r.name).sort()).toEqual(files.sort());
    const again = await migrate(store().db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(files.length);
  });

  it('refuses a migration whose text changed after it was applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-mig-'));
    fs.writeFileSync(path.join(dir, '0001_platform.sql'), 'select 1;');
    await expect(migrate(store().db, dir)).rejects.toThrow(/changed after it was applied/);
    fs.rmSync(dir, { recursive: true });
  });

  it('rolls back a failing migration completely', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-mig-'));
    fs.writeFileSync(
      path.join(dir, '9999_broken.sql'),
      'create table half_done (x int); select * from no_such_table;',
    );
    await expect(migrate(store().db, dir)).rejects.toThrow();
    const t = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_tables where tablename = 'half_done'`.execute(store().db);
    expect(t.rows[0]?.n).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });

  it('enables pg_trgm similarity on Chinese text', async () => {
    const r = await sql<{ near: number; far: number }>`select
      similarity('和平区南京路井盖破损', '南京路井盖损坏') as near,
      similarity('和平区南京路井盖破损', '噪音扰民投诉') as far`.execute(store().db);
    expect(r.rows[0]?.near).toBeGreaterThan(0.15);
    expect(r.rows[0]?.far).toBe(0);
  });
});
