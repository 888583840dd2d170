/** Zod schemas of the emergency module (应急指挥): validation, types and the OpenAPI description. */
import { z } from 'zod';
import { ALARM_GROUPS } from './alarm-rules.js';
import { COLOURS, INCIDENT_TYPES } from './incident-rules.js';
import { DUTY_ROLES } from './roster.js';

const text = (max: number) => z.string().trim().max(max);
const Level = z.number().int().min(1).max(4).describe('1 = Ⅰ级 特别重大 … 4 = Ⅳ级 一般');
const Code = z.string().regex(/^\d{6,15}$/);
const GridCode = z.string().regex(/^\d{15}$/);

export const IdParams = z.object({ id: z.uuid() });

/** 指挥体系: 总指挥 commander, 现场指挥 on-site commander, 联络员 liaison (names as written). */
export const CommandRoles = z.object({
  commander: text(50).min(1).nullable().optional(),
  onSite: text(50).min(1).nullable().optional(),
  liaison: text(50).min(1).nullable().optional(),
});

export const IncidentCreate = z
  .object({
    title: text(200).min(2),
    type: z.enum(INCIDENT_TYPES),
    subtype: text(40).min(1),
    level: Level,
    colour: z.enum(COLOURS).optional().describe('预警颜色; by default the level’s (Ⅰ红 Ⅱ橙 Ⅲ黄 Ⅳ蓝)'),
    /** The place: a point (located to its grid), or an area code when the place is an area. */
    lon: z.number().finite().optional(),
    lat: z.number().finite().optional(),
    areaCode: Code.optional(),
    affectedGrids: z.array(GridCode).max(200).default([]),
    reporter: text(100).min(1).optional().describe('by default the caller’s name'),
    unitId: z.uuid().optional().describe('the commanding unit; by default the caller’s'),
    command: CommandRoles.default({}),
    description: text(5000).default(''),
  })
  .refine((b) => (b.lon !== undefined && b.lat !== undefined) || b.areaCode !== undefined, {
    message: 'give the place as lon and lat, or as areaCode',
  });
export type IncidentCreateT = z.infer<typeof IncidentCreate>;

export const LevelChange = z.object({ level: Level, note: text(2000).min(1) });
export const CommandChange = CommandRoles;
export const IncidentNote = z.object({ note: text(2000).min(1) });
export const IncidentClose = z.object({ summary: text(5000).min(2) });
export const CaseLink = z.object({ caseId: z.uuid() });
export const IncidentQuery = z.object({ status: z.enum(['open', 'closed']).optional() });

export const IncidentSummary = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  type: z.enum(INCIDENT_TYPES),
  subtype: z.string(),
  level: z.number(),
  colour: z.enum(COLOURS),
  status: z.enum(['open', 'closed']),
  areaCode: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  createdAt: z.string(),
  version: z.number(),
});

export const IncidentEvent = z.object({
  seq: z.number(),
  type: z.string(),
  at: z.string(),
  actorName: z.string(),
  note: z.string().nullable(),
  payload: z.unknown(),
  hash: z.string(),
});

export const ActionTask = z.object({
  id: z.string(),
  activationId: z.string(),
  stepNo: z.number(),
  title: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  dueAt: z.string(),
  resources: z.array(z.object({ name: z.string(), quantity: z.number() })),
  doneAt: z.string().nullable(),
  overdue: z.boolean(),
});

export const Activation = z.object({
  id: z.string(),
  planId: z.string(),
  planCode: z.string(),
  planVersion: z.number(),
  planName: z.string(),
  status: z.enum(['active', 'done']),
  activatedAt: z.string(),
});

export const Dispatch = z.object({
  id: z.string(),
  resourceId: z.string(),
  name: z.string(),
  kind: z.string(),
  category: z.string(),
  measure: z.string(),
  quantity: z.number(),
  dispatchedAt: z.string(),
  returnedAt: z.string().nullable(),
});

