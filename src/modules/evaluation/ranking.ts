/** Rankings (排名) for bulletins: standard competition ranking, ties share a rank (1, 1, 3). Pure. */

export interface Ranked<T> {
  item: T;
  value: number | null;
  /** null when the value is null (no cases): unranked, listed last. */
  rank: number | null;
}

/** Ranks by value, best first; `better` says whether higher or lower is better. Ties share the better rank. */
export function rank<T>(
  items: readonly T[],
  score: (t: T) => number | null,
  better: 'higher' | 'lower',
): Ranked<T>[] {
  const withValue = items.map((item) => ({ item, value: score(item) }));
  const valued = withValue
    .filter((x): x is { item: T; value: number } => x.value !== null)
    .sort((a, b) => (better === 'higher' ? b.value - a.value : a.value - b.value));
  const out: Ranked<T>[] = [];
  valued.forEach((x, i) => {
    const prev = out[i - 1];
    out.push({ ...x, rank: prev && prev.value === x.value ? prev.rank : i + 1 });
  });
  for (const x of withValue) if (x.value === null) out.push({ ...x, rank: null });
  return out;
}
