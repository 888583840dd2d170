/**
 * The channels module's SQL and nothing else's: devices, device_messages,
 * public_submissions (the portal's limits), gazetteer and kb_entries (the hotline console),
 * open311_sandbox_requests (what Open311's test endpoint received).
 */
import { type Insertable, sql } from 'kysely';
import { containsPattern } from '../../platform/db/like.js';
import { lockName } from '../../platform/db/locks.js';
import type {
  DevicesTable,
  Open311SandboxRequestsTable,
  PublicSubmissionsTable,
  SandboxUpdate,
} from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export type SubmissionKind = PublicSubmissionsTable['kind'];

/** The test endpoint's list filter (Open311 GET requests / updates over the sandbox). */
export interface SandboxFilter {
  /** A district code; '' for every district. */
  jurisdiction: string;
  numbers?: readonly string[];
  from?: Date;
  to?: Date;
  updatedFrom?: Date;
  updatedTo?: Date;
  serviceCodes?: readonly string[];
  status?: 'open' | 'closed';
  limit: number;
  offset: number;
}

export class ChannelsStore {
  constructor(private readonly db: Db) {}

  // ---------- devices ----------

  activeDevice(id: string) {
    return this.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', id)
      .where('active', '=', true)
      .executeTakeFirst();
  }

  async deviceExists(id: string): Promise<boolean> {
    return !!(await this.db.selectFrom('devices').select('id').where('id', '=', id).executeTakeFirst());
  }

  async insertDevice(d: Insertable<DevicesTable>): Promise<void> {
    await this.db.insertInto('devices').values(d).execute();
  }

