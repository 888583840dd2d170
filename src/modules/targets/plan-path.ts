/**
 * 规划年度监测 (pure): a five-year plan's indicator against the straight path from its base-year value to
 * its target-year value. An indicator with a level (常住人口 120 → 130 万人) is expected at
 * base + (target − base) × (year − baseYear) / (targetYear − baseYear); a rate with no level (年均增长 6%)
 * is expected at its target every year. Lower is better when the target is below the base, or, for a rate,
 * when its name says so (能耗下降, 失业率, 排放).
 */

export type PathStatus = 'met' | 'ahead' | 'on_path' | 'behind';

export interface PlanLine {
  name: string;
  baseYear: number;
  /** null: a rate with no level (年均增长). */
  baseValue: number | null;
  targetYear: number;
  targetValue: number;
}

export interface PathReading {
  /** The value on the straight path in that year (the target itself for a rate). */
  expected: number;
  /** actual − expected, signed so that a positive gap is better than the path. */
  gap: number;
  status: PathStatus;
}

/** Share of the span |target − base| (or of |target| for a rate) that still counts as on the path. */
export const PATH_TOLERANCE = 0.05;

const LOWER_IS_BETTER = /下降|降低|减少|失业率|能耗|排放|浓度|死亡率|控制在|以内|不超过|压减/;

export function lowerIsBetter(line: PlanLine): boolean {
  if (line.baseValue === null || line.baseValue === line.targetValue) return LOWER_IS_BETTER.test(line.name);
  return line.targetValue < line.baseValue;
}

/** The value on the straight path in `year` (clamped to the plan's years). */
export function expectedAt(line: PlanLine, year: number): number {
  if (line.baseValue === null) return line.targetValue;
  const span = line.targetYear - line.baseYear;
  const t = Math.min(1, Math.max(0, (year - line.baseYear) / span));
  return round(line.baseValue + (line.targetValue - line.baseValue) * t);
}

/**
 * Where an actual value stands in its year: `met` when it already reaches the target-year value (a level
 * only: a rate is met only year by year), else `ahead`/`behind` when it is better/worse than the path by
 * more than the tolerance, else `on_path`.
 */
export function pathStatus(
  line: PlanLine,
  year: number,
  actual: number,
  tolerance = PATH_TOLERANCE,
): PathReading {
  const sign = lowerIsBetter(line) ? -1 : 1;
  const expected = expectedAt(line, year);
  const gap = round(sign * (actual - expected));
  const span =
    line.baseValue === null ? Math.abs(line.targetValue) : Math.abs(line.targetValue - line.baseValue);
  const slack = Math.max(span * tolerance, 1e-9);
  if (
    line.baseValue !== null &&
    sign * (actual - line.targetValue) >= 0 &&
    line.baseValue !== line.targetValue
  )
    return { expected, gap, status: 'met' };
  if (gap > slack) return { expected, gap, status: 'ahead' };
  if (gap < -slack) return { expected, gap, status: 'behind' };
  return { expected, gap, status: 'on_path' };
}

/** The latest actual at or before `year`, or null. */
export function latestActual<T extends { year: number }>(actuals: readonly T[], year: number): T | null {
  let best: T | null = null;
  for (const a of actuals) if (a.year <= year && (best === null || a.year > best.year)) best = a;
  return best;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
