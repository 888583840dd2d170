/**
 * The closed loop as one pure state machine (DESIGN.md "The closed loop"): states, commands, guards
 * (role, scope, state, required fields) and their effects on deadlines. No I/O; `now` and the
 * deadline arithmetic are passed in, so every rule can be pinned down by a test.
 */ import type { TimeLimit } from '../../platform/calendar/working-time.js';
import {
  type Actor,
  type ActorRole,
  type CaseSnapshot,
  type CaseState,
  COMMANDS,
  type Command,
  type CommandType,
  type DecideContext,
  MAX_CITIZEN_REOPENS,
  PETITION_MAX_EXTENSION_DAYS,
  type Rating,
  RETURN_REASONS,
  RULES,
} from './case-model.js';

export * from './case-model.js';

type Clock = Pick<CaseSnapshot, 'dueAt' | 'stepStartedAt' | 'stepUnit'>;
const NO_CLOCK: Clock = { dueAt: null, stepStartedAt: null, stepUnit: null };

/** Starts a step's clock now: its due time under the category's limit, counted in that limit's kind of time. */
export function startClock(ctx: DecideContext, limit: TimeLimit): Clock {
  return { dueAt: ctx.addLimit(ctx.now, limit), stepStartedAt: ctx.now, stepUnit: limit.unit };
}

export type DecisionError = {
  code: 'forbidden' | 'wrong_state' | 'invalid' | 'out_of_scope';
  messageKey: string;
  message: string;
};
export type Decision =
  | {
      ok: true;
      event: { type: CommandType; from: CaseState; to: CaseState; payload: Record<string, unknown> };
      patch: Partial<CaseSnapshot>;
    }
  | { ok: false; error: DecisionError };

const fail = (code: DecisionError['code'], messageKey: string, message: string): Decision => ({
  ok: false,
  error: { code, messageKey, message },
});
const invalid = (key: string, message: string) => fail('invalid', key, message);

