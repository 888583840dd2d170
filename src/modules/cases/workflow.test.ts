import { describe, expect, it } from 'vitest';
import { ROLES } from '../../platform/auth/roles.js';
import { addTimeLimit, createWorkingCalendar } from '../../platform/calendar/working-time.js';
import {
  type Actor,
  type ActorRole,
  availableActions,
  type CaseSnapshot,
  type CaseState,
  type CategoryRules,
  COMMANDS,
  type Command,
  type CommandType,
  type DecideContext,
  decide,
  STATES,
} from './workflow.js';

const cal = createWorkingCalendar();
const GRID = '120101001001001';
const STREET = '120101001';
const EVENT_RULES: CategoryRules = {
  kind: 'event',
  fileLimit: { value: 1, unit: 'work_hour' },
  signLimit: { value: 0.5, unit: 'work_hour' },
  handleLimit: { value: 4, unit: 'work_hour' },
  checkRequired: true,
};

function ctx(now = new Date('2026-03-10T02:00:00Z'), category = EVENT_RULES): DecideContext {
  return { now, category, addLimit: (start, limit) => addTimeLimit(start, limit, cal) };
}

function snapshot(state: CaseState, patch: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return {
    id: 'case-1',
    kind: 'event',
    state,
    areaCode: GRID,
    assignedUnitId: 'unit-h',
    dispatchMode: 'manual',
    dueAt: new Date('2026-03-01T00:00:00Z'),
    stepStartedAt: new Date('2026-02-28T00:00:00Z'),
    stepUnit: 'work_hour',
    suspendedAt: null,
    checked: true,
    reworkCount: 0,
    reopenCount: 0,
    extendedDays: 0,
    extensionRequested: null,
    rating: null,
    whistle: null,
    ...patch,
  };
}

function actor(role: ActorRole, scope = STREET, unitId = role === 'handler' ? 'unit-h' : 'unit-x'): Actor {
  const everywhere = role === 'public' || role === 'system';
  return {
    userId: everywhere ? null : `user-${role}`,
    roles: [role],
    unitId,
    scope: everywhere ? '' : scope,
  };
}

/** A well-formed command of each type, so that only role, scope and state decide the outcome. */
const SAMPLE: Record<CommandType, Command> = {
  verify_request: { type: 'verify_request' },
  verify_report: { type: 'verify_report', found: true, note: '现场属实' },
  file: { type: 'file' },
  reject: { type: 'reject', reason: '不属于受理范围' },
  merge: { type: 'merge', intoCaseId: 'case-2' },
  dispatch: { type: 'dispatch', unitId: 'unit-h', mode: 'manual' },
  sign: { type: 'sign' },
  return: { type: 'return', reason: 'wrong_area', text: '不在本辖区' },
  feedback: { type: 'feedback', note: '已清理', evidence: ['a'.repeat(64)] },
  extend_request: { type: 'extend_request', limit: { value: 2, unit: 'work_day' }, reason: '需要协调施工' },
  extend_decide: { type: 'extend_decide', approve: true },
  suspend: { type: 'suspend', reason: '等待产权认定' },
  resume: { type: 'resume' },
  check: { type: 'check', pass: true, note: '已整改' },
  close: { type: 'close' },
  reopen: { type: 'reopen', reason: '群众反映未解决' },
  rate: { type: 'rate', rating: 'satisfied' },
  urge: { type: 'urge', note: '请加快办理' },
  escalate: { type: 'escalate' },
  whistle: { type: 'whistle', unitIds: ['unit-h', 'unit-y'], leadUnitId: 'unit-h' },
  whistle_report: { type: 'whistle_report', person: '刘洋', place: '现场' },
  whistle_rate: { type: 'whistle_rate', ratings: [{ unitId: 'unit-h', score: 5 }] },
};

/** The fixture each command needs besides its state (a pending extension request, a blown whistle). */
function fixture(state: CaseState, type: CommandType): CaseSnapshot {
  const whistle = {
    reportDueAt: '2026-03-10T02:30:00.000Z',
    units: [unit('unit-h', true), unit('unit-y', false)],
  };
  if (type === 'extend_decide') {
    return snapshot(state, { extensionRequested: { limit: { value: 1, unit: 'work_day' }, reason: 'r' } });
  }
  if (type === 'whistle_report' || type === 'whistle_rate') return snapshot(state, { whistle });
  return snapshot(state);
}

