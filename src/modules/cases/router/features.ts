/**
 * Text → features for the routing model (分拨建议) — pure, no I/O.
 *
 * A message is normalised (NFKC, lower case, only Han characters, letters and digits, function characters
 * dropped) so segmented, stop-word-filtered text ("小区 停车") and raw text ("小区的停车") meet on the same
 * characters. Its features are hashed character n-grams (1–maxN) and, when asked, hashed word unigrams and
 * bigrams from the built-in ICU word segmenter (Intl.Segmenter, offline), cut from the same normalised text
 * so both kinds of training text are segmented alike, and the n-grams of the first `head` characters (the
 * subject, or the start of a message without one) again as features of their own, since a citizen's
 * headline says most. Counts become sublinear tf × idf, L2-normalised.
 */

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
/** Function characters (虚词) that segmented, stop-word-filtered text lacks: dropped so raw text meets it. */
const STOP = new Set(
  Array.from(
    '的了着过吗呢吧啊呀嘛哦之其而且与及或并被把将让给对于从向在我你他她它们这那此该是也都就还又很已等',
  ),
);

export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

/**
 * The text the features are cut from: NFKC, lower case, only Han characters, letters and digits (a run of
 * digits becomes one '0', so "A1区" and "A12区" share n-grams and phone numbers vanish into one symbol).
 */
export function normaliseForRouting(text: string): string {
  const s = text.normalize('NFKC').toLowerCase();
  let out = '';
  let inDigits = false;
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') {
      if (!inDigits) out += '0';
      inDigits = true;
      continue;
    }
    inDigits = false;
    if (STOP.has(ch)) continue;
    // Fast paths for the common CJK block and ASCII letters; the regexes decide the rest.
    const code = ch.charCodeAt(0);
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x61 && code <= 0x7a)) out += ch;
    else if (HAN.test(ch) || LETTER.test(ch)) out += ch;
  }
  return out;
}

export function messageText(subject: string | undefined, text: string): string {
  return subject ? `${subject} ${text}` : text;
}

/** FNV-1a over the UTF-16 code units, 32 bits. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Which features a model cuts; stored with the model so prediction cuts the same. */
export interface FeatureSpec {
  /** Hash space: 2^bits buckets. */
  bits: number;
  /** Longest character n-gram. */
  maxN: number;
  /** Word unigrams and bigrams from the ICU segmenter (absent in models before they existed). */
  words?: boolean;
  /** The n-grams of the first `head` characters (the subject, mostly) count again as features of their own. */
  head?: number;
}

let segmenter: Intl.Segmenter | null = null;

/** ICU words of a normalised text (Node ships full ICU; no dictionary is downloaded). */
export function wordsOf(norm: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(norm)) if (s.isWordLike !== false) out.push(s.segment);
  return out;
}

/** Hashed feature counts of a normalised text. */
export function featureCounts(norm: string, spec: FeatureSpec): Map<number, number> {
  const chars = Array.from(norm);
  const mask = (1 << spec.bits) - 1;
  const counts = new Map<number, number>();
  const add = (key: string): void => {
    const id = hash(key) & mask;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const bump = (h: number): void => {
    const id = (h >>> 0) & mask;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  // hash(`${n}${gram}`) without building the strings (prediction runs this on every keystroke).
  const gramHashes = (end: number, prefix: number): void => {
    for (let i = 0; i < end; i++) {
      for (let n = 1; n <= spec.maxN && i + n <= end; n++) {
        let h = prefix === 0 ? 0x811c9dc5 : Math.imul(0x811c9dc5 ^ prefix, 0x01000193);
        h = Math.imul(h ^ (48 + n), 0x01000193);
        for (let c = i; c < i + n; c++) {
          const ch = chars[c] as string;
          for (let u = 0; u < ch.length; u++) h = Math.imul(h ^ ch.charCodeAt(u), 0x01000193);
        }
        bump(h);
      }
    }
  };
  gramHashes(chars.length, 0);
  gramHashes(Math.min(chars.length, spec.head ?? 0), 104 /* 'h' */);
  if (spec.words) {
    const words = wordsOf(norm);
    for (let i = 0; i < words.length; i++) {
      add(`w${words[i]}`);
      if (i > 0) add(`b${words[i - 1]} ${words[i]}`);
    }
  }
  return counts;
}

export interface Vector {
  ids: Int32Array;
  values: Float64Array;
}

/** Smoothed idf over the documents a model saw; undefined for a feature it never saw. */
export function idfOf(df: Map<number, number>, docs: number): (id: number) => number | undefined {
  return (id) => {
    const d = df.get(id);
    return d === undefined ? undefined : Math.log((1 + docs) / (1 + d)) + 1;
  };
}

/** Sublinear tf × idf, L2-normalised; features unknown to `idf` are dropped. */
export function vectorise(counts: Map<number, number>, idf: (id: number) => number | undefined): Vector {
  const ids: number[] = [];
  const values: number[] = [];
  let norm = 0;
  for (const [id, c] of counts) {
    const w = idf(id);
    if (w === undefined) continue;
    const v = (1 + Math.log(c)) * w;
    ids.push(id);
    values.push(v);
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { ids: Int32Array.from(ids), values: Float64Array.from(values, (v) => v * scale) };
}
