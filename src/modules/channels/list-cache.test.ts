import { describe, expect, it } from 'vitest';
import { ListCache } from './list-cache.js';

describe('ListCache: rendered lists kept while their stamp holds', () => {
  const setup = (opts = { maxEntries: 2, maxBytes: 8, maxAgeMs: 1_000 }) => {
    let clock = 0;
    let stamp = 's1';
    let builds = 0;
    const cache = new ListCache(opts, () => clock);
    const ask = (key: string, text = `${key}#${builds + 1}`) =>
      cache
        .get(
          key,
          async () => stamp,
          async () => {
            builds++;
            return Buffer.from(text);
          },
        )
        .then(String);
    return {
      cache,
      ask,
      tick: (ms: number) => {
        clock += ms;
      },
      change: (s: string) => {
        stamp = s;
      },
      builds: () => builds,
    };
  };

  it('answers the kept body while the stamp holds, and builds again when it changes', async () => {
    const t = setup();
    expect(await t.ask('a')).toBe('a#1');
    expect(await t.ask('a')).toBe('a#1');
    expect(t.builds()).toBe(1);
    t.change('s2');
    expect(await t.ask('a')).toBe('a#2');
    expect(await t.ask('a')).toBe('a#2');
    expect(t.builds()).toBe(2);
  });

  it('builds again once the answer is older than maxAgeMs, even with the same stamp', async () => {
    const t = setup();
    await t.ask('a');
    t.tick(1_000);
    expect(await t.ask('a')).toBe('a#1');
    t.tick(1);
    expect(await t.ask('a')).toBe('a#2');
  });

  it('keeps at most maxEntries (the oldest goes) and never keeps an answer over maxBytes', async () => {
    const t = setup();
    await t.ask('a');
    await t.ask('b');
    await t.ask('c'); // a goes
    expect(t.cache.size).toBe(2);
    expect(await t.ask('b')).toBe('b#2');
    expect(await t.ask('a')).toBe('a#4');
    expect(t.builds()).toBe(4);
    await t.ask('big', '123456789');
    await t.ask('big', '123456789');
    expect(t.builds()).toBe(6);
  });
});