export const IncidentDetail = IncidentSummary.extend({
  affectedGrids: z.array(z.string()),
  reporter: z.string(),
  unitId: z.string(),
  command: z.object({
    commander: z.string().nullable(),
    onSite: z.string().nullable(),
    liaison: z.string().nullable(),
  }),
  description: z.string(),
  publicNotice: z.string().nullable(),
  summary: z.string().nullable(),
  closedAt: z.string().nullable(),
  events: z.array(IncidentEvent),
  cases: z.array(z.object({ id: z.string(), number: z.string(), title: z.string(), state: z.string() })),
  activations: z.array(Activation),
  tasks: z.array(ActionTask),
  dispatches: z.array(Dispatch),
  chainOk: z.boolean(),
});

// ---- plans (预案) ----

export const PlanStep = z.object({
  title: text(200).min(1),
  unitId: z.uuid(),
  dueMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .describe('minutes after activation (clock time)'),
  resources: z
    .array(z.object({ name: text(100).min(1), quantity: z.number().int().min(1).max(1_000_000) }))
    .max(50)
    .default([]),
});

export const PlanCreate = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{2,40}$/),
  name: text(200).min(2),
  areaCode: z
    .string()
    .regex(/^(\d{6}|\d{9}|\d{12})$/)
    .describe('district, street or community'),
  type: z.enum(INCIDENT_TYPES),
  level: Level,
  steps: z.array(PlanStep).min(1).max(100),
});
export type PlanCreateT = z.infer<typeof PlanCreate>;
export const PlanRevise = PlanCreate.omit({ code: true });

export const Plan = z.object({
  id: z.string(),
  code: z.string(),
  version: z.number(),
  name: z.string(),
  areaCode: z.string(),
  tier: z.enum(['district', 'street', 'community']),
  type: z.enum(INCIDENT_TYPES),
  level: z.number(),
  steps: z.array(
    z.object({
      title: z.string(),
      unitId: z.string(),
      dueMinutes: z.number(),
      resources: z.array(z.object({ name: z.string(), quantity: z.number() })),
    }),
  ),
  createdAt: z.string(),
});
export const PlanCodeParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{2,40}$/) });
export const ActivateBody = z.object({ planId: z.uuid() });

// ---- resources (应急资源) ----

