/**
 * The cases module's reads for the channels (hotline, portal, Open311): a caller's earlier cases, a case
 * by tracking code, and what the public lists may show — never a staff view of a case.
 */
import { sql } from 'kysely';
import { jsonRows } from '../../platform/db/json-rows.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

/** The Open311 request filter, already checked by the channel. */
export interface PublicCaseFilter {
  kinds: readonly string[];
  areaPrefix: string;
  numbers?: readonly string[];
  from?: Date;
  to?: Date;
  categoryCodes?: readonly string[];
  states?: { in: readonly string[] } | { notIn: readonly string[] };
  /** Last changed at or after / at or before (Open311's updated_after / updated_before). */
  updatedFrom?: Date;
  updatedTo?: Date;
  /** The case whose media link this is (serving an uploaded photo only when its case is published). */
  mediaUrl?: string;
  limit: number;
  offset: number;
}

export class ChannelReadsStore {
  constructor(private readonly db: Db) {}

  /** When a case last changed (microseconds, as text), or null with no cases: `cases_updated_idx` answers. */
  async lastUpdate(): Promise<string | null> {
    const row = await this.db
      .selectFrom('cases')
      .select(sql<string | null>`max(updated_at)::text`.as('at'))
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /** A caller's earlier cases by the phone they gave (not petitions), inside a scope. */
  casesByReporterPhone(phone: string, scope: string) {
    return this.db
      .selectFrom('cases as c')
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .select(['c.id', 'c.number', 'c.title', 'c.state', 'c.created_at', 'cat.name as category_name'])
      .where(sql<boolean>`c.reporter ->> 'phone' = ${phone}`)
      .where('c.area_code', 'like', `${scope}%`)
      .where('c.kind', '!=', 'petition')
      .orderBy('c.created_at', 'desc')
      .limit(20)
      .execute();
  }

  caseWithCategoryByTrackingCode(code: string) {
    return this.db
      .selectFrom('cases as c')
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .select([
        'c.id',
        'c.number',
        'c.state',
        'c.rating',
        'c.created_at',
        'c.kind',
        'c.tracking_code',
        'cat.name',
      ])
      .where('c.tracking_code', '=', code)
      .executeTakeFirst();
  }

  /**
   * Published cases for Open311, newest first, one page as one JSON value (json-rows.ts), each with its
   * steps that may carry a public reply (驳回, 结案, 重新打开: at and the reply, oldest first). Only what the
   * publication policy (公开范围, channels/publication.ts) may list, filtered here so pages stay full: the
   * categories not set to `none` (`published.codes`), hotline calls only in those that opt in
   * (`published.hotlineCodes`) — named by the caller from the cached catalogue, not joined (a join with the
   * catalogue tripled this query's planning and run time).
   */
  async publicCases(
    f: PublicCaseFilter & { published: { codes: readonly string[]; hotlineCodes: readonly string[] } },
  ) {
    if (!f.published.codes.length) return [];
    const hotline = f.published.hotlineCodes;
    let query = this.db
      .selectFrom('cases as c')
      .select([
        'c.id',
        'c.number',
        'c.version',
        'c.state',
        'c.category_code',
        'c.description',
        'c.title',
        'c.assigned_unit_id',
        'c.created_at',
        'c.updated_at',
        'c.due_at',
        'c.address',
        'c.area_code',
        'c.lon',
        'c.lat',
        'c.media_url',
        'c.kind',
        'c.source',
        'c.closed_at',
      ])
      .where('c.kind', 'in', [...f.kinds])
      // The published codes as one array parameter, not a hundred: binding and planning stay small.
      .where(sql<boolean>`c.category_code = any(${[...f.published.codes]}::text[])`)
      .where((eb) =>
        hotline.length
          ? eb.or([
              eb('c.source', '<>', 'hotline'),
              sql<boolean>`c.category_code = any(${[...hotline]}::text[])`,
            ])
          : eb('c.source', '<>', 'hotline'),
      );
    if (f.areaPrefix) query = query.where('c.area_code', 'like', `${f.areaPrefix}%`);
    if (f.numbers) query = query.where('c.number', 'in', [...f.numbers]);
    if (f.from) query = query.where('c.created_at', '>=', f.from);
    if (f.to) query = query.where('c.created_at', '<=', f.to);
    if (f.updatedFrom) query = query.where('c.updated_at', '>=', f.updatedFrom);
    if (f.updatedTo) query = query.where('c.updated_at', '<=', f.updatedTo);
    if (f.mediaUrl) query = query.where('c.media_url', '=', f.mediaUrl);
    if (f.categoryCodes) query = query.where('c.category_code', 'in', [...f.categoryCodes]);
    if (f.states)
      query =
        'in' in f.states
          ? query.where('c.state', 'in', [...f.states.in])
          : query.where('c.state', 'not in', [...f.states.notIn]);
    const page = query.orderBy('c.created_at', 'desc').orderBy('c.number').limit(f.limit).offset(f.offset);
    const rows = await jsonRows(this.db, page, ['created_at', 'updated_at', 'due_at', 'closed_at']);
    // Public replies come with 驳回, 结案 and 重办, and a case reopens only once closed (closed_at stays):
    // only rejected or once-closed cases have any, and the default page is mostly new ones.
    const replies = await publicReplies(
      this.db,
      rows.filter((r) => r.closed_at !== null || r.state === 'rejected').map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, replies: replies.get(r.id) ?? [] }));
  }

  /**
   * Open311's `servicerequestupdates` feed: the steps of public cases in a time window, oldest first
   * (stable by event id). Notes are not read: only the step, its state and a public reply.
   */
  publicEvents(f: {
    kinds: readonly string[];
    areaPrefix: string;
    from: Date;
    to: Date;
    numbers?: readonly string[];
    limit: number;
    offset: number;
  }) {
    let query = this.db
      .selectFrom('case_events as e')
      .innerJoin('cases as c', 'c.id', 'e.case_id')
      .innerJoin('categories as cat', 'cat.code', 'c.category_code')
      .select([
        sql<string>`e.id::text`.as('id'),
        'e.seq',
        'e.type',
        'e.to_state',
        'e.at',
        sql<string | null>`e.payload ->> 'publicReply'`.as('public_reply'),
        'c.number',
        'c.kind',
        'c.source',
        'c.media_url',
        'cat.publication',
        'cat.publish_hotline',
      ])
      .where('c.kind', 'in', [...f.kinds])
      .where('cat.publication', '<>', 'none')
      .where((eb) => eb.or([eb('c.source', '<>', 'hotline'), eb('cat.publish_hotline', '=', true)]))
      .where('e.at', '>=', f.from)
      .where('e.at', '<=', f.to);
    if (f.areaPrefix) query = query.where('c.area_code', 'like', `${f.areaPrefix}%`);
    if (f.numbers) query = query.where('c.number', 'in', [...f.numbers]);
    return query.orderBy('e.at').orderBy('e.id').limit(f.limit).offset(f.offset).execute();
  }
}

