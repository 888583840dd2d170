/**
 * What the routing model learns from, and when a new one replaces the old — pure, no I/O.
 *
 * - Cold start: the catalogue's own words (名称, 大类, 立案标准) and the keywords a district edits on each
 *   category (its keyword rules), one example each, keywords weighted double.
 * - The district's history: closed cases (title, description, the category they were filed under). Only
 *   cases the closing unit kept count: a case the unit returned (退单) and that another unit then closed
 *   still teaches its category, since the category is what the command centre settled on.
 * - The most recent closed cases are held back; the new model replaces the active one only when it scores
 *   at least as well on them.
 */
import type { TrainingExample } from './model.js';

export interface CatalogueWords {
  code: string;
  name: string;
  majorName: string;
  filingCriterion: string;
  keywords: string;
  active: boolean;
}

export interface ClosedCase {
  title: string;
  description: string;
  categoryCode: string;
}

/** Examples from the catalogue alone (active categories). */
export function catalogueExamples(categories: readonly CatalogueWords[]): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const c of categories) {
    if (!c.active) continue;
    out.push({ text: `${c.majorName}${c.name}`, label: c.code, weight: 1 });
    out.push({ text: c.name, label: c.code, weight: 1 });
    if (c.filingCriterion.trim()) out.push({ text: c.filingCriterion, label: c.code, weight: 1 });
    for (const k of keywordsOf(c.keywords)) out.push({ text: `${c.name}${k}`, label: c.code, weight: 2 });
  }
  return out;
}

/** A category's keywords: split on spaces, commas and 、；. */
export function keywordsOf(keywords: string): string[] {
  return keywords
    .split(/[\s,，、;；]+/u)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

export function caseExamples(cases: readonly ClosedCase[]): TrainingExample[] {
  return cases.map((c) => ({ subject: c.title, text: c.description, label: c.categoryCode }));
}

/**
 * Splits closed cases (oldest first) into training and the held-back recent slice: the newest `share`,
 * at most `max`; nothing is held back when fewer than `min` would be.
 */
export function holdBackRecent<T>(
  oldestFirst: readonly T[],
  opts: { share?: number; max?: number; min?: number } = {},
): { train: T[]; held: T[] } {
  const n = Math.min(opts.max ?? 300, Math.floor(oldestFirst.length * (opts.share ?? 0.2)));
  if (n < (opts.min ?? 10)) return { train: [...oldestFirst], held: [] };
  return {
    train: oldestFirst.slice(0, oldestFirst.length - n),
    held: oldestFirst.slice(oldestFirst.length - n),
  };
}

export type RetrainVerdict = { keep: 'new'; reason: string } | { keep: 'previous'; reason: string };

/** The new model replaces the previous one unless it scores worse on the same held-back cases. */
export function judgeRetrain(next: number | null, previous: number | null): RetrainVerdict {
  if (next === null) return { keep: 'new', reason: 'no recent cases to compare on' };
  if (previous === null) return { keep: 'new', reason: 'no previous model' };
  if (next + 1e-9 < previous) {
    return {
      keep: 'previous',
      reason: `top-1 ${next.toFixed(3)} < previous ${previous.toFixed(3)} on the recent cases`,
    };
  }
  return {
    keep: 'new',
    reason: `top-1 ${next.toFixed(3)} ≥ previous ${previous.toFixed(3)} on the recent cases`,
  };
}

/** Whether enough cases have closed since the active model was trained to train again now. */
export function dueForRetrain(closedNow: number, closedAtTraining: number, every: number): boolean {
  return closedNow - closedAtTraining >= every;
}

/** The next nightly training moment: 02:00 Beijing time (18:00 UTC) after `now`. */
export function nextNightly(now: Date): Date {
  const t = new Date(now);
  t.setUTCHours(18, 0, 0, 0);
  if (t.getTime() <= now.getTime()) t.setUTCDate(t.getUTCDate() + 1);
  return t;
}
