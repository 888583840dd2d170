/**
 * People of the organisation as other modules need them: a unit's members (who a unit head 单位负责人 may
 * assign a case to) and users' display names. Small reads that take a `Db`, like `unitNames`.
 */
import type { Db } from '../../platform/db/store.js';
import { OrgStore } from './org.store.js';

/** A member of a unit: an active user of it. */
export interface UnitMemberT {
  id: string;
  displayName: string;
  roles: string[];
  /** 单位负责人: may assign the unit's cases to its members. */
  unitHead: boolean;
}

/** A unit's active members, by name. */
export async function unitMembers(db: Db, unitId: string): Promise<UnitMemberT[]> {
  const rows = await new OrgStore(db).unitMembers(unitId);
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, roles: r.roles, unitHead: r.unit_head }));
}

/** Display names of users by id (inactive ones too: a case keeps who did the work). */
export async function userNames(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await new OrgStore(db).userNames(wanted);
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
