/** Zod schemas of the safety module (安全生产监管): registry, hazards, inspection plans; validation, types, OpenAPI. */
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);
export const RISK_GRADES = ['high', 'elevated', 'medium', 'low'] as const;
export const HAZARD_GRADES = ['general', 'major'] as const;
export const FOUND_BY = ['self_check', 'inspection', 'citizen_report', 'device'] as const;
export const LISTED_LEVELS = ['district', 'city', 'province'] as const;
export const HAZARD_STATE_LIST = [
  'registered',
  'assigned',
  'rectifying',
  'applied',
  'rechecked',
  'closed',
] as const;
export const INSPECTION_RESULTS = ['no_problem', 'hazards_found', 'not_found'] as const;

export const IdParams = z.object({ id: z.uuid() });
export const IdempotencyHeaders = z.object({ 'idempotency-key': z.string().min(8).max(100).optional() });
export const PlanTargetParams = z.object({ id: z.uuid(), targetId: z.uuid() });
const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

// ---------- registry ----------

export const Contact = z.object({
  name: text(50).min(1),
  phone: text(30).default(''),
  role: text(30).default(''),
});

export const PlaceCreate = z.object({
  name: text(200).min(2),
  creditCode: text(30).nullable().default(null),
  address: text(300).default(''),
  lon: z.number().finite().nullable().default(null),
  lat: z.number().finite().nullable().default(null),
  /** The grid (or any area) when there is no location; a location wins. */
  areaCode: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
  industry: text(50).min(1),
  riskGrade: z.enum(RISK_GRADES),
  contacts: z.array(Contact).max(10).default([]),
  lastInspectedOn: z.iso.date().nullable().default(null),
});
export type PlaceCreateT = z.infer<typeof PlaceCreate>;

export const Place = z.object({
  id: z.string(),
  name: z.string(),
  creditCode: z.string().nullable(),
  address: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  areaCode: z.string(),
  industry: z.string(),
  riskGrade: z.enum(RISK_GRADES),
  contacts: z.array(z.object({ name: z.string(), phone: z.string(), role: z.string() })),
  lastInspectedOn: z.string().nullable(),
  openHazards: z.number(),
});

export const PlaceQuery = z.object({
  q: text(100).optional(),
  industry: text(50).optional(),
  riskGrade: z.enum(RISK_GRADES).optional(),
  areaCode: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
  ...Paging,
});

export const ImportReport = z.object({ imported: z.number() });

// ---------- hazards ----------

export const TimeLimitInput = z.object({
  value: z.number().positive().max(1000),
  unit: z.enum(['work_hour', 'work_day', 'natural_hour', 'natural_day']),
});

export const HazardCreate = z
  .object({
    placeId: z.uuid(),
    class: text(50).min(1),
    grade: z.enum(HAZARD_GRADES),
    majorLevel: z.number().int().min(1).max(3).nullable().default(null),
    foundBy: z.enum(FOUND_BY),
    description: text(2000).min(2),
    photos: z
      .array(z.string().regex(/^[0-9a-f]{64}$/))
      .max(20)
      .default([]),
    measures: text(2000).default(''),
    responsiblePerson: text(50).default(''),
    /** Either an instant … */
    deadline: z.iso.datetime({ offset: true }).optional(),
    /** … or a time limit counted from now in working (or natural) time. */
    limit: TimeLimitInput.optional(),
    funds: z.number().nonnegative().max(1e10).nullable().default(null),
    listedLevel: z.enum(LISTED_LEVELS).nullable().default(null),
  })
  .refine((h) => (h.deadline === undefined) !== (h.limit === undefined), {
    message: 'give either deadline or limit',
    path: ['deadline'],
  })
  .refine((h) => (h.grade === 'major') === (h.majorLevel !== null), {
    message: 'a major hazard (重大) needs its level 1–3; a general one has none',
    path: ['majorLevel'],
  });
export type HazardCreateT = z.infer<typeof HazardCreate>;

export const HazardFromCase = z.object({
  caseId: z.uuid(),
  placeId: z.uuid(),
  class: text(50).min(1),
  grade: z.enum(HAZARD_GRADES),
  majorLevel: z.number().int().min(1).max(3).nullable().default(null),
  deadline: z.iso.datetime({ offset: true }).optional(),
  limit: TimeLimitInput.optional(),
});
export type HazardFromCaseT = z.infer<typeof HazardFromCase>;

export const HazardCommandBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assign'), unitId: z.uuid() }),
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('apply'), note: text(2000) }),
  z.object({ type: z.literal('recheck'), passed: z.boolean(), note: text(2000) }),
  z.object({ type: z.literal('close') }),
]);

export const HazardQuery = z.object({
  state: z.enum(HAZARD_STATE_LIST).optional(),
  grade: z.enum(HAZARD_GRADES).optional(),
  placeId: z.uuid().optional(),
  areaCode: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
  ...Paging,
});

export const HazardEvent = z.object({
  seq: z.number(),
  type: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  at: z.string(),
  actorName: z.string(),
  note: z.string().nullable(),
  hash: z.string(),
});

