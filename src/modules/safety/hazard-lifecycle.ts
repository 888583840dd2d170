/**
 * The hazard (隐患) lifecycle as a pure state machine: registered (登记) → assigned (交办) → rectifying
 * (整改中) → applied for closing (申请销号) → re-checked (复查) → closed (销号). A failed re-check sends the
 * hazard back to rectifying; closing is only possible after a passed re-check. Also the deadline
 * warning level (预警) and whether a rectification was on time. No I/O: `now` is an argument.
 */
import type { HazardState } from '../../platform/db/schema.js';

export type { HazardState };
export const HAZARD_STATES: readonly HazardState[] = [
  'registered',
  'assigned',
  'rectifying',
  'applied',
  'rechecked',
  'closed',
];

export type HazardCommand =
  | { type: 'assign'; unitId: string }
  | { type: 'start' }
  | { type: 'apply'; note: string }
  | { type: 'recheck'; passed: boolean; note: string }
  | { type: 'close' };
export type HazardCommandType = HazardCommand['type'];
export const HAZARD_COMMANDS: readonly HazardCommandType[] = ['assign', 'start', 'apply', 'recheck', 'close'];

export type HazardDecision =
  | { ok: true; to: HazardState; patch: { assignedUnitId?: string; rectified?: boolean; closed?: boolean } }
  | { ok: false; code: 'wrong_state' | 'not_rechecked' | 'invalid'; message: string };

const wrong = (state: HazardState, type: HazardCommandType): HazardDecision => ({
  ok: false,
  code: 'wrong_state',
  message: `A hazard that is ${state} cannot be ${type === 'apply' ? 'applied for closing' : `${type}ed`}.`,
});

/** Which state each command starts from. */
function from(type: HazardCommandType): HazardState {
  switch (type) {
    case 'assign':
      return 'registered';
    case 'start':
      return 'assigned';
    case 'apply':
      return 'rectifying';
    case 'recheck':
      return 'applied';
    case 'close':
      return 'rechecked';
    default: {
      const never: never = type;
      throw new Error(`unknown command ${String(never)}`);
    }
  }
}

/** Decides one command on a hazard in `state`. */
export function decideHazard(state: HazardState, cmd: HazardCommand): HazardDecision {
  if (state !== from(cmd.type)) {
    if (cmd.type === 'close' && state !== 'closed')
      return {
        ok: false,
        code: 'not_rechecked',
        message: 'A hazard is closed (销号) only after a passed re-check.',
      };
    return wrong(state, cmd.type);
  }
  switch (cmd.type) {
    case 'assign':
      if (!cmd.unitId) return { ok: false, code: 'invalid', message: 'Say which unit rectifies the hazard.' };
      return { ok: true, to: 'assigned', patch: { assignedUnitId: cmd.unitId } };
    case 'start':
      return { ok: true, to: 'rectifying', patch: {} };
    case 'apply':
      if (!cmd.note.trim())
        return {
          ok: false,
          code: 'invalid',
          message: 'Describe what was rectified when applying for closing.',
        };
      return { ok: true, to: 'applied', patch: { rectified: true } };
    case 'recheck':
      if (!cmd.note.trim()) return { ok: false, code: 'invalid', message: 'A re-check needs its finding.' };
      return cmd.passed
        ? { ok: true, to: 'rechecked', patch: {} }
        : { ok: true, to: 'rectifying', patch: { rectified: false } };
    case 'close':
      return { ok: true, to: 'closed', patch: { closed: true } };
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** The commands a hazard in `state` offers now (what the UI shows as buttons). */
export function hazardActions(state: HazardState): HazardCommandType[] {
  return HAZARD_COMMANDS.filter((t) => from(t) === state);
}

/** 预警 level of an open hazard: ok, warning (≥ 80% of its time used), overdue (past its deadline). */
export type DeadlineLevel = 'ok' | 'warning' | 'overdue' | 'done';
export const WARNING_FRACTION = 0.8;

/**
 * The warning level at `now`. A hazard whose rectification was applied for (or is closed) no longer runs
 * against its deadline: `done`. `fraction` is the share of the (working) time used, computed by the caller
 * with the calendar.
 */
export function deadlineLevel(
  h: { state: HazardState; deadline: Date; rectifiedAt: Date | null },
  now: Date,
  fraction: number,
): DeadlineLevel {
  if (h.rectifiedAt !== null && (h.state === 'applied' || h.state === 'rechecked' || h.state === 'closed'))
    return 'done';
  if (now.getTime() > h.deadline.getTime()) return 'overdue';
  return fraction >= WARNING_FRACTION ? 'warning' : 'ok';
}

/** 按期整改: rectified (applied for closing, later closed) no later than the deadline. */
export function rectifiedOnTime(h: { deadline: Date; rectifiedAt: Date | null }): boolean {
  return h.rectifiedAt !== null && h.rectifiedAt.getTime() <= h.deadline.getTime();
}

/** Whether a deadline can be set at `now`: strictly in the future. */
export function deadlineAcceptable(deadline: Date, now: Date): boolean {
  return Number.isFinite(deadline.getTime()) && deadline.getTime() > now.getTime();
}

/** Whether a hazard escalates by itself when registered: every 重大 hazard does. */
export function escalatesOnRegistration(grade: 'general' | 'major'): boolean {
  return grade === 'major';
}

/**
 * Whether a case's category is a safety matter that may be turned into a hazard: its name (or its
 * major class's name) speaks of safety, fire, gas, electricity, hazardous goods or structural danger.
 */
export const SAFETY_CATEGORY_WORDS = [
  '安全',
  '消防',
  '火',
  '燃气',
  '煤气',
  '用电',
  '电线',
  '危险',
  '危化',
  '隐患',
  '坍塌',
  '违建',
];
export function isSafetyCategory(c: { name: string; majorName?: string | undefined }): boolean {
  const text = `${c.majorName ?? ''} ${c.name}`;
  return SAFETY_CATEGORY_WORDS.some((w) => text.includes(w));
}
