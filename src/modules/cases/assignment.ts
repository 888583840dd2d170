/**
 * 分派到人: a unit head (单位负责人, `users.unit_head`) gives a case of their unit to one of its members —
 * the assignee 承办人 who does the work — or takes it back. Pure: the service gathers the case, the unit's
 * active members and the caller, this decides.
 */
import type { CaseState } from './case-model.js';

/** While the unit holds the case and works it; before dispatch and after feedback there is no one to assign. */
export const ASSIGNABLE_STATES: readonly CaseState[] = ['dispatched', 'handling', 'suspended'];

/** A member of the case's unit (active users with that unit). */
export interface UnitMember {
  id: string;
  displayName: string;
  roles: readonly string[];
  unitHead: boolean;
}

export interface AssignableCase {
  state: string;
  assignedUnitId: string | null;
  assignedUserId: string | null;
}

export type AssignmentRefusal = {
  code: 'forbidden' | 'wrong_state' | 'invalid';
  messageKey: string;
  message: string;
};

export type AssignmentDecision =
  | {
      ok: true;
      type: 'assign' | 'unassign';
      assignedUserId: string | null;
      payload: Record<string, unknown>;
    }
  | { ok: false; error: AssignmentRefusal };

const refuse = (
  code: AssignmentRefusal['code'],
  messageKey: string,
  message: string,
): AssignmentDecision => ({ ok: false, error: { code, messageKey, message } });

/**
 * Whether `callerId` may assign this case: the case is with a unit, and the caller is a head among that
 * unit's active members. (Members are those of the case's current unit, so a head of another unit is not one.)
 */
export function isHeadOfCaseUnit(
  c: AssignableCase,
  members: readonly UnitMember[],
  callerId: string,
): boolean {
  return !!c.assignedUnitId && members.some((m) => m.id === callerId && m.unitHead);
}

/**
 * Assign to `assigneeId` (a member of the case's unit with the handler role), or take back (`null`).
 * Refusals: not the unit's head → forbidden; the unit does not work the case now → wrong_state; someone
 * outside the unit, inactive or without the handler role → invalid, nothing changed.
 */
export function decideAssignment(
  c: AssignableCase,
  members: readonly UnitMember[],
  callerId: string,
  assigneeId: string | null,
): AssignmentDecision {
  if (!isHeadOfCaseUnit(c, members, callerId)) {
    return refuse(
      'forbidden',
      'not_unit_head',
      'Only the head of the unit the case is assigned to may assign it to a person.',
    );
  }
  if (!ASSIGNABLE_STATES.includes(c.state as CaseState)) {
    return refuse(
      'wrong_state',
      'not_assignable',
      `A case is assigned to a person only while its unit works it (dispatched, handling, suspended); it is ${c.state}.`,
    );
  }
  if (assigneeId === null) {
    if (!c.assignedUserId)
      return refuse('wrong_state', 'not_assigned', 'The case is not assigned to anyone.');
    return {
      ok: true,
      type: 'unassign',
      assignedUserId: null,
      payload: { previousUserId: c.assignedUserId },
    };
  }
  const member = members.find((m) => m.id === assigneeId);
  if (!member) {
    return refuse(
      'invalid',
      'assignee_outside_unit',
      'The assignee is not an active member of the unit handling this case; choose one of its members.',
    );
  }
  if (!member.roles.includes('handler')) {
    return refuse(
      'invalid',
      'assignee_not_handler',
      `${member.displayName} does not handle cases (the handler role); choose a member who does.`,
    );
  }
  if (c.assignedUserId === member.id) {
    return refuse(
      'wrong_state',
      'already_assigned',
      `The case is already assigned to ${member.displayName}.`,
    );
  }
  return {
    ok: true,
    type: 'assign',
    assignedUserId: member.id,
    payload: { userId: member.id, userName: member.displayName, previousUserId: c.assignedUserId },
  };
}