/** The public replies (公开答复) given on these cases, oldest first, by case id. */
async function publicReplies(db: Db, ids: readonly string[]) {
  if (!ids.length) return new Map<string, { at: Date; reply: unknown }[]>();
  const rows = await db
    .selectFrom('case_history as e')
    .select(['e.case_id', 'e.at', sql<unknown>`e.payload -> 'publicReply'`.as('reply')])
    .where('e.case_id', 'in', [...ids])
    .where('e.type', 'in', ['reject', 'close', 'reopen'])
    .orderBy('e.case_id')
    .orderBy('e.seq')
    .execute();
  const byCase = new Map<string, { at: Date; reply: unknown }[]>();
  for (const r of rows)
    byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), { at: r.at, reply: r.reply }]);
  return byCase;
}

const AT = new Date('2026-03-10T02:00:00Z');
export const SQL_EXAMPLES: SqlExamples<ChannelReadsStore> = {
  lastUpdate: [],
  casesByReporterPhone: ['13800000000', '120101'],
  caseWithCategoryByTrackingCode: ['ABCDEFGHJK'],
  publicCases: [
    {
      kinds: ['component'],
      areaPrefix: '120101',
      from: AT,
      to: AT,
      categoryCodes: ['component.0101'],
      states: { notIn: ['closed'] },
      published: { codes: ['component.0101'], hotlineCodes: ['component.0101'] },
      updatedFrom: AT,
      updatedTo: AT,
      mediaUrl: 'http://localhost/open311/v2/media/abc.jpg',
      limit: 1000,
      offset: 0,
    },
  ],
  publicEvents: [
    { kinds: ['event'], areaPrefix: '120101', from: AT, to: AT, numbers: ['1'], limit: 50, offset: 0 },
  ],
};
