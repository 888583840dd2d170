/**
 * Background jobs as rows: enqueued in the transaction that makes them necessary, taken one at a
 * time with `FOR UPDATE SKIP LOCKED` and run inside that same transaction — so with several server
 * processes a job runs exactly once, and its effects commit together with its `done` mark.
 *
 * The lease: the row lock lives exactly as long as the holder's transaction. A holder that dies (killed,
 * crashed) loses its connection and PostgreSQL rolls the transaction back at once, so another process
 * takes the job. A holder that stops without dying (frozen machine, lost network, a stuck handler) is cut
 * off by `leaseSeconds` on a server: the transaction may sit idle, or one statement run, at most that long
 * (`idle_in_transaction_session_timeout`, `statement_timeout`), and the server probes the peer's socket
 * (`tcp_user_timeout`, keepalives) so a vanished machine is noticed in the same time. The terminated
 * transaction commits nothing, so the job's effects and its `done` mark still happen once.
 */
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;
export type JobHandler = (trx: Transaction<DB>, payload: Record<string, unknown>, now: Date) => Promise<void>;

/** A job failing this many times is parked as `failed` with its last error. */
const MAX_ATTEMPTS = 5;

export interface NewJob {
  type: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

/** Adds jobs in one statement, inside the caller's transaction. */
export async function enqueueJobs(db: Db, jobs: readonly NewJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await jobsInsert(db, jobs).execute();
}

/**
 * The insert of `jobs` (at least one), not executed: for a caller that sends it inside a statement of its
 * own (a data-modifying WITH), so that the jobs cost no round trip of their own.
 */
export function jobsInsert(db: Db, jobs: readonly NewJob[]) {
  return db
    .insertInto('jobs')
    .values(jobs.map((j) => ({ type: j.type, run_at: j.runAt, payload: JSON.stringify(j.payload) })));
}

/** Pending jobs of a type whose payload contains `match` (e.g. `{ caseId }`), in the caller's transaction. */
export async function pendingJobs(
  db: Db,
  type: string,
  match: Record<string, unknown>,
): Promise<{ id: number; runAt: Date; payload: Record<string, unknown> }[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'run_at', 'payload'])
    .where('type', '=', type)
    .where('status', '=', 'pending')
    .where(sql<boolean>`payload @> ${JSON.stringify(match)}::jsonb`)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), runAt: r.run_at, payload: r.payload }));
}

/** Moves a pending job to another moment (a deadline that came earlier). */
export async function rescheduleJob(db: Db, id: number, runAt: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ run_at: runAt })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Runs the jobs due at `now`, one transaction each, until none are left or `limit` have run.
 * Returns how many this worker ran.
 */
export async function runDueJobs(
  db: Kysely<DB>,
  handlers: Readonly<Record<string, JobHandler>>,
  opts: { worker: string; now?: () => Date; limit?: number; leaseSeconds?: number | undefined },
): Promise<number> {
  const clock = opts.now ?? (() => new Date());
  let ran = 0;
  while (ran < (opts.limit ?? 1000)) {
    const now = clock();
    const outcome = await runOne(db, handlers, opts.worker, now, opts.leaseSeconds);
    if (outcome === 'none') break;
    if (outcome === 'done') ran++;
    else await recordFailure(db, outcome, now);
  }
  return ran;
}

type Failure = { id: number; attempts: number; error: string };

async function runOne(
  db: Kysely<DB>,
  handlers: Readonly<Record<string, JobHandler>>,
  worker: string,
  now: Date,
  leaseSeconds: number | undefined,
): Promise<'none' | 'done' | Failure> {
  try {
    return await db.transaction().execute(async (trx) => {
      if (leaseSeconds !== undefined) await setLease(trx, leaseSeconds);
      const job = await trx
        .selectFrom('jobs')
        .select(['id', 'type', 'payload', 'attempts'])
        .where('status', '=', 'pending')
        .where('run_at', '<=', now)
        .orderBy('run_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!job) return 'none' as const;
      const handler = handlers[job.type];
      try {
        if (!handler) throw new Error(`no handler for job type ${job.type}`);
        await handler(trx, job.payload, now);
      } catch (err) {
        throw new JobError(job.id, job.attempts, err instanceof Error ? err.message : String(err));
      }
      await trx
        .updateTable('jobs')
        .set({ status: 'done', done_at: now, done_by: worker, attempts: sql`attempts + 1` })
        .where('id', '=', job.id)
        .execute();
      return 'done' as const;
    });
  } catch (err) {
    if (!(err instanceof JobError)) throw err;
    return { id: err.jobId, attempts: err.attempts + 1, error: err.message };
  }
}

/** The lease as transaction-local server settings (a server store only; see the file's comment). */
async function setLease(trx: Transaction<DB>, seconds: number): Promise<void> {
  const ms = Math.max(1, Math.round(seconds * 1000));
  const probe = Math.max(1, Math.round(seconds / 3));
  await sql`select set_config('idle_in_transaction_session_timeout', ${String(ms)}, true),
      set_config('statement_timeout', ${String(ms)}, true),
      set_config('tcp_user_timeout', ${String(ms)}, true),
      set_config('tcp_keepalives_idle', ${String(probe)}, true),
      set_config('tcp_keepalives_interval', ${String(probe)}, true)`.execute(trx);
}

class JobError extends Error {
  constructor(
    readonly jobId: number,
    readonly attempts: number,
    message: string,
  ) {
    super(message);
  }
}

/** The job's transaction rolled back; count the attempt and retry later with backoff, or park it. */
async function recordFailure(db: Kysely<DB>, f: Failure, now: Date) {
  const parked = f.attempts >= MAX_ATTEMPTS;
  await db
    .updateTable('jobs')
    .set({
      attempts: f.attempts,
      last_error: f.error.slice(0, 2000),
      status: parked ? 'failed' : 'pending',
      run_at: new Date(now.getTime() + 60_000 * 2 ** f.attempts),
    })
    .where('id', '=', f.id)
    .execute();
}
