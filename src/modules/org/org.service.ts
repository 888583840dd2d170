/**
 * Org use cases: units, users, responsibility rules and the audit trail — scoped in SQL (through the
 * store), audited in the same transaction. Logins, sessions and API tokens are in `auth.service.ts`.
 */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { listAudit, recordAudit } from '../../platform/audit/audit.js';
import { inScope, type Principal } from '../../platform/auth/roles.js';
import { hashPassword } from '../../platform/auth/secrets.js';
import type { DB, UnitType } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import type {
  AuditQuery,
  Rule,
  RuleCreate,
  RulePatch,
  Unit,
  UnitCreate,
  UnitPatch,
  User,
  UserCreate,
  UserPatch,
} from './org.schemas.js';
import { OrgStore } from './org.store.js';
import { findResponsibleRule } from './responsibility.js';

/** What org needs from places: whether an area code exists and its name. */
export interface AreaDirectory {
  areaExists(code: string): Promise<boolean>;
  areaName(code: string): Promise<string | null>;
}

/** Rejects a change that would reach outside the caller's own scope. */
export function requireInScope(p: Pick<Principal, 'scope'>, code: string): void {
  if (!inScope(p.scope, code)) {
    throw new Forbidden(
      'scope_outside',
      `Area ${code || '(all)'} is outside your scope ${p.scope || '(all)'}.`,
    );
  }
}

type UnitRow = NonNullable<Awaited<ReturnType<OrgStore['unitInScope']>>>;
type UserRow = NonNullable<Awaited<ReturnType<OrgStore['userInScope']>>>;
type RuleRow = Awaited<ReturnType<OrgStore['rulesInScope']>>[number];

function toUnit(r: UnitRow): Unit {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    type: r.type,
    areaCode: r.area_code,
    parentId: r.parent_id,
    active: r.active,
  };
}

function toUser(r: UserRow): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles as User['roles'],
    unitId: r.unit_id,
    unitName: r.unit_name,
    scope: r.scope,
    active: r.active,
    lockedUntil: r.locked_until ? r.locked_until.toISOString() : null,
    unitHead: r.unit_head,
  };
}

function toRule(r: RuleRow): Rule {
  return {
    id: r.id,
    position: r.position,
    categoryPattern: r.category_pattern,
    areaPrefix: r.area_prefix,
    unitId: r.unit_id,
    unitName: r.unit_name,
    note: r.note,
  };
}

/** A user of the caller's scope, or 404 (also used by the token use cases). */
export async function userInScope(store: OrgStore, p: Pick<Principal, 'scope'>, id: string): Promise<User> {
  const row = await store.userInScope(p.scope, id);
  if (!row) throw new NotFound('user_not_found', `No user ${id} in your scope.`);
  return toUser(row);
}

async function unitInScope(store: OrgStore, p: Pick<Principal, 'scope'>, id: string): Promise<Unit> {
  const row = await store.unitInScope(p.scope, id);
  if (!row) throw new NotFound('unit_not_found', `No unit ${id} in your scope.`);
  return toUnit(row);
}

async function ruleInScope(store: OrgStore, p: Pick<Principal, 'scope'>, id: string): Promise<Rule> {
  const [row] = await store.rulesInScope(p.scope, id);
  if (!row) throw new NotFound('rule_not_found', `No rule ${id}.`);
  return toRule(row);
}