  /** Replaces a device's signing secret; false when there is no such device. */
  async setDeviceSecret(id: string, secret: string): Promise<boolean> {
    const r = await this.db.updateTable('devices').set({ secret }).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  devices() {
    return this.db
      .selectFrom('devices')
      .select([
        'id',
        'type',
        'name',
        'area_code',
        'lon',
        'lat',
        'building',
        'high_rise',
        'user_id',
        'active',
        'created_at',
      ])
      .orderBy('id')
      .execute();
  }

  /** Records a device message; false when this device sent this message id before (a replay). */
  async recordMessage(deviceId: string, messageId: string, alarmType: string): Promise<boolean> {
    const fresh = await this.db
      .insertInto('device_messages')
      .values({ device_id: deviceId, message_id: messageId, alarm_type: alarmType })
      .onConflict((oc) => oc.columns(['device_id', 'message_id']).doNothing())
      .returning('message_id')
      .executeTakeFirst();
    return !!fresh;
  }

  // ---------- public submissions (portal limits) ----------

  /**
   * Makes this address's and this device's submissions of a kind wait for each other until the
   * transaction ends, so that counting then recording is exact. Always the address first, then the
   * device: two submissions never wait for each other in a circle.
   */
  async lockSubmissions(kind: SubmissionKind, source: string, device: string): Promise<void> {
    await lockName(this.db, 'portal_source', `${kind}:${source}`);
    await lockName(this.db, 'portal_device', `${kind}:${device}`);
  }

  async countSubmissions(
    kind: SubmissionKind,
    by: { column: 'source' | 'device'; value: string },
    since: Date,
  ): Promise<number> {
    const row = await this.db
      .selectFrom('public_submissions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', kind)
      .where(by.column, '=', by.value)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async recordSubmission(kind: SubmissionKind, source: string, device: string, at: Date): Promise<void> {
    await this.db.insertInto('public_submissions').values({ kind, source, device, at }).execute();
  }

  // ---------- gazetteer and knowledge base (hotline) ----------

  /** Landmarks by name or alias inside a scope, most similar first. */
  searchGazetteer(scope: string, q: string) {
    const like = containsPattern(q);
    return this.db
      .selectFrom('gazetteer')
      .select(['id', 'name', 'aliases', 'area_code', 'lon', 'lat'])
      .select(sql<number>`similarity(name || ' ' || aliases, ${q})`.as('sim'))
      .where('area_code', 'like', `${scope}%`)
      .where((eb) =>
        eb.or([
          eb('name', 'like', like),
          eb('aliases', 'like', like),
          sql<boolean>`(name || ' ' || aliases) % ${q}`,
        ]),
      )
      .orderBy('sim', 'desc')
      .limit(10)
      .execute();
  }

  gazetteer(scope: string) {
    return this.db
      .selectFrom('gazetteer')
      .selectAll()
      .where('area_code', 'like', `${scope}%`)
      .orderBy('name')
      .limit(500)
      .execute();
  }

  insertGazetteer(e: {
    name: string;
    aliases: string;
    lon: number;
    lat: number;
    areaCode: string;
    createdBy: string;
  }) {
    return this.db
      .insertInto('gazetteer')
      .values({
        name: e.name,
        aliases: e.aliases,
        lon: e.lon,
        lat: e.lat,
        area_code: e.areaCode,
        created_by: e.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Active answers matching the text (all when empty), most similar then most recent first. */
  searchKb(q: string) {
    let query = this.db
      .selectFrom('kb_entries as k')
      .select(['k.id', 'k.question', 'k.answer', 'k.tags', 'k.review_on', 'k.owner_unit_id'])
      .select(sql<number>`similarity(k.question || ' ' || k.tags, ${q})`.as('sim'))
      .select(sql<boolean>`k.review_on < current_date`.as('review_due'))
      .where('k.active', '=', true);
    if (q) {
      const like = containsPattern(q);
      query = query.where((eb) =>
        eb.or([
          eb('k.question', 'like', like),
          eb('k.tags', 'like', like),
          eb('k.answer', 'like', like),
          sql<boolean>`(k.question || ' ' || k.tags) % ${q}`,
        ]),
      );
    }
    return query.orderBy('sim', 'desc').orderBy('k.updated_at', 'desc').limit(10).execute();
  }

  insertKb(e: {
    question: string;
    answer: string;
    tags: string;
    ownerUnitId: string;
    reviewOn: string;
    updatedBy: string;
  }) {
    return this.db
      .insertInto('kb_entries')
      .values({
        question: e.question,
        answer: e.answer,
        tags: e.tags,
        owner_unit_id: e.ownerUnitId,
        review_on: e.reviewOn,
        updated_by: e.updatedBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  // ---------- Open311 test endpoint (沙箱) ----------

  /** Keeps a test request; its number is 'T' + the district + the row's sequence. */
  async insertSandboxRequest(
    r: Omit<Insertable<Open311SandboxRequestsTable>, 'number' | 'id'>,
  ): Promise<{ number: string; token: string }> {
    return this.db
      .insertInto('open311_sandbox_requests')
      .values({
        ...r,
        number: sql<string>`'T' || ${r.jurisdiction} || lpad(currval(pg_get_serial_sequence('open311_sandbox_requests', 'id'))::text, 8, '0')`,
      })
      .returning(['number', 'token'])
      .executeTakeFirstOrThrow();
  }

  sandboxRequests(f: SandboxFilter) {
    let q = this.db.selectFrom('open311_sandbox_requests').selectAll();
    if (f.jurisdiction) q = q.where('jurisdiction', '=', f.jurisdiction);
    if (f.numbers) q = q.where('number', 'in', [...f.numbers]);
    if (f.from) q = q.where('created_at', '>=', f.from);
    if (f.to) q = q.where('created_at', '<=', f.to);
    if (f.updatedFrom) q = q.where('updated_at', '>=', f.updatedFrom);
    if (f.updatedTo) q = q.where('updated_at', '<=', f.updatedTo);
    if (f.serviceCodes) q = q.where('service_code', 'in', [...f.serviceCodes]);
    if (f.status) q = q.where('status', '=', f.status);
    return q.orderBy('created_at', 'desc').orderBy('number').limit(f.limit).offset(f.offset).execute();
  }

  sandboxByToken(token: string) {
    return this.db
      .selectFrom('open311_sandbox_requests')
      .select(['number', 'token'])
      .where('token', '=', token)
      .executeTakeFirst();
  }

  /** Appends an update to a test request; false when the jurisdiction has no such request. */
  async addSandboxUpdate(jurisdiction: string, number: string, update: SandboxUpdate): Promise<boolean> {
    const r = await this.db
      .updateTable('open311_sandbox_requests')
      .set({
        updates: sql`updates || ${JSON.stringify([update])}::jsonb`,
        updated_at: sql`now()`,
      })
      .where('jurisdiction', '=', jurisdiction)
      .where('number', '=', number)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-03-10T02:00:00Z');

export const SQL_EXAMPLES: SqlExamples<ChannelsStore> = {
  insertSandboxRequest: [
    {
      token: 'ABCDEFGHJK',
      api_key_id: '00000000-0000-4000-8000-000000000001',
      jurisdiction: '120101',
      service_code: 'event.0102',
      service_name: '暴露垃圾',
      description: 'test',
      address: '',
      area_code: '120101001001',
      lon: 117.2,
      lat: 39.1,
      attributes: '{}',
      media_url: null,
    },
  ],
  sandboxRequests: [
    {
      jurisdiction: '120101',
      numbers: ['T12010100000001'],
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-05-02T00:00:00Z'),
      updatedFrom: new Date('2026-05-01T00:00:00Z'),
      updatedTo: new Date('2026-05-02T00:00:00Z'),
      serviceCodes: ['event.0102'],
      status: 'open',
      limit: 50,
      offset: 0,
    },
  ],
  sandboxByToken: ['ABCDEFGHJK'],
  addSandboxUpdate: [
    '120101',
    'T12010100000001',
    { id: 'T12010100000001-1', description: 'x', at: '2026-05-01T00:00:00Z' },
  ],
  activeDevice: ['hydrant-01'],
  deviceExists: ['hydrant-01'],
  insertDevice: [
    {
      id: 'hydrant-01',
      type: 'hydrant',
      name: '消防栓 1',
      secret: 'whsec_x',
      area_code: '120101001001001',
      lon: null,
      lat: null,
      user_id: ID,
    },
  ],
  setDeviceSecret: ['hydrant-01', 'whsec_y'],
  devices: [],
  recordMessage: ['hydrant-01', 'm-1', 'pressure_low'],
  lockSubmissions: ['report', '127.0.0.1', 'device-0001'],
  countSubmissions: ['report', { column: 'source', value: '127.0.0.1' }, AT],
  recordSubmission: ['report', '127.0.0.1', 'device-0001', AT],
  searchGazetteer: ['120101', '步行街'],
  gazetteer: ['120101'],
  insertGazetteer: [
    { name: '步行街北口', aliases: '', lon: 117.2, lat: 39.1, areaCode: '120101001001001', createdBy: ID },
  ],
  searchKb: ['垃圾分类'],
  insertKb: [
    { question: 'q?', answer: 'a.', tags: '', ownerUnitId: ID, reviewOn: '2027-01-01', updatedBy: ID },
  ],
};
