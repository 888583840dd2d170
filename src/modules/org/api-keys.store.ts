/** The org module's access to `api_keys`: Open311 API keys, a principal of their own (hashed, never shown twice). */
import type { Insertable } from 'kysely';
import type { ApiKeysTable } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

const API_KEY_COLUMNS = [
  'id',
  'name',
  'key_prefix',
  'endpoint',
  'jurisdiction',
  'created_at',
  'rotated_at',
  'last_used_at',
  'revoked_at',
] as const;

export class ApiKeysStore {
  constructor(private readonly db: Db) {}

  apiKeys() {
    return this.db.selectFrom('api_keys').select(API_KEY_COLUMNS).orderBy('created_at').execute();
  }

  insertApiKey(values: Insertable<ApiKeysTable>) {
    return this.db.insertInto('api_keys').values(values).returning(API_KEY_COLUMNS).executeTakeFirstOrThrow();
  }

  /** A new secret for a live key; undefined when there is none. */
  rotateApiKey(id: string, keyHash: string, keyPrefix: string, at: Date) {
    return this.db
      .updateTable('api_keys')
      .set({ key_hash: keyHash, key_prefix: keyPrefix, rotated_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(API_KEY_COLUMNS)
      .executeTakeFirst();
  }

  async revokeApiKey(id: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The live key behind a hash, with its machine account's unit (the account must be active). */
  liveApiKey(keyHash: string) {
    return this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id', 'k.name', 'k.endpoint', 'k.jurisdiction', 'k.user_id', 'k.last_used_at', 'u.unit_id'])
      .where('k.key_hash', '=', keyHash)
      .where('k.revoked_at', 'is', null)
      .where('u.active', '=', true)
      .executeTakeFirst();
  }

  async touchApiKey(id: string, at: Date): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-05-01T00:00:00Z');

export const SQL_EXAMPLES: SqlExamples<ApiKeysStore> = {
  apiKeys: [],
  insertApiKey: [
    {
      name: 'Open311',
      key_hash: 'hash',
      key_prefix: 'wg_o311_abcd',
      endpoint: 'production',
      jurisdiction: '120101',
      user_id: ID,
    },
  ],
  rotateApiKey: [ID, 'hash', 'wg_o311_abcd', AT],
  revokeApiKey: [ID, AT],
  liveApiKey: ['hash'],
  touchApiKey: [ID, AT],
};
