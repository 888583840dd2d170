/** Org use cases: units, users, API tokens, responsibility rules — scoped in SQL, audited in the same transaction. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import { recordAudit } from '../../platform/audit/audit.js';
import { inScope, type Principal } from '../../platform/auth/roles.js';
import { hashPassword, newSecret, sha256 } from '../../platform/auth/secrets.js';
import type { DB, UnitType } from '../../platform/db/schema.js';
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
import { findResponsibleRule } from './responsibility.js';

type Db = Kysely<DB> | Transaction<DB>;

/** Rejects a change that would reach outside the caller's own scope. */
function requireInScope(p: Principal, code: string): void {
  if (!inScope(p.scope, code)) {
    throw new Forbidden(
      'scope_outside',
      `Area ${code || '(all)'} is outside your scope ${p.scope || '(all)'}.`,
    );
  }
}

// ---------- me ----------

export async function describeMe(db: Db, p: Principal) {
  const row = await db
    .selectFrom('users')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .leftJoin('areas', 'areas.code', 'users.scope')
    .select(['users.locale', 'units.name as unit_name', 'areas.name as scope_name'])
    .where('users.id', '=', p.userId)
    .executeTakeFirstOrThrow();
  return {
    id: p.userId,
    username: p.username,
    displayName: p.displayName,
    roles: p.roles,
    unitId: p.unitId,
    unitName: row.unit_name,
    scope: p.scope,
    scopeName: row.scope_name ?? (p.scope === '' ? '全部' : p.scope),
    locale: row.locale === 'en' ? ('en' as const) : ('zh-CN' as const),
  };
}

// ---------- units ----------

function unitQuery(db: Db, p: Principal) {
  return db.selectFrom('units').selectAll().where('area_code', 'like', `${p.scope}%`);
}

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
type UnitRow = {
  id: string;
  code: string;
  name: string;
  name_en: string;
  type: Unit['type'];
  area_code: string;
  parent_id: string | null;
  active: boolean;
};

export async function listUnits(db: Db, p: Principal): Promise<Unit[]> {
  const rows = await unitQuery(db, p).orderBy('area_code').orderBy('code').execute();
  return rows.map(toUnit);
}

export async function getUnit(db: Db, p: Principal, id: string): Promise<Unit> {
  const row = await unitQuery(db, p).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('unit_not_found', `No unit ${id} in your scope.`);
  return toUnit(row);
}

async function requireArea(db: Db, code: string): Promise<void> {
  const area = await db.selectFrom('areas').select('code').where('code', '=', code).executeTakeFirst();
  if (!area) throw new Invalid('area_not_found', `Unknown area code ${code}.`);
}

export async function createUnit(
  db: Kysely<DB>,
  p: Principal,
  input: z.infer<typeof UnitCreate>,
): Promise<Unit> {
  requireInScope(p, input.areaCode);
  return db.transaction().execute(async (trx) => {
    await requireArea(trx, input.areaCode);
    if (input.parentId) await getUnit(trx, p, input.parentId);
    const dup = await trx.selectFrom('units').select('id').where('code', '=', input.code).executeTakeFirst();
    if (dup) throw new Conflict('duplicate', `A unit with code ${input.code} exists.`);
    const row = await trx
      .insertInto('units')
      .values({
        code: input.code,
        name: input.name,
        name_en: input.nameEn,
        type: input.type,
        area_code: input.areaCode,
        parent_id: input.parentId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const unit = toUnit(row);
    await recordAudit(trx, p, { action: 'create', entity: 'unit', entityId: unit.id, after: unit });
    return unit;
  });
}

export async function updateUnit(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  patch: z.infer<typeof UnitPatch>,
): Promise<Unit> {
  return db
    .transaction()
    .execute(async (trx) => {
      const before = await getUnit(trx, p, id);
      if (patch.areaCode !== undefined) {
        requireInScope(p, patch.areaCode);
        await requireArea(trx, patch.areaCode);
      }
      if (patch.parentId) {
        if (patch.parentId === id) throw new Invalid('invalid_request', 'A unit cannot be its own parent.');
        await getUnit(trx, p, patch.parentId);
      }
      if (patch.code !== undefined && patch.code !== before.code) {
        const dup = await trx
          .selectFrom('units')
          .select('id')
          .where('code', '=', patch.code)
          .executeTakeFirst();
        if (dup) throw new Conflict('duplicate', `A unit with code ${patch.code} exists.`);
      }
      const row = await trx
        .updateTable('units')
        .set({
          ...(patch.code !== undefined && { code: patch.code }),
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
          ...(patch.type !== undefined && { type: patch.type }),
          ...(patch.areaCode !== undefined && { area_code: patch.areaCode }),
          ...(patch.parentId !== undefined && { parent_id: patch.parentId }),
          ...(patch.active !== undefined && { active: patch.active }),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const after = toUnit(row);
      await recordAudit(trx, p, { action: 'update', entity: 'unit', entityId: id, before, after });
      return after;
    })
    .finally(() => forgetRules(db));
}

/** Units are deactivated, never deleted: cases and rules keep pointing at them. */
export async function deactivateUnit(db: Kysely<DB>, p: Principal, id: string): Promise<void> {
  await updateUnit(db, p, id, { active: false });
}

// ---------- users ----------

function userQuery(db: Db, p: Principal) {
  return db
    .selectFrom('users')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.roles',
      'users.unit_id',
      'units.name as unit_name',
      'users.scope',
      'users.active',
      'users.locked_until',
    ])
    .where('users.scope', 'like', `${p.scope}%`);
}

type UserRow = {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  unit_id: string | null;
  unit_name: string | null;
  scope: string;
  active: boolean;
  locked_until: Date | null;
};

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
  };
}

