/**
 * 双随机、一公开: the random draw of an inspection plan — targets from the pool, two inspectors per target
 * from the roster — as a deterministic function of published inputs, so that anyone re-runs it
 * (`wangge safety draw --replay PLAN`) and gets the same result. Pure: no clock, no database.
 *
 * The algorithm (version `sha256-ctr-v1`), written down so it can be re-implemented elsewhere:
 * 1. Random stream. Block k (k = 0, 1, 2, …) is SHA-256 of the UTF-8 text `${seed}:${k}`; the stream is
 *    the blocks' bytes in order, read as big-endian unsigned 32-bit integers.
 * 2. Uniform integer in [0, n): read u32 values until u < ⌊2³² / n⌋ · n (rejection, so no modulo bias),
 *    then return u mod n.
 * 3. Pool. The places passing the plan's filters (industry, risk grade, area, not inspected in the
 *    last N months), sorted by id (byte order). The plan stores this list when it draws.
 * 4. Strata (分层) by risk grade in the order high, elevated, medium, low. The target count is shared out
 *    in proportion to stratum sizes by the largest-remainder method (ties: the earlier stratum first).
 * 5. Within each stratum, in that order: a partial Fisher–Yates shuffle of the stratum's pool order —
 *    for i = 0 … c−1: j = i + uniform(size − i), swap items i and j; the first c are drawn.
 * 6. Targets in stratum order, then draw order; for each, the eligible roster entries are those without a
 *    conflict of interest (回避) with the place, in roster order (sorted by id). Inspector A =
 *    eligible[uniform(m)]; inspector B = uniform among the eligible entries other than A (and, when the
 *    plan asks for different units, of another unit than A's).
 */
import { createHash } from 'node:crypto';
import type { RiskGrade } from '../../platform/db/schema.js';

export const DRAW_ALGORITHM = 'sha256-ctr-v1';
export const GRADE_ORDER: readonly RiskGrade[] = ['high', 'elevated', 'medium', 'low'];

/** A deterministic stream of uniform integers from a seed (steps 1–2). */
export class SeededStream {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(private readonly seed: string) {}

  private u32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256')
        .update(`${this.seed}:${this.counter++}`, 'utf8')
        .digest();
      this.offset = 0;
    }
    const v = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A uniform integer in [0, n). */
  uniform(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`uniform(${n})`);
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const u = this.u32();
      if (u < limit) return u % n;
    }
  }
}

export interface PoolPlace {
  id: string;
  grade: RiskGrade;
}
export interface RosterEntry {
  id: string;
  name: string;
  unit: string;
  /** Place ids this inspector must not inspect (回避: relatives, former employer, …). */
  conflicts: readonly string[];
}
export interface DrawInput {
  seed: string;
  pool: readonly PoolPlace[];
  roster: readonly RosterEntry[];
  targetCount: number;
  differentUnits: boolean;
}
export interface DrawnTarget {
  position: number;
  placeId: string;
  stratum: RiskGrade;
  inspectorIds: [string, string];
}
export interface DrawResult {
  algorithm: typeof DRAW_ALGORITHM;
  strata: { grade: RiskGrade; size: number; drawn: number }[];
  targets: DrawnTarget[];
}
export type DrawProblem =
  | { code: 'pool_empty'; message: string }
  | { code: 'too_many_targets'; message: string; poolSize: number }
  | { code: 'roster_too_small'; message: string; placeId?: string };

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Step 4: proportional allocation by largest remainder. */
export function allocate(sizes: readonly number[], total: number): number[] {
  const all = sizes.reduce((s, n) => s + n, 0);
  if (all === 0) return sizes.map(() => 0);
  const exact = sizes.map((n) => (n * total) / all);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    if ((out[i] as number) < (sizes[i] as number)) {
      out[i] = (out[i] as number) + 1;
      left--;
    }
  }
  return out;
}