function hasRole(actor: Actor, roles: readonly ActorRole[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

/** Whether the actor may touch this case at all: inside their scope, or their unit is assigned or summoned. */
export function canReach(c: CaseSnapshot, actor: Actor): boolean {
  if (actor.roles.includes('system') || actor.roles.includes('public')) return true;
  if (c.areaCode.startsWith(actor.scope)) return true;
  if (actor.unitId && c.assignedUnitId === actor.unitId) return true;
  return !!actor.unitId && !!c.whistle?.units.some((u) => u.unitId === actor.unitId);
}

/** Command-specific conditions that do not depend on the payload (used for the action list too). */
function precondition(
  c: CaseSnapshot,
  type: CommandType,
  actor: Actor,
  ctx: DecideContext,
): DecisionError | null {
  const e = (code: DecisionError['code'], messageKey: string, message: string): DecisionError => ({
    code,
    messageKey,
    message,
  });
  const assigned = !!actor.unitId && c.assignedUnitId === actor.unitId;
  switch (type) {
    case 'sign':
    case 'return':
    case 'feedback':
    case 'extend_request':
      if (!assigned)
        return e('forbidden', 'not_assigned_unit', 'Only the unit the case is assigned to may do this.');
      if (type === 'return' && c.dispatchMode === 'forced') {
        return e('wrong_state', 'forced_no_return', 'A forced dispatch cannot be returned.');
      }
      if (type === 'extend_request' && c.extensionRequested) {
        return e(
          'wrong_state',
          'extension_pending',
          'An extension request is already waiting for a decision.',
        );
      }
      return null;
    case 'extend_decide':
      return c.extensionRequested
        ? null
        : e('wrong_state', 'no_extension_request', 'There is no extension request to decide.');
    case 'close':
      if (c.state === 'handled') {
        return ctx.category.checkRequired && !c.checked
          ? e('wrong_state', 'check_required', 'The result must pass an on-site check before closing.')
          : null;
      }
      // Closing straight from intake: a consultation answered on the call (咨询直接办结).
      return c.kind === 'request' && actor.roles.includes('operator')
        ? null
        : e('wrong_state', 'close_needs_feedback', 'Only a handled case can be closed.');
    case 'file':
    case 'verify_request':
    case 'merge':
      // Operators register hotline requests; other kinds are filed by the shift lead.
      return actor.roles.includes('operator') && !actor.roles.includes('shift_lead') && c.kind !== 'request'
        ? e('forbidden', 'operator_requests_only', 'Operators file and merge only hotline requests.')
        : null;
    case 'escalate':
      return c.dueAt && c.dueAt < ctx.now
        ? null
        : e('wrong_state', 'not_overdue', 'Only an overdue case is escalated.');
    case 'whistle':
      return actor.scope.length === 9 && c.areaCode.startsWith(actor.scope)
        ? c.whistle
          ? e('wrong_state', 'whistle_active', 'The whistle has already been blown for this case.')
          : null
        : e('forbidden', 'street_only', 'Only the street that owns the case blows the whistle (吹哨).');
    case 'whistle_report': {
      const u = c.whistle?.units.find((x) => x.unitId === actor.unitId);
      if (!u) return e('forbidden', 'not_summoned', 'Your unit was not summoned to this case.');
      return u.reportedAt ? e('wrong_state', 'already_reported', 'Your unit has already reported in.') : null;
    }
    case 'whistle_rate':
      return c.whistle && actor.scope.length === 9 && c.areaCode.startsWith(actor.scope)
        ? null
        : e('forbidden', 'street_only', 'Only the street that blew the whistle rates the summoned units.');
    case 'rate':
      return c.rating ? e('wrong_state', 'already_rated', 'This case has already been rated.') : null;
    case 'verify_report':
    case 'reject':
    case 'dispatch':
    case 'suspend':
    case 'resume':
    case 'check':
    case 'reopen':
    case 'urge':
      return null;
    default: {
      const never: never = type;
      return e('invalid', 'unknown_command', `Unknown command ${String(never)}.`);
    }
  }
}

function guard(c: CaseSnapshot, type: CommandType, actor: Actor, ctx: DecideContext): DecisionError | null {
  const rule = RULES[type];
  if (!rule) return { code: 'invalid', messageKey: 'unknown_command', message: `Unknown command ${type}.` };
  if (!hasRole(actor, rule.roles)) {
    return {
      code: 'forbidden',
      messageKey: 'forbidden',
      message: `${type} needs one of the roles ${rule.roles.join(', ')}.`,
    };
  }
  if (!canReach(c, actor)) {
    return { code: 'out_of_scope', messageKey: 'out_of_scope', message: 'This case is outside your scope.' };
  }
  if (!rule.from.includes(c.state)) {
    return {
      code: 'wrong_state',
      messageKey: 'wrong_state',
      message: `${type} is not possible while the case is ${c.state}.`,
    };
  }
  return precondition(c, type, actor, ctx);
}

/** The commands this actor may give on this case now — exactly what the UI offers. */
export function availableActions(c: CaseSnapshot, actor: Actor, ctx: DecideContext): CommandType[] {
  return COMMANDS.filter((t) => guard(c, t, actor, ctx) === null);
}

const text = (s: unknown, min = 1): s is string => typeof s === 'string' && s.trim().length >= min;
/** 公开答复: kept in the event only when written, so events without one hash exactly as before. */
const publicReplyOf = (cmd: { publicReply?: string }) =>
  text(cmd.publicReply) ? { publicReply: cmd.publicReply } : {};

export function decide(c: CaseSnapshot, cmd: Command, actor: Actor, ctx: DecideContext): Decision {
  const refused = guard(c, cmd.type, actor, ctx);
  if (refused) return { ok: false, error: refused };
  const from = c.state;
  const ok = (
    to: CaseState,
    patch: Partial<CaseSnapshot>,
    payload: Record<string, unknown> = {},
  ): Decision => ({
    ok: true,
    event: { type: cmd.type, from, to, payload },
    patch: { ...patch, state: to },
  });
  const { now } = ctx;
  switch (cmd.type) {
    case 'verify_request':
      return ok('verifying', {}, { note: cmd.note ?? null });
    case 'verify_report':
      if (!text(cmd.note)) return invalid('note_required', 'Say what was found on site.');
      return ok('reported', {}, { found: cmd.found, note: cmd.note });
    case 'file':
      return ok('filed', { ...NO_CLOCK }, { note: cmd.note ?? null });
    case 'reject':
      if (!text(cmd.reason, 2)) return invalid('reason_required', 'A reason is required to reject a case.');
      return ok('rejected', { ...NO_CLOCK }, { reason: cmd.reason, ...publicReplyOf(cmd) });
    case 'merge':
      if (!text(cmd.intoCaseId)) return invalid('merge_target_required', 'Name the case to merge into.');
      if (cmd.intoCaseId === c.id) return invalid('merge_into_self', 'A case cannot be merged into itself.');
      return ok('merged', { ...NO_CLOCK }, { intoCaseId: cmd.intoCaseId, note: cmd.note ?? null });
    case 'dispatch':
      if (!text(cmd.unitId)) return invalid('unit_required', 'Name the unit to dispatch to.');
      return ok(
        'dispatched',
        {
          assignedUnitId: cmd.unitId,
          dispatchMode: cmd.mode,
          ...startClock(ctx, ctx.category.signLimit),
          checked: false,
        },
        { unitId: cmd.unitId, mode: cmd.mode, note: cmd.note ?? null },
      );
    case 'sign':
      return ok('handling', { ...startClock(ctx, ctx.category.handleLimit) }, { note: cmd.note ?? null });
    case 'return':
      if (!RETURN_REASONS.includes(cmd.reason))
        return invalid('reason_code', `The reason must be one of ${RETURN_REASONS.join(', ')}.`);
      if (!text(cmd.text, cmd.reason === 'other' ? 5 : 2)) {
        return invalid(
          'reason_text',
          'Explain the return (at least 5 characters when the reason is "other").',
        );
      }
      return ok(
        'filed',
        { assignedUnitId: null, dispatchMode: null, ...NO_CLOCK },
        { reason: cmd.reason, text: cmd.text },
      );
    case 'feedback':
      if (!text(cmd.note)) return invalid('note_required', 'Describe what was done.');
      if (!Array.isArray(cmd.evidence) || cmd.evidence.length === 0) {
        return invalid('evidence_required', 'Attach at least one photo or document as evidence.');
      }
      return ok('handled', { ...NO_CLOCK, checked: false }, { note: cmd.note, evidence: cmd.evidence });
    case 'extend_request': {
      if (!text(cmd.reason, 2))
        return invalid('reason_required', 'A reason is required to ask for more time.');
      if (!(cmd.limit.value > 0)) return invalid('limit_required', 'Ask for a positive amount of time.');
      if (c.kind === 'petition') {
        const days =
          cmd.limit.unit === 'natural_day' || cmd.limit.unit === 'work_day'
            ? cmd.limit.value
            : cmd.limit.value / 24;
        if (c.extendedDays + days > PETITION_MAX_EXTENSION_DAYS) {
          return invalid(
            'petition_extension_cap',
            `A petition may be extended by at most ${PETITION_MAX_EXTENSION_DAYS} days in total.`,
          );
        }
      }
      return ok(
        'handling',
        { extensionRequested: { limit: cmd.limit, reason: cmd.reason } },
        { limit: cmd.limit, reason: cmd.reason },
      );
    }
    case 'extend_decide': {
      const req = c.extensionRequested;
      if (!req)
        return fail('wrong_state', 'no_extension_request', 'There is no extension request to decide.');
      if (!cmd.approve)
        return ok(from, { extensionRequested: null }, { approve: false, note: cmd.note ?? null });
      const base = c.dueAt && c.dueAt > now ? c.dueAt : now;
      const days =
        req.limit.unit === 'natural_day' || req.limit.unit === 'work_day'
          ? req.limit.value
          : req.limit.value / 24;
      return ok(
        from,
        {
          extensionRequested: null,
          dueAt: ctx.addLimit(base, req.limit),
          extendedDays: c.extendedDays + days,
        },
        { approve: true, limit: req.limit, note: cmd.note ?? null },
      );
    }
    case 'suspend':
      if (!text(cmd.reason, 2))
        return invalid('reason_required', 'A reason is required to suspend (挂账) a case.');
      return ok('suspended', { suspendedAt: now }, { reason: cmd.reason });
    case 'resume': {
      // The clock stood still while suspended: the deadline moves by the paused time.
      const paused = c.suspendedAt ? now.getTime() - c.suspendedAt.getTime() : 0;
      const shift = (t: Date | null) => (t ? new Date(t.getTime() + paused) : null);
      return ok(
        'handling',
        { suspendedAt: null, dueAt: shift(c.dueAt), stepStartedAt: shift(c.stepStartedAt) },
        { pausedMs: paused, note: cmd.note ?? null },
      );
    }
    case 'check':
      if (!text(cmd.note)) return invalid('note_required', 'Record what the check found.');
      if (cmd.pass)
        return ok('handled', { checked: true }, { pass: true, note: cmd.note, evidence: cmd.evidence ?? [] });
      return ok(
        'handling',
        { checked: false, reworkCount: c.reworkCount + 1, ...startClock(ctx, ctx.category.handleLimit) },
        { pass: false, note: cmd.note, evidence: cmd.evidence ?? [] },
      );
    case 'close':
      if (from !== 'handled' && !cmd.answeredOnCall) {
        return invalid(
          'answered_on_call',
          'Closing at intake is only for a consultation answered on the call.',
        );
      }
      return ok(
        'closed',
        { ...NO_CLOCK },
        { note: cmd.note ?? null, answeredOnCall: !!cmd.answeredOnCall, ...publicReplyOf(cmd) },
      );
    case 'reopen':
      if (!text(cmd.reason, 2)) return invalid('reason_required', 'Say why the case is reopened (重办).');
      return reopen(c, ctx, cmd.reason, ok);
    case 'rate': {
      const ratings: Rating[] = ['satisfied', 'basically', 'unsatisfied'];
      if (!ratings.includes(cmd.rating))
        return invalid('rating', `The rating must be one of ${ratings.join(', ')}.`);
      const payload = { rating: cmd.rating, comment: cmd.comment ?? null };
      // The citizen's "not fixed" is never lost: it reopens the case (up to a limit), and is recorded always.
      if (cmd.rating === 'unsatisfied' && c.reopenCount < MAX_CITIZEN_REOPENS) {
        const reopened = reopen(c, ctx, cmd.comment ?? 'unsatisfied', ok);
        if (reopened.ok)
          return { ...reopened, event: { ...reopened.event, payload: { ...payload, reopened: true } } };
      }
      return ok('closed', { rating: cmd.rating }, { ...payload, reopened: false });
    }
    case 'urge':
      if (!text(cmd.note, 2)) return invalid('note_required', 'Say what is urged.');
      return ok(from, {}, { note: cmd.note });
    case 'escalate':
      return ok(from, {}, { note: cmd.note ?? null, overdueSince: c.dueAt?.toISOString() ?? null });
    case 'whistle': {
      const units = [...new Set(cmd.unitIds)];
      if (units.length === 0) return invalid('units_required', 'Summon at least one unit.');
      if (!units.includes(cmd.leadUnitId))
        return invalid('lead_in_units', 'The lead unit must be one of the summoned units.');
      const minutes = cmd.reportMinutes ?? 30;
      if (!(minutes > 0 && minutes <= 24 * 60))
        return invalid('report_minutes', 'The report-in limit must be 1–1440 minutes.');
      const reportDueAt = new Date(now.getTime() + minutes * 60_000).toISOString();
      return ok(
        from,
        {
          whistle: {
            reportDueAt,
            units: units.map((unitId) => ({
              unitId,
              lead: unitId === cmd.leadUnitId,
              reportedAt: null,
              late: null,
              rating: null,
            })),
          },
        },
        { unitIds: units, leadUnitId: cmd.leadUnitId, reportDueAt, note: cmd.note ?? null },
      );
    }
    case 'whistle_report': {
      if (!text(cmd.person) || !text(cmd.place))
        return invalid('report_fields', 'Say who reported in, and where.');
      const w = c.whistle;
      if (!w) return fail('wrong_state', 'no_whistle', 'No whistle has been blown for this case.');
      const late = now.toISOString() > w.reportDueAt;
      const units = w.units.map((u) =>
        u.unitId === actor.unitId ? { ...u, reportedAt: now.toISOString(), late } : u,
      );
      return ok(
        from,
        { whistle: { ...w, units } },
        { unitId: actor.unitId, person: cmd.person, place: cmd.place, late },
      );
    }
    case 'whistle_rate': {
      const w = c.whistle;
      if (!w) return fail('wrong_state', 'no_whistle', 'No whistle has been blown for this case.');
      const byUnit = new Map(cmd.ratings.map((r) => [r.unitId, r.score]));
      if (![...byUnit.keys()].every((id) => w.units.some((u) => u.unitId === id))) {
        return invalid('unit_not_summoned', 'Only summoned units can be rated.');
      }
      if (![...byUnit.values()].every((s) => Number.isInteger(s) && s >= 1 && s <= 5)) {
        return invalid('score', 'Scores are whole numbers from 1 to 5.');
      }
      const units = w.units.map((u) => ({ ...u, rating: byUnit.get(u.unitId) ?? u.rating }));
      return ok(from, { whistle: { ...w, units } }, { ratings: cmd.ratings });
    }
    default: {
      const never: never = cmd;
      return invalid('unknown_command', `Unknown command ${JSON.stringify(never)}.`);
    }
  }
}

/** 重办: back to the same unit with a fresh handling clock. */
function reopen(
  c: CaseSnapshot,
  ctx: DecideContext,
  reason: string,
  ok: (to: CaseState, patch: Partial<CaseSnapshot>, payload?: Record<string, unknown>) => Decision,
): Decision {
  return ok(
    'handling',
    {
      reopenCount: c.reopenCount + 1,
      checked: false,
      rating: null,
      ...startClock(ctx, ctx.category.handleLimit),
    },
    { reason },
  );
}
