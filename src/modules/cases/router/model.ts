/**
 * The routing model (分拨建议): which category a citizen's own words belong to, and how sure it is — pure, no I/O.
 *
 * Features are hashed character n-grams (1–3) of the text with everything but Han characters, Latin letters
 * and digits removed, so segmented text ("小区 停车") and raw text ("小区的停车") meet on the same n-grams and
 * Chinese needs no tokenizer. The learner is a multinomial logistic regression (softmax) trained by seeded
 * SGD over sublinear, idf-weighted, L2-normalised counts. Its confidence is the softmax at a temperature fitted
 * on a held-out slice of the training examples (minimum negative log-likelihood), so "0.8" means about 80%
 * right on messages like the training ones. Everything is deterministic for a seed and serialises to JSON.
 */

export const MODEL_FORMAT = 1;

export interface TrainingExample {
  /** 标题 / subject, when the message has one. */
  subject?: string;
  /** The message's text (详情), or the whole message when there is no subject. */
  text: string;
  label: string;
  /** A weight for this example (a district's keyword rule, a recent case); 1 by default. */
  weight?: number;
}

export interface RouterOptions {
  seed: number;
  /** Hash space: 2^bits buckets. */
  bits: number;
  epochs: number;
  /** Initial SGD step. */
  rate: number;
  /** L2 penalty per step (weight decay). */
  l2: number;
  /** Share of the examples held back to fit the temperature (at least 1 per label when there are enough). */
  calibrationShare: number;
  /** Features seen in fewer documents than this are dropped from the stored model. */
  minDocs: number;
  /** Longest character n-gram. */
  maxN: number;
}

export const DEFAULT_OPTIONS: RouterOptions = {
  seed: 1,
  bits: 18,
  epochs: 60,
  rate: 6,
  l2: 1e-5,
  calibrationShare: 0.1,
  minDocs: 2,
  maxN: 3,
};

/** A trained model, as stored (JSON). */
export interface RouterModel {
  format: typeof MODEL_FORMAT;
  labels: string[];
  bits: number;
  maxN: number;
  temperature: number;
  /** Examples it was trained on, per label. */
  counts: Record<string, number>;
  /** Documents seen, for idf. */
  docs: number;
  /** Sorted hashed feature ids kept by the model. */
  ids: number[];
  /** Document frequency per kept feature (same order as ids). */
  df: number[];
  /** Weights, feature-major: weights[i * labels.length + k], rounded to 5 decimals. */
  weights: number[];
  /** Bias per label. */
  bias: number[];
}

export type NoSuggestionReason = 'empty' | 'too_short' | 'no_words' | 'other_language' | 'single_label';

export interface Suggestion {
  label: string;
  /** Calibrated probability, 0–1. */
  confidence: number;
}

export interface Prediction {
  /** Best first; empty when there is nothing to say. */
  suggestions: Suggestion[];
  /** Why there are no suggestions, or why they should not be trusted ('unfamiliar_text'). */
  reason: NoSuggestionReason | 'unfamiliar_text' | null;
}

// ---------------------------------------------------------------------------------------------------
// Text → features

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
/** Function characters (虚词) that segmented, stop-word-filtered text lacks: dropped so raw text meets it. */
const STOP = new Set(
  Array.from(
    '的了着过吗呢吧啊呀嘛哦之其而且与及或并被把将让给对于从向在我你他她它们这那此该是也都就还又很已等',
  ),
);

