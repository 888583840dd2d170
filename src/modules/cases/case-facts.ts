/**
 * Case facts (案件事实): what the evaluation indicators read about one case, derived from its events by
 * replaying the deadlines the loop ran under (the category's limits in the district's working time,
 * approved extensions added, suspended time left out). Pure: the limits and the time arithmetic are passed in.
 */
import type { TimeLimit } from '../../platform/calendar/working-time.js';
import type { CaseKind, CategoryRules, Rating } from './case-model.js';

export interface FactEvent {
  seq: number;
  type: string;
  toState: string;
  at: Date;
  payload: Record<string, unknown>;
}

export interface FactCase {
  id: string;
  number: string;
  kind: CaseKind;
  categoryCode: string;
  areaCode: string;
  title: string;
  assignedUnitId: string | null;
  createdAt: Date;
}

/** One dispatch (派遣) to a unit and its signing (签收). */
export interface DispatchFact {
  at: Date;
  unitId: string;
  signDueAt: Date;
  signedAt: Date | null;
  /** 退单: the unit returned it. */
  returnedAt: Date | null;
}

/** One feedback (反馈) awaiting its check (核查). */
export interface FeedbackFact {
  at: Date;
  /** 核查时限: the command centre's own clock, the category's file limit counted from the feedback. */
  checkDueAt: Date;
  checkedAt: Date | null;
  /** The case left 已反馈 without a check (closed where no check is required, or moved on). */
  skipped: boolean;
}

/** One state the case stood in, from `at` until the next one. */
export interface StateSpan {
  state: string;
  at: Date;
}

export interface CaseFacts extends FactCase {
  reportedAt: Date;
  /** 立案时限: report + the category's file limit. */
  fileDueAt: Date;
  filedAt: Date | null;
  rejectedAt: Date | null;
  dispatches: DispatchFact[];
  /** The unit the case was last dispatched to (or is assigned to). */
  unitId: string | null;
  /** The person (承办人) the case is assigned to, from assign/unassign events (cleared when it leaves the unit). */
  userId: string | null;
  /** Each feedback (反馈) and its check (核查): due within the file limit (立案时限) from the feedback. */
  feedbacks: FeedbackFact[];
  /** 返工: each failed 核查, with the unit that had it. */
  reworks: { at: Date; unitId: string | null }[];
  checks: { at: Date; pass: boolean }[];
  extensionApproved: boolean;
  /** The handling deadline in force at the last feedback, or now (null before signing). */
  handleDueAt: Date | null;
  /** The last feedback (已反馈) and whether it came before the handling deadline. */
  handledAt: Date | null;
  handledOnTime: boolean | null;
  /** Every state the case stood in, in order (for "as of" questions: closed, suspended, open). */
  states: StateSpan[];
  /** The close that stands (not reopened since), or null. */
  closedAt: Date | null;
  /** 按期: closed with the handling done before its deadline (or answered on the call within the file limit). */
  closedOnTime: boolean | null;
  rating: Rating | null;
  whistle: {
    at: Date;
    reportDueAt: Date;
    units: { unitId: string; reportedAt: Date | null; late: boolean | null }[];
  } | null;
}

