import { describe, expect, it } from 'vitest';
import { ASSIGNABLE_STATES, decideAssignment, type UnitMember } from './assignment.js';
import { STATES } from './workflow.js';

const UNIT = 'unit-a';
const members: UnitMember[] = [
  { id: 'head', displayName: '科长', roles: ['handler'], unitHead: true },
  { id: 'worker', displayName: '干事', roles: ['handler'], unitHead: false },
  { id: 'clerk', displayName: '文员', roles: ['operator'], unitHead: false },
];
const handling = { state: 'handling', assignedUnitId: UNIT, assignedUserId: null };

describe('assignment to a person (分派到人)', () => {
  it('lets the unit head assign to a handler of the unit, and take the case back', () => {
    const d = decideAssignment(handling, members, 'head', 'worker');
    expect(d).toMatchObject({
      ok: true,
      type: 'assign',
      assignedUserId: 'worker',
      payload: { userName: '干事' },
    });
    const back = decideAssignment({ ...handling, assignedUserId: 'worker' }, members, 'head', null);
    expect(back).toMatchObject({ ok: true, type: 'unassign', assignedUserId: null });
  });

  it('refuses who is not the head of the case’s unit', () => {
    expect(decideAssignment(handling, members, 'worker', 'worker')).toMatchObject({
      ok: false,
      error: { code: 'forbidden', messageKey: 'not_unit_head' },
    });
    // A head of another unit is not among this unit's members.
    expect(decideAssignment(handling, [], 'head', 'worker')).toMatchObject({ ok: false });
    expect(decideAssignment({ ...handling, assignedUnitId: null }, members, 'head', 'worker')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('refuses an assignee outside the unit or without the handler role, with a clear reason', () => {
    expect(decideAssignment(handling, members, 'head', 'stranger')).toMatchObject({
      ok: false,
      error: { code: 'invalid', messageKey: 'assignee_outside_unit' },
    });
    expect(decideAssignment(handling, members, 'head', 'clerk')).toMatchObject({
      ok: false,
      error: { code: 'invalid', messageKey: 'assignee_not_handler' },
    });
  });

  it('assigns only while the unit works the case, and never twice to the same person', () => {
    for (const state of STATES) {
      const d = decideAssignment({ ...handling, state }, members, 'head', 'worker');
      expect(d.ok, state).toBe(ASSIGNABLE_STATES.includes(state));
    }
    expect(
      decideAssignment({ ...handling, assignedUserId: 'worker' }, members, 'head', 'worker'),
    ).toMatchObject({
      ok: false,
      error: { messageKey: 'already_assigned' },
    });
    expect(decideAssignment(handling, members, 'head', null)).toMatchObject({
      ok: false,
      error: { messageKey: 'not_assigned' },
    });
  });
});
