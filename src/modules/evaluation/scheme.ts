/**
 * Assessment schemes (考核方案) and how they turn figures into a composite score (综合得分): rate × points,
 * a threshold with a deduction per percentage point below it, and per-case amounts. Every item names its
 * rule and the cases behind it. Pure; the default scheme is modelled on EVALUATION.md.
 */
import type { CaseFacts } from '../cases/cases.service.js';
import type { PER_CASE_FACTS, SchemeRuleT, SchemeT } from './evaluation.schemas.js';
import { type AsOf, type Figure, INDICATOR_BY_KEY, type IndicatorKey, isOverdue } from './indicators.js';

/** Who a rule scores: a street (街道), a department (部门), or a person (承办人, the case's assignee). */
export type Group = 'street' | 'department' | 'person';

/** The default: 按期结案率 ≥ 70 % earns 50, 结案率 ≥ 90 % earns 20 (−1 per point below), 按时签收率 × 10,
 * 12345 满意率 × 20, −0.2 per case sent back after a failed 核查, −0.5 per case failing it three times. */
export const DEFAULT_SCHEME: SchemeT = {
  name: '默认考核方案（数字城管）',
  rules: [
    {
      id: 'ontime_closing',
      label: '按期结案率（≥70%得50分，每低1个百分点扣1分）',
      appliesTo: ['street', 'department', 'person'],
      kind: 'threshold',
      indicator: 'ontime_closing_rate',
      threshold: 70,
      points: 50,
      deductPerPoint: 1,
    },
    {
      id: 'closing',
      label: '结案率（≥90%得20分，每低1个百分点扣1分）',
      appliesTo: ['street', 'department'],
      kind: 'threshold',
      indicator: 'closing_rate',
      threshold: 90,
      points: 20,
      deductPerPoint: 1,
    },
    {
      id: 'signing',
      label: '按时签收率 × 10',
      appliesTo: ['department'],
      kind: 'rate_points',
      indicator: 'ontime_sign_rate',
      points: 10,
    },
    {
      id: 'filing',
      label: '立案率 × 10',
      appliesTo: ['street'],
      kind: 'rate_points',
      indicator: 'filing_rate',
      points: 10,
    },
    {
      id: 'satisfaction',
      label: '12345满意率 × 20',
      appliesTo: ['street', 'department'],
      kind: 'rate_points',
      indicator: 'hotline_satisfaction_rate',
      points: 20,
    },
    {
      id: 'rework',
      label: '核查不通过返工，每件次扣0.2分',
      appliesTo: ['street', 'department', 'person'],
      kind: 'per_case',
      fact: 'rework',
      amount: -0.2,
    },
    {
      id: 'rework_3',
      label: '核查三次及以上不通过，每件扣0.5分',
      appliesTo: ['street', 'department'],
      kind: 'per_case',
      fact: 'rework_3',
      amount: -0.5,
    },
  ],
  grades: [
    { min: 90, label: '优秀', colour: 'green' },
    { min: 80, label: '良好', colour: 'blue' },
    { min: 60, label: '合格', colour: 'yellow' },
    { min: 0, label: '不合格', colour: 'red' },
  ],
};

export interface ScoreItem {
  ruleId: string;
  label: string;
  kind: SchemeRuleT['kind'];
  indicator: IndicatorKey | null;
  rate: number | null;
  points: number;
  explain: string;
  caseIds: string[];
}

const round2 = (x: number) => Math.round(x * 100 + (x >= 0 ? 1e-9 : -1e-9)) / 100;

/** The occurrences of a per-case fact in the period, one entry per occurrence (a case twice sent back is
 * there twice): failed checks (rework), returns (退单) made in the period, third failed checks, overdue cases. */
export function casesWithFact(
  fact: 'rework' | 'rework_3' | 'return' | 'overdue',
  facts: readonly CaseFacts[],
  p: AsOf,
) {
  const within = (t: Date | null) => !!t && t >= p.from && t < p.end;
  switch (fact) {
    case 'rework':
      return facts.flatMap((f) => f.reworks.filter((r) => within(r.at)).map(() => f));
    case 'rework_3':
      return facts.filter((f) => f.reworks.length >= 3 && within(f.reworks[2]?.at ?? null));
    case 'return':
      return facts.flatMap((f) => f.dispatches.filter((d) => within(d.returnedAt)).map(() => f));
    case 'overdue':
      return facts.filter((f) => isOverdue(f, p));
    default: {
      const never: never = fact;
      throw new Error(`unknown fact ${String(never)}`);
    }
  }
}

