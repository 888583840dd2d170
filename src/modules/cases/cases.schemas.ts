/** Zod schemas of the cases module: validation, TypeScript types and the OpenAPI description in one place. */
import { z } from 'zod';
import { Invalid } from '../../platform/errors.js';

export const TIME_UNITS = ['work_hour', 'work_day', 'natural_hour', 'natural_day'] as const;
export const CASE_KINDS = [
  'component',
  'event',
  'request',
  'petition',
  'proposal',
  'dispute',
  'hazard',
  'incident',
] as const;
/** 公开范围: none = not published; status = category and status; text = also the (masked) description. */
export const PUBLICATION_LEVELS = ['none', 'status', 'text'] as const;
export type PublicationLevel = (typeof PUBLICATION_LEVELS)[number];
/** How precisely the public sees a case's point: exact, or the centre of its grid. */
export const POINT_PRECISIONS = ['exact', 'grid'] as const;
export type PointPrecision = (typeof POINT_PRECISIONS)[number];

export const Limit = z.object({ value: z.number().positive().max(10_000), unit: z.enum(TIME_UNITS) });
const text = (max: number) => z.string().trim().max(max);

export const CategoryAttribute = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean(),
  description: text(200).min(1),
  values: z
    .array(z.object({ key: z.string().min(1).max(40), name: text(60).min(1) }))
    .max(50)
    .optional(),
});

export const Category = z.object({
  code: z.string().regex(/^[a-z]+\.\d{4}$/, 'a category code is kind.MMNN, e.g. event.0102'),
  kind: z.enum(CASE_KINDS),
  majorCode: z.string().regex(/^\d{2}$/),
  minorCode: z.string().regex(/^\d{2}$/),
  majorName: text(60).min(1),
  majorNameEn: text(120).default(''),
  name: text(60).min(1),
  nameEn: text(120).default(''),
  filingCriterion: text(1000).default(''),
  closingCriterion: text(1000).default(''),
  fileLimit: Limit,
  signLimit: Limit,
  handleLimit: Limit,
  urgency: z.enum(['normal', 'urgent', 'critical']).default('normal'),
  route: z.enum(['rules', 'street']).default('rules'),
  checkRequired: z.boolean().default(true),
  keywords: text(500).default(''),
  active: z.boolean().default(true),
  /** Extra fields asked at intake (Open311 service attributes). */
  attributes: z.array(CategoryAttribute).max(20).default([]),
  /** 公开范围: what the public sees of its cases (none / status / text); rules in channels/publication.ts. */
  publication: z.enum(PUBLICATION_LEVELS).default('status'),
  /** Hotline (12345) calls of this category are published too (withheld by default). */
  publishHotline: z.boolean().default(false),
  /** Points shown to the public: exact, or snapped to the centre of their grid. */
  pointPrecision: z.enum(POINT_PRECISIONS).default('grid'),
});
export type CategoryT = z.infer<typeof Category>;
/** A shape's fields without their defaults: zod 4 applies a default even inside `.partial()`. */
function withoutDefaults<S extends z.ZodRawShape>(shape: S) {
  return Object.fromEntries(
    Object.entries(shape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s]),
  ) as { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? T : S[K] };
}
/** A PATCH changes only the fields it names (a default would silently reset the others). */
export const CategoryPatch = z
  .object(
    withoutDefaults(
      Category.omit({
        code: true,
        kind: true,
        majorCode: true,
        minorCode: true,
      }).shape,
    ),
  )
  .partial();
export type CategoryPatchT = z.infer<typeof CategoryPatch>;
export const CategoryParams = z.object({ code: z.string().max(40) });

const Lon = z.number().min(-180).max(180);
const Lat = z.number().min(-90).max(90);
const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'an attachment hash from POST /api/attachments');
const Reporter = z.object({
  name: text(60).optional(),
  phone: z
    .string()
    .regex(/^[0-9+\- ]{3,20}$/)
    .optional(),
});