function unit(unitId: string, lead: boolean) {
  return { unitId, lead, reportedAt: null, late: null, rating: null };
}

const OPEN = 'reported verifying filed dispatched handling suspended handled';
/** Written out by hand from DESIGN.md "The closed loop" — independent of the RULES table it checks. */
const ALLOWED: Record<CommandType, Partial<Record<ActorRole, string>>> = {
  verify_request: { shift_lead: 'reported' },
  verify_report: { inspector: 'verifying' },
  file: { shift_lead: 'reported' },
  reject: { shift_lead: 'reported verifying' },
  merge: { shift_lead: 'reported verifying filed' },
  dispatch: { dispatcher: 'filed' },
  sign: { handler: 'dispatched' },
  return: { handler: 'dispatched handling' },
  feedback: { handler: 'handling' },
  extend_request: { handler: 'handling' },
  extend_decide: { shift_lead: 'handling' },
  suspend: { shift_lead: 'handling' },
  resume: { shift_lead: 'suspended' },
  check: { inspector: 'handled' },
  close: { shift_lead: 'handled', operator: 'handled' },
  reopen: { supervisor: 'closed', public: 'closed' },
  rate: { public: 'closed', operator: 'closed' },
  urge: { supervisor: OPEN },
  escalate: { supervisor: OPEN, system: OPEN },
  whistle: { dispatcher: 'filed dispatched handling', shift_lead: 'filed dispatched handling' },
  whistle_report: { handler: 'filed dispatched handling handled' },
  whistle_rate: { dispatcher: 'closed', shift_lead: 'closed' },
};

const ACTOR_ROLES: ActorRole[] = [...ROLES, 'public', 'system'];

describe('the state machine: every command × state × role', () => {
  for (const type of COMMANDS) {
    it(`${type}: allowed exactly where the loop says, refused with a reason elsewhere`, () => {
      for (const state of STATES) {
        for (const role of ACTOR_ROLES) {
          const expected = (ALLOWED[type][role] ?? '').split(' ').includes(state);
          const d = decide(fixture(state, type), SAMPLE[type], actor(role), ctx());
          expect({ type, state, role, ok: d.ok }).toEqual({ type, state, role, ok: expected });
          if (!d.ok) expect(['forbidden', 'wrong_state', 'invalid']).toContain(d.error.code);
        }
      }
    });
  }

  it('refuses every allowed command to a member of the right role outside the scope', () => {
    for (const type of COMMANDS) {
      for (const [role, states] of Object.entries(ALLOWED[type]) as [ActorRole, string][]) {
        if (role === 'public' || role === 'system') continue;
        for (const state of states.split(' ') as CaseState[]) {
          const d = decide(fixture(state, type), SAMPLE[type], actor(role, '120102', 'unit-other'), ctx());
          expect(d.ok ? 'ok' : d.error.code).toBe('out_of_scope');
        }
      }
    }
  });

  it('offers in availableActions exactly the commands decide accepts', () => {
    for (const state of STATES) {
      for (const role of ACTOR_ROLES) {
        const c = snapshot(state);
        const offered = availableActions(c, actor(role), ctx());
        const accepted = COMMANDS.filter((t) => decide(c, SAMPLE[t], actor(role), ctx()).ok);
        expect(offered).toEqual(accepted);
      }
    }
  });
});