export async function listUsers(db: Db, p: Principal): Promise<User[]> {
  return (await userQuery(db, p).orderBy('users.username').execute()).map(toUser);
}

export async function getUser(db: Db, p: Principal, id: string): Promise<User> {
  const row = await userQuery(db, p).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('user_not_found', `No user ${id} in your scope.`);
  return toUser(row);
}

async function checkUserFields(
  trx: Db,
  p: Principal,
  scope: string | undefined,
  unitId: string | null | undefined,
) {
  if (scope !== undefined) {
    requireInScope(p, scope);
    if (scope !== '') await requireArea(trx, scope);
  }
  if (unitId) await getUnit(trx, p, unitId);
}

export async function createUser(
  db: Kysely<DB>,
  p: Principal,
  input: z.infer<typeof UserCreate>,
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    await checkUserFields(trx, p, input.scope, input.unitId);
    const dup = await trx
      .selectFrom('users')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (dup) throw new Conflict('duplicate', `The username ${input.username} is taken.`);
    const { id } = await trx
      .insertInto('users')
      .values({
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        roles: [...new Set(input.roles)],
        unit_id: input.unitId,
        scope: input.scope,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await getUser(trx, p, id);
    await recordAudit(trx, p, { action: 'create', entity: 'user', entityId: id, after: user });
    return user;
  });
}

export async function updateUser(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  patch: z.infer<typeof UserPatch>,
): Promise<User> {
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  return db.transaction().execute(async (trx) => {
    const before = await getUser(trx, p, id);
    await checkUserFields(trx, p, patch.scope, patch.unitId);
    if (id === p.userId && (patch.active === false || (patch.roles && !patch.roles.includes('admin')))) {
      throw new Invalid('invalid_request', 'You cannot deactivate yourself or remove your own admin role.');
    }
    await trx
      .updateTable('users')
      .set({
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
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    if (patch.active === false || passwordHash)
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    const after = await getUser(trx, p, id);
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

// ---------- API tokens ----------

export async function createToken(db: Kysely<DB>, p: Principal, userId: string, name: string) {
  return db.transaction().execute(async (trx) => {
    await getUser(trx, p, userId);
    const token = newSecret('wg_');
    const row = await trx
      .insertInto('api_tokens')
      .values({ user_id: userId, name, token_hash: sha256(token) })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, p, {
      action: 'token_create',
      entity: 'token',
      entityId: row.id,
      after: { userId, name },
    });
    return { id: row.id, name: row.name, token };
  });
}

export async function listTokens(db: Db, p: Principal, userId: string) {
  await getUser(db, p, userId);
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
  }));
}

export async function revokeToken(db: Kysely<DB>, p: Principal, tokenId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.user_id'])
      .where('api_tokens.id', '=', tokenId)
      .where('api_tokens.revoked_at', 'is', null)
      .where('users.scope', 'like', `${p.scope}%`)
      .executeTakeFirst();
    if (!row) throw new NotFound('token_not_found', `No token ${tokenId} in your scope.`);
    await trx.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', tokenId).execute();
    await recordAudit(trx, p, { action: 'token_revoke', entity: 'token', entityId: tokenId });
  });
}

// ---------- responsibility rules ----------

function ruleQuery(db: Db, p: Principal) {
  return db
    .selectFrom('responsibility_rules as r')
    .innerJoin('units', 'units.id', 'r.unit_id')
    .select([
      'r.id',
      'r.position',
      'r.category_pattern',
      'r.area_prefix',
      'r.unit_id',
      'units.name as unit_name',
      'r.note',
    ])
    .where((eb) =>
      eb.or([eb('r.area_prefix', 'like', `${p.scope}%`), sql<boolean>`${p.scope} like r.area_prefix || '%'`]),
    );
}

type RuleRow = {
  id: string;
  position: number;
  category_pattern: string;
  area_prefix: string;
  unit_id: string;
  unit_name: string;
  note: string;
};
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

/** Rules that can apply inside the caller's scope: those within it and the wider ones that cover it. */
export async function listRules(db: Db, p: Principal): Promise<Rule[]> {
  return (await ruleQuery(db, p).orderBy('r.position').orderBy('r.id').execute()).map(toRule);
}

