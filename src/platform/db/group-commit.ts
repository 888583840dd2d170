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
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.commit(batch.map((w) => w.item));
          for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
        } catch (err) {
          if (batch.length === 1) batch[0]?.reject(err);
          else await this.alone(batch);
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
        const [result] = await this.commit([w.item]);
        w.resolve(result as R);
      } catch (err) {
        w.reject(err);
      }
    }
  }

  private async commit(items: T[]): Promise<readonly R[]> {
    const results = await this.db.transaction().execute(async (trx) => {
      const out = await this.write(trx, items);
      if (out.length !== items.length)
        throw new Error(`group commit: ${out.length} results for ${items.length} items`);
      return out;
    });
    this.stats.batches++;
    this.stats.items += items.length;
    this.stats.largest = Math.max(this.stats.largest, items.length);
    return results;
  }
}