/**
 * The text the n-grams are cut from: NFKC, lower case, only Han characters, letters and digits (a run of
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
    if (HAN.test(ch) || LETTER.test(ch)) out += ch;
  }
  return out;
}

/** FNV-1a over the UTF-16 code units, 32 bits. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashed 1–3-gram counts of a normalised text. */
function ngramCounts(norm: string, bits: number, maxN = 3): Map<number, number> {
  const chars = Array.from(norm);
  const mask = (1 << bits) - 1;
  const counts = new Map<number, number>();
  for (let i = 0; i < chars.length; i++) {
    let gram = '';
    for (let n = 1; n <= maxN && i + n <= chars.length; n++) {
      gram += chars[i + n - 1];
      const id = hash(`${n}${gram}`) & mask;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

function messageText(subject: string | undefined, text: string): string {
  return subject ? `${subject} ${text}` : text;
}

interface Vector {
  ids: Int32Array;
  values: Float64Array;
}

/** Sublinear tf × idf, L2-normalised; features unknown to `idf` are dropped. */
function vectorise(counts: Map<number, number>, idf: (id: number) => number | undefined): Vector {
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

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a small, fast, seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------
// Training

interface Prepared {
  counts: Map<number, number>;
  label: number;
  weight: number;
}

interface Core {
  labels: string[];
  docs: number;
  bits: number;
  df: Map<number, number>;
  /** Dense weights, feature-major: weights[id * K + k]. */
  weights: Float32Array;
  bias: Float64Array;
}

function idfOf(df: Map<number, number>, docs: number): (id: number) => number | undefined {
  return (id) => {
    const d = df.get(id);
    return d === undefined ? undefined : Math.log((1 + docs) / (1 + d)) + 1;
  };
}

function fitCore(data: Prepared[], labels: string[], opts: RouterOptions): Core {
  const K = labels.length;
  const df = new Map<number, number>();
  for (const d of data) for (const id of d.counts.keys()) df.set(id, (df.get(id) ?? 0) + 1);
  const idf = idfOf(df, data.length);
  const vectors = data.map((d) => ({ v: vectorise(d.counts, idf), label: d.label, weight: d.weight }));
  const weights = new Float32Array((1 << opts.bits) * K);
  const bias = new Float64Array(K);
  const random = seededRandom(opts.seed);
  const order = vectors.map((_, i) => i);
  const p = new Float64Array(K);
  let step = 0;
  const total = opts.epochs * vectors.length;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const ex = vectors[i];
      if (!ex) continue;
      // Linear decay of the step to a tenth of the start.
      const rate = opts.rate * (1 - (0.9 * step) / Math.max(1, total));
      step++;
      const { ids, values } = ex.v;
      for (let k = 0; k < K; k++) p[k] = bias[k] as number;
      for (let j = 0; j < ids.length; j++) {
        const base = (ids[j] as number) * K;
        const x = values[j] as number;
        for (let k = 0; k < K; k++) p[k] = (p[k] as number) + (weights[base + k] as number) * x;
      }
      softmaxInPlace(p, 1);
      for (let k = 0; k < K; k++) {
        const g = ((p[k] as number) - (k === ex.label ? 1 : 0)) * ex.weight * rate;
        p[k] = g;
        bias[k] = (bias[k] as number) - g;
      }
      const decay = 1 - rate * opts.l2;
      for (let j = 0; j < ids.length; j++) {
        const base = (ids[j] as number) * K;
        const x = values[j] as number;
        for (let k = 0; k < K; k++)
          weights[base + k] = (weights[base + k] as number) * decay - (p[k] as number) * x;
      }
    }
  }
  return { labels, docs: data.length, bits: opts.bits, df, weights, bias };
}

function softmaxInPlace(z: Float64Array, temperature: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(((z[k] as number) - max) / temperature);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] as number) / sum;
}

function coreScores(core: Core, counts: Map<number, number>): Float64Array {
  const v = vectorise(counts, idfOf(core.df, core.docs));
  const K = core.labels.length;
  const z = Float64Array.from(core.bias);
  for (let j = 0; j < v.ids.length; j++) {
    const base = (v.ids[j] as number) * K;
    const x = v.values[j] as number;
    for (let k = 0; k < K; k++) z[k] = (z[k] as number) + (core.weights[base + k] as number) * x;
  }
  return z;
}

/** The temperature that minimises the negative log-likelihood of the held-out scores (golden section on log T). */
export function fitTemperature(scores: Float64Array[], labels: number[]): number {
  if (scores.length === 0) return 1;
  const nll = (logT: number): number => {
    const t = Math.exp(logT);
    let sum = 0;
    for (let i = 0; i < scores.length; i++) {
      const p = Float64Array.from(scores[i] as Float64Array);
      softmaxInPlace(p, t);
      sum -= Math.log(Math.max(1e-12, p[labels[i] as number] as number));
    }
    return sum;
  };
  let a = Math.log(0.02);
  let b = Math.log(50);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  for (let i = 0; i < 60; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(d);
    }
  }
  return round(Math.exp((a + b) / 2), 4);
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/**
 * Trains a model. Never throws on data: with no examples or a single label it answers a model that makes
 * no suggestions (and says why), since one label is no choice at all.
 */