async function getRule(db: Db, p: Principal, id: string): Promise<Rule> {
  const row = await ruleQuery(db, p).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('rule_not_found', `No rule ${id}.`);
  return toRule(row);
}

export async function createRule(
  db: Kysely<DB>,
  p: Principal,
  input: z.infer<typeof RuleCreate>,
): Promise<Rule> {
  requireInScope(p, input.areaPrefix);
  return db
    .transaction()
    .execute(async (trx) => {
      if (input.areaPrefix) await requireArea(trx, input.areaPrefix);
      await getUnit(trx, p, input.unitId);
      const last = await trx
        .selectFrom('responsibility_rules')
        .select((eb) => eb.fn.max('position').as('max'))
        .executeTakeFirst();
      const { id } = await trx
        .insertInto('responsibility_rules')
        .values({
          position: input.position ?? Number(last?.max ?? 0) + 10,
          category_pattern: input.categoryPattern,
          area_prefix: input.areaPrefix,
          unit_id: input.unitId,
          note: input.note,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rule = await getRule(trx, p, id);
      await recordAudit(trx, p, { action: 'create', entity: 'rule', entityId: id, after: rule });
      return rule;
    })
    .finally(() => forgetRules(db));
}

export async function updateRule(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  patch: z.infer<typeof RulePatch>,
): Promise<Rule> {
  return db
    .transaction()
    .execute(async (trx) => {
      const before = await getRule(trx, p, id);
      requireInScope(p, patch.areaPrefix ?? before.areaPrefix);
      if (patch.areaPrefix) await requireArea(trx, patch.areaPrefix);
      if (patch.unitId) await getUnit(trx, p, patch.unitId);
      await trx
        .updateTable('responsibility_rules')
        .set({
          ...(patch.position !== undefined && { position: patch.position }),
          ...(patch.categoryPattern !== undefined && { category_pattern: patch.categoryPattern }),
          ...(patch.areaPrefix !== undefined && { area_prefix: patch.areaPrefix }),
          ...(patch.unitId !== undefined && { unit_id: patch.unitId }),
          ...(patch.note !== undefined && { note: patch.note }),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      const after = await getRule(trx, p, id);
      await recordAudit(trx, p, { action: 'update', entity: 'rule', entityId: id, before, after });
      return after;
    })
    .finally(() => forgetRules(db));
}

export async function deleteRule(db: Kysely<DB>, p: Principal, id: string): Promise<void> {
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await getRule(trx, p, id);
      requireInScope(p, before.areaPrefix);
      await trx.deleteFrom('responsibility_rules').where('id', '=', id).execute();
      await recordAudit(trx, p, { action: 'delete', entity: 'rule', entityId: id, before });
    })
    .finally(() => forgetRules(db));
}

/**
 * Active rules, cached per store for a few seconds: intake asks on every case, rules change rarely.
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
  const rules = db
    .selectFrom('responsibility_rules as r')
    .innerJoin('units', 'units.id', 'r.unit_id')
    .select(['r.id', 'r.position', 'r.category_pattern', 'r.area_prefix', 'r.unit_id', 'units.name'])
    .where('units.active', '=', true)
    .execute()
    .then((rows) =>
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

/** The unit responsible for a category at a grid: the public face dispatch uses. */
export async function responsibleUnit(db: Db, categoryCode: string, areaCode: string) {
  const rule = findResponsibleRule(await activeRules(db), categoryCode, areaCode);
  return rule ? { unitId: rule.unitId, unitName: rule.unitName, ruleId: rule.id } : null;
}

// ---------- audit ----------

export async function listAudit(db: Db, q: z.infer<typeof AuditQuery>) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  }));
}

// ---------- small reads for other modules (cases, channels) ----------

/** Names of units by id (inactive ones too: a timeline keeps the name of who acted). */
export async function unitNames(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('units').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Of the given unit ids, those of active units. */
export async function activeUnitIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('units')
    .select('id')
    .where('id', 'in', [...ids])
    .where('active', '=', true)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The unit of a type at exactly an area (a street office 街道办, a district command centre). */
export async function unitOfType(
  db: Db,
  type: UnitType,
  areaCode: string,
  opts: { activeOnly?: boolean } = {},
): Promise<string | null> {
  let q = db.selectFrom('units').select('id').where('type', '=', type).where('area_code', '=', areaCode);
  if (opts.activeOnly) q = q.where('active', '=', true);
  return (await q.executeTakeFirst())?.id ?? null;
}

/** A user as a principal for work done on their behalf (the portal account, a device's owner). */
export async function principalOfUser(
  db: Db,
  by: { id: string } | { username: string; activeOnly: true },
  displayName: string,
): Promise<Principal | null> {
  const q = db.selectFrom('users').selectAll();
  const u = await ('id' in by
    ? q.where('id', '=', by.id)
    : q.where('username', '=', by.username).where('active', '=', true)
  ).executeTakeFirst();
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