describe('guards on required fields', () => {
  const handler = actor('handler');
  it('a return needs a known reason code and an explanation, and goes back to the dispatcher', () => {
    const c = snapshot('dispatched');
    const bad = decide(c, { type: 'return', reason: 'nope' as never, text: '不在本辖区' }, handler, ctx());
    expect(bad.ok ? '' : bad.error.messageKey).toBe('reason_code');
    const short = decide(c, { type: 'return', reason: 'other', text: '不对' }, handler, ctx());
    expect(short.ok ? '' : short.error.messageKey).toBe('reason_text');
    const ok = decide(c, { type: 'return', reason: 'unclear_ownership', text: '权属不清' }, handler, ctx());
    expect(ok.ok && ok.patch).toMatchObject({ state: 'filed', assignedUnitId: null, dueAt: null });
  });

  it('a forced dispatch cannot be returned', () => {
    const d = decide(snapshot('dispatched', { dispatchMode: 'forced' }), SAMPLE.return, handler, ctx());
    expect(d.ok ? '' : d.error.messageKey).toBe('forced_no_return');
  });

  it('feedback needs evidence; only the assigned unit may give it', () => {
    const c = snapshot('handling');
    const none = decide(c, { type: 'feedback', note: '已处理', evidence: [] }, handler, ctx());
    expect(none.ok ? '' : none.error.messageKey).toBe('evidence_required');
    const other = decide(c, SAMPLE.feedback, actor('handler', STREET, 'unit-z'), ctx());
    expect(other.ok ? '' : other.error.messageKey).toBe('not_assigned_unit');
  });

  it('a failed check sends the case back for rework and counts it; close needs a passed check', () => {
    const c = snapshot('handled', { checked: false });
    const close = decide(c, SAMPLE.close, actor('shift_lead'), ctx());
    expect(close.ok ? '' : close.error.messageKey).toBe('check_required');
    const fail = decide(c, { type: 'check', pass: false, note: '仍有垃圾' }, actor('inspector'), ctx());
    expect(fail.ok && fail.patch).toMatchObject({ state: 'handling', reworkCount: 1, checked: false });
  });

  it('rejects and merges need a reason or a target other than the case itself', () => {
    const c = snapshot('reported');
    const lead = actor('shift_lead');
    const r = decide(c, { type: 'reject', reason: '' }, lead, ctx());
    expect(r.ok ? '' : r.error.messageKey).toBe('reason_required');
    const m = decide(c, { type: 'merge', intoCaseId: 'case-1' }, lead, ctx());
    expect(m.ok ? '' : m.error.messageKey).toBe('merge_into_self');
  });

  it('petitions may be extended by at most 30 days in total', () => {
    const c = snapshot('handling', { kind: 'petition', extendedDays: 20 });
    const over = {
      type: 'extend_request',
      limit: { value: 11, unit: 'natural_day' },
      reason: '情况复杂',
    } as const;
    const d = decide(c, over, handler, ctx());
    expect(d.ok ? '' : d.error.messageKey).toBe('petition_extension_cap');
    expect(decide(c, { ...over, limit: { value: 10, unit: 'natural_day' } }, handler, ctx()).ok).toBe(true);
  });

  it('operators close a consultation on the call only for hotline requests', () => {
    const request = snapshot('reported', { kind: 'request', assignedUnitId: null });
    const op = actor('operator');
    const d = decide(request, { type: 'close', answeredOnCall: true }, op, ctx());
    expect(d.ok && d.patch.state).toBe('closed');
    const bare = decide(request, { type: 'close' }, op, ctx());
    expect(bare.ok ? '' : bare.error.messageKey).toBe('answered_on_call');
  });

  it('a citizen who is not satisfied reopens the case (重办), up to a limit, and the rating is kept', () => {
    const op = actor('operator');
    const first = decide(snapshot('closed'), { type: 'rate', rating: 'unsatisfied' }, op, ctx());
    expect(first.ok && first.patch).toMatchObject({ state: 'handling', reopenCount: 1 });
    expect(first.ok && first.event.payload).toMatchObject({ rating: 'unsatisfied', reopened: true });
    const third = decide(
      snapshot('closed', { reopenCount: 2 }),
      { type: 'rate', rating: 'unsatisfied' },
      op,
      ctx(),
    );
    expect(third.ok && third.patch).toMatchObject({ state: 'closed', rating: 'unsatisfied' });
  });

  it('escalates only an overdue case', () => {
    const notDue = snapshot('handling', { dueAt: new Date('2026-03-11T00:00:00Z') });
    const d = decide(notDue, SAMPLE.escalate, actor('system'), ctx());
    expect(d.ok ? '' : d.error.messageKey).toBe('not_overdue');
  });
});

