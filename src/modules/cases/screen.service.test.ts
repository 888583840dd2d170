/**
 * The big screen's trends (大屏) read from the roll-up counters 'received' and 'closed' equal a count of the
 * case rows (what the screen read before, and still reads for a grid): for cases moved through the services
 * (a reopen included), for a synthetic set written in bulk, and after migration 0029's back-fill of the
 * cases already stored — on both stores.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, inject, it } from 'vitest';
import { seedDemoCases } from '../../seed/demo-cases.js';
import { seedSynthetic } from '../../seed/synthetic.js';
import { describeApi } from '../../testing/api.js';
import { principalOfUser } from '../org/org.service.js';
import type { Viewer } from './cases.store.js';
import { METRIC_ID } from './rollup.js';
import { CaseScreenStore } from './screen.store.js';

const ALL: Viewer = { scope: '', unitId: null, roles: ['admin'] };
const FROM = new Date('2025-12-01T00:00:00+08:00');

describeApi('the big screen trends from the counters', (ctx, kind) => {
  /** The trends of `area` both ways; answers how many cases they count. */
  const same = async (area: string) => {
    const { server, store } = ctx();
    const counted = await server.cases.screen.daily(ALL, area, FROM);
    const rows = await new CaseScreenStore(store.db).daily(ALL, area, FROM);
    const map = (xs: { day: string; n: string | number }[]) =>
      new Map(xs.map((x) => [x.day, Number(x.n)]).filter(([, n]) => n !== 0) as [string, number][]);
    expect(counted.received, `received ${area}`).toEqual(map(rows.received));
    expect(counted.closed, `closed ${area}`).toEqual(map(rows.closed));
    return [...counted.received.values()].reduce((a, b) => a + b, 0);
  };

  it('equal a count of the case rows, and migration 0029 back-fills them from the rows', async () => {
    const { store, server } = ctx();
    expect(await seedDemoCases(store.db, server.cases)).toBeGreaterThan(0);
    // A closed case reopened (重办): it leaves its close day's count.
    const closed = await store.db
      .selectFrom('cases')
      .select(['id', 'version'])
      .where('state', '=', 'closed')
      .executeTakeFirstOrThrow();
    const supervisor = await principalOfUser(
      store.db,
      { username: 'supervisor', activeOnly: true },
      'supervisor',
    );
    if (!supervisor) throw new Error('no demo supervisor');
    await server.cases.transitions.transition(supervisor, closed.id, {
      type: 'reopen',
      reason: '群众反映未解决',
      version: closed.version,
    });
    const copyUrl =
      kind === 'postgres'
        ? (inject('pgUrl') as string).replace(
            /\/postgres$/,
            `/${(await sql<{ db: string }>`select current_database() as db`.execute(store.db)).rows[0]?.db}`,
          )
        : undefined;
    await seedSynthetic(store.db, {
      cases: 300,
      from: '2026-01-01',
      to: '2026-03-31',
      now: new Date('2026-04-10T12:00:00+08:00'),
      batch: 100,
      seed: 3,
      ...(copyUrl ? { copyUrl } : {}),
    });
    const grid = await store.db
      .selectFrom('cases')
      .select('area_code')
      .where('state', '=', 'closed')
      .executeTakeFirstOrThrow();
    const check = async () => {
      expect(await same('120101')).toBeGreaterThan(300);
      expect(await same(grid.area_code.slice(0, 9))).toBeGreaterThan(0);
      expect(await same(grid.area_code.slice(0, 12))).toBeGreaterThan(0);
    };
    await check();
    // The back-fill alone (the migration's back-fill statement) rebuilds the same counters.
    const ids = [METRIC_ID.get('received'), METRIC_ID.get('closed')] as number[];
    await store.db.deleteFrom('case_rollups').where('metric', 'in', ids).execute();
    await store.db.deleteFrom('case_rollups_monthly').where('metric', 'in', ids).execute();
    const migration = fs.readFileSync(path.resolve('migrations/0029_rollups.sql'), 'utf8');
    const backfill = migration.slice(
      migration.indexOf("-- Back-fill of the big screen's counters"),
      migration.indexOf('create index case_rollups_screen_idx'),
    );
    expect(backfill).toContain('insert into case_rollups_monthly');
    await sql.raw(backfill).execute(store.db);
    await check();
  }, 240_000);
});
