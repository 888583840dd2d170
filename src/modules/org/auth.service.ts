/** Logging in and out, sessions and API tokens: turning credentials into a Principal. */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { isRole, type Principal } from '../../platform/auth/roles.js';
import { DUMMY_PASSWORD_HASH, newSecret, sha256, verifyPassword } from '../../platform/auth/secrets.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { NotFound, TooMany, Unauthorized } from '../../platform/errors.js';
import { userInScope } from './org.service.js';
import { OrgStore } from './org.store.js';

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

export class Auth {
  private readonly store: OrgStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new OrgStore(db);
  }

  /**
   * Checks a password login. Every refusal of a user — unknown, inactive, locked, wrong password — is
   * the same 401 at the same cost, so the answer never tells which usernames exist or are locked.
   *
   * Parallel attempts are decided as if they came one after another: the per-address count is taken
   * under a lock on the address, each failure is counted by one atomic update, and a success only
   * clears the count if the account is not locked at that moment. So 19 wrong passwords and the right
   * one sent together lock the account, and the right one gets in only if fewer than 5 failures were
   * counted before it.
   */
  async login(input: { username: string; password: string; source: string }): Promise<LoginResult> {
    const now = this.clock();
    await this.admitAttempt(input.source, now);
    const refused = () =>
      new Unauthorized(
        'invalid_credentials',
        'Wrong username or password (5 failures in a row lock the account for 15 minutes).',
      );
    const user = await this.store.userByUsername(input.username.toLowerCase());
    if (!user?.active || (user.locked_until && user.locked_until > now)) {
      await verifyPassword(await DUMMY_PASSWORD_HASH, input.password); // same cost as a real check
      throw refused();
    }
    if (!(await verifyPassword(user.password_hash, input.password))) {
      const lockUntil = new Date(now.getTime() + AUTH_LIMITS.lockMs);
      await this.store.countLoginFailure(user.id, now, AUTH_LIMITS.failuresToLock, lockUntil);
      throw refused();
    }
    const sessionToken = newSecret();
    const csrf = newSecret();
    const expiresAt = new Date(now.getTime() + AUTH_LIMITS.sessionMs);
    await this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      // Locked by parallel failures while this password was being checked: refused like any failure.
      if (!(await store.clearLoginFailures(user.id, now))) throw refused();
      await store.insertSession({ id: sha256(sessionToken), userId: user.id, csrf, expiresAt });
      await store.deleteExpiredSessions(now);
    });
    return {
      sessionToken,
      expiresAt,
      principal: toPrincipal(user, 'session', csrf, sha256(sessionToken)),
    };
  }

  /** Counts one attempt from this address, or refuses it past the limit (exact under parallel attempts). */
  private async admitAttempt(source: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - AUTH_LIMITS.windowMs);
    await this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      await store.lockAttemptsFrom(source);
      if ((await store.countAttempts(source, since)) >= AUTH_LIMITS.attemptsPerSource) {
        throw new TooMany(
          'too_many_attempts',
          'Too many login attempts from this address; wait a few minutes.',
        );
      }
      await store.insertAttempt(source, now);
    });
  }

  async logout(sessionId: string): Promise<void> {
    await this.store.deleteSession(sessionId);
  }

  async principalFromSession(cookieValue: string): Promise<Principal | null> {
    const id = sha256(cookieValue);
    const row = await this.store.sessionUser(id);
    if (!row || row.expires_at <= this.clock()) return null;
    return toPrincipal(row, 'session', row.csrf_token, id);
  }

  principalFromToken(token: string): Promise<Principal | null> {
    return principalFromToken(this.db, token, this.clock());
  }

  /** Removes expired rate-limit rows; called by the periodic housekeeping. */
  async pruneLoginAttempts(): Promise<void> {
    await this.store.deleteAttemptsBefore(new Date(this.clock().getTime() - AUTH_LIMITS.windowMs));
  }

  // ---------- API tokens ----------

  async createToken(p: Principal, userId: string, name: string) {
    return this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      await userInScope(store, p, userId);
      const token = newSecret('wg_');
      const row = await store.insertToken(userId, name, sha256(token));
      await recordAudit(trx, p, {
        action: 'token_create',
        entity: 'token',
        entityId: row.id,
        after: { userId, name },
      });
      return { id: row.id, name: row.name, token };
    });
  }

  async listTokens(p: Principal, userId: string) {
    await userInScope(this.store, p, userId);
    const rows = await this.store.liveTokensOf(userId);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
    }));
  }

  async revokeToken(p: Principal, tokenId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const store = new OrgStore(trx);
      if (!(await store.liveTokenInScope(p.scope, tokenId)))
        throw new NotFound('token_not_found', `No token ${tokenId} in your scope.`);
      await store.revokeToken(tokenId, this.clock());
      await recordAudit(trx, p, { action: 'token_revoke', entity: 'token', entityId: tokenId });
    });
  }
}

/**
 * The principal behind an API token (Bearer or Open311 api_key), or null. Kept as a function of the
 * database for the channels module; `Auth.principalFromToken` is the same through the service.
 */
export async function principalFromToken(db: Db, token: string, now = new Date()): Promise<Principal | null> {
  const store = new OrgStore(db);
  const row = await store.tokenUser(sha256(token));
  if (!row) return null;
  // Record use at most once a minute so token traffic does not turn every read into a write.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await store.touchToken(row.token_id, now);
  }
  return toPrincipal(row, 'token', null, null);
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
