/**
 * Training the routing model (分拨建议) — pure, no I/O, deterministic for a seed.
 *
 * A multinomial logistic regression (softmax) trained by seeded SGD over the features of features.ts, with
 * a linearly decaying step and weight decay. Its confidence is the softmax at a temperature fitted on a
 * held-out slice of the training examples (minimum negative log-likelihood), so "0.8" means about 80% right
 * on messages like the training ones.
 */

import { seededRandom } from '../../../platform/random.js';
import {
  type FeatureSpec,
  featureCounts,
  idfOf,
  messageText,
  normaliseForRouting,
  type Vector,
  vectorise,
} from './features.js';

/** 1: char n-grams only; 2: a model may also say `words` and `head`. A format-1 model predicts as it did. */
export const MODEL_FORMAT = 2;

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
  /**
   * Share of the examples held back to fit the temperature (at least 1 per label when there are enough);
   * 0 fits none (temperature 1), which only the evaluation's top-1 sweeps use.
   */
  calibrationShare: number;
  /** Features seen in fewer documents than this are dropped from the stored model. */
  minDocs: number;
  /** Longest character n-gram. */
  maxN: number;
  /** Word unigrams and bigrams (ICU segmenter) beside the character n-grams. */
  words: boolean;
  /** Characters at the start whose n-grams count again as head features (0: none). */
  head: number;
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
  // Mean top-1 over six seeded 30% hold-outs of the raw messages (npm run eval:routing … --seeds 1-6):
  // character n-grams alone 0.9213; with word unigrams and bigrams 0.9253; with the first 20 characters'
  // n-grams (the subject, mostly) again as head features 0.9308.
  words: true,
  head: 20,
};

/** A trained model, as stored (JSON). */
export interface RouterModel {
  format: 1 | typeof MODEL_FORMAT;
  labels: string[];
  bits: number;
  maxN: number;
  /** Word features too (format 2; absent means none). */
  words?: boolean;
  /** Head features of the first characters (format 2; absent means none). */
  head?: number;
  temperature: number;
  /** Examples it was trained on, per label. */
  counts: Record<string, number>;
  /** Documents seen, for idf. */
  docs: number;
  /** Sorted hashed feature ids kept by the model. */
  ids: number[];
  /** Document frequency per kept feature (same order as ids). */
  df: number[];
  /** Weights, feature-major: weights[i * labels.length + k], rounded to 4 decimals. */
  weights: number[];
  /** Bias per label. */
  bias: number[];
}

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------
// Learning

/** An example cut into features. */
export interface Prepared {
  counts: Map<number, number>;
  label: number;
  weight: number;
}

interface Core {
  labels: string[];
  docs: number;
  df: Map<number, number>;
  /** Hashed id → row of `weights`. */
  row: Map<number, number>;
  /** Dense weights over the features seen, feature-major: weights[row * K + k]. */
  weights: Float32Array;
  bias: Float64Array;
}

export function softmaxInPlace(z: Float64Array, temperature: number): void {
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

/** A vector's hashed ids turned into rows of the core's weights (every id is known: idf dropped the rest). */
function rowsOf(v: Vector, row: Map<number, number>): Int32Array {
  return Int32Array.from(v.ids, (id) => row.get(id) as number);
}

function fitCore(data: Prepared[], labels: string[], opts: RouterOptions): Core {
  const K = labels.length;
  const df = new Map<number, number>();
  const row = new Map<number, number>();
  for (const d of data) {
    for (const id of d.counts.keys()) {
      df.set(id, (df.get(id) ?? 0) + 1);
      if (!row.has(id)) row.set(id, row.size);
    }
  }
  const idf = idfOf(df, data.length);
  const vectors = data.map((d) => {
    const v = vectorise(d.counts, idf);
    return { rows: rowsOf(v, row), values: v.values, label: d.label, weight: d.weight };
  });
  const weights = new Float32Array(row.size * K);
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
      const { rows, values } = ex;
      for (let k = 0; k < K; k++) p[k] = bias[k] as number;
      for (let j = 0; j < rows.length; j++) {
        const base = (rows[j] as number) * K;
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
      for (let j = 0; j < rows.length; j++) {
        const base = (rows[j] as number) * K;
        const x = values[j] as number;
        for (let k = 0; k < K; k++)
          weights[base + k] = (weights[base + k] as number) * decay - (p[k] as number) * x;
      }
    }
  }
  return { labels, docs: data.length, df, row, weights, bias };
}

