/**
 * The routing model (分拨建议): which category a citizen's own words belong to, and how sure it is — pure, no I/O.
 *
 * Features (features.ts): hashed character n-grams of the normalised text, and word n-grams when the model
 * says so. Learning (train.ts): seeded softmax regression with a temperature fitted on a held-out slice, so
 * "0.8" means about 80% right on messages like the training ones. This file loads a stored model, predicts
 * the top labels with their confidence and scores a model on labelled messages. Everything is deterministic
 * for a seed and serialises to JSON.
 */
import {
  type FeatureSpec,
  featureCounts,
  idfOf,
  isHan,
  messageText,
  normaliseForRouting,
  vectorise,
} from './features.js';
import { type RouterModel, round, softmaxInPlace, type TrainingExample } from './train.js';

export { normaliseForRouting } from './features.js';
export {
  DEFAULT_OPTIONS,
  fitTemperature,
  MODEL_FORMAT,
  type RouterModel,
  type RouterOptions,
  type TrainingExample,
  trainRouter,
} from './train.js';

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
// Prediction

/** The features a stored model was trained on (a format-1 model: character n-grams only). */
export function specOfModel(model: RouterModel): FeatureSpec {
  return { bits: model.bits, maxN: model.maxN, words: model.words === true, head: model.head ?? 0 };
}

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
  const han = letters.filter(isHan).length;
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
  const counts = featureCounts(norm, specOfModel(model));
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
