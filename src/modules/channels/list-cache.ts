/**
 * Rendered public lists — Open311's default page, which other systems poll again and again — kept while
 * the stamp of what they show holds (`CaseQueries.publicStamp`: one index probe instead of building the
 * page) and for at most `maxAgeMs`, because the names of units and areas change without touching a case
 * (the lists are documented as up to 30 s old: a read replica may answer them). Bounded: at most
 * `maxEntries` answers of at most `maxBytes` each; larger answers are built every time.
 */
export interface ListCacheOptions {
  maxEntries: number;
  maxBytes: number;
  maxAgeMs: number;
}

interface Entry {
  stamp: string;
  at: number;
  body: Buffer;
}

export class ListCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly opts: ListCacheOptions = { maxEntries: 64, maxBytes: 256 * 1024, maxAgeMs: 2_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The kept answer for `key` if it was built under `stamp` and is young enough; else builds it. The stamp
   * is read before building, so a change that lands while the answer is built makes the next ask build again.
   */
  async get(key: string, stamp: () => Promise<string>, build: () => Promise<Buffer>): Promise<Buffer> {
    const at = this.now();
    const current = await stamp();
    const kept = this.entries.get(key);
    if (kept && kept.stamp === current && at - kept.at <= this.opts.maxAgeMs) return kept.body;
    const body = await build();
    this.entries.delete(key);
    if (body.length <= this.opts.maxBytes) {
      // the oldest goes first (a Map keeps insertion order)
      const oldest = this.entries.keys().next();
      if (this.entries.size >= this.opts.maxEntries && !oldest.done) this.entries.delete(oldest.value);
      this.entries.set(key, { stamp: current, at, body });
    }
    return body;
  }

  get size(): number {
    return this.entries.size;
  }
}
