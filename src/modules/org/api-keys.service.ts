/**
 * Open311 API keys (接口密钥): a principal of their own, never a staff credential. Made at random at
 * installation and by administrators, shown once, stored as a sha256 hash; bound to an endpoint
 * (production | test) and a jurisdiction (a district code); rotated and revoked from the console.
 */
import type { Kysely } from 'kysely';
import { type AuditActor, recordAudit } from '../../platform/audit/audit.js';
import type { ApiKeyPrincipal } from '../../platform/auth/roles.js';
import { hashPassword, newSecret, sha256 } from '../../platform/auth/secrets.js';
import type { ApiKeysTable, DB } from '../../platform/db/schema.js';
import { NotFound } from '../../platform/errors.js';
import { ApiKeysStore } from './api-keys.store.js';
import type { ApiKeyCreateT, ApiKeyT } from './org.schemas.js';
import { OrgStore } from './org.store.js';

/** Every key starts so, to be recognised in logs and by secret scanners. */
export const API_KEY_PREFIX = 'wg_o311_';
/** The machine account Open311 requests are filed as (its unit registers them). */
export const OPEN311_USERNAME = 'open311';

type KeyRow = Pick<ApiKeysTable, 'name' | 'key_prefix' | 'endpoint' | 'jurisdiction'> & {
  id: string;
  created_at: Date;
  rotated_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

function toApiKey(r: KeyRow): ApiKeyT {
  return {
    id: r.id,
    name: r.name,
    prefix: r.key_prefix,
    endpoint: r.endpoint,
    jurisdiction: r.jurisdiction,
    createdAt: r.created_at.toISOString(),
    rotatedAt: r.rotated_at?.toISOString() ?? null,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/** A fresh random key and what is stored of it. */
function mint(): { key: string; hash: string; prefix: string } {
  const key = newSecret(API_KEY_PREFIX);
  return { key, hash: sha256(key), prefix: key.slice(0, API_KEY_PREFIX.length + 4) };
}

/**
 * How long a process trusts a key it has checked: rotation and revocation through it end the old secret
 * at once; through another process (or a deactivated machine account), within these few seconds.
 */
const KEY_CACHE_MS = 5_000;
type LiveKey = NonNullable<Awaited<ReturnType<ApiKeysStore['liveApiKey']>>>;

export class ApiKeys {
  /** Checked keys by hash (null: not live), for a few seconds: every Open311 POST carries one. */
  private readonly checked = new Map<string, { at: number; row: LiveKey | null }>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(): Promise<ApiKeyT[]> {
    return (await new ApiKeysStore(this.db).apiKeys()).map(toApiKey);
  }

  /** Makes a key; the answer carries the key itself, the only time it is shown. */
  async create(actor: AuditActor, input: ApiKeyCreateT): Promise<ApiKeyT & { key: string }> {
    return this.db.transaction().execute(async (trx) => {
      const userId = await this.machineUser(new OrgStore(trx), input.jurisdiction);
      const { key, hash, prefix } = mint();
      const row = await new ApiKeysStore(trx).insertApiKey({
        name: input.name,
        key_hash: hash,
        key_prefix: prefix,
        endpoint: input.endpoint,
        jurisdiction: input.jurisdiction,
        user_id: userId,
      });
      const made = toApiKey(row);
      await recordAudit(trx, actor, {
        action: 'token_create',
        entity: 'api_key',
        entityId: row.id,
        after: made,
      });
      return { ...made, key };
    });
  }

  /** A new secret for the key at once; the old one stops working. */
  async rotate(actor: AuditActor, id: string): Promise<ApiKeyT & { key: string }> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const store = new ApiKeysStore(trx);
        const { key, hash, prefix } = mint();
        const row = await store.rotateApiKey(id, hash, prefix, this.clock());
        if (!row) throw new NotFound('api_key_not_found', `No live API key ${id}.`);
        await recordAudit(trx, actor, {
          action: 'update',
          entity: 'api_key',
          entityId: id,
          after: { rotatedAt: row.rotated_at, prefix },
        });
        return { ...toApiKey(row), key };
      })
      .finally(() => this.checked.clear()); // the old secret stops at once in this process
  }

  async revoke(actor: AuditActor, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const store = new ApiKeysStore(trx);
      if (!(await store.revokeApiKey(id, this.clock())))
        throw new NotFound('api_key_not_found', `No live API key ${id}.`);
      await recordAudit(trx, actor, { action: 'token_revoke', entity: 'api_key', entityId: id });
    });
    this.checked.clear();
  }

  /**
   * The key's principal when it is live (and made for `endpoint`, when one is named); otherwise null.
   * The principal says its endpoint, so a channel can tell a wrong-endpoint key from an unknown one.
   */
  async authenticate(key: string, endpoint?: 'production' | 'test'): Promise<ApiKeyPrincipal | null> {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const store = new ApiKeysStore(this.db);
    const hash = sha256(key);
    let cached = this.checked.get(hash);
    if (!cached || Date.now() - cached.at > KEY_CACHE_MS) {
      cached = { at: Date.now(), row: (await store.liveApiKey(hash)) ?? null };
      if (this.checked.size > 10_000) this.checked.clear();
      this.checked.set(hash, cached);
    }
    const row = cached.row;
    if (!row || (endpoint && row.endpoint !== endpoint)) return null;
    const now = this.clock();
    // Record use at most once a minute so key traffic does not turn every request into two writes.
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
      row.last_used_at = now;
      await store.touchApiKey(row.id, now);
    }
    return {
      keyId: row.id,
      name: row.name,
      endpoint: row.endpoint,
      jurisdiction: row.jurisdiction,
      filer: {
        userId: row.user_id,
        username: OPEN311_USERNAME,
        displayName: `Open311 · ${row.name}`,
        roles: ['operator'],
        unitId: row.unit_id,
        // A key's requests stay inside its jurisdiction, whatever the machine account's own scope.
        scope: row.jurisdiction,
        via: 'token',
        csrfToken: null,
        sessionId: null,
      },
    };
  }

  /**
   * The installation's first key, made at random when there is no live one (the first start, or the
   * first after the upgrade that retired the demo's derived key). Answers the key when it made one.
   */
  async ensureInstallationKey(jurisdiction?: string): Promise<string | null> {
    if ((await new ApiKeysStore(this.db).apiKeys()).some((k) => !k.revoked_at)) return null;
    // Without a district named, the one the Open311 machine account serves (an upgraded installation).
    const district = jurisdiction ?? (await new OrgStore(this.db).userByUsername(OPEN311_USERNAME))?.scope;
    if (!district || !/^\d{6}$/.test(district)) return null;
    const made = await this.create(
      { userId: null, displayName: 'system' },
      { name: 'Open311', endpoint: 'production', jurisdiction: district },
    );
    return made.key;
  }

  /** The `open311` machine account, made on first use: an operator of the district's hotline centre. */
  private async machineUser(store: OrgStore, jurisdiction: string): Promise<string> {
    const existing = await store.userByUsername(OPEN311_USERNAME);
    if (existing) return existing.id;
    return store.insertUser({
      username: OPEN311_USERNAME,
      display_name: 'Open311 接口',
      password_hash: await hashPassword(newSecret()),
      roles: ['operator'],
      unit_id: (await store.hotlineCentreOf(jurisdiction)) ?? null,
      scope: jurisdiction,
    });
  }
}