/** Runs the draw, or names the problem (empty pool, too many targets, roster too small). */
export function drawInspection(
  input: DrawInput,
): { ok: true; result: DrawResult } | { ok: false; problem: DrawProblem } {
  const pool = [...input.pool].sort(byId);
  if (pool.length === 0)
    return { ok: false, problem: { code: 'pool_empty', message: 'No place passes the plan’s filters.' } };
  if (input.targetCount > pool.length)
    return {
      ok: false,
      problem: {
        code: 'too_many_targets',
        message: `The plan asks for ${input.targetCount} targets but the pool has ${pool.length}.`,
        poolSize: pool.length,
      },
    };
  const roster = [...input.roster].sort(byId);
  if (roster.length < 2)
    return {
      ok: false,
      problem: { code: 'roster_too_small', message: 'The roster needs at least two inspectors.' },
    };
  const stream = new SeededStream(input.seed);
  const strata = GRADE_ORDER.map((grade) => pool.filter((p) => p.grade === grade));
  const counts = allocate(
    strata.map((s) => s.length),
    input.targetCount,
  );
  const targets: DrawnTarget[] = [];
  for (const [si, stratum] of strata.entries()) {
    const items = [...stratum];
    const c = counts[si] as number;
    for (let i = 0; i < c; i++) {
      const j = i + stream.uniform(items.length - i);
      [items[i], items[j]] = [items[j] as PoolPlace, items[i] as PoolPlace];
    }
    for (const place of items.slice(0, c)) {
      const eligible = roster.filter((r) => !r.conflicts.includes(place.id));
      if (eligible.length < 2)
        return {
          ok: false,
          problem: {
            code: 'roster_too_small',
            message: `Fewer than two inspectors without a conflict of interest for place ${place.id}.`,
            placeId: place.id,
          },
        };
      const a = eligible[stream.uniform(eligible.length)] as RosterEntry;
      const partners = eligible.filter((r) => r.id !== a.id && (!input.differentUnits || r.unit !== a.unit));
      if (partners.length === 0)
        return {
          ok: false,
          problem: {
            code: 'roster_too_small',
            message: `No second inspector from another unit than ${a.unit} for place ${place.id}.`,
            placeId: place.id,
          },
        };
      const b = partners[stream.uniform(partners.length)] as RosterEntry;
      targets.push({
        position: targets.length + 1,
        placeId: place.id,
        stratum: place.grade,
        inspectorIds: [a.id, b.id],
      });
    }
  }
  return {
    ok: true,
    result: {
      algorithm: DRAW_ALGORITHM,
      strata: GRADE_ORDER.map((grade, i) => ({ grade, size: strata[i]?.length ?? 0, drawn: counts[i] ?? 0 })),
      targets,
    },
  };
}

export interface PoolFilters {
  industries: readonly string[];
  grades: readonly RiskGrade[];
  areaCode: string;
  excludeInspectedMonths: number;
}
export interface Candidate {
  id: string;
  industry: string;
  riskGrade: RiskGrade;
  areaCode: string;
  lastInspectedOn: string | null;
}

/** The first day (YYYY-MM-DD) of the exclusion window: `months` calendar months before `today`. */
export function exclusionStart(today: string, months: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(d, last));
  return t.toISOString().slice(0, 10);
}

/** Step 3: the pool (empty filter lists mean "any"); places inspected on or after the window's start are out. */
export function poolOf(candidates: readonly Candidate[], f: PoolFilters, today: string): PoolPlace[] {
  const since = f.excludeInspectedMonths > 0 ? exclusionStart(today, f.excludeInspectedMonths) : null;
  return candidates
    .filter(
      (c) =>
        c.areaCode.startsWith(f.areaCode) &&
        (f.industries.length === 0 || f.industries.includes(c.industry)) &&
        (f.grades.length === 0 || f.grades.includes(c.riskGrade)) &&
        !(since && c.lastInspectedOn && c.lastInspectedOn >= since),
    )
    .map((c) => ({ id: c.id, grade: c.riskGrade }))
    .sort(byId);
}
