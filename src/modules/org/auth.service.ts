/** Logging in and out, sessions and API tokens: turning credentials into a Principal. */
import { type Kysely, sql } from 'kysely';
import { isRole, type Principal } from '../../platform/auth/roles.js';
import { DUMMY_PASSWORD_HASH, newSecret, sha256, verifyPassword } from '../../platform/auth/secrets.js';
import type { DB } from '../../platform/db/schema.js';
import { TooMany, Unauthorized } from '../../platform/errors.js';

export const AUTH_LIMITS = {
  /** Attempts from one source address within the window before 429. */
  attemptsPerSource: 20,
  windowMs: 5 * 60_000,
  /** Consecutive failures that lock an account, and for how long. */
  failuresToLock: 5,
  lockMs: 15 * 60_000,
  sessionMs: 12 * 60 * 60_000,
} as const;

export interface LoginResult {
  sessionToken: string;
  principal: Principal;
  expiresAt: Date;
}

export async function login(
  db: Kysely<DB>,
  input: { username: string; password: string; source: string },
  now = new Date(),
): Promise<LoginResult> {
  const since = new Date(now.getTime() - AUTH_LIMITS.windowMs);
  const recent = await db
    .selectFrom('login_attempts')
    .select(db.fn.countAll<number>().as('n'))
    .where('source', '=', input.source)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= AUTH_LIMITS.attemptsPerSource) {
    throw new TooMany('too_many_attempts', 'Too many login attempts from this address; wait a few minutes.');
  }
  await db.insertInto('login_attempts').values({ source: input.source, at: now }).execute();

  const username = input.username.toLowerCase();
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!user?.active) {
    await verifyPassword(await DUMMY_PASSWORD_HASH, input.password); // same cost as a real check
    throw new Unauthorized('invalid_credentials', 'Wrong username or password.');
  }
  if (user.locked_until && user.locked_until > now) {
    throw new TooMany(
      'account_locked',
      `Too many failed logins; the account is locked until ${user.locked_until.toISOString()}.`,
    );
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const failures = user.failed_logins + 1;
    const lock = failures >= AUTH_LIMITS.failuresToLock;
    await db
      .updateTable('users')
      .set({
        failed_logins: lock ? 0 : failures,
        locked_until: lock ? new Date(now.getTime() + AUTH_LIMITS.lockMs) : user.locked_until,
      })
      .where('id', '=', user.id)
      .execute();
    throw new Unauthorized('invalid_credentials', 'Wrong username or password.');
  }
  const sessionToken = newSecret();
  const csrf = newSecret();
  const expiresAt = new Date(now.getTime() + AUTH_LIMITS.sessionMs);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    await trx
      .insertInto('sessions')
      .values({ id: sha256(sessionToken), user_id: user.id, csrf_token: csrf, expires_at: expiresAt })
      .execute();
    await trx.deleteFrom('sessions').where('expires_at', '<', now).execute();
  });
  return {
    sessionToken,
    expiresAt,
    principal: toPrincipal(user, 'session', csrf, sha256(sessionToken)),
  };
}

export async function logout(db: Kysely<DB>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function principalFromSession(
  db: Kysely<DB>,
  cookieValue: string,
  now = new Date(),
): Promise<Principal | null> {
  const id = sha256(cookieValue);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id', '=', id)
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return null;
  return toPrincipal(row, 'session', row.csrf_token, id);
}

export async function principalFromToken(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<Principal | null> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', sha256(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  // Record use at most once a minute so token traffic does not turn every read into a write.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  }
  return toPrincipal(row, 'token', null, null);
}

/** Removes expired rate-limit rows; called by the periodic housekeeping. */
export async function pruneLoginAttempts(db: Kysely<DB>, now = new Date()): Promise<void> {
  await db
    .deleteFrom('login_attempts')
    .where('at', '<', sql<Date>`${new Date(now.getTime() - AUTH_LIMITS.windowMs)}`)
    .execute();
}

function toPrincipal(
  u: {
    id: string;
    username: string;
    display_name: string;
    roles: string[];
    unit_id: string | null;
    scope: string;
  },
  via: Principal['via'],
  csrfToken: string | null,
  sessionId: string | null,
): Principal {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    roles: u.roles.filter(isRole),
    unitId: u.unit_id,
    scope: u.scope,
    via,
    csrfToken,
    sessionId,
  };
}