export function trainRouter(
  examples: readonly TrainingExample[],
  options: Partial<RouterOptions> = {},
): RouterModel {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  // The dense weights are 2^bits × labels: with many labels (a whole catalogue) the hash space shrinks so
  // training stays within about 16 MB.
  const wanted = { ...DEFAULT_OPTIONS, ...options };
  const fit = Math.floor(Math.log2((1 << 22) / Math.max(1, labels.length)));
  const opts = { ...wanted, bits: Math.max(12, Math.min(wanted.bits, fit)) };
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts: Record<string, number> = {};
  for (const e of examples) counts[e.label] = (counts[e.label] ?? 0) + 1;
  const prepared: Prepared[] = [];
  for (const e of examples) {
    const norm = normaliseForRouting(messageText(e.subject, e.text));
    if (norm.length === 0) continue;
    prepared.push({
      counts: ngramCounts(norm, opts.bits, opts.maxN),
      label: index.get(e.label) as number,
      weight: e.weight ?? 1,
    });
  }
  if (labels.length < 2 || prepared.length === 0) {
    return {
      format: MODEL_FORMAT,
      labels,
      bits: opts.bits,
      maxN: opts.maxN,
      temperature: 1,
      counts,
      docs: prepared.length,
      ids: [],
      df: [],
      weights: [],
      bias: labels.map(() => 0),
    };
  }

  // Hold a seeded, stratified slice back to fit the temperature, then train on everything.
  const random = seededRandom(opts.seed ^ 0x9e3779b9);
  const byLabel = labels.map(() => [] as number[]);
  prepared.forEach((p, i) => {
    byLabel[p.label]?.push(i);
  });
  const held = new Set<number>();
  for (const members of byLabel) {
    shuffle(members, random);
    const n = members.length >= 5 ? Math.max(1, Math.round(members.length * opts.calibrationShare)) : 0;
    for (const i of members.slice(0, n)) held.add(i);
  }
  let temperature = 1;
  if (held.size > 0) {
    const fitPart = prepared.filter((_, i) => !held.has(i));
    const heldPart = prepared.filter((_, i) => held.has(i));
    const probe = fitCore(fitPart, labels, opts);
    temperature = fitTemperature(
      heldPart.map((p) => coreScores(probe, p.counts)),
      heldPart.map((p) => p.label),
    );
  }
  const core = fitCore(prepared, labels, opts);
  return serialise(core, opts, temperature, counts);
}

