/**
 * Who acts on a case. One type for both uses: the state machine reads the roles, unit and scope
 * (`workflow.ts`'s `Actor`), and the event records the name and the role acted in.
 */
import type { Principal, Role } from '../../platform/auth/roles.js';
import type { Actor, ActorRole } from './workflow.js';

export interface CaseActor extends Actor {
  /** The name the timeline shows. */
  name: string;
  /** The role this act is done in (a person may hold several). */
  role: ActorRole;
}

/** Roles that may report a case (上报) through any channel. */
export const INTAKE_ROLES: readonly Role[] = ['inspector', 'operator', 'shift_lead', 'dispatcher'];

/** A signed-in person acting in `role`. */
export function caseActorOf(p: Principal, role: ActorRole): CaseActor {
  return { userId: p.userId, name: p.displayName, role, roles: p.roles, unitId: p.unitId, scope: p.scope };
}

/** The jobs (deadline marks, escalation 超时升级). */
export const SYSTEM_CASE_ACTOR: CaseActor = {
  userId: null,
  name: 'system',
  role: 'system',
  roles: ['system'],
  unitId: null,
  scope: '',
};

/** A citizen through the public portal (no account). */
export const CITIZEN_CASE_ACTOR: CaseActor = {
  userId: null,
  name: '市民',
  role: 'public',
  roles: ['public'],
  unitId: null,
  scope: '',
};
