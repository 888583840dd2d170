/**
 * The org module's access to its tables: units, users, sessions, api_tokens, login_attempts,
 * responsibility_rules (api_keys: api-keys.store.ts). Scope filters are SQL (`like scope || '%'`); callers get rows, not domain objects.
 */
import { type Insertable, sql, type Updateable } from 'kysely';
import { lockName } from '../../platform/db/locks.js';
import type { ResponsibilityRulesTable, UnitsTable, UnitType, UsersTable } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

const USER_COLUMNS = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.roles',
  'users.unit_id',
  'units.name as unit_name',
  'users.scope',
  'users.active',
  'users.locked_until',
  'users.unit_head',
] as const;

const RULE_COLUMNS = [
  'r.id',
  'r.position',
  'r.category_pattern',
  'r.area_prefix',
  'r.unit_id',
  'units.name as unit_name',
  'r.note',
] as const;

export class OrgStore {
  constructor(private readonly db: Db) {}

  // ---------- units ----------

  unitsInScope(scope: string) {
    return this.db
      .selectFrom('units')
      .selectAll()
      .where('area_code', 'like', `${scope}%`)
      .orderBy('area_code')
      .orderBy('code')
      .execute();
  }

  unitInScope(scope: string, id: string) {
    return this.db
      .selectFrom('units')
      .selectAll()
      .where('area_code', 'like', `${scope}%`)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async unitCodeTaken(code: string): Promise<boolean> {
    const row = await this.db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirst();
    return row !== undefined;
  }

  insertUnit(values: Insertable<UnitsTable>) {
    return this.db.insertInto('units').values(values).returningAll().executeTakeFirstOrThrow();
  }

  updateUnit(id: string, set: Updateable<UnitsTable>) {
    return this.db
      .updateTable('units')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Of these unit ids, the active ones with their names. */
  activeUnits(ids: readonly string[]) {
    return this.db
      .selectFrom('units')
      .select(['id', 'name', 'area_code'])
      .where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
      .where('active', '=', true)
      .execute();
  }

  /** Names of these units (active or not). */
  unitNames(ids: readonly string[]) {
    return this.db
      .selectFrom('units')
      .select(['id', 'name'])
      .where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
      .execute();
  }

  /** The unit of a type at exactly an area. */
  unitOfType(type: UnitType, areaCode: string, activeOnly: boolean) {
    let q = this.db
      .selectFrom('units')
      .select('id')
      .where('type', '=', type)
      .where('area_code', '=', areaCode);
    if (activeOnly) q = q.where('active', '=', true);
    return q.executeTakeFirst();
  }

  // ---------- users ----------

  userRow(id: string) {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  activeUserRow(username: string) {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .where('active', '=', true)
      .executeTakeFirst();
  }

  usersInScope(scope: string) {
    return this.db
      .selectFrom('users')
      .leftJoin('units', 'units.id', 'users.unit_id')
      .select(USER_COLUMNS)
      .where('users.scope', 'like', `${scope}%`)
      .orderBy('users.username')
      .execute();
  }

  userInScope(scope: string, id: string) {
    return this.db
      .selectFrom('users')
      .leftJoin('units', 'units.id', 'users.unit_id')
      .select(USER_COLUMNS)
      .where('users.scope', 'like', `${scope}%`)
      .where('users.id', '=', id)
      .executeTakeFirst();
  }

  /** The caller's own locale and unit name (for "me"). */
  userProfile(id: string) {
    return this.db
      .selectFrom('users')
      .leftJoin('units', 'units.id', 'users.unit_id')
      .select(['users.locale', 'units.name as unit_name', 'users.unit_head'])
      .where('users.id', '=', id)
      .executeTakeFirstOrThrow();
  }

  /** The active members of a unit (for assignment 分派到人 and its workload view). */
  unitMembers(unitId: string) {
    return this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'roles', 'unit_head'])
      .where('unit_id', '=', unitId)
      .where('active', '=', true)
      .orderBy('display_name')
      .orderBy('id')
      .execute();
  }

  /** Display names of users by id (inactive ones too: a timeline keeps who did the work). */
  userNames(ids: readonly string[]) {
    return this.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', [...ids])
      .execute();
  }

  userByUsername(username: string) {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async insertUser(values: Insertable<UsersTable>): Promise<string> {
    const row = await this.db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async updateUser(id: string, set: Updateable<UsersTable>): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  // Failed-login bookkeeping (no updated_at: it is not an edit of the user). Each is one statement so
  // that parallel logins of one account are applied one after another by the row lock.

  /**
   * One more consecutive failure; the `failuresToLock`th locks the account until `lockUntil` and starts
   * the count again. A failure while the account is locked (at `now`) changes nothing.
   */
  async countLoginFailure(id: string, now: Date, failuresToLock: number, lockUntil: Date): Promise<void> {
    const lockedNow = sql<boolean>`coalesce(locked_until > ${now}, false)`;
    const locks = sql<boolean>`failed_logins + 1 >= ${failuresToLock}`;
    await this.db
      .updateTable('users')
      .set({
        failed_logins: sql<number>`case when ${lockedNow} then failed_logins when ${locks} then 0 else failed_logins + 1 end`,
        locked_until: sql<Date | null>`case when ${lockedNow} then locked_until when ${locks} then ${lockUntil}::timestamptz else locked_until end`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** A successful login clears the count, unless the account is locked at `now`: then false. */
  async clearLoginFailures(id: string, now: Date): Promise<boolean> {
    const row = await this.db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  // ---------- sessions and login attempts ----------

  async insertSession(values: { id: string; userId: string; csrf: string; expiresAt: Date }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: values.id,
        user_id: values.userId,
        csrf_token: values.csrf,
        expires_at: values.expiresAt,
      })
      .execute();
  }

  /** The active user behind a session id, with the session's CSRF token and expiry. */
  sessionUser(sessionId: string) {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf_token', 'sessions.expires_at'])
      .where('sessions.id', '=', sessionId)
      .where('users.active', '=', true)
      .executeTakeFirst();
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }

  /** Makes the attempts of one address wait for each other until the transaction ends. */
  async lockAttemptsFrom(source: string): Promise<void> {
    await lockName(this.db, 'login_source', source);
  }

  async countAttempts(source: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', source)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertAttempt(source: string, at: Date): Promise<void> {
    await this.db.insertInto('login_attempts').values({ source, at }).execute();
  }

  async deleteAttemptsBefore(before: Date): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('at', '<', sql<Date>`${before}`).execute();
  }

  // ---------- API tokens ----------

  insertToken(userId: string, name: string, tokenHash: string) {
    return this.db
      .insertInto('api_tokens')
      .values({ user_id: userId, name, token_hash: tokenHash })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
  }

  liveTokensOf(userId: string) {
    return this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
  }

  /** A live token whose user is inside the scope. */
  liveTokenInScope(scope: string, tokenId: string) {
    return this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.user_id'])
      .where('api_tokens.id', '=', tokenId)
      .where('api_tokens.revoked_at', 'is', null)
      .where('users.scope', 'like', `${scope}%`)
      .executeTakeFirst();
  }

  async revokeToken(tokenId: string, at: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', tokenId).execute();
  }

  /** The active user behind a live token hash. */
  tokenUser(tokenHash: string) {
    return this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
      .where('api_tokens.token_hash', '=', tokenHash)
      .where('api_tokens.revoked_at', 'is', null)
      .where('users.active', '=', true)
      .executeTakeFirst();
  }

  async touchToken(tokenId: string, at: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute();
  }

  /** The district's 12345 hotline centre (热线分中心), which registers what partner systems file. */
  async hotlineCentreOf(district: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('units')
      .select('id')
      .where('type', '=', 'hotline_center')
      .where('area_code', '=', district)
      .where('active', '=', true)
      .executeTakeFirst();
    return row?.id;
  }

  // ---------- responsibility rules ----------

  /** Rules that can apply inside the scope: those within it and the wider ones that cover it. */
  rulesInScope(scope: string, id?: string) {
    let q = this.db
      .selectFrom('responsibility_rules as r')
      .innerJoin('units', 'units.id', 'r.unit_id')
      .select(RULE_COLUMNS)
      .where((eb) =>
        eb.or([eb('r.area_prefix', 'like', `${scope}%`), sql<boolean>`${scope} like r.area_prefix || '%'`]),
      );
    if (id !== undefined) q = q.where('r.id', '=', id);
    return q.orderBy('r.position').orderBy('r.id').execute();
  }

  async lastRulePosition(): Promise<number> {
    const row = await this.db
      .selectFrom('responsibility_rules')
      .select((eb) => eb.fn.max('position').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async insertRule(values: Insertable<ResponsibilityRulesTable>): Promise<string> {
    const row = await this.db
      .insertInto('responsibility_rules')
      .values(values)
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async updateRule(id: string, set: Updateable<ResponsibilityRulesTable>): Promise<void> {
    await this.db
      .updateTable('responsibility_rules')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async deleteRule(id: string): Promise<void> {
    await this.db.deleteFrom('responsibility_rules').where('id', '=', id).execute();
  }

  /** Rules of active units: what dispatch matches a case against. */
  activeRules() {
    return this.db
      .selectFrom('responsibility_rules as r')
      .innerJoin('units', 'units.id', 'r.unit_id')
      .select(['r.id', 'r.position', 'r.category_pattern', 'r.area_prefix', 'r.unit_id', 'units.name'])
      .where('units.active', '=', true)
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-05-01T00:00:00Z');

export const SQL_EXAMPLES: SqlExamples<OrgStore> = {
  unitsInScope: ['120101'],
  unitInScope: ['120101', ID],
  unitCodeTaken: ['120101-cgw'],
  insertUnit: [
    {
      code: '120101-cgw',
      name: '城管委',
      name_en: 'City management',
      type: 'department',
      area_code: '120101',
      parent_id: null,
    },
  ],
  updateUnit: [ID, { name: '城管委', active: false }],
  activeUnits: [[ID]],
  unitNames: [[ID]],
  unitOfType: ['street_office', '120101001', true],
  userRow: [ID],
  activeUserRow: ['admin'],
  usersInScope: ['120101'],
  userInScope: ['120101', ID],
  userProfile: [ID],
  unitMembers: [ID],
  userNames: [[ID]],
  userByUsername: ['admin'],
  insertUser: [
    {
      username: 'wang',
      display_name: '王',
      password_hash: 'x',
      roles: ['handler'],
      unit_id: ID,
      scope: '120101',
    },
  ],
  updateUser: [ID, { display_name: '王', active: false }],
  countLoginFailure: [ID, AT, 5, AT],
  clearLoginFailures: [ID, AT],
  lockAttemptsFrom: ['127.0.0.1'],
  insertSession: [{ id: 'hash', userId: ID, csrf: 'csrf', expiresAt: AT }],
  sessionUser: ['hash'],
  deleteSession: ['hash'],
  deleteSessionsOf: [ID],
  deleteExpiredSessions: [AT],
  countAttempts: ['127.0.0.1', AT],
  insertAttempt: ['127.0.0.1', AT],
  deleteAttemptsBefore: [AT],
  insertToken: [ID, 'Open311', 'hash'],
  liveTokensOf: [ID],
  liveTokenInScope: ['120101', ID],
  revokeToken: [ID, AT],
  tokenUser: ['hash'],
  touchToken: [ID, AT],
  hotlineCentreOf: ['120101'],
  rulesInScope: ['120101', ID],
  lastRulePosition: [],
  insertRule: [
    { position: 10, category_pattern: 'incident.*', area_prefix: '120101', unit_id: ID, note: '' },
  ],
  updateRule: [ID, { position: 20 }],
  deleteRule: [ID],
  activeRules: [],
};