export class Org {
  private readonly store: OrgStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly places: AreaDirectory,
  ) {
    this.store = new OrgStore(db);
  }

  private async requireArea(code: string): Promise<void> {
    if (!(await this.places.areaExists(code)))
      throw new Invalid('area_not_found', `Unknown area code ${code}.`);
  }

  // ---------- me ----------

  async describeMe(p: Principal) {
    const row = await this.store.userProfile(p.userId);
    const scopeName = p.scope === '' ? null : await this.places.areaName(p.scope);
    return {
      id: p.userId,
      username: p.username,
      displayName: p.displayName,
      roles: p.roles,
      unitId: p.unitId,
      unitName: row.unit_name,
      scope: p.scope,
      scopeName: scopeName ?? (p.scope === '' ? '全部' : p.scope),
      locale: row.locale === 'en' ? ('en' as const) : ('zh-CN' as const),
      unitHead: row.unit_head,
    };
  }

  // ---------- units ----------

  async listUnits(p: Principal): Promise<Unit[]> {
    return (await this.store.unitsInScope(p.scope)).map(toUnit);
  }

  getUnit(p: Principal, id: string): Promise<Unit> {
    return unitInScope(this.store, p, id);
  }

  /**
   * The active units among `ids` with their names and areas (other modules check the units they are
   * given: that they exist, and that they are within the caller's reach — `unitInScope`).
   */
  async activeUnits(ids: readonly string[]): Promise<{ id: string; name: string; areaCode: string }[]> {
    const rows = await this.store.activeUnits(ids);
    return rows.map((r) => ({ id: r.id, name: r.name, areaCode: r.area_code }));
  }

  /** Names of these units by id (active or not). */
  async unitNames(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.store.unitNames([...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async createUnit(p: Principal, input: z.infer<typeof UnitCreate>): Promise<Unit> {
    requireInScope(p, input.areaCode);
    await this.requireArea(input.areaCode);
    return this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      if (input.parentId) await unitInScope(store, p, input.parentId);
      if (await store.unitCodeTaken(input.code))
        throw new Conflict('duplicate', `A unit with code ${input.code} exists.`);
      const unit = toUnit(
        await store.insertUnit({
          code: input.code,
          name: input.name,
          name_en: input.nameEn,
          type: input.type,
          area_code: input.areaCode,
          parent_id: input.parentId,
        }),
      );
      await recordAudit(trx, p, { action: 'create', entity: 'unit', entityId: unit.id, after: unit });
      return unit;
    });
  }

  async updateUnit(p: Principal, id: string, patch: z.infer<typeof UnitPatch>): Promise<Unit> {
    // Checked before the transaction (in the same order as inside it): places reads outside it.
    await unitInScope(this.store, p, id);
    if (patch.areaCode !== undefined) {
      requireInScope(p, patch.areaCode);
      await this.requireArea(patch.areaCode);
    }
    return this.db
      .transaction()
      .execute(async (trx) => {
        const store = new OrgStore(trx);
        const before = await unitInScope(store, p, id);
        if (patch.parentId) {
          if (patch.parentId === id) throw new Invalid('invalid_request', 'A unit cannot be its own parent.');
          await unitInScope(store, p, patch.parentId);
        }
        if (patch.code !== undefined && patch.code !== before.code && (await store.unitCodeTaken(patch.code)))
          throw new Conflict('duplicate', `A unit with code ${patch.code} exists.`);
        const after = toUnit(
          await store.updateUnit(id, {
            ...(patch.code !== undefined && { code: patch.code }),
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
            ...(patch.type !== undefined && { type: patch.type }),
            ...(patch.areaCode !== undefined && { area_code: patch.areaCode }),
            ...(patch.parentId !== undefined && { parent_id: patch.parentId }),
            ...(patch.active !== undefined && { active: patch.active }),
          }),
        );
        await recordAudit(trx, p, { action: 'update', entity: 'unit', entityId: id, before, after });
        return after;
      })
      .finally(() => forgetRules(this.db));
  }

  /** Units are deactivated, never deleted: cases and rules keep pointing at them. */
  async deactivateUnit(p: Principal, id: string): Promise<void> {
    await this.updateUnit(p, id, { active: false });
  }

  // ---------- users ----------

  async listUsers(p: Principal): Promise<User[]> {
    return (await this.store.usersInScope(p.scope)).map(toUser);
  }

  getUser(p: Principal, id: string): Promise<User> {
    return userInScope(this.store, p, id);
  }

  /** Scope and unit of a user being written; checked before the transaction (places reads outside it). */
  private async checkUserFields(p: Principal, scope?: string, unitId?: string | null) {
    if (scope !== undefined) {
      requireInScope(p, scope);
      if (scope !== '') await this.requireArea(scope);
    }
    if (unitId) await unitInScope(this.store, p, unitId);
  }

  async createUser(
    p: Principal,
    input: Omit<z.infer<typeof UserCreate>, 'unitHead'> & { unitHead?: boolean },
  ): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    await this.checkUserFields(p, input.scope, input.unitId);
    return this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      if (await store.userByUsername(input.username))
        throw new Conflict('duplicate', `The username ${input.username} is taken.`);
      const id = await store.insertUser({
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        roles: [...new Set(input.roles)],
        unit_id: input.unitId,
        scope: input.scope,
        unit_head: input.unitHead ?? false,
      });
      const user = await userInScope(store, p, id);
      await recordAudit(trx, p, { action: 'create', entity: 'user', entityId: id, after: user });
      return user;
    });
  }

  async updateUser(p: Principal, id: string, patch: z.infer<typeof UserPatch>): Promise<User> {
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    await userInScope(this.store, p, id);
    await this.checkUserFields(p, patch.scope, patch.unitId);
    return this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      const before = await userInScope(store, p, id);
      if (id === p.userId && (patch.active === false || (patch.roles && !patch.roles.includes('admin')))) {
        throw new Invalid('invalid_request', 'You cannot deactivate yourself or remove your own admin role.');
      }
      await store.updateUser(id, {
        ...(patch.displayName !== undefined && { display_name: patch.displayName }),
        ...(passwordHash !== undefined && {
          password_hash: passwordHash,
          failed_logins: 0,
          locked_until: null,
        }),
        ...(patch.roles !== undefined && { roles: [...new Set(patch.roles)] }),
        ...(patch.unitId !== undefined && { unit_id: patch.unitId }),
        ...(patch.scope !== undefined && { scope: patch.scope }),
        ...(patch.active !== undefined && { active: patch.active }),
        ...(patch.unitHead !== undefined && { unit_head: patch.unitHead }),
      });
      if (patch.active === false || passwordHash) await store.deleteSessionsOf(id);
      const after = await userInScope(store, p, id);
      // The audit never holds a password or its hash.
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'user',
        entityId: id,
        before,
        after: { ...after, ...(passwordHash && { passwordChanged: true }) },
      });
      return after;
    });
  }

  // ---------- responsibility rules ----------

  /** Rules that can apply inside the caller's scope: those within it and the wider ones that cover it. */
  async listRules(p: Principal): Promise<Rule[]> {
    return (await this.store.rulesInScope(p.scope)).map(toRule);
  }

  async createRule(p: Principal, input: z.infer<typeof RuleCreate>): Promise<Rule> {
    requireInScope(p, input.areaPrefix);
    if (input.areaPrefix) await this.requireArea(input.areaPrefix);
    return this.db
      .transaction()
      .execute(async (trx) => {
        const store = new OrgStore(trx);
        await unitInScope(store, p, input.unitId);
        const id = await store.insertRule({
          position: input.position ?? (await store.lastRulePosition()) + 10,
          category_pattern: input.categoryPattern,
          area_prefix: input.areaPrefix,
          unit_id: input.unitId,
          note: input.note,
        });
        const rule = await ruleInScope(store, p, id);
        await recordAudit(trx, p, { action: 'create', entity: 'rule', entityId: id, after: rule });
        return rule;
      })
      .finally(() => forgetRules(this.db));
  }

  async updateRule(p: Principal, id: string, patch: z.infer<typeof RulePatch>): Promise<Rule> {
    // Checked before the transaction (in the same order as inside it): places reads outside it.
    const current = await ruleInScope(this.store, p, id);
    requireInScope(p, patch.areaPrefix ?? current.areaPrefix);
    if (patch.areaPrefix) await this.requireArea(patch.areaPrefix);
    return this.db
      .transaction()
      .execute(async (trx) => {
        const store = new OrgStore(trx);
        const before = await ruleInScope(store, p, id);
        requireInScope(p, patch.areaPrefix ?? before.areaPrefix);
        if (patch.unitId) await unitInScope(store, p, patch.unitId);
        await store.updateRule(id, {
          ...(patch.position !== undefined && { position: patch.position }),
          ...(patch.categoryPattern !== undefined && { category_pattern: patch.categoryPattern }),
          ...(patch.areaPrefix !== undefined && { area_prefix: patch.areaPrefix }),
          ...(patch.unitId !== undefined && { unit_id: patch.unitId }),
          ...(patch.note !== undefined && { note: patch.note }),
        });
        const after = await ruleInScope(store, p, id);
        await recordAudit(trx, p, { action: 'update', entity: 'rule', entityId: id, before, after });
        return after;
      })
      .finally(() => forgetRules(this.db));
  }

  async deleteRule(p: Principal, id: string): Promise<void> {
    await this.db
      .transaction()
      .execute(async (trx) => {
        const store = new OrgStore(trx);
        const before = await ruleInScope(store, p, id);
        requireInScope(p, before.areaPrefix);
        await store.deleteRule(id);
        await recordAudit(trx, p, { action: 'delete', entity: 'rule', entityId: id, before });
      })
      .finally(() => forgetRules(this.db));
  }

  /** The unit responsible for a category at a grid: the public face dispatch uses. */
  responsibleUnit(categoryCode: string, areaCode: string) {
    return responsibleUnit(this.db, categoryCode, areaCode);
  }

  // ---------- audit ----------

  listAudit(q: z.infer<typeof AuditQuery>) {
    return listAudit(this.db, q);
  }
}