export type AddLimit = (start: Date, limit: TimeLimit) => Date;

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** Replays one case's events (oldest first) into its facts. */
export function deriveFacts(
  c: FactCase,
  events: readonly FactEvent[],
  rules: CategoryRules,
  add: AddLimit,
): CaseFacts {
  const first = events[0];
  const reportedAt = first?.at ?? c.createdAt;
  const f: CaseFacts = {
    ...c,
    reportedAt,
    fileDueAt: add(reportedAt, rules.fileLimit),
    filedAt: null,
    rejectedAt: null,
    dispatches: [],
    unitId: c.assignedUnitId,
    userId: null,
    feedbacks: [],
    reworks: [],
    checks: [],
    extensionApproved: false,
    handleDueAt: null,
    handledAt: null,
    handledOnTime: null,
    states: [],
    closedAt: null,
    closedOnTime: null,
    rating: null,
    whistle: null,
  };
  let suspendedAt: Date | null = null;
  const current = () => f.dispatches[f.dispatches.length - 1];
  for (const e of events) {
    const pending = f.feedbacks[f.feedbacks.length - 1];
    if (pending && !pending.checkedAt && !pending.skipped && e.type !== 'check' && e.toState !== 'handled')
      pending.skipped = true;
    const last = f.states[f.states.length - 1];
    if (!last || last.state !== e.toState) f.states.push({ state: e.toState, at: e.at });
    switch (e.type) {
      case 'file':
        f.filedAt ??= e.at;
        break;
      case 'reject':
        f.rejectedAt = e.at;
        break;
      case 'dispatch': {
        const unitId = str(e.payload.unitId) ?? '';
        f.filedAt ??= e.at;
        f.unitId = unitId;
        f.userId = null;
        f.dispatches.push({
          at: e.at,
          unitId,
          signDueAt: add(e.at, rules.signLimit),
          signedAt: null,
          returnedAt: null,
        });
        break;
      }
      case 'sign': {
        const d = current();
        if (d && !d.signedAt) d.signedAt = e.at;
        f.handleDueAt = add(e.at, rules.handleLimit);
        break;
      }
      case 'return': {
        const d = current();
        if (d) d.returnedAt = e.at;
        f.handleDueAt = null;
        f.userId = null;
        break;
      }
      case 'extend_decide':
        if (e.payload.approve === true && f.handleDueAt) {
          const base = new Date(Math.max(f.handleDueAt.getTime(), e.at.getTime()));
          f.handleDueAt = add(base, e.payload.limit as TimeLimit);
          f.extensionApproved = true;
        }
        break;
      case 'suspend':
        suspendedAt = e.at;
        break;
      case 'resume': {
        const paused =
          typeof e.payload.pausedMs === 'number'
            ? e.payload.pausedMs
            : suspendedAt
              ? e.at.getTime() - suspendedAt.getTime()
              : 0;
        if (f.handleDueAt) f.handleDueAt = new Date(f.handleDueAt.getTime() + paused);
        suspendedAt = null;
        break;
      }
      case 'feedback':
        f.handledAt = e.at;
        f.handledOnTime = f.handleDueAt ? e.at <= f.handleDueAt : null;
        f.feedbacks.push({
          at: e.at,
          checkDueAt: add(e.at, rules.fileLimit),
          checkedAt: null,
          skipped: false,
        });
        break;
      case 'assign':
        f.userId = str(e.payload.userId);
        break;
      case 'unassign':
        f.userId = null;
        break;
      case 'check':
        if (pending && !pending.checkedAt && !pending.skipped) pending.checkedAt = e.at;
        f.checks.push({ at: e.at, pass: e.payload.pass === true });
        if (e.payload.pass !== true) {
          f.reworks.push({ at: e.at, unitId: f.unitId });
          f.handleDueAt = add(e.at, rules.handleLimit);
        }
        break;
      case 'close':
        f.closedAt = e.at;
        f.closedOnTime = e.payload.answeredOnCall === true ? e.at <= f.fileDueAt : f.handledOnTime === true;
        break;
      case 'reopen':
        f.closedAt = null;
        f.closedOnTime = null;
        f.rating = null;
        f.handleDueAt = add(e.at, rules.handleLimit);
        break;
      case 'rate': {
        const rating = str(e.payload.rating) as Rating | null;
        if (e.payload.reopened === true) {
          f.closedAt = null;
          f.closedOnTime = null;
          f.rating = null;
          f.handleDueAt = add(e.at, rules.handleLimit);
        } else f.rating = rating;
        break;
      }
      case 'whistle':
        f.whistle = {
          at: e.at,
          reportDueAt: new Date(String(e.payload.reportDueAt)),
          units: ((e.payload.unitIds as string[] | undefined) ?? []).map((unitId) => ({
            unitId,
            reportedAt: null,
            late: null,
          })),
        };
        break;
      case 'whistle_report': {
        const u = f.whistle?.units.find((x) => x.unitId === str(e.payload.unitId));
        if (u) {
          u.reportedAt = e.at;
          u.late = e.payload.late === true;
        }
        break;
      }
      default:
        break;
    }
  }
  return f;
}

/** The state the case stood in at `t` (null before it existed). */
export function stateAt(f: Pick<CaseFacts, 'states'>, t: Date): string | null {
  let s: string | null = null;
  for (const span of f.states) {
    if (span.at > t) break;
    s = span.state;
  }
  return s;
}