export const Hazard = z.object({
  id: z.string(),
  placeId: z.string(),
  placeName: z.string(),
  /** The place's location (for the map), null when the place has none. */
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  areaCode: z.string(),
  industry: z.string(),
  class: z.string(),
  grade: z.enum(HAZARD_GRADES),
  majorLevel: z.number().nullable(),
  foundBy: z.enum(FOUND_BY),
  description: z.string(),
  photos: z.array(z.string()),
  measures: z.string(),
  responsiblePerson: z.string(),
  deadline: z.string(),
  funds: z.number().nullable(),
  listedLevel: z.enum(LISTED_LEVELS).nullable(),
  state: z.enum(HAZARD_STATE_LIST),
  assignedUnitId: z.string().nullable(),
  caseId: z.string().nullable(),
  escalated: z.boolean(),
  level: z.enum(['ok', 'warning', 'overdue', 'done']),
  rectifiedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  actions: z.array(z.string()),
});
export const HazardDetail = Hazard.extend({ events: z.array(HazardEvent), chainValid: z.boolean() });

// ---------- inspections (双随机、一公开) ----------

export const RosterEntryInput = z.object({
  id: text(40).min(1),
  name: text(50).min(1),
  unit: text(100).min(1),
  conflicts: z.array(z.uuid()).max(100).default([]),
});

export const PlanCreate = z.object({
  title: text(200).min(2),
  areaCode: z.string().regex(/^\d{6,15}$/),
  industries: z.array(text(50).min(1)).max(50).default([]),
  grades: z.array(z.enum(RISK_GRADES)).max(4).default([]),
  excludeInspectedMonths: z.number().int().min(0).max(60).default(0),
  targetCount: z.number().int().min(1).max(10_000),
  differentUnits: z.boolean().default(true),
  roster: z.array(RosterEntryInput).min(1).max(1000),
  /** Published before the draw; generated when absent. */
  seed: text(200).min(8).optional(),
});
export type PlanCreateT = z.infer<typeof PlanCreate>;

export const PlanTarget = z.object({
  id: z.string(),
  position: z.number(),
  placeId: z.string(),
  placeName: z.string(),
  creditCode: z.string().nullable(),
  address: z.string(),
  industry: z.string(),
  stratum: z.string(),
  inspectors: z.array(z.object({ id: z.string(), name: z.string(), unit: z.string() })),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  result: z.enum(INSPECTION_RESULTS).nullable(),
  resultNote: z.string().nullable(),
  inspectedOn: z.string().nullable(),
  /** Photos taken at the target (attachment hashes). */
  photos: z.array(z.string()),
});

/** A target on an inspector's list (the field app): the target with its plan. */
export const InspectorTarget = PlanTarget.extend({ planId: z.string(), planTitle: z.string() });

export const PlanSummary = z.object({
  id: z.string(),
  title: z.string(),
  areaCode: z.string(),
  targetCount: z.number(),
  seed: z.string(),
  drawnAt: z.string().nullable(),
  createdAt: z.string(),
});

export const Plan = PlanSummary.extend({
  filters: z.object({
    industries: z.array(z.string()),
    grades: z.array(z.enum(RISK_GRADES)),
    areaCode: z.string(),
    excludeInspectedMonths: z.number(),
  }),
  differentUnits: z.boolean(),
  algorithm: z.string(),
  roster: z.array(
    z.object({ id: z.string(), name: z.string(), unit: z.string(), conflicts: z.array(z.string()) }),
  ),
  pool: z.array(z.object({ id: z.string(), grade: z.enum(RISK_GRADES) })).nullable(),
  strata: z.array(z.object({ grade: z.enum(RISK_GRADES), size: z.number(), drawn: z.number() })).nullable(),
  targets: z.array(PlanTarget),
});

export const TargetResult = z.object({
  result: z.enum(INSPECTION_RESULTS),
  note: text(2000).default(''),
  inspectedOn: z.iso.date(),
  /** Photos taken at the target (uploaded first through /api/attachments); they go with each finding too. */
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(20)
    .default([]),
  /** Findings: each becomes a hazard of the target's place. */
  findings: z
    .array(
      z.object({
        class: text(50).min(1),
        grade: z.enum(HAZARD_GRADES),
        majorLevel: z.number().int().min(1).max(3).nullable().default(null),
        description: text(2000).min(2),
        limit: TimeLimitInput,
      }),
    )
    .max(50)
    .default([]),
});
export type TargetResultT = z.infer<typeof TargetResult>;

// ---------- indicators ----------

export const IndicatorQuery = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
});
const Counts = z.object({
  found: z.number(),
  rectified: z.number(),
  onTime: z.number(),
  overdue: z.number(),
});
export const Indicators = z.object({
  total: Counts,
  byGrade: z.record(z.string(), Counts),
  byStreet: z.record(z.string(), Counts),
  byIndustry: z.record(z.string(), Counts),
  inspections: z.object({ planned: z.number(), done: z.number() }),
});
export type IndicatorsT = z.infer<typeof Indicators>;