describe('deadlines', () => {
  it('runs the sign and handle clocks across the 2025 National Day holiday and its 调休 Saturday', () => {
    const rules: CategoryRules = {
      ...EVENT_RULES,
      signLimit: { value: 2, unit: 'work_hour' },
      handleLimit: { value: 4, unit: 'work_day' },
    };
    // Dispatched on Tuesday 30 September 2025 at 16:30 (Beijing): one duty hour left that day, then eight days off.
    const dispatched = decide(
      snapshot('filed', { assignedUnitId: null }),
      SAMPLE.dispatch,
      actor('dispatcher'),
      ctx(new Date('2025-09-30T08:30:00Z'), rules),
    );
    expect(dispatched.ok && dispatched.patch.dueAt?.toISOString()).toBe('2025-10-09T01:30:00.000Z'); // 9 Oct 09:30
    // Signed on Thursday 9 October at 10:00: 4 working days are 10 Oct, Sat 11 Oct (调休), 13 and 14 Oct.
    const signed = decide(
      snapshot('dispatched'),
      SAMPLE.sign,
      actor('handler'),
      ctx(new Date('2025-10-09T02:00:00Z'), rules),
    );
    expect(signed.ok && signed.patch).toMatchObject({ stepUnit: 'work_day' });
    expect(signed.ok && signed.patch.dueAt?.toISOString()).toBe('2025-10-14T09:30:00.000Z'); // 14 Oct 17:30
  });

  it('a suspension stops the clock: resuming moves the due time by the paused span', () => {
    const due = new Date('2026-03-10T06:00:00Z');
    const c = snapshot('suspended', { dueAt: due, suspendedAt: new Date('2026-03-10T02:00:00Z') });
    const d = decide(c, SAMPLE.resume, actor('shift_lead'), ctx(new Date('2026-03-10T05:00:00Z')));
    expect(d.ok && d.patch.dueAt?.toISOString()).toBe('2026-03-10T09:00:00.000Z');
  });

  it('an approved extension moves the due time on from the old one', () => {
    const c = snapshot('handling', {
      dueAt: new Date('2026-03-10T08:00:00Z'),
      extensionRequested: { limit: { value: 1, unit: 'natural_day' }, reason: '需协调' },
    });
    const d = decide(c, SAMPLE.extend_decide, actor('shift_lead'), ctx());
    expect(d.ok && d.patch).toMatchObject({ extensionRequested: null, extendedDays: 1 });
    expect(d.ok && d.patch.dueAt?.toISOString()).toBe('2026-03-11T08:00:00.000Z');
  });
});

describe('whistle (吹哨报到)', () => {
  it('summons units with a report-in deadline; late reports are marked; the street rates each unit', () => {
    const street = actor('dispatcher');
    const blown = decide(
      snapshot('filed'),
      { type: 'whistle', unitIds: ['u1', 'u2'], leadUnitId: 'u1' },
      street,
      ctx(),
    );
    if (!blown.ok) throw new Error(blown.error.message);
    const whistle = blown.patch.whistle;
    expect(whistle?.reportDueAt).toBe('2026-03-10T02:30:00.000Z');
    const c = snapshot('filed', { whistle: whistle ?? null });
    const late = decide(
      c,
      SAMPLE.whistle_report,
      actor('handler', STREET, 'u2'),
      ctx(new Date('2026-03-10T02:45:00Z')),
    );
    expect(late.ok && late.patch.whistle?.units.find((u) => u.unitId === 'u2')).toMatchObject({ late: true });
    const bad = decide(
      snapshot('closed', { whistle: whistle ?? null }),
      { type: 'whistle_rate', ratings: [{ unitId: 'u9', score: 3 }] },
      street,
      ctx(),
    );
    expect(bad.ok ? '' : bad.error.messageKey).toBe('unit_not_summoned');
  });

  it('only a street-level user of the owning street blows the whistle', () => {
    const district = actor('dispatcher', '120101');
    const d = decide(snapshot('filed'), SAMPLE.whistle, district, ctx());
    expect(d.ok ? '' : d.error.messageKey).toBe('street_only');
  });
});