export const CaseCreate = z
  .object({
    categoryCode: z.string().max(40),
    title: text(200).min(2),
    description: text(4000).default(''),
    lon: Lon.optional(),
    lat: Lat.optional(),
    crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
    /** A grid code, when the place is known but not the point. */
    areaCode: z
      .string()
      .regex(/^\d{15}$/)
      .optional(),
    address: text(200).default(''),
    reporter: Reporter.optional(),
    evidence: z.array(Hash).max(9).default([]),
    source: z.enum(['inspector', 'hotline', 'staff', 'portal', 'open311', 'device']).optional(),
    /** Answers to the category's extra fields, by attribute code. */
    attributes: z
      .record(z.string(), z.union([z.string().max(1000), z.array(z.string().max(100)).max(50)]))
      .default({}),
    mediaUrl: z.url().max(1000).optional(),
  })
  .refine((b) => (b.lon !== undefined && b.lat !== undefined) || b.areaCode !== undefined, {
    message: 'Give the place: lon and lat, or a grid areaCode.',
    path: ['lon'],
  });
export type CaseCreateT = z.infer<typeof CaseCreate>;

export const QUEUES = ['mine', 'file', 'verify', 'dispatch', 'inbox', 'check', 'close', 'whistle'] as const;
/** The list's filters, shared by the list, the exports and the bulk selection. */
/** At most this many cases per bulk action or selection (more: 400, nothing done). */
export const BULK_MAX = 1000;
const UUID_RE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const CaseFilter = z.object({
  state: z.string().max(200).optional(), // comma-separated states
  category: z.string().max(40).optional(), // code prefix
  area: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
  /** A unit's id, or `mine`: the caller's own unit (本单位案件). */
  unit: z.union([z.uuid(), z.literal('mine')]).optional(),
  /** `me` (我的案件) or a user's id: the person the case is assigned to (承办人). */
  assignee: z.union([z.literal('me'), z.uuid()]).optional(),
  overdue: z.enum(['1', 'true']).optional(),
  queue: z.enum(QUEUES).optional(),
  q: text(100).optional(),
  /**
   * Only these cases, comma-separated ids (at most 1,000): a selection to export, or the cases behind
   * an evaluation figure.
   */
  ids: z
    .string()
    .max(37 * BULK_MAX)
    .regex(new RegExp(`^${UUID_RE}(,${UUID_RE})*$`), 'comma-separated case ids')
    .optional(),
});
/** What the store filters by: the query's filters, and the chosen case ids as a list. */
export type CaseFilterT = Omit<z.infer<typeof CaseFilter>, 'ids'> & { ids?: readonly string[] };
export const CaseQuery = CaseFilter.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const ExportQuery = CaseFilter;
export type ExportQueryT = z.infer<typeof ExportQuery>;

/** The store filter of a query: its `ids` as a list of distinct ids, at most 1,000. */
export function storeFilter<Q extends { ids?: string | undefined }>(
  q: Q,
): Omit<Q, 'ids'> & { ids?: string[] } {
  const { ids, ...rest } = q;
  if (ids === undefined) return rest;
  const list = [...new Set(ids.toLowerCase().split(','))];
  if (list.length > BULK_MAX)
    throw new Invalid('too_many_cases', `Name at most ${BULK_MAX} cases at a time.`);
  return { ...rest, ids: list };
}
export type CaseQueryT = z.infer<typeof CaseQuery>;

export const DuplicateQuery = z.object({
  category: z.string().max(40),
  lon: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  text: text(4000).default(''),
  radius: z.coerce.number().min(1).max(2000).default(50),
});

const note = text(2000).optional();
const reason = text(2000);
/**
 * 公开答复: a reply written for the public (Open311 status_notes, the portal's timeline). Notes and
 * reasons stay internal; only this is ever published, with personal data masked.
 */
