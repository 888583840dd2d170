/** Request and response schemas of the evaluation module (考核评价): indicators, schemes, scores, bulletins. */
import { z } from 'zod';
import { INDICATOR_KEYS } from './indicators.js';

const text = (max: number) => z.string().trim().max(max);

/** What figures are asked for: a period (or a range) and an area or a unit. */
export const FigureQuery = z.object({
  period: z.string().max(12).optional(),
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  area: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
  unit: z.uuid().optional(),
});
export type FigureQueryT = z.infer<typeof FigureQuery>;

export const PeriodOut = z.object({
  label: z.string(),
  kind: z.enum(['year', 'quarter', 'month', 'day', 'range']),
  from: z.string(),
  to: z.string(),
  asOf: z.string(),
});

export const FigureOut = z.object({
  key: z.string(),
  family: z.enum(['city', 'hotline', 'petition', 'proposal', 'whistle']),
  zh: z.string(),
  en: z.string(),
  better: z.enum(['higher', 'lower']),
  numerator: z.number(),
  denominator: z.number().nullable(),
  rate: z.number().nullable(),
  caseIds: z.array(z.string()),
  denominatorIds: z.array(z.string()),
});

export const IndicatorsOut = z.object({
  period: PeriodOut,
  area: z.string().nullable(),
  unit: z.string().nullable(),
  figures: z.array(FigureOut),
  unavailable: z.array(z.object({ key: z.string(), zh: z.string(), reason: z.string() })),
  definitions: z.array(z.string()),
});

// ---------- the assessment scheme 考核方案 ----------

const RuleBase = {
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  label: text(100).min(1),
  /** Whom the rule scores: streets (街道), departments (部门), people (承办人), or several. */
  appliesTo: z
    .array(z.enum(['street', 'department', 'person']))
    .min(1)
    .max(3),
};
const Points = z.number().min(0).max(100);
export const PER_CASE_FACTS = ['rework', 'rework_3', 'return', 'overdue'] as const;
export const SchemeRule = z.discriminatedUnion('kind', [
  /** Rate × points: 按时结案率 × 60. */
  z.object({
    ...RuleBase,
    kind: z.literal('rate_points'),
    indicator: z.enum(INDICATOR_KEYS),
    points: Points,
  }),
  /** Threshold, then a deduction per percentage point below it (not below zero). */
  z.object({
    ...RuleBase,
    kind: z.literal('threshold'),
    indicator: z.enum(INDICATOR_KEYS),
    threshold: z.number().min(0).max(100),
    points: Points,
    deductPerPoint: z.number().min(0).max(100),
  }),
  /** Per case: an amount (negative: a deduction) for each case with the fact in the period. */
  z.object({
    ...RuleBase,
    kind: z.literal('per_case'),
    fact: z.enum(PER_CASE_FACTS),
    amount: z.number().min(-100).max(100),
  }),
]);
export type SchemeRuleT = z.infer<typeof SchemeRule>;

export const GRADE_COLOURS = ['green', 'blue', 'yellow', 'orange', 'red'] as const;
export const Scheme = z
  .object({
    name: text(100).min(1),
    rules: z.array(SchemeRule).min(1).max(50),
    /** Colour grades, highest first: a score at or above `min` takes the grade. */
    grades: z
      .array(
        z.object({ min: z.number().min(0).max(1000), label: text(20).min(1), colour: z.enum(GRADE_COLOURS) }),
      )
      .min(1)
      .max(6),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `Rule id ${r.id} repeats.` });
      seen.add(r.id);
      if (new Set(r.appliesTo).size !== r.appliesTo.length)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'appliesTo'],
          message: 'appliesTo repeats a group.',
        });
    });
    s.grades.forEach((g, i) => {
      const prev = s.grades[i - 1];
      if (prev && !(g.min < prev.min))
        ctx.addIssue({
          code: 'custom',
          path: ['grades', i, 'min'],
          message: 'Grades go from the highest minimum down.',
        });
    });
    const last = s.grades[s.grades.length - 1];
    if (last && last.min !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['grades', s.grades.length - 1, 'min'],
        message: 'The last grade starts at 0.',
      });
  });
