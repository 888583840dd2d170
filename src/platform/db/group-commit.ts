/**
 * Group commit (成组提交): writes that arrive while one transaction is being written wait, and go
 * together in the next — one transaction and a few multi-row statements for many requests, instead of a
 * transaction each. No timer: a lone write goes at once (a batch of one), so a quiet server answers as
 * fast as before, and batches grow only with the load, which is when the per-statement and per-commit
 * costs they share matter.
 *
 * A batch is all or nothing. When its transaction fails, each of its items is written again alone, so
 * one bad item fails alone and the others are written (nothing half-written: each try is a transaction).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** Writes `items` in the caller's transaction; answers one result per item, in order. */
export type BatchWrite<T, R> = (trx: Transaction<DB>, items: readonly T[]) => Promise<readonly R[]>;

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private writing = false;
  /** Transactions committed and items written through them (benchmarks and tests read them). */
  readonly stats = { batches: 0, items: 0, largest: 0, retriedAlone: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly write: BatchWrite<T, R>,
    private readonly maxBatch = 64,
  ) {}

  /** Queues `item` for the next transaction; resolves with its result once that transaction commits. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        // Let the requests whose bytes have arrived reach their own submit first. On the embedded store
        // a request's queries settle as microtasks, so without this turn of the event loop every request
        // would run to its answer alone; on a quiet server it costs a fraction of a millisecond.
        await new Promise<void>((resolve) => setImmediate(resolve));
        let batch: Waiting<T, R>[] = [];
        try {
          const results = await this.commit(() => {
            // Taken once the transaction holds its connection: what queued while it waited goes too (on
            // the embedded store's single connection, the others' reads run while it waits).
            batch = this.queue.splice(0, this.maxBatch);
            return batch.map((w) => w.item);
          });
          for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
        } catch (err) {
          if (batch.length > 1) await this.alone(batch);
          // No batch taken (the transaction did not start): fail what waits rather than spin on it.
          else for (const w of batch.length ? batch : this.queue.splice(0)) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** After a batch failed: each item in a transaction of its own. */
  private async alone(batch: Waiting<T, R>[]): Promise<void> {
    for (const w of batch) {
      this.stats.retriedAlone++;
      try {
        const [result] = await this.commit(() => [w.item]);
        w.resolve(result as R);
      } catch (err) {
        w.reject(err);
      }
    }
  }

  private async commit(take: () => T[]): Promise<readonly R[]> {
    let count = 0;
    const results = await this.db.transaction().execute(async (trx) => {
      const items = take();
      count = items.length;
      const out = await this.write(trx, items);
      if (out.length !== items.length)
        throw new Error(`group commit: ${out.length} results for ${items.length} items`);
      return out;
    });
    this.stats.batches++;
    this.stats.items += count;
    this.stats.largest = Math.max(this.stats.largest, count);
    return results;
  }
}
