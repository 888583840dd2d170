/** Scoring of extracted items against labelled ones (../shared/eval/README.md), and the labels' JSONL format. */
import type { TargetKind } from './sections.js';

/** A labelled item as in targets-dev.jsonl. `start`/`end` may be given; otherwise the quote is looked up. */
export interface LabelledItem {
  doc: string;
  kind: TargetKind;
  indicator?: string;
  measure?: string | null;
  value: number;
  value_max: number | null;
  unit: string | null;
  period?: string | null;
  quote: string;
  start?: number;
  end?: number;
}

/** What the scorer needs of a prediction: its key fields and its character range in the document. */
export interface PredictedItem {
  kind: TargetKind;
  value: number;
  value_max: number | null;
  unit: string | null;
  start: number;
  end: number;
}

export interface Score {
  matched: number;
  predicted: number;
  labelled: number;
  precision: number;
  recall: number;
  f1: number;
  /** [labelled index, predicted index] of every match. */
  pairs: Array<[number, number]>;
  /** Labelled items left unmatched (false negatives), by index. */
  missed: number[];
  /** Predictions left unmatched (false positives), by index. */
  spurious: number[];
}

interface Range {
  start: number;
  end: number;
}

/** Unit comparison ignores spaces and full-width forms: ％ = %, and null = '' (a bare count). */
export function normalizeUnit(unit: string | null): string {
  return (unit ?? '')
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]/g, '');
}

function sameKey(gold: LabelledItem, predicted: PredictedItem): boolean {
  return (
    gold.kind === predicted.kind &&
    gold.value === predicted.value &&
    (gold.value_max ?? null) === (predicted.value_max ?? null) &&
    normalizeUnit(gold.unit) === normalizeUnit(predicted.unit)
  );
}

function overlap(a: Range, b: Range): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

function occurrences(docText: string, quote: string): Range[] {
  const found: Range[] = [];
  for (let at = docText.indexOf(quote); at >= 0; at = docText.indexOf(quote, at + 1)) {
    found.push({ start: at, end: at + quote.length });
  }
  return found;
}

/**
 * Where each labelled quote stands in the document. A quote found several times is placed, in file
 * order, at the not-yet-used occurrence that best overlaps a prediction with the same key; when none
 * overlaps, at the first unused occurrence (so repeated statements take successive occurrences).
 * A quote not found in the text gets no range and can never match.
 */
function locateLabels(
  gold: LabelledItem[],
  predicted: PredictedItem[],
  docText?: string,
): Array<Range | null> {
  const used = new Set<string>();
  const key = (quote: string, r: Range) => `${r.start}:${quote}`;
  return gold.map((g) => {
    if (g.start !== undefined && g.end !== undefined) return { start: g.start, end: g.end };
    if (docText === undefined) throw new Error(`no document text to locate the quote "${g.quote}"`);
    const all = occurrences(docText, g.quote);
    const free = all.filter((r) => !used.has(key(g.quote, r)));
    const pool = free.length > 0 ? free : all;
    const score = (r: Range) =>
      Math.max(0, ...predicted.filter((p) => sameKey(g, p)).map((p) => overlap(r, p)));
    const best = pool.reduce<Range | null>((b, r) => (b === null || score(r) > score(b) ? r : b), null);
    if (best) used.add(key(g.quote, best));
    return best;
  });
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/**
 * Matches predictions to labelled items of one document: same kind, value, value_max and unit, and
 * overlapping character ranges; each side used at most once, greedily by largest overlap first.
 * With nothing predicted precision is 1; with nothing labelled recall is 1.
 */
export function scoreItems(gold: LabelledItem[], predicted: PredictedItem[], docText?: string): Score {
  const ranges = locateLabels(gold, predicted, docText);
  const candidates: Array<{ g: number; p: number; size: number }> = [];
  ranges.forEach((range, g) => {
    if (range === null) return;
    predicted.forEach((p, i) => {
      const size = overlap(range, p);
      if (size > 0 && sameKey(gold[g]!, p)) candidates.push({ g, p: i, size });
    });
  });
  candidates.sort((a, b) => b.size - a.size || a.g - b.g || a.p - b.p);
  const goldUsed = new Set<number>();
  const predUsed = new Set<number>();
  const pairs: Array<[number, number]> = [];
  for (const { g, p } of candidates) {
    if (goldUsed.has(g) || predUsed.has(p)) continue;
    goldUsed.add(g);
    predUsed.add(p);
    pairs.push([g, p]);
  }
  return summarize(pairs, gold.length, predicted.length, goldUsed, predUsed);
}

function summarize(
  pairs: Array<[number, number]>,
  labelled: number,
  predicted: number,
  goldUsed: Set<number>,
  predUsed: Set<number>,
): Score {
  const matched = pairs.length;
  const precision = ratio(matched, predicted);
  const recall = ratio(matched, labelled);
  return {
    matched,
    predicted,
    labelled,
    precision,
    recall,
    f1: f1Of(precision, recall),
    pairs,
    missed: indicesNotIn(labelled, goldUsed),
    spurious: indicesNotIn(predicted, predUsed),
  };
}

function indicesNotIn(count: number, used: Set<number>): number[] {
  return Array.from({ length: count }, (_, i) => i).filter((i) => !used.has(i));
}

function f1Of(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Micro-average: sums the counts of several documents' scores. */
export function combineScores(
  scores: Score[],
): Pick<Score, 'matched' | 'predicted' | 'labelled' | 'precision' | 'recall' | 'f1'> {
  const matched = scores.reduce((n, s) => n + s.matched, 0);
  const predicted = scores.reduce((n, s) => n + s.predicted, 0);
  const labelled = scores.reduce((n, s) => n + s.labelled, 0);
  const precision = ratio(matched, predicted);
  const recall = ratio(matched, labelled);
  return { matched, predicted, labelled, precision, recall, f1: f1Of(precision, recall) };
}

/** Parses labelled items, one JSON object a line (blank lines skipped); errors name the 1-based line. */
export function parseLabelledJsonl(source: string): LabelledItem[] {
  const items: LabelledItem[] = [];
  source.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    const problem = labelProblem(parsed);
    if (problem) throw new Error(`line ${i + 1}: ${problem}`);
    const item = parsed as LabelledItem;
    items.push({ ...item, value_max: item.value_max ?? null });
  });
  return items;
}

function labelProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.doc !== 'string' || v.doc === '') return '"doc" must be a non-empty string';
  if (v.kind !== 'target' && v.kind !== 'result') return '"kind" must be "target" or "result"';
  if (typeof v.value !== 'number') return '"value" must be a number';
  if (v.value_max !== null && v.value_max !== undefined && typeof v.value_max !== 'number')
    return '"value_max" must be a number or null';
  if (v.unit !== null && typeof v.unit !== 'string') return '"unit" must be a string or null';
  if (typeof v.quote !== 'string' || v.quote === '') return '"quote" must be a non-empty string';
  return null;
}