export type SchemeT = z.infer<typeof Scheme>;

export const SchemeQuery = z.object({
  district: z.string().regex(/^\d{6}$/),
  period: z.string().regex(/^\d{4}-\d{2}$/),
});
export const SchemePut = z.object({
  district: z.string().regex(/^\d{6}$/),
  /** The month from which the scheme is active (until a later month has its own). */
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  scheme: Scheme,
});
export const SchemeOut = z.object({
  district: z.string(),
  /** The month the scheme was saved for; null for the built-in default. */
  period: z.string().nullable(),
  source: z.enum(['stored', 'default']),
  scheme: Scheme,
  updatedAt: z.string().nullable(),
});

// ---------- scores and the bulletin ----------

export const ScoreItem = z.object({
  ruleId: z.string(),
  label: z.string(),
  kind: z.string(),
  indicator: z.string().nullable(),
  rate: z.number().nullable(),
  points: z.number(),
  /** How the points came about, in words a reader can check. */
  explain: z.string(),
  caseIds: z.array(z.string()),
});
export const UnitScore = z.object({
  group: z.enum(['street', 'department', 'person']),
  id: z.string(),
  name: z.string(),
  score: z.number(),
  grade: z.object({ label: z.string(), colour: z.enum(GRADE_COLOURS) }),
  items: z.array(ScoreItem),
  figures: z.record(
    z.string(),
    z.object({ rate: z.number().nullable(), numerator: z.number(), denominator: z.number().nullable() }),
  ),
});
export const ScoresOut = z.object({
  period: PeriodOut,
  district: z.string(),
  scheme: z.object({
    name: z.string(),
    source: z.enum(['stored', 'default']),
    period: z.string().nullable(),
  }),
  streets: z.array(UnitScore),
  departments: z.array(UnitScore),
  /** People (承办人): the assignees of the district's cases, scored by the rules that apply to persons. */
  people: z.array(UnitScore),
});

export const RankRow = z.object({
  id: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  rank: z.number().nullable(),
  previous: z.number().nullable(),
  change: z.number().nullable(),
});
export const BulletinOut = z.object({
  period: PeriodOut,
  previousPeriod: PeriodOut,
  district: z.string(),
  districtName: z.string(),
  totals: z.array(FigureOut.extend({ previous: z.number().nullable(), change: z.number().nullable() })),
  rankings: z.array(
    z.object({
      group: z.enum(['street', 'department', 'person']),
      key: z.string(),
      zh: z.string(),
      en: z.string(),
      rows: z.array(RankRow),
    }),
  ),
  worstOverdue: z.array(
    z.object({
      group: z.enum(['street', 'department', 'person']),
      id: z.string(),
      name: z.string(),
      cases: z.array(
        z.object({ id: z.string(), number: z.string(), title: z.string(), overdueHours: z.number() }),
      ),
    }),
  ),
});
export const BulletinQuery = z.object({
  period: z.string().regex(/^\d{4}-\d{2}$/),
  district: z.string().regex(/^\d{6}$/),
});

export const DashboardOut = z.object({
  today: z.object({
    intake: z.number(),
    closed: z.number(),
    intakeIds: z.array(z.string()),
    closedIds: z.array(z.string()),
  }),
  month: PeriodOut,
  threeRates: z.array(FigureOut.extend({ previous: z.number().nullable(), change: z.number().nullable() })),
  composite: z.object({ current: z.number().nullable(), previous: z.number().nullable() }),
  overdue: z.object({ count: z.number(), caseIds: z.array(z.string()) }),
  nearlyOverdue: z.object({ count: z.number(), caseIds: z.array(z.string()) }),
  worstStreets: z.array(z.object({ id: z.string(), name: z.string(), score: z.number() })),
  worstDepartments: z.array(z.object({ id: z.string(), name: z.string(), score: z.number() })),
  openWhistles: z.object({ count: z.number(), caseIds: z.array(z.string()), unreported: z.number() }),
});
