import { describe, expect, it } from 'vitest';
import { featureCounts, hash, normaliseForRouting, wordsOf } from './features.js';

/** The n-gram ids as format-1 models cut them: hash of `${n}${gram}` over the code points. */
function stringBuiltIds(norm: string, bits: number, maxN: number): Map<number, number> {
  const chars = Array.from(norm);
  const out = new Map<number, number>();
  for (let i = 0; i < chars.length; i++) {
    let gram = '';
    for (let n = 1; n <= maxN && i + n <= chars.length; n++) {
      gram += chars[i + n - 1];
      const id = hash(`${n}${gram}`) & ((1 << bits) - 1);
      out.set(id, (out.get(id) ?? 0) + 1);
    }
  }
  return out;
}

const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);

describe('routing features', () => {
  it('cuts the same character n-gram ids as stored models expect (also past the BMP)', () => {
    const norm = normaliseForRouting('小区门口的路灯坏了好几天，晚上很黑。A1区 𠀋字');
    expect(sorted(featureCounts(norm, { bits: 18, maxN: 3 }))).toEqual(sorted(stringBuiltIds(norm, 18, 3)));
    expect(sorted(featureCounts(norm, { bits: 14, maxN: 4 }))).toEqual(sorted(stringBuiltIds(norm, 14, 4)));
  });

  it('segments words offline, the same for segmented and raw text once normalised', () => {
    expect(wordsOf(normaliseForRouting('小区门口垃圾堆放'))).toContain('小区');
    expect(wordsOf(normaliseForRouting('小区 门口 垃圾'))).toEqual(
      wordsOf(normaliseForRouting('小区，门口的垃圾')),
    );
  });

  it('word features only when asked, and they add to the character n-grams', () => {
    const norm = normaliseForRouting('小区门口垃圾堆放无人清运');
    const chars = featureCounts(norm, { bits: 18, maxN: 3 });
    const both = featureCounts(norm, { bits: 18, maxN: 3, words: true });
    expect(both.size).toBeGreaterThan(chars.size);
    for (const id of chars.keys()) expect(both.has(id)).toBe(true);
  });

  it('head features repeat the n-grams of the first characters only', () => {
    const norm = normaliseForRouting('路灯不亮小区门口垃圾堆放无人清运');
    const plain = featureCounts(norm, { bits: 18, maxN: 3 });
    const withHead = featureCounts(norm, { bits: 18, maxN: 3, head: 4 });
    // 4 characters: 4 unigrams, 3 bigrams, 2 trigrams.
    const extra =
      [...withHead.values()].reduce((a, b) => a + b, 0) - [...plain.values()].reduce((a, b) => a + b, 0);
    expect(extra).toBe(9);
    expect(featureCounts('路灯', { bits: 18, maxN: 3, head: 20 }).size).toBe(2 * 3);
  });
});
