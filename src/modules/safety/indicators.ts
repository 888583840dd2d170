/**
 * Safety indicators (指标) the evaluation module reads: hazards found (排查), rectified (整改), rectified on
 * time (按期整改), overdue (超期) — in total and by grade, street and industry — and inspections done
 * against plan (双随机 抽查完成率). Pure: the rows and `now` are arguments.
 */
import { rectifiedOnTime } from './hazard-lifecycle.js';
import type { IndicatorsT } from './safety.schemas.js';

export interface IndicatorHazard {
  grade: string;
  area_code: string;
  industry: string;
  deadline: Date;
  rectified_at: Date | null;
}

type Counts = IndicatorsT['total'];
const zero = (): Counts => ({ found: 0, rectified: 0, onTime: 0, overdue: 0 });

function bucketOf(m: Record<string, Counts>, key: string): Counts {
  const found = m[key];
  if (found) return found;
  const made = zero();
  m[key] = made;
  return made;
}

/**
 * Overdue: rectified after the deadline, or not rectified and the deadline passed at `now`. A street is
 * the first 9 digits of the area code.
 */
export function safetyIndicators(
  hazards: readonly IndicatorHazard[],
  targets: readonly { result: string | null }[],
  now: Date,
): IndicatorsT {
  const out: IndicatorsT = {
    total: zero(),
    byGrade: {},
    byStreet: {},
    byIndustry: {},
    inspections: { planned: targets.length, done: targets.filter((t) => t.result !== null).length },
  };
  for (const r of hazards) {
    const rectified = r.rectified_at !== null;
    const overdue = (r.rectified_at ?? now).getTime() > r.deadline.getTime();
    const onTime = rectifiedOnTime({ deadline: r.deadline, rectifiedAt: r.rectified_at });
    for (const b of [
      out.total,
      bucketOf(out.byGrade, r.grade),
      bucketOf(out.byStreet, r.area_code.slice(0, 9)),
      bucketOf(out.byIndustry, r.industry),
    ]) {
      b.found++;
      if (rectified) b.rectified++;
      if (onTime) b.onTime++;
      if (overdue) b.overdue++;
    }
  }
  return out;
}