export const RESOURCE_KINDS = ['stockpile', 'team', 'shelter'] as const;
export const ResourceCreate = z.object({
  kind: z
    .enum(RESOURCE_KINDS)
    .describe('stockpile 物资 (quantity in stock), team 队伍 (size), shelter 避难场所 (capacity)'),
  name: text(200).min(2),
  category: text(50).min(1).describe('what it is: 抽水泵, 沙袋, 消防救援队 …'),
  quantity: z.number().int().min(1).max(10_000_000),
  measure: text(10).default(''),
  skills: z.array(text(30).min(1)).max(20).default([]),
  lon: z.number().finite(),
  lat: z.number().finite(),
});
export type ResourceCreateT = z.infer<typeof ResourceCreate>;
export const Resource = z.object({
  id: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  name: z.string(),
  category: z.string(),
  quantity: z.number(),
  available: z.number(),
  measure: z.string(),
  skills: z.array(z.string()),
  lon: z.number(),
  lat: z.number(),
  areaCode: z.string(),
});
export const ResourceQuery = z.object({ kind: z.enum(RESOURCE_KINDS).optional() });
export const NearestQuery = z.object({
  lon: z.coerce.number().finite(),
  lat: z.coerce.number().finite(),
  kind: z.enum(RESOURCE_KINDS).optional(),
  category: z.string().trim().min(1).max(50).optional(),
  quantity: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe('at least this much available'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type NearestQueryT = z.infer<typeof NearestQuery>;
export const NearestResource = Resource.extend({ distanceMetres: z.number() });
export const DispatchBody = z.object({
  resourceId: z.uuid(),
  quantity: z.number().int().min(1).max(10_000_000),
});

// ---- duty roster (值班表) ----

const Instant = z.iso.datetime({ offset: true });
export const ShiftCreate = z.object({
  unitId: z.uuid(),
  userId: z.uuid().describe('an active member of the unit'),
  role: z.enum(DUTY_ROLES).describe('leader 带班领导, officer 值班员, liaison 联络员'),
  startsAt: Instant,
  endsAt: Instant,
  phone: z
    .string()
    .trim()
    .regex(/^(\+?\d[\d-]{4,19})?$/)
    .default('')
    .describe('值班电话: where the SMS alerts go'),
});
export type ShiftCreateT = z.infer<typeof ShiftCreate>;
export const RosterQuery = z.object({
  from: Instant,
  to: Instant,
  unitId: z.uuid().optional(),
});
export const OnDutyQuery = z.object({ unitId: z.uuid().optional() });
export const HandoverBody = z.object({
  note: text(2000).min(1).describe('交班记录: what the next shift must know'),
});
export const Shift = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  userId: z.string(),
  userName: z.string(),
  role: z.enum(DUTY_ROLES),
  startsAt: z.string(),
  endsAt: z.string(),
  phone: z.string(),
  onDuty: z.boolean(),
  handover: z
    .object({ note: z.string(), at: z.string(), toShiftId: z.string().nullable(), byName: z.string() })
    .nullable(),
});

// ---- alarms (报警) and their rules ----

export const AlarmRuleCreate = z.object({
  name: text(100).min(2),
  deviceType: z.string().regex(/^[a-z_]{2,40}$/),
  alarmType: z.string().regex(/^[a-z_]{2,40}$/),
  groupBy: z.enum(ALARM_GROUPS).default('building').describe('what alarms are counted together in'),
  threshold: z
    .number()
    .int()
    .min(1)
    .max(100)
    .describe('alarms of the group within the window that open an incident'),
  windowMinutes: z.number().int().min(1).max(1440),
  highRiseOnly: z.boolean().default(false).describe('only devices installed in high-rises (高层)'),
  incidentType: z.enum(INCIDENT_TYPES),
  incidentSubtype: text(40).min(1),
  level: Level,
  unitId: z.uuid().nullable().optional().describe('the commanding unit; by default the device account’s'),
});
export type AlarmRuleCreateT = z.infer<typeof AlarmRuleCreate>;
export const AlarmRuleT = z.object({
  id: z.string(),
  name: z.string(),
  deviceType: z.string(),
  alarmType: z.string(),
  groupBy: z.enum(ALARM_GROUPS),
  threshold: z.number(),
  windowMinutes: z.number(),
  highRiseOnly: z.boolean(),
  incidentType: z.enum(INCIDENT_TYPES),
  incidentSubtype: z.string(),
  level: z.number(),
  unitId: z.string().nullable(),
  active: z.boolean(),
});
export const RuleActive = z.object({ active: z.boolean() });
export const ALARM_STATUSES = [
  'incident',
  'to_check',
  'confirmed',
  'false_alarm',
  'no_rule',
  'case',
] as const;
export const AlarmQuery = z.object({ status: z.enum(ALARM_STATUSES).optional() });
export const EmergencyAlarm = z.object({
  id: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  deviceType: z.string(),
  alarmType: z.string(),
  building: z.string(),
  areaCode: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  highRise: z.boolean(),
  time: z.string().nullable(),
  value: z.number().nullable(),
  note: z.string().nullable(),
  receivedAt: z.string(),
  status: z.enum(ALARM_STATUSES),
  incidentId: z.string().nullable(),
  caseId: z.string().nullable().describe('an alarm of the old path: the case it became'),
  checkedAt: z.string().nullable(),
});
export const AlarmCheck = z.object({
  outcome: z.enum(['confirmed', 'false_alarm']).describe('核查属实 opens an incident; 误报 closes the alarm'),
  note: text(2000).min(1),
});
/** The field app's outbox sends each check with its own key: a resend answers the first result. */
export const AlarmCheckHeaders = z.object({ 'idempotency-key': z.string().min(8).max(100).optional() });

// ---- public notices (信息发布) ----

export const PublishBody = z.object({
  notice: text(2000).min(2).nullable().describe('what the public reads; null withdraws the notice'),
});
export const PublicNotice = z.object({
  number: z.string(),
  title: z.string(),
  type: z.enum(INCIDENT_TYPES),
  subtype: z.string(),
  level: z.number(),
  colour: z.enum(COLOURS),
  status: z.enum(['open', 'closed']),
  notice: z.string(),
  publishedAt: z.string(),
  closedAt: z.string().nullable(),
});