const publicReply = text(2000).optional();
export const Transition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('verify_request'), note }),
  z.object({ type: z.literal('verify_report'), found: z.boolean(), note: reason }),
  z.object({ type: z.literal('file'), note }),
  z.object({ type: z.literal('reject'), reason, publicReply }),
  z.object({ type: z.literal('merge'), intoCaseId: z.uuid(), note }),
  z.object({
    type: z.literal('dispatch'),
    unitId: z.uuid().optional(),
    mode: z.enum(['auto', 'manual', 'forced']),
    note,
  }),
  z.object({ type: z.literal('sign'), note }),
  z.object({
    type: z.literal('return'),
    reason: z.enum(['wrong_area', 'unclear_ownership', 'overlapping_duty', 'other']),
    text: reason,
  }),
  z.object({ type: z.literal('feedback'), note: reason, evidence: z.array(Hash).max(9) }),
  z.object({ type: z.literal('extend_request'), limit: Limit, reason }),
  z.object({ type: z.literal('extend_decide'), approve: z.boolean(), note }),
  z.object({ type: z.literal('suspend'), reason }),
  z.object({ type: z.literal('resume'), note }),
  z.object({
    type: z.literal('check'),
    pass: z.boolean(),
    note: reason,
    evidence: z.array(Hash).max(9).optional(),
  }),
  z.object({ type: z.literal('close'), note, answeredOnCall: z.boolean().optional(), publicReply }),
  z.object({ type: z.literal('reopen'), reason }),
  z.object({
    type: z.literal('rate'),
    rating: z.enum(['satisfied', 'basically', 'unsatisfied']),
    comment: note,
  }),
  z.object({ type: z.literal('urge'), note: reason }),
  z.object({ type: z.literal('escalate'), note }),
  z.object({
    type: z.literal('whistle'),
    unitIds: z.array(z.uuid()).min(1).max(20),
    leadUnitId: z.uuid(),
    reportMinutes: z.number().int().min(1).max(1440).optional(),
    note,
  }),
  z.object({ type: z.literal('whistle_report'), person: text(60), place: text(200) }),
  z.object({
    type: z.literal('whistle_rate'),
    ratings: z
      .array(z.object({ unitId: z.uuid(), score: z.number().int().min(1).max(5) }))
      .min(1)
      .max(20),
  }),
]);
export type TransitionT = z.infer<typeof Transition>;
export const TransitionBody = z.intersection(
  z.object({ version: z.number().int().min(1), lon: Lon.optional(), lat: Lat.optional() }),
  Transition,
);

export const IdParams = z.object({ id: z.uuid() });
/** A case by its id or by its public number (people read numbers over the phone). */
export const IdOrNumberParams = z.object({ id: z.union([z.uuid(), z.string().regex(/^\d{8,30}$/)]) });
export const IdempotencyHeaders = z.object({ 'idempotency-key': z.string().min(8).max(100).optional() });

const Iso = z.string();
export const CaseSummary = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string(),
  categoryCode: z.string(),
  categoryName: z.string(),
  state: z.string(),
  version: z.number(),
  title: z.string(),
  address: z.string(),
  areaCode: z.string(),
  areaName: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  assignedUnitId: z.string().nullable(),
  assignedUnitName: z.string().nullable(),
  /** 承办人: the member of the unit the case is assigned to, if any. */
  assignedUserId: z.string().nullable(),
  assignedUserName: z.string().nullable(),
  dueAt: Iso.nullable(),
  deadline: z.enum(['none', 'green', 'yellow', 'red']),
  /** The due time counts working days past the last date whose holidays are known (暂定): it may move. */
  deadlineProvisional: z.boolean(),
  urgency: z.string(),
  createdAt: Iso,
  whistle: z.unknown(),
});
export const CaseList = z.object({ total: z.number(), items: z.array(CaseSummary) });

export const CaseEvent = z.object({
  seq: z.number(),
  type: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  at: Iso,
  actorName: z.string(),
  actorRole: z.string(),
  actorUnitName: z.string().nullable(),
  note: z.string().nullable(),
  evidence: z.array(z.string()),
  payload: z.record(z.string(), z.unknown()),
  hash: z.string(),
});

export const CaseDetail = CaseSummary.extend({
  trackingCode: z.string(),
  description: z.string(),
  source: z.string(),
  suggestedUnitId: z.string().nullable(),
  suggestedUnitName: z.string().nullable(),
  dispatchMode: z.string().nullable(),
  stepStartedAt: Iso.nullable(),
  checked: z.boolean(),
  reworkCount: z.number(),
  reopenCount: z.number(),
  extensionRequested: z.unknown(),
  rating: z.string().nullable(),
  whistle: z.unknown(),
  mergedInto: z.string().nullable(),
  merged: z.array(z.object({ id: z.string(), number: z.string(), title: z.string() })),
  /** Masked (138****1234); `GET /api/cases/:id/reporter` gives it in clear to who needs it. */
  reporter: z.object({ name: z.string().optional(), phone: z.string().optional() }).nullable(),
  reporterHidden: z.boolean(),
  /** Whether the caller may ask for the reporter in clear (audited). */
  reporterRevealable: z.boolean(),
  category: Category,
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  mediaUrl: z.string().nullable(),
  events: z.array(CaseEvent),
  actions: z.array(z.string()),
  chainValid: z.boolean(),
});

export const Duplicate = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  state: z.string(),
  distanceM: z.number().nullable(),
  similarity: z.number(),
});

