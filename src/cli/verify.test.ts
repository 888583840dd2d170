import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { backupDatabase } from '../platform/backup/backup.js';
import { projectRoot } from '../platform/config.js';
import { type Client, describeApi } from '../testing/api.js';
import { wholeCellCentre } from '../testing/grid-cells.js';
import { describeVerify, verifyEverything } from './verify.js';

function wangge(dataDir: string, ...args: string[]) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'src/cli/main.ts'), ...args],
    {
      env: { ...inherited, WANGGE_DATA: dataDir },
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describeApi('wangge verify: tampered case events and audit rows are named', (ctx, kind) => {
  let inspector: Client;
  const caseIds: string[] = [];

  beforeAll(async () => {
    inspector = await ctx().login('inspector');
    const grid = await wholeCellCentre(ctx().store.db, '120101001');
    for (let i = 0; i < 3; i++) {
      const r = await inspector.post('/api/cases', {
        categoryCode: 'event.0102',
        title: `路边暴露垃圾 ${i}`,
        description: '和平路口有一堆生活垃圾',
        lon: grid.lon,
        lat: grid.lat,
      });
      expect(r.status).toBe(201);
      caseIds.push(r.json.id);
    }
  });

  it('holds before anyone tampers', async () => {
    const r = await verifyEverything(ctx().store.db, ctx().server.cases.queries);
    expect(r.ok).toBe(true);
    expect(r.cases.checked).toBeGreaterThanOrEqual(3);
    expect(r.audit.checked).toBeGreaterThan(0);
  });

  it('names exactly the edited case event and the edited audit row', async () => {
    const { db } = ctx().store;
    const victimCase = caseIds[1] as string;
    const event = await db
      .selectFrom('case_events')
      .select(['id', 'seq'])
      .where('case_id', '=', victimCase)
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await sql`update case_events set note = 'edited afterwards' where id = ${event.id}`.execute(db);

    const audit = await db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id').execute();
    const victimAudit = audit[Math.floor(audit.length / 2)];
    if (!victimAudit) throw new Error('no audit rows');
    // The trigger refuses the edit; an owner or superuser can switch it off, and the chain still tells.
    await expect(
      sql`update audit_log set actor_name = 'nobody' where id = ${victimAudit.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
      await sql`update audit_log set actor_name = 'nobody' where id = ${victimAudit.id}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_change`.execute(trx);
    });

    const r = await verifyEverything(db, ctx().server.cases.queries);
    expect(r.ok).toBe(false);
    expect(r.cases.broken).toEqual([
      expect.objectContaining({ caseId: victimCase, seq: event.seq, problem: 'hash' }),
    ]);
    expect(r.audit.broken).toMatchObject({
      table: 'audit_log',
      id: victimAudit.id,
      field: 'hash',
      found: victimAudit.hash,
    });
    const { errors } = describeVerify(r);
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(`^case_events: case .* \\(${victimCase}\\) event seq ${event.seq}: hash`),
      ),
      `audit_log: row id ${victimAudit.id}: hash expected ${r.audit.broken?.expected}, found ${victimAudit.hash}`,
    ]);

    // The command line says the same and exits 1, on a copy restored from a backup of this store.
    if (kind !== 'pglite') return;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-verify-'));
    try {
      const archive = path.join(dataDir, 'tampered.wgz');
      await backupDatabase(db, path.join(dataDir, 'no-files'), archive);
      const restored = wangge(dataDir, 'restore', archive);
      expect(restored.err).toBe('');
      expect(restored.status).toBe(0);
      const verified = wangge(dataDir, 'verify');
      expect(verified.status).toBe(1);
      expect(verified.err).toContain(`(${victimCase}) event seq ${event.seq}: hash`);
      expect(verified.err).toContain(`audit_log: row id ${victimAudit.id}: hash expected`);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
