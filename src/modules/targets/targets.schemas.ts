/** Zod schemas of the targets module (督查督办): validation, types and the OpenAPI description. */
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);
const Day = z.iso.date();
export const DOCUMENT_KINDS = [
  'work_report',
  'five_year_plan',
  'people_projects',
  'instruction',
  'proposal',
] as const;
/** Texts longer than this are refused (a work report is 10–60 thousand characters). */
export const MAX_DOCUMENT_CHARS = 500_000;

export const DocumentCreate = z.object({
  kind: z.enum(DOCUMENT_KINDS).default('work_report'),
  title: text(200).min(2),
  year: z.number().int().min(2000).max(2100),
  text: z.string().max(MAX_DOCUMENT_CHARS, `at most ${MAX_DOCUMENT_CHARS} characters`),
  reportDay: z.number().int().min(1).max(28).default(28),
});
export type DocumentCreateT = z.infer<typeof DocumentCreate>;

export const TargetItem = z.object({
  id: z.string(),
  status: z.enum(['proposed', 'accepted', 'dropped']),
  kind: z.enum(['target', 'result']),
  section: z.string(),
  indicator: z.string(),
  measure: z.string().nullable(),
  value: z.number(),
  valueMax: z.number().nullable(),
  unit: z.string(),
  period: z.string().nullable(),
  quote: z.string(),
  start: z.number(),
  end: z.number(),
  /** The sentence the item stands in (from the document's text). */
  sentence: z.string(),
  /** The extractor's rules that produced it (`kind:… indicator:… measure:…`), `manual` when added by hand. */
  rule: z.string(),
  /** A reviewer changed what the extractor proposed (or added the item by hand). */
  corrected: z.boolean(),
});
/** An item a reviewer adds by hand: the character range of its quote in the document and its fields. */
export const ItemCreate = z
  .object({
    start: z.number().int().min(0),
    end: z.number().int().min(1),
    kind: z.enum(['target', 'result']),
    indicator: text(100).min(1),
    measure: text(20).nullable().default(null),
    value: z.number().finite(),
    valueMax: z.number().finite().nullable().default(null),
    unit: text(20),
    period: text(20).nullable().default(null),
  })
  .refine((v) => v.end > v.start && v.end - v.start <= 300, {
    message: 'the quote is start..end, at most 300 characters',
    path: ['end'],
  });
export type ItemCreateT = z.infer<typeof ItemCreate>;
/** The reviewed items as labelled data (eval schema); `doc` names the document in the rows. */
export const LabelsQuery = z.object({
  doc: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,40}$/)
    .optional(),
});
export const TargetPatch = z.object({
  status: z.enum(['proposed', 'accepted', 'dropped']).optional(),
  kind: z.enum(['target', 'result']).optional(),
  indicator: text(100).min(1).optional(),
  measure: text(20).nullable().optional(),
  value: z.number().finite().optional(),
  valueMax: z.number().finite().nullable().optional(),
  unit: text(20).min(1, 'a number needs its unit').optional(),
  period: text(20).nullable().optional(),
});

export const DocumentSummary = z.object({
  id: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  title: z.string(),
  year: z.number(),
  areaCode: z.string(),
  reportDay: z.number(),
  closed: z.boolean(),
  createdAt: z.string(),
  items: z.number(),
  accepted: z.number(),
});
export const DocumentDetail = DocumentSummary.extend({ text: z.string(), targets: z.array(TargetItem) });

export const Milestone = z.object({ due: Day, progress: z.number().int().min(0).max(100) });
export const TaskCreate = z
  .object({
    documentId: z.uuid(),
    title: text(200).min(2),
    targetIds: z.array(z.uuid()).max(50).default([]),
    leadUnitId: z.uuid(),
    coUnitIds: z.array(z.uuid()).max(20).default([]),
    leader: text(60).default(''),
    startsOn: Day,
    deadline: Day,
    milestones: z.array(Milestone).max(24).default([]),
  })
  .refine((t) => t.deadline >= t.startsOn, {
    message: 'the deadline is before the start',
    path: ['deadline'],
  })
  .refine((t) => t.milestones.every((m) => m.due >= t.startsOn && m.due <= t.deadline), {
    message: 'milestones must fall between the start and the deadline',
    path: ['milestones'],
  });
export type TaskCreateT = z.infer<typeof TaskCreate>;

export const ProgressCreate = z.object({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM'),
  progress: z.number().int().min(0).max(100),
  actualValue: z.number().finite().nullable().default(null),
  narrative: text(4000).min(2),
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(9)
    .default([]),
});
export type ProgressCreateT = z.infer<typeof ProgressCreate>;

export const Task = z.object({
  id: z.string(),
  documentId: z.string(),
  title: z.string(),
  targetIds: z.array(z.string()),
  leadUnitId: z.string(),
  leadUnitName: z.string(),
  coUnitIds: z.array(z.string()),
  leader: z.string(),
  startsOn: z.string(),
  deadline: z.string(),
  milestones: z.array(Milestone),
  section: z.string(),
  status: z.enum(['green', 'yellow', 'red']),
  reason: z.string(),
  planned: z.number(),
  actual: z.number(),
  reportLate: z.boolean(),
  /** Monthly reports missed in a row (1 → yellow, 2 → red). */
  missedReports: z.number().int(),
  reports: z.array(
    z.object({
      period: z.string(),
      progress: z.number(),
      actualValue: z.number().nullable(),
      narrative: z.string(),
      unitName: z.string(),
      createdAt: z.string(),
    }),
  ),
  urgings: z.array(
    z.object({ id: z.string(), notice: z.string(), createdAt: z.string(), response: z.string().nullable() }),
  ),
});

