/**
 * Service tier (no HTTP): file a case through the intake service and move it twice through the
 * transitions service on a real database — both stores — then read back the events, the hash chain
 * and the version guard.
 */
import os from 'node:os';
import { type RootOperationNode, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/roles.js';
import { describeEachStore } from '../../platform/db/testing.js';
import { FileStore } from '../../platform/files/files.js';
import { pendingJobs } from '../../platform/jobs/jobs.js';
import { seedDemo } from '../../seed/demo.js';
import { principalOfUser } from '../org/org.service.js';
import { findArea, Places } from '../places/places.service.js';
import { Cases } from './cases.service.js';
import { CasesStore } from './cases.store.js';
import { METRIC_ID } from './rollup.js';

describeEachStore('cases services over a database: intake then two transitions', (store) => {
  let cases: Cases;
  let grid: string;
  const as = async (username: string): Promise<Principal> => {
    const p = await principalOfUser(store().db, { username, activeOnly: true }, username);
    if (!p) throw new Error(`no demo user ${username}`);
    return p;
  };

  beforeAll(async () => {
    const db = store().db;
    await seedDemo(db, { districts: ['120101'] });
    cases = new Cases(db, new Places(db), new FileStore(db, os.tmpdir()));
    const row = await db
      .selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101001%')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    grid = row.code;
    expect((await findArea(db, grid))?.level).toBe('grid');
  });

  it('writes the report event, chains the next two, and refuses a stale version', async () => {
    const inspector = await as('inspector');
    let insideTransaction = false;
    const filed = await cases.intake.file(
      inspector,
      {
        categoryCode: 'event.0501',
        title: '早市占道经营',
        description: '服务层测试',
        areaCode: grid,
        crs: 'wgs84',
        address: '',
        evidence: [],
        attributes: {},
      },
      {
        onCreated: async (trx, created) => {
          // The channel's own rows go in the same transaction as the case.
          insideTransaction = !!(await new CasesStore(trx).caseById(created.id));
        },
      },
    );
    expect(insideTransaction).toBe(true);
    expect(filed).toMatchObject({ state: 'reported', version: 1, areaCode: grid, replayed: false });
    expect(filed.number).toMatch(/^120101\d{8}\d{6}$/);

    const lead = await as('shift_lead');
    const first = await cases.transitions.transition(lead, filed.id, { type: 'file', version: 1 });
    expect(first).toMatchObject({ state: 'filed', version: 2, event: { seq: 2, type: 'file' } });
    const dispatcher = await as('dispatcher');
    const second = await cases.transitions.transition(dispatcher, filed.id, {
      type: 'dispatch',
      mode: 'auto',
      version: 2,
    });
    expect(second).toMatchObject({ state: 'dispatched', version: 3, event: { seq: 3, type: 'dispatch' } });

    const events = await new CasesStore(store().db).events(filed.id);
    expect(events.map((e) => [e.seq, e.type, e.from_state, e.to_state, e.actor_role])).toEqual([
      [1, 'report', null, 'reported', 'inspector'],
      [2, 'file', 'reported', 'filed', 'shift_lead'],
      [3, 'dispatch', 'filed', 'dispatched', 'dispatcher'],
    ]);
    expect(events[1]?.prev_hash).toBe(events[0]?.hash);
    expect(events[2]?.prev_hash).toBe(events[1]?.hash);
    expect(await cases.queries.verifyChains(filed.id)).toEqual({ checked: 1, broken: [] });

    // A second dispatcher still holding version 2 loses: 409, nothing written.
    await expect(
      cases.transitions.transition(dispatcher, filed.id, { type: 'dispatch', mode: 'auto', version: 2 }),
    ).rejects.toMatchObject({ status: 409, code: 'version_conflict' });
    expect(await new CasesStore(store().db).events(filed.id)).toHaveLength(3);
  });

  it('files cases arriving together in one transaction, each with its own number, chain, counters and deadline job', async () => {
    const db = store().db;
    const inspector = await as('inspector');
    const undecided = METRIC_ID.get('rep_undecided');
    const counted = async () =>
      Number(
        (
          await db
            .selectFrom('case_rollups')
            .select((eb) => eb.fn.sum<number>('n').as('n'))
            .where('metric', '=', undecided as number)
            .where('area_code', 'like', `${grid.slice(0, 12)}%`)
            .executeTakeFirst()
        )?.n ?? 0,
      );
    const before = await counted();
    const { batches, items } = cases.intake.commits.stats;
    const filed = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        cases.intake.file(inspector, {
          categoryCode: 'event.0501',
          title: `成组提交 ${i}`,
          description: '同时上报',
          areaCode: grid,
          crs: 'wgs84',
          address: '',
          evidence: [],
          attributes: {},
        }),
      ),
    );
    const stats = cases.intake.commits.stats;
    expect(stats.items - items).toBe(10);
    expect(stats.batches - batches).toBeLessThan(10); // some went together
    expect(stats.largest).toBeGreaterThan(1);
    expect(new Set(filed.map((f) => f.number)).size).toBe(10);
    for (const f of filed) {
      expect(f).toMatchObject({ state: 'reported', version: 1, areaCode: grid, replayed: false });
      expect(await cases.queries.verifyChains(f.id)).toEqual({ checked: 1, broken: [] });
      expect(await pendingJobs(db, 'deadline', { caseId: f.id })).toHaveLength(1);
    }
    expect((await counted()) - before).toBe(10);
  });

  it('duplicate checks asked together share one statement per viewer, each answered as if asked alone', async () => {
    const db = store().db;
    const inspector = await as('inspector');
    const handler = await as('handler'); // sees by unit only: not an unassigned case
    const filed = await cases.intake.file(inspector, {
      categoryCode: 'event.0502',
      title: '重复检查',
      description: '同一地点',
      areaCode: grid,
      crs: 'wgs84',
      address: '',
      evidence: [],
      attributes: {},
    });
    const at = await new CasesStore(db).caseById(filed.id);
    const lon = at?.lon as number;
    const lat = at?.lat as number;
    let selects = 0;
    const counting = db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'SelectQueryNode') selects++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const queries = new Cases(counting, new Places(counting), new FileStore(counting, os.tmpdir())).queries;
    const near = { category: 'event.0502', lon, lat, radius: 50 };
    const asked = [
      [inspector, near, true],
      [inspector, { ...near, lat: lat + 40 / 111_320 }, true], // 40 m north
      [inspector, { ...near, lat: lat + 60 / 111_320 }, false], // 60 m north
      [inspector, { ...near, category: 'event.0503' }, false],
      [handler, near, false],
      [inspector, near, true],
    ] as const;
    const answers = await Promise.all(asked.map(([p, q]) => queries.openCaseWithin(p, q)));
    expect(answers).toEqual(asked.map(([, , expected]) => expected));
    expect(selects).toBe(2); // one per viewer
    for (const [p, q, expected] of asked) expect(await queries.openCaseWithin(p, q)).toBe(expected);
  });

  it('a batch locks its daily counter rows before its monthly ones, as every writer does (no deadlock)', async () => {
    const db = store().db;
    const nodes = new Map<unknown, RootOperationNode>();
    const executed: string[] = [];
    const spy = db.withPlugin({
      transformQuery: (args) => {
        nodes.set(args.queryId, args.node);
        return args.node;
      },
      transformResult: async (args) => {
        const node = nodes.get(args.queryId);
        if (node) executed.push(db.getExecutor().compileQuery(node, args.queryId).sql);
        return args.result;
      },
    });
    const batch = new Cases(spy, new Places(spy), new FileStore(spy, os.tmpdir())).intake;
    const inspector = await as('inspector');
    await Promise.all(
      [1, 2, 3].map((i) =>
        batch.file(inspector, {
          categoryCode: 'event.0501',
          title: `计数顺序 ${i}`,
          description: '',
          areaCode: grid,
          crs: 'wgs84',
          address: '',
          evidence: [],
          attributes: {},
        }),
      ),
    );
    const daily = executed.findIndex((q) => q.includes('insert into "case_rollups" '));
    const monthly = executed.findIndex((q) => q.includes('insert into "case_rollups_monthly"'));
    expect(daily).toBeGreaterThanOrEqual(0);
    // A later statement: PostgreSQL runs a statement's unread WITHs in an order of its own.
    expect(monthly).toBeGreaterThan(daily);
  });

  it('keyed intakes go together too; a resend sent at the same time answers the first case, a changed one is refused', async () => {
    const db = store().db;
    const inspector = await as('inspector');
    const input = (i: number) => ({
      categoryCode: 'event.0501',
      title: `成组幂等 ${i}`,
      description: '同时上报，带幂等键',
      areaCode: grid,
      crs: 'wgs84' as const,
      address: '',
      evidence: [],
      attributes: {},
    });
    const { batches, items } = cases.intake.commits.stats;
    const filed = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        cases.intake.file(inspector, input(i), { idempotencyKey: `batch-key-${i}` }),
      ),
    );
    const stats = cases.intake.commits.stats;
    expect(stats.items - items).toBe(8);
    expect(stats.batches - batches).toBeLessThan(8);
    expect(new Set(filed.map((f) => f.id)).size).toBe(8);
    // A resend of a stored key answers the stored case without writing.
    const resent = await cases.intake.file(inspector, input(0), { idempotencyKey: 'batch-key-0' });
    expect(resent).toMatchObject({ id: filed[0]?.id, number: filed[0]?.number, replayed: true });
    // Two sends of one new key at once (in one batch, or the second in the next): one case, both answers name it.
    const [a, b] = await Promise.all([
      cases.intake.file(inspector, input(100), { idempotencyKey: 'batch-key-100' }),
      cases.intake.file(inspector, input(100), { idempotencyKey: 'batch-key-100' }),
    ]);
    expect(a?.id).toBe(b?.id);
    expect([a?.replayed, b?.replayed].sort()).toEqual([false, true]);
    const titles = await db.selectFrom('cases').select('id').where('title', 'like', '成组幂等 %').execute();
    expect(titles).toHaveLength(9);
    // The same key for a different request is refused, and writes nothing.
    await expect(
      cases.intake.file(inspector, input(7), { idempotencyKey: 'batch-key-100' }),
    ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(
      await db.selectFrom('cases').select('id').where('title', 'like', '成组幂等 %').execute(),
    ).toHaveLength(9);
  });

  it('a transaction asking for a category never waits on a catalogue load queued behind its own connection', async () => {
    // The embedded store has one connection: a request inside a transaction that awaited another request's
    // load of the (expired) catalogue through the pool waited for itself, and the server hung for good.
    const engine = cases.engine;
    engine.forgetCatalogue();
    let outside: Promise<unknown> = Promise.resolve();
    const inside = await store()
      .db.transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx); // the transaction holds its connection from here
        outside = engine.category('event.0501'); // another request's load, through the pool
        let timer: NodeJS.Timeout | undefined;
        const stuck = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('waited on its own connection')), 5_000);
        });
        try {
          return await Promise.race([engine.category('event.0501', trx), stuck]);
        } finally {
          clearTimeout(timer);
        }
      });
    expect(inside.code).toBe('event.0501');
    await expect(outside).resolves.toMatchObject({ code: 'event.0501' });
    expect((await engine.categories()).length).toBeGreaterThan(10);
  });
});