function serialise(
  core: Core,
  opts: RouterOptions,
  temperature: number,
  counts: Record<string, number>,
): RouterModel {
  const K = core.labels.length;
  const ids = [...core.df.keys()]
    .filter((id) => (core.df.get(id) ?? 0) >= opts.minDocs)
    .sort((a, b) => a - b);
  const weights: number[] = new Array(ids.length * K);
  ids.forEach((id, i) => {
    for (let k = 0; k < K; k++) weights[i * K + k] = round(core.weights[id * K + k] as number, 4);
  });
  return {
    format: MODEL_FORMAT,
    labels: core.labels,
    bits: opts.bits,
    maxN: opts.maxN,
    temperature,
    counts,
    docs: core.docs,
    ids,
    df: ids.map((id) => core.df.get(id) ?? 0),
    weights,
    bias: Array.from(core.bias, (b) => round(b, 5)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Prediction

/** A model made ready for prediction (lookup tables built once). */
export interface LoadedRouter {
  model: RouterModel;
  row: Map<number, number>;
  idf: (id: number) => number | undefined;
}

export function loadRouter(model: RouterModel): LoadedRouter {
  const row = new Map<number, number>();
  model.ids.forEach((id, i) => {
    row.set(id, i);
  });
  const df = new Map<number, number>();
  model.ids.forEach((id, i) => {
    df.set(id, model.df[i] ?? 0);
  });
  return { model, row, idf: idfOf(df, model.docs) };
}

/** Why a text cannot be routed at all, or null. */
export function unroutable(norm: string, raw: string): NoSuggestionReason | null {
  if (raw.trim().length === 0) return 'empty';
  const letters = Array.from(norm).filter((ch) => ch !== '0');
  if (letters.length === 0) return 'no_words';
  const han = letters.filter((ch) => HAN.test(ch)).length;
  if (han === 0) return 'other_language';
  if (han < 2) return 'too_short';
  return null;
}

/**
 * The top `k` labels with calibrated confidence. Never throws: a text that cannot be routed answers no
 * suggestions and a reason; a text whose n-grams the model mostly has not seen answers 'unfamiliar_text'.
 */
export function predictRoute(
  router: LoadedRouter,
  input: { subject?: string; text: string },
  k = 3,
): Prediction {
  const { model } = router;
  const raw = messageText(input.subject, input.text);
  const norm = normaliseForRouting(raw);
  const bad = unroutable(norm, raw);
  if (bad) return { suggestions: [], reason: bad };
  if (model.labels.length < 2 || model.ids.length === 0) return { suggestions: [], reason: 'single_label' };
  const counts = ngramCounts(norm, model.bits, model.maxN);
  let known = 0;
  for (const id of counts.keys()) if (router.row.has(id)) known++;
  const v = vectorise(counts, router.idf);
  const K = model.labels.length;
  const z = Float64Array.from(model.bias);
  for (let j = 0; j < v.ids.length; j++) {
    const r = router.row.get(v.ids[j] as number) as number;
    const x = v.values[j] as number;
    for (let c = 0; c < K; c++) z[c] = (z[c] as number) + (model.weights[r * K + c] as number) * x;
  }
  softmaxInPlace(z, model.temperature);
  const ranked = model.labels
    .map((label, i) => ({ label, confidence: round(z[i] as number, 4) }))
    .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label))
    .slice(0, k);
  const coverage = counts.size === 0 ? 0 : known / counts.size;
  return { suggestions: ranked, reason: coverage < 0.25 ? 'unfamiliar_text' : null };
}

// ---------------------------------------------------------------------------------------------------
// Scoring

export interface LabelScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface RouterScore {
  n: number;
  top1: number;
  top3: number;
  macroF1: number;
  perLabel: LabelScore[];
  /** Expected calibration error over 10 bins of the first suggestion's confidence. */
  ece: number;
}

/** Top-1/top-3 accuracy, macro F1 and calibration error of a model on labelled examples. */
export function scoreRouter(router: LoadedRouter, examples: readonly TrainingExample[]): RouterScore {
  const labels = [...new Set([...router.model.labels, ...examples.map((e) => e.label)])].sort();
  const tp = new Map<string, number>();
  const predicted = new Map<string, number>();
  const actual = new Map<string, number>();
  let top1 = 0;
  let top3 = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const e of examples) {
    const p = predictRoute(router, e, 3);
    const first = p.suggestions[0];
    actual.set(e.label, (actual.get(e.label) ?? 0) + 1);
    if (first) {
      predicted.set(first.label, (predicted.get(first.label) ?? 0) + 1);
      const bin = bins[Math.min(9, Math.floor(first.confidence * 10))];
      if (bin) {
        bin.n++;
        bin.conf += first.confidence;
        if (first.label === e.label) bin.right++;
      }
    }
    if (first?.label === e.label) {
      top1++;
      tp.set(e.label, (tp.get(e.label) ?? 0) + 1);
    }
    if (p.suggestions.some((s) => s.label === e.label)) top3++;
  }
  const perLabel = labels.map((label) => {
    const t = tp.get(label) ?? 0;
    const pr = predicted.get(label) ?? 0;
    const ac = actual.get(label) ?? 0;
    const precision = pr === 0 ? 0 : t / pr;
    const recall = ac === 0 ? 0 : t / ac;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: ac };
  });
  const scored = perLabel.filter((l) => l.support > 0);
  const n = examples.length;
  const ece = bins.reduce((sum, b) => sum + (b.n === 0 ? 0 : Math.abs(b.right - b.conf)), 0) / Math.max(1, n);
  return {
    n,
    top1: n === 0 ? 0 : top1 / n,
    top3: n === 0 ? 0 : top3 / n,
    macroF1: scored.length === 0 ? 0 : scored.reduce((s, l) => s + l.f1, 0) / scored.length,
    perLabel,
    ece,
  };
}