/**
 * Active rules, cached per database for a few seconds: intake asks on every case, rules change rarely.
 * A change made through this process clears the cache at once; other processes see it within the TTL.
 */
const RULES_TTL_MS = 5_000;
type CachedRule = {
  id: string;
  position: number;
  categoryPattern: string;
  areaPrefix: string;
  unitId: string;
  unitName: string;
};
const rulesCache = new WeakMap<object, { at: number; rules: Promise<CachedRule[]> }>();

export function forgetRules(db: Db): void {
  rulesCache.delete(db);
}

function activeRules(db: Db): Promise<CachedRule[]> {
  const hit = rulesCache.get(db);
  if (hit && Date.now() - hit.at < RULES_TTL_MS) return hit.rules;
  const rules = new OrgStore(db).activeRules().then((rows) =>
    rows.map((r) => ({
      id: r.id,
      position: r.position,
      categoryPattern: r.category_pattern,
      areaPrefix: r.area_prefix,
      unitId: r.unit_id,
      unitName: r.name,
    })),
  );
  rulesCache.set(db, { at: Date.now(), rules });
  rules.catch(() => rulesCache.delete(db));
  return rules;
}

/**
 * The unit responsible for a category at a grid (what dispatch uses). Kept as a function of the
 * database for the cases module; `Org.responsibleUnit` is the same through the service.
 */