function coreScores(core: Core, counts: Map<number, number>): Float64Array {
  const v = vectorise(counts, idfOf(core.df, core.docs));
  const rows = rowsOf(v, core.row);
  const K = core.labels.length;
  const z = Float64Array.from(core.bias);
  for (let j = 0; j < rows.length; j++) {
    const base = (rows[j] as number) * K;
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

export function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/** The options a training run uses: the hash space shrinks with many labels so training stays small. */
export function resolveOptions(labelCount: number, options: Partial<RouterOptions>): RouterOptions {
  // The dense weights are features × labels: with many labels (a whole catalogue) the hash space shrinks so
  // training stays within about 16 MB.
  const wanted = { ...DEFAULT_OPTIONS, ...options };
  const fit = Math.floor(Math.log2((1 << 22) / Math.max(1, labelCount)));
  return { ...wanted, bits: Math.max(12, Math.min(wanted.bits, fit)) };
}

export function specOf(opts: RouterOptions): FeatureSpec {
  return { bits: opts.bits, maxN: opts.maxN, words: opts.words, head: opts.head };
}

/** The examples cut into features (those with no text left dropped). */
export function prepareExamples(
  examples: readonly TrainingExample[],
  labels: readonly string[],
  spec: FeatureSpec,
): Prepared[] {
  const index = new Map(labels.map((l, i) => [l, i]));
  const prepared: Prepared[] = [];
  for (const e of examples) {
    const norm = normaliseForRouting(messageText(e.subject, e.text));
    if (norm.length === 0) continue;
    prepared.push({
      counts: featureCounts(norm, spec),
      label: index.get(e.label) as number,
      weight: e.weight ?? 1,
    });
  }
  return prepared;
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
  const opts = resolveOptions(labels.length, options);
  const counts: Record<string, number> = {};
  for (const e of examples) counts[e.label] = (counts[e.label] ?? 0) + 1;
  return trainPrepared(prepareExamples(examples, labels, specOf(opts)), labels, counts, opts);
}

/** Trains on examples already cut into features with `specOf(opts)` (the evaluation reuses the cuts). */
export function trainPrepared(
  prepared: Prepared[],
  labels: string[],
  counts: Record<string, number>,
  opts: RouterOptions,
): RouterModel {
  if (labels.length < 2 || prepared.length === 0) {
    return serialise(null, labels, prepared.length, opts, 1, counts);
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
    const n =
      members.length >= 5 && opts.calibrationShare > 0
        ? Math.max(1, Math.round(members.length * opts.calibrationShare))
        : 0;
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
  return serialise(core, labels, prepared.length, opts, temperature, counts);
}

function serialise(
  core: Core | null,
  labels: string[],
  docs: number,
  opts: RouterOptions,
  temperature: number,
  counts: Record<string, number>,
): RouterModel {
  const K = labels.length;
  const ids = core
    ? [...core.df.keys()].filter((id) => (core.df.get(id) ?? 0) >= opts.minDocs).sort((a, b) => a - b)
    : [];
  const weights: number[] = new Array(ids.length * K);
  ids.forEach((id, i) => {
    const r = core?.row.get(id) as number;
    for (let k = 0; k < K; k++) weights[i * K + k] = round(core?.weights[r * K + k] as number, 4);
  });
  return {
    format: MODEL_FORMAT,
    labels,
    bits: opts.bits,
    maxN: opts.maxN,
    ...(opts.words ? { words: true } : {}),
    ...(opts.head ? { head: opts.head } : {}),
    temperature,
    counts,
    docs,
    ids,
    df: ids.map((id) => core?.df.get(id) ?? 0),
    weights,
    bias: core ? Array.from(core.bias, (b) => round(b, 5)) : labels.map(() => 0),
  };
}