export type PerCaseFact = (typeof PER_CASE_FACTS)[number];
/** How many occurrences of a per-case fact there are, and in which cases (ids may be unknown: roll-ups). */
export type PerCaseCounter = (fact: PerCaseFact) => { count: number; caseIds: string[] };

/** The per-case counter over case facts. */
export function factsCounter(facts: readonly CaseFacts[], p: AsOf): PerCaseCounter {
  return (fact) => {
    const hit = casesWithFact(fact, facts, p);
    return { count: hit.length, caseIds: [...new Set(hit.map((f) => f.id))] };
  };
}

/** One rule's points for one street or department; a rate with no cases behind it earns the full points. */
export function scoreRule(
  rule: SchemeRuleT,
  figures: Record<IndicatorKey, Figure>,
  perCase: PerCaseCounter,
): ScoreItem {
  const base = { ruleId: rule.id, label: rule.label, kind: rule.kind };
  switch (rule.kind) {
    case 'rate_points': {
      const f = figures[rule.indicator];
      const name = INDICATOR_BY_KEY.get(rule.indicator)?.zh ?? rule.indicator;
      const points = f.rate === null ? rule.points : round2((f.rate / 100) * rule.points);
      return {
        ...base,
        indicator: rule.indicator,
        rate: f.rate,
        points,
        explain:
          f.rate === null
            ? `${name}: no cases, full ${rule.points}`
            : `${name} ${f.rate}% (${f.numerator}/${f.denominator}) × ${rule.points} = ${points}`,
        caseIds: f.denominatorIds,
      };
    }
    case 'threshold': {
      const f = figures[rule.indicator];
      const name = INDICATOR_BY_KEY.get(rule.indicator)?.zh ?? rule.indicator;
      if (f.rate === null)
        return {
          ...base,
          indicator: rule.indicator,
          rate: null,
          points: rule.points,
          explain: `${name}: no cases, full ${rule.points}`,
          caseIds: [],
        };
      const below = Math.max(0, rule.threshold - f.rate);
      const points = round2(Math.max(0, rule.points - below * rule.deductPerPoint));
      return {
        ...base,
        indicator: rule.indicator,
        rate: f.rate,
        points,
        explain:
          below === 0
            ? `${name} ${f.rate}% ≥ ${rule.threshold}%: ${rule.points}`
            : `${name} ${f.rate}% is ${round2(below)} points below ${rule.threshold}%: ${rule.points} − ${round2(below)} × ${rule.deductPerPoint} = ${points}`,
        caseIds: f.denominatorIds.filter((id) => !new Set(f.caseIds).has(id)),
      };
    }
    case 'per_case': {
      const hit = perCase(rule.fact);
      const points = round2(hit.count * rule.amount);
      return {
        ...base,
        indicator: null,
        rate: null,
        points,
        explain: `${hit.count} × ${rule.amount} = ${points}`,
        caseIds: hit.caseIds,
      };
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(never)}`);
    }
  }
}

/** The composite score of one street or department under the scheme: the sum of its rules' points. */
export function compositeScore(
  scheme: SchemeT,
  group: Group,
  figures: Record<IndicatorKey, Figure>,
  perCase: PerCaseCounter,
): {
  score: number;
  grade: { label: string; colour: SchemeT['grades'][number]['colour'] };
  items: ScoreItem[];
} {
  const items = scheme.rules
    .filter((r) => r.appliesTo.includes(group))
    .map((r) => scoreRule(r, figures, perCase));
  const score = round2(items.reduce((s, i) => s + i.points, 0));
  return { score, grade: gradeOf(scheme, score), items };
}

/** The colour grade of a score: the first grade whose minimum it reaches (the last grade starts at 0). */
export function gradeOf(scheme: SchemeT, score: number) {
  const g = scheme.grades.find((x) => score >= x.min) ?? scheme.grades[scheme.grades.length - 1];
  return { label: g?.label ?? '', colour: g?.colour ?? 'red' };
}