export async function responsibleUnit(db: Db, categoryCode: string, areaCode: string) {
  const rule = findResponsibleRule(await activeRules(db), categoryCode, areaCode);
  return rule ? { unitId: rule.unitId, unitName: rule.unitName, ruleId: rule.id } : null;
}

// ---------- small reads for other modules (cases, channels) ----------

/** Names of units by id (inactive ones too: a timeline keeps the name of who acted). */
export async function unitNames(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await new OrgStore(db).unitNames(wanted);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Of the given unit ids, those of active units, with their area codes. */
export async function activeUnitAreas(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await new OrgStore(db).activeUnits(ids);
  return new Map(rows.map((r) => [r.id, r.area_code]));
}

/** Of the given unit ids, those of active units. */
export async function activeUnitIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await new OrgStore(db).activeUnits(ids);
  return new Set(rows.map((r) => r.id));
}

/** The unit of a type at exactly an area (a street office 街道办, a district command centre). */
export async function unitOfType(
  db: Db,
  type: UnitType,
  areaCode: string,
  opts: { activeOnly?: boolean } = {},
): Promise<string | null> {
  return (await new OrgStore(db).unitOfType(type, areaCode, opts.activeOnly ?? false))?.id ?? null;
}

/** A user as a principal for work done on their behalf (the portal account, a device's owner). */
export async function principalOfUser(
  db: Db,
  by: { id: string } | { username: string; activeOnly: true },
  displayName: string,
): Promise<Principal | null> {
  const store = new OrgStore(db);
  const u = await ('id' in by ? store.userRow(by.id) : store.activeUserRow(by.username));
  if (!u) return null;
  return {
    userId: u.id,
    username: u.username,
    displayName,
    roles: u.roles as Principal['roles'],
    unitId: u.unit_id,
    scope: u.scope,
    via: 'token',
    csrfToken: null,
    sessionId: null,
  };
}
