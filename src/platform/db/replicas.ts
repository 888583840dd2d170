/**
 * Read replicas (`DATABASE_READ_URL`, one or several streaming standbys). A route that tolerates stale
 * data says how stale (`config.staleness`, seconds); while its handler runs, the store's queries go to a
 * standby that is known to be at most that far behind, else to the primary. Nothing else changes: the
 * services keep their one `Db`, whose pool hands out a standby's connection or the primary's.
 *
 * How far behind: every `checkEveryMs` the monitor notes the primary's WAL position and then each
 * standby's replayed position. A standby that has replayed the position the primary had at time t holds
 * everything committed before t, so its data is at most `now − t` old (`containsUntil` = t). This needs
 * no clocks on the standby and stays right on an idle primary (where `pg_last_xact_replay_timestamp()`
 * would look old although nothing is missing). A standby that does not answer, is no longer in recovery,
 * or falls behind a route's tolerance is simply not chosen: it comes back by itself when it catches up.
 *
 * Read your writes: a caller who wrote at time w is only sent to a standby whose `containsUntil` is
 * after w (the platform passes w from the caller's last successful write; see http/app.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { ReadRouting } from '../http/app.js';

/** What a pool must offer the query builder (node-postgres `Pool`, or the router below). */
export interface ConnectingPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

export interface ReplicaState {
  url: string;
  /** The primary's time up to which this standby holds every commit; null before the first check. */
  containsUntil: number | null;
  /** Seconds of data it may lack now (`now − containsUntil`), null when unknown. */
  stalenessS: number | null;
  /** Why it is out of reads, if it is. */
  problem: string | null;
}

export interface ReplicaOptions {
  /** How often positions are compared (default 1 s). */
  checkEveryMs?: number;
  /** Caps every route's tolerance (an operator's setting; tests use it to shorten waits). */
  maxStalenessS?: number;
  /** Margin for clocks between processes when honouring a write time from a cookie (default 2 s). */
  clockMarginMs?: number;
  poolSize?: number | undefined;
}

/** A WAL position `X/Y` as one number. */
export function lsnValue(lsn: string): bigint {
  const [hi = '0', lo = '0'] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/**
 * Pure: given samples of the primary's position over time (oldest first) and a standby's replayed
 * position, the latest sample time the standby has fully replayed (null if none).
 */
export function containsUntil(
  samples: readonly { at: number; lsn: bigint }[],
  replayed: bigint,
): number | null {
  let until: number | null = null;
  for (const s of samples) if (s.lsn <= replayed) until = s.at;
  return until;
}

interface Replica {
  url: string;
  pool: pg.Pool;
  containsUntil: number | null;
  problem: string | null;
}

export class ReadReplicas implements ReadRouting {
  private readonly replicas: Replica[];
  private readonly context = new AsyncLocalStorage<pg.Pool>();
  private readonly samples: { at: number; lsn: bigint }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private next = 0;
  readonly maxStalenessS: number;
  private readonly clockMarginMs: number;

  constructor(
    private readonly primary: pg.Pool,
    urls: readonly string[],
    private readonly opts: ReplicaOptions = {},
  ) {
    this.replicas = urls.map((url) => {
      const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 16 });
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      return { url, pool, containsUntil: null, problem: 'not checked yet' };
    });
    this.maxStalenessS = opts.maxStalenessS ?? Number.POSITIVE_INFINITY;
    this.clockMarginMs = opts.clockMarginMs ?? 2000;
  }

  /** The pool the store's query builder uses: a chosen standby inside `within`, the primary otherwise. */
  readonly router: ConnectingPool = {
    connect: () => (this.context.getStore() ?? this.primary).connect(),
    end: async () => {
      this.stop();
      await Promise.all([this.primary.end(), ...this.replicas.map((r) => r.pool.end())]);
    },
  };

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1000);
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round of position checks (the timer calls it; tests may await it). */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const at = Date.now();
    try {
      const r = await this.primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      this.samples.push({ at, lsn: lsnValue(r.rows[0]?.lsn ?? '0/0') });
    } catch {
      // The primary is away: no new sample, so every standby's staleness keeps growing from its last one.
    }
    // Samples older than the largest tolerance that matters are of no use.
    const horizon = at - Math.min(this.maxStalenessS, 3600) * 1000 - 5000;
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) < horizon) this.samples.shift();
    await Promise.all(
      this.replicas.map(async (rep) => {
        try {
          const r = await withTimeout(
            rep.pool.query<{ standby: boolean; lsn: string | null }>(
              'select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as lsn',
            ),
            2000,
          );
          const row = r.rows[0];
          if (!row?.standby || !row.lsn) {
            rep.problem = 'not a standby (promoted, or a primary)';
            rep.containsUntil = null;
            return;
          }
          const until = containsUntil(this.samples, lsnValue(row.lsn));
          if (until !== null) rep.containsUntil = Math.max(rep.containsUntil ?? 0, until);
          rep.problem = rep.containsUntil === null ? 'behind every known position' : null;
        } catch (e) {
          rep.problem = `unreachable: ${(e as Error).message}`;
          rep.containsUntil = null;
        }
      }),
    );
  }

  /** Each standby: how far behind, and why it is out of reads. */
  status(now = Date.now()): ReplicaState[] {
    return this.replicas.map((r) => ({
      url: r.url.replace(/\/\/[^@/]*@/, '//'),
      containsUntil: r.containsUntil,
      stalenessS: r.containsUntil === null ? null : (now - r.containsUntil) / 1000,
      problem: r.problem,
    }));
  }

  /** A standby fit for a read tolerating `stalenessS` by a caller who last wrote at `wroteAt`, or null. */
  pick(stalenessS: number, wroteAt: number | null, now = Date.now()): pg.Pool | null {
    const tolerance = Math.min(stalenessS, this.maxStalenessS) * 1000;
    const fit = this.replicas.filter(
      (r) =>
        r.problem === null &&
        r.containsUntil !== null &&
        now - r.containsUntil <= tolerance &&
        (wroteAt === null || r.containsUntil > wroteAt + this.clockMarginMs),
    );
    if (fit.length === 0) return null;
    this.next = (this.next + 1) % fit.length;
    return fit[this.next]?.pool ?? null;
  }

  within<T>(stalenessS: number, wroteAt: number | null, fn: () => T): T {
    const pool = this.pick(stalenessS, wroteAt);
    return pool ? this.context.run(pool, fn) : fn();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
