import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../db/testing.js';
import { enqueueJobs, type JobHandler, runDueJobs } from './jobs.js';

describeEachStore('jobs: FOR UPDATE SKIP LOCKED', (store, kind) => {
  it('two workers running at once run every due job exactly once', async () => {
    const db = store().db;
    const now = new Date('2026-03-10T02:00:00Z');
    const due = Array.from({ length: 40 }, (_, i) => ({
      type: 'count',
      runAt: new Date(now.getTime() - i * 1000),
      payload: { i },
    }));
    await enqueueJobs(db, [
      ...due,
      { type: 'count', runAt: new Date(now.getTime() + 3_600_000), payload: { i: 'future' } },
    ]);
    // Each run leaves a mark in the job's own transaction; a job run twice would leave two.
    const count: JobHandler = async (trx, payload) => {
      await sql`select pg_sleep(0.005)`.execute(trx);
      await trx
        .insertInto('audit_log')
        .values({ actor_name: 'job', action: 'run', entity: 'job', entity_id: String(payload.i) })
        .execute();
    };
    const run = (worker: string) => runDueJobs(db, { count }, { worker, now: () => now });
    const [a, b] = await Promise.all([run('worker-a'), run('worker-b')]);
    expect(a + b).toBe(40);
    if (kind === 'postgres') expect(Math.min(a, b)).toBeGreaterThan(0); // both really worked in parallel
    const marks = await db
      .selectFrom('audit_log')
      .select(['entity_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('entity', '=', 'job')
      .groupBy('entity_id')
      .execute();
    expect(marks).toHaveLength(40);
    expect(marks.every((m) => Number(m.n) === 1)).toBe(true);
    const pending = await db.selectFrom('jobs').select('payload').where('status', '=', 'pending').execute();
    expect(pending.map((p) => p.payload)).toEqual([{ i: 'future' }]);
  });

  it('rolls back a failing job, counts the attempt and retries it later', async () => {
    const db = store().db;
    const now = new Date('2026-03-11T02:00:00Z');
    await enqueueJobs(db, [{ type: 'boom', runAt: now, payload: { x: 1 } }]);
    const boom: JobHandler = async (trx) => {
      await trx
        .insertInto('audit_log')
        .values({ actor_name: 'job', action: 'run', entity: 'boom', entity_id: '1' })
        .execute();
      throw new Error('kaput');
    };
    expect(await runDueJobs(db, { boom }, { worker: 'w', now: () => now })).toBe(0);
    const job = await db.selectFrom('jobs').selectAll().where('type', '=', 'boom').executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'kaput' });
    expect(job.run_at.getTime()).toBeGreaterThan(now.getTime());
    const marks = await db.selectFrom('audit_log').select('id').where('entity', '=', 'boom').execute();
    expect(marks).toHaveLength(0);
  });

  it.runIf(kind === 'postgres')(
    'a holder that stops without dying loses its lease; another worker takes the job over once',
    async () => {
      const db = store().db;
      const now = new Date('2026-03-12T02:00:00Z');
      await enqueueJobs(db, [{ type: 'stall', runAt: now, payload: { x: 1 } }]);
      let release: () => void = () => {};
      const frozen = new Promise<void>((r) => {
        release = r;
      });
      let taken: () => void = () => {};
      const holding = new Promise<void>((r) => {
        taken = r;
      });
      const mark = async (trx: Parameters<JobHandler>[0], by: string) => {
        await trx
          .insertInto('audit_log')
          .values({ actor_name: by, action: 'run', entity: 'stall', entity_id: '1' })
          .execute();
      };
      // Worker A takes the job, writes its mark, then freezes holding the row lock (a hung machine).
      const stall: JobHandler = async (trx) => {
        await mark(trx, 'a');
        taken();
        await frozen;
        await mark(trx, 'a');
      };
      const a = runDueJobs(db, { stall }, { worker: 'a', now: () => now, leaseSeconds: 1 }).then(
        () => 'finished',
        () => 'cut off',
      );
      await holding;
      // While A holds the lease, B finds nothing to do.
      const run: JobHandler = (trx) => mark(trx, 'b');
      expect(await runDueJobs(db, { stall: run }, { worker: 'b', now: () => now, leaseSeconds: 1 })).toBe(0);
      // Past the lease the server ends A's transaction; B takes the job and runs it once.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await runDueJobs(db, { stall: run }, { worker: 'b', now: () => now, leaseSeconds: 1 })).toBe(1);
      release();
      expect(await a).toBe('cut off');
      const marks = await db
        .selectFrom('audit_log')
        .select('actor_name')
        .where('entity', '=', 'stall')
        .execute();
      expect(marks.map((m) => m.actor_name)).toEqual(['b']);
      const job = await db
        .selectFrom('jobs')
        .select(['status', 'done_by'])
        .where('type', '=', 'stall')
        .executeTakeFirstOrThrow();
      expect(job).toEqual({ status: 'done', done_by: 'b' });
      expect(await runDueJobs(db, { stall: run }, { worker: 'c', now: () => now, leaseSeconds: 1 })).toBe(0);
    },
  );
});