export const SavedView = z.object({
  id: z.string(),
  name: text(60).min(1),
  filters: z.record(z.string(), z.string()),
});
export const SavedViewCreate = SavedView.omit({ id: true });

export const RevealedReporter = z.object({
  reporter: z
    .object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional() })
    .nullable(),
});

/** 分派到人: give the case to a member of its unit (`userId`), or take it back (`null`). */
export const AssignBody = z.object({
  userId: z.uuid().nullable(),
  version: z.number().int().min(1),
  note: text(2000).optional(),
});
export type AssignBodyT = z.infer<typeof AssignBody>;

/** A member of the case's unit with their workload: open cases assigned to them, and overdue among those. */
export const Assignee = z.object({
  id: z.string(),
  displayName: z.string(),
  unitHead: z.boolean(),
  handler: z.boolean(),
  open: z.number(),
  overdue: z.number(),
});
export const Assignees = z.object({
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  /** Whether the caller may assign this case now. */
  canAssign: z.boolean(),
  assignedUserId: z.string().nullable(),
  members: z.array(Assignee),
});

export const BULK_ACTIONS = ['sign', 'dispatch', 'urge', 'assign'] as const;
/** One action over a selection, applied case by case through the same rules (each in its own transaction). */
export const BulkBody = z.object({
  action: z.enum(BULK_ACTIONS),
  ids: z.array(z.uuid()).min(1).max(BULK_MAX),
  note: text(2000).optional(),
  /** dispatch: the unit (manual), or none with mode auto (each case's suggested unit). */
  unitId: z.uuid().optional(),
  mode: z.enum(['auto', 'manual', 'forced']).optional(),
  /** assign: the member, or null to take the cases back. */
  userId: z.uuid().nullable().optional(),
});
export type BulkBodyT = z.infer<typeof BulkBody>;
export const BulkOutcome = z.object({
  id: z.string(),
  ok: z.boolean(),
  version: z.number().optional(),
  state: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export const BulkResult = z.object({
  succeeded: z.number(),
  refused: z.number(),
  results: z.array(BulkOutcome),
});
export type BulkResultT = z.infer<typeof BulkResult>;

// ---- routing 分拨建议 ----
export const SuggestBody = z.object({
  subject: text(200).optional(),
  text: text(5000),
  /** The place's area code (a grid), when known: the responsible unit is looked up there. */
  areaCode: z.string().max(40).optional(),
  channel: z.enum(['hotline', 'staff']).default('staff'),
});
export const PublicSuggestBody = z.object({ subject: text(200).optional(), text: text(5000) });
export const RoutedSuggestion = z.object({
  categoryCode: z.string(),
  name: z.string(),
  majorName: z.string(),
  /** Calibrated probability (0–1) that this is the category the district would file it under. */
  confidence: z.number(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
});
export const SuggestResult = z.object({
  suggestionId: z.number(),
  suggestions: z.array(RoutedSuggestion),
  /** Why there is no suggestion (empty, too_short, no_words, other_language, single_label) or why to doubt it (unfamiliar_text). */
  reason: z.string().nullable(),
  modelId: z.number().nullable(),
  modelSource: z.enum(['catalogue', 'cases']).nullable(),
});
export const PublicSuggestion = z.object({
  categoryCode: z.string(),
  name: z.string(),
  majorName: z.string(),
  confidence: z.number(),
});
export const PublicSuggestResult = z.object({
  suggestionId: z.number(),
  suggestions: z.array(PublicSuggestion),
  reason: z.string().nullable(),
});
export const SuggestionChoice = z.object({ categoryCode: z.string().max(40), caseId: z.uuid().optional() });
export const RoutingModelInfo = z.object({
  id: z.number(),
  createdAt: z.string(),
  source: z.enum(['catalogue', 'cases']),
  status: z.enum(['active', 'rejected', 'retired']),
  trainedOn: z.number(),
  closedCases: z.number(),
  heldOut: z.number(),
  top1: z.number().nullable(),
  previousTop1: z.number().nullable(),
  reason: z.string(),
});
export const RoutingMonth = z.object({
  month: z.string(),
  suggestions: z.number(),
  chosen: z.number(),
  accepted: z.number(),
  /** accepted / chosen, null when nothing was chosen. */
  firstTakenRate: z.number().nullable(),
  casesWithSuggestion: z.number(),
  returnedWithSuggestion: z.number(),
  casesWithout: z.number(),
  returnedWithout: z.number(),
});