const Rollup = z.object({
  name: z.string(),
  status: z.enum(['green', 'yellow', 'red']),
  green: z.number(),
  yellow: z.number(),
  red: z.number(),
});
export const Board = z.object({
  today: z.string(),
  tasks: z.array(Task),
  byUnit: z.array(
    Rollup.extend({
      /** Monthly reports due so far on the tasks it leads, and those filed by their deadline. */
      dueReports: z.number().int(),
      onTime: z.number().int(),
      /** 按时报送率: onTime / dueReports, null while nothing was due. */
      onTimeRate: z.number().nullable(),
      /** Quality flag: reports claiming 100% with no evidence attached. */
      unevidencedDone: z.number().int(),
    }),
  ),
  bySection: z.array(Rollup),
});

export const AccountRow = z.object({
  targetId: z.string(),
  section: z.string(),
  indicator: z.string(),
  measure: z.string().nullable(),
  value: z.number(),
  valueMax: z.number().nullable(),
  unit: z.string(),
  quote: z.string(),
  outcome: z.number().nullable(),
  met: z.boolean().nullable(),
  tasks: z.number(),
});

export const IdParams = z.object({ id: z.uuid() });
export const DocumentQuery = z.object({ documentId: z.uuid().optional() });

export type TargetPatchT = z.infer<typeof TargetPatch>;
/** A document from pasted text; a supervisor of a wider scope names the district it belongs to. */
export const DocumentCreateBody = DocumentCreate.extend({
  areaCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
});
export const AcceptedCount = z.object({ accepted: z.number() });
export const Created = z.object({ id: z.string() });
export const UrgeBody = z.object({ notice: z.string().trim().min(2).max(2000) });
export const UrgingResponseBody = z.object({ response: z.string().trim().min(2).max(2000) });

/** 公开结果 (public results): what citizens see of a report — no notes, narratives, urgings or people. */
export const PublicTarget = z.object({
  indicator: z.string(),
  measure: z.string().nullable(),
  value: z.number(),
  valueMax: z.number().nullable(),
  unit: z.string(),
  period: z.string().nullable(),
  section: z.string(),
  quote: z.string(),
  leadUnits: z.array(z.string()),
  /** not_started: no task yet; done: a task reported 100%; else the worst light of its tasks. */
  status: z.enum(['not_started', 'green', 'yellow', 'red', 'done']),
  progress: z.number().nullable(),
});
export const PublicResults = z.array(
  z.object({
    id: z.string(),
    title: z.string(),
    year: z.number(),
    areaCode: z.string(),
    targets: z.array(PublicTarget),
  }),
);

// ---------- five-year plans (规划年度监测) ----------

export const PLAN_SOURCES = ['statistical_bulletin', 'department'] as const;

/** A five-year plan from text: its indicator table and its prose targets. */
export const PlanCreate = z.object({
  title: text(200).min(2),
  text: z.string().max(MAX_DOCUMENT_CHARS, `at most ${MAX_DOCUMENT_CHARS} characters`),
  /** Used when the table's header says only 基期/目标 without years. */
  baseYear: z.number().int().min(2000).max(2100).optional(),
  targetYear: z.number().int().min(2000).max(2100).optional(),
  areaCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
});
export type PlanCreateT = z.infer<typeof PlanCreate>;

export const PlanActual = z.object({
  year: z.number(),
  value: z.number(),
  source: z.enum(PLAN_SOURCES),
  sourceNote: z.string(),
  recordedAt: z.string(),
});
export const PlanIndicatorReview = z.object({
  id: z.string(),
  position: z.number(),
  name: z.string(),
  unit: z.string(),
  /** 约束性 (true) or 预期性 (false). */
  binding: z.boolean(),
  baseYear: z.number(),
  baseValue: z.number().nullable(),
  targetYear: z.number(),
  targetValue: z.number(),
  actuals: z.array(PlanActual),
  /** The latest actual at or before the review year, read against the straight path. */
  latest: z
    .object({
      year: z.number(),
      value: z.number(),
      expected: z.number(),
      gap: z.number(),
      status: z.enum(['met', 'ahead', 'on_path', 'behind']),
    })
    .nullable(),
});
/** 中期评估: every indicator of a plan in a review year. */
export const PlanReview = z.object({
  document: DocumentSummary,
  year: z.number(),
  /** Prose targets of the plan (items of its document). */
  proseTargets: z.number(),
  indicators: z.array(PlanIndicatorReview),
});
export const PlanReviewQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const PlanActualParams = z.object({ id: z.uuid(), year: z.coerce.number().int().min(2000).max(2100) });
export const PlanActualBody = z.object({
  value: z.number().finite(),
  source: z.enum(PLAN_SOURCES),
  sourceNote: text(500).default(''),
});
