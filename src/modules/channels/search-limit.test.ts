import { describe, expect, it } from 'vitest';
import { WindowLimit } from './search-limit.js';

describe('window limit', () => {
  it('allows `limit` uses per key per window, counts no refusal, and frees up as the window slides', () => {
    const l = new WindowLimit(3, 60_000);
    expect([0, 1, 2, 3].map((i) => l.take('a', 1000 + i))).toEqual([true, true, true, false]);
    expect(l.take('b', 1005)).toBe(true);
    // Refusals were not counted: once the first use is out of the window, one more is allowed.
    // At 61,000 the use at 1,000 has left the window (1,001 and 1,002 remain).
    expect(l.take('a', 61_000)).toBe(true);
    expect(l.take('a', 61_000)).toBe(false);
    // At 61,002 both 1,001 and 1,002 have left: one use in the window.
    expect(l.take('a', 61_002)).toBe(true);
    expect(l.take('a', 61_002)).toBe(true);
    expect(l.take('a', 61_002)).toBe(false);
  });

  it('keeps at most maxKeys keys, forgetting the least recently used', () => {
    const l = new WindowLimit(1, 60_000, 2);
    expect(l.take('a', 0)).toBe(true);
    expect(l.take('b', 1)).toBe(true);
    expect(l.take('c', 2)).toBe(true);
    // 'a' was forgotten, so it is allowed again; 'c' is still remembered.
    expect(l.take('a', 3)).toBe(true);
    expect(l.take('c', 4)).toBe(false);
  });
});
