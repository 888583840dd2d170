/**
 * The case's vocabulary for the closed loop: states, kinds, actors, the snapshot the rules read, the
 * commands and who may give each from which states (RULES). Pure types and tables; `workflow.ts` decides.
 */
import type { Role } from '../../platform/auth/roles.js';
import type { TimeLimit, TimeUnit } from '../../platform/calendar/working-time.js';

export const STATES = [
  'reported', // 上报: waiting to be filed
  'verifying', // 核实中: an inspector is checking on site
  'filed', // 立案: waiting for dispatch (also after a return 退单)
  'dispatched', // 派遣: waiting for the unit to sign
  'handling', // 处置中
  'suspended', // 挂账/缓办: clock paused
  'handled', // 已反馈: waiting for check 核查 and close
  'closed', // 结案
  'rejected', // 不予立案
  'merged', // 合并 into another case
] as const;
export type CaseState = (typeof STATES)[number];
export const FINAL_STATES: readonly CaseState[] = ['closed', 'rejected', 'merged'];
const OPEN: readonly CaseState[] = STATES.filter((s) => !FINAL_STATES.includes(s));

export type CaseKind =
  | 'component'
  | 'event'
  | 'request'
  | 'petition'
  | 'proposal'
  | 'dispute'
  | 'hazard'
  | 'incident';
export type ActorRole = Role | 'public' | 'system';

export interface Actor {
  userId: string | null;
  roles: readonly ActorRole[];
  unitId: string | null;
  /** Area-code prefix; '' = everywhere. */
  scope: string;
}

export type ReturnReason = 'wrong_area' | 'unclear_ownership' | 'overlapping_duty' | 'other';
export type Rating = 'satisfied' | 'basically' | 'unsatisfied';

export interface WhistleUnit {
  unitId: string;
  lead: boolean;
  reportedAt: string | null;
  late: boolean | null;
  rating: number | null;
}

export interface CaseSnapshot {
  id: string;
  kind: CaseKind;
  state: CaseState;
  areaCode: string;
  assignedUnitId: string | null;
  dispatchMode: 'auto' | 'manual' | 'forced' | null;
  /** Due time of the current step (file, sign, handle …); null when no clock runs. */
  dueAt: Date | null;
  /** When the current step's clock started, and in which kind of time it counts (for yellow/red). */
  stepStartedAt: Date | null;
  stepUnit: TimeUnit | null;
  suspendedAt: Date | null;
  checked: boolean;
  reworkCount: number;
  reopenCount: number;
  /** Natural days of extension granted so far (petitions may not exceed 30). */
  extendedDays: number;
  extensionRequested: { limit: TimeLimit; reason: string } | null;
  rating: Rating | null;
  whistle: { reportDueAt: string; units: WhistleUnit[] } | null;
}

export interface CategoryRules {
  kind: CaseKind;
  /** 立案 (for petitions: the decision to accept, 受理告知). */
  fileLimit: TimeLimit;
  signLimit: TimeLimit;
  handleLimit: TimeLimit;
  /** Whether an inspector's check (核查) is needed before close. 12345 requests close on feedback. */
  checkRequired: boolean;
}

export type Command =
  | { type: 'verify_request'; note?: string }
  | { type: 'verify_report'; found: boolean; note: string }
  | { type: 'file'; note?: string }
  | { type: 'reject'; reason: string; publicReply?: string }
  | { type: 'merge'; intoCaseId: string; note?: string }
  | { type: 'dispatch'; unitId: string; mode: 'auto' | 'manual' | 'forced'; note?: string }
  | { type: 'sign'; note?: string }
  | { type: 'return'; reason: ReturnReason; text: string }
  | { type: 'feedback'; note: string; evidence: string[] }
  | { type: 'extend_request'; limit: TimeLimit; reason: string }
  | { type: 'extend_decide'; approve: boolean; note?: string }
  | { type: 'suspend'; reason: string }
  | { type: 'resume'; note?: string }
  | { type: 'check'; pass: boolean; note: string; evidence?: string[] }
  | { type: 'close'; note?: string; answeredOnCall?: boolean; publicReply?: string }
  | { type: 'reopen'; reason: string }
  | { type: 'rate'; rating: Rating; comment?: string }
  | { type: 'urge'; note: string }
  | { type: 'escalate'; note?: string }
  | { type: 'whistle'; unitIds: string[]; leadUnitId: string; reportMinutes?: number; note?: string }
  | { type: 'whistle_report'; person: string; place: string }
  | { type: 'whistle_rate'; ratings: { unitId: string; score: number }[] };
export type CommandType = Command['type'];

interface Rule {
  roles: readonly ActorRole[];
  from: readonly CaseState[];
}

/** Who may give each command, and from which states. The tests iterate over this table. */
export const RULES: Record<CommandType, Rule> = {
  verify_request: { roles: ['shift_lead', 'operator'], from: ['reported'] },
  verify_report: { roles: ['inspector'], from: ['verifying'] },
  file: { roles: ['shift_lead', 'operator'], from: ['reported'] },
  reject: { roles: ['shift_lead'], from: ['reported', 'verifying'] },
  merge: { roles: ['shift_lead', 'operator'], from: ['reported', 'verifying', 'filed'] },
  dispatch: { roles: ['dispatcher'], from: ['filed'] },
  sign: { roles: ['handler'], from: ['dispatched'] },
  return: { roles: ['handler'], from: ['dispatched', 'handling'] },
  feedback: { roles: ['handler'], from: ['handling'] },
  extend_request: { roles: ['handler'], from: ['handling'] },
  extend_decide: { roles: ['shift_lead'], from: ['handling'] },
  suspend: { roles: ['shift_lead'], from: ['handling'] },
  resume: { roles: ['shift_lead'], from: ['suspended'] },
  check: { roles: ['inspector'], from: ['handled'] },
  close: { roles: ['shift_lead', 'operator'], from: ['handled', 'reported', 'filed'] },
  reopen: { roles: ['supervisor', 'public'], from: ['closed'] },
  rate: { roles: ['public', 'operator'], from: ['closed'] },
  urge: { roles: ['supervisor'], from: OPEN },
  escalate: { roles: ['supervisor', 'system'], from: OPEN },
  whistle: { roles: ['dispatcher', 'shift_lead'], from: ['filed', 'dispatched', 'handling'] },
  whistle_report: { roles: ['handler'], from: ['filed', 'dispatched', 'handling', 'handled'] },
  whistle_rate: { roles: ['dispatcher', 'shift_lead'], from: ['closed'] },
};
export const COMMANDS = Object.keys(RULES) as CommandType[];

export const RETURN_REASONS: readonly ReturnReason[] = [
  'wrong_area',
  'unclear_ownership',
  'overlapping_duty',
  'other',
];
/** 信访: a handling extension may not exceed 30 days in total (《信访工作条例》). */
export const PETITION_MAX_EXTENSION_DAYS = 30;
/** A citizen's "unsatisfied" reopens the case at most this many times; after that it is recorded only. */
export const MAX_CITIZEN_REOPENS = 2;

export interface DecideContext {
  now: Date;
  category: CategoryRules;
  addLimit(start: Date, limit: TimeLimit): Date;
}
