/**
 * A per-key sliding-window limit kept in the process (pure: the clock is passed in). For public reads such
 * as the portal's place search, which write nothing and so are not counted in `public_submissions`: each
 * process allows `limit` per key per window; behind a balancer the effective limit is per process.
 */
export class WindowLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Most keys remembered; the oldest are forgotten first (bounded memory under a flood of addresses). */
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one use of `key` at `now` and answers whether it is allowed; a refused use is not counted. */
  take(key: string, now: number): boolean {
    const since = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return false;
    }
    list.push(now);
    this.hits.delete(key);
    this.hits.set(key, list);
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) break;
      this.hits.delete(oldest);
    }
    return true;
  }
}
