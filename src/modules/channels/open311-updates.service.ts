/**
 * FixMyStreet's Open311 extension for updates: the feed of what happened to published requests (GET
 * servicerequestupdates) and a client's follow-up to an open request (POST servicerequestupdates), on both
 * endpoints (the test endpoint's updates live in its sandbox rows). Keys and jurisdictions are checked
 * through `Open311Gate`, which `Open311Service` (the owner of this feed) supplies.
 */
import type { Kysely } from 'kysely';
import type { ApiKeyPrincipal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { type Cases, caseActorOf, FINAL_STATES } from '../cases/cases.service.js';
import { ChannelsStore } from './channels.store.js';
import {
  DEFAULT_DAYS,
  type Endpoint,
  type Form,
  MAX_IDS,
  Open311Error,
  paging,
  type Query,
  STATE_NOTES,
  toUpdate,
  w3cDate,
} from './open311.js';
import { maskPersonalData, PUBLIC_KINDS, publicationOf } from './publication.js';

/** The checks every Open311 call makes first. */
export interface Open311Gate {
  /** The district a `jurisdiction_id` names ('' when none); 404 otherwise. */
  jurisdiction(id: string | undefined): Promise<string>;
  /** The key's principal on this endpoint and jurisdiction; 403 otherwise. */
  key(
    endpoint: Endpoint,
    apiKey: string | undefined,
    jurisdictionId: string | undefined,
  ): Promise<ApiKeyPrincipal>;
}

export class Open311Updates {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
    private readonly gate: Open311Gate,
  ) {}

  /**
   * `servicerequestupdates` (FixMyStreet's feed): each step of a published request in the window —
   * its id, the status it left the request in, what it was (and a public reply, masked), when, and the
   * request's media on the report itself. Staff notes are never part of it.
   */
  async updates(endpoint: Endpoint, q: Query) {
    const district = await this.gate.jurisdiction(q.jurisdiction_id);
    const { page, pageSize } = paging(q);
    const end = w3cDate(q.end_date, 'end_date') ?? new Date();
    const start = w3cDate(q.start_date, 'start_date') ?? new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
    if (start > end) throw new Open311Error(400, 'start_date is after end_date');
    const numbers = q.service_request_id ? q.service_request_id.split(',').slice(0, MAX_IDS) : undefined;
    const window = { limit: pageSize, offset: (page - 1) * pageSize };
    if (endpoint === 'test') {
      const rows = await new ChannelsStore(this.db).sandboxRequests({
        jurisdiction: district,
        ...(numbers && { numbers }),
        limit: 1000,
        offset: 0,
      });
      return rows
        .flatMap((r) => [
          {
            id: `${r.number}-1`,
            number: r.number,
            state: 'reported',
            description: STATE_NOTES.reported ?? '',
            at: r.created_at,
            mediaUrl: r.media_url,
          },
          ...r.updates.map((u) => ({
            id: u.id,
            number: r.number,
            state: 'reported',
            description: u.description,
            at: new Date(u.at),
            mediaUrl: null,
          })),
        ])
        .filter((u) => u.at >= start && u.at <= end)
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
        .slice(window.offset, window.offset + window.limit)
        .map(toUpdate);
    }
    const rows = await this.cases.queries.publicEvents({
      kinds: PUBLIC_KINDS,
      areaPrefix: district,
      from: start,
      to: end,
      ...(numbers && { numbers }),
      ...window,
    });
    return rows.map((e) => {
      const level = publicationOf({
        kind: e.kind,
        source: e.source,
        publication: e.publication,
        publishHotline: e.publish_hotline,
      });
      const label = STEP_NAMES[e.type] ?? STATE_NOTES[e.to_state] ?? e.type;
      const reply = e.public_reply ? `：${maskPersonalData(e.public_reply)}` : '';
      return toUpdate({
        id: e.id,
        number: e.number,
        state: e.to_state,
        description: `${label}${reply}`,
        at: e.at,
        mediaUrl: e.type === 'report' && level === 'text' ? e.media_url : null,
      });
    });
  }

  /**
   * POST servicerequestupdates: the key's client adds to an open request of its jurisdiction — recorded
   * as a `public_update` event in the case's chain (its text is the staff's to read, never published).
   * Answers the update's id (the id the feed gives it).
   */
  async postUpdate(endpoint: Endpoint, f: Form & { serviceRequestId?: string | undefined }) {
    const key = await this.gate.key(endpoint, f.apiKey, f.jurisdictionId);
    if (!f.serviceRequestId) throw new Open311Error(400, 'service_request_id is required');
    const description = (f.description ?? '').trim();
    if (description.length < 2 || description.length > 2000)
      throw new Open311Error(400, 'description is required (2–2000 characters)');
    const at = new Date();
    if (endpoint === 'test') {
      const id = `${f.serviceRequestId}-${at.getTime()}`;
      const ok = await new ChannelsStore(this.db).addSandboxUpdate(key.jurisdiction, f.serviceRequestId, {
        id,
        description,
        at: at.toISOString(),
      });
      if (!ok) throw new Open311Error(404, `service_request_id ${f.serviceRequestId} not found`);
      return [{ update_id: id, service_request_id: f.serviceRequestId }];
    }
    const [row] = await this.cases.queries.publicRequests({
      kinds: PUBLIC_KINDS,
      areaPrefix: key.jurisdiction,
      numbers: [f.serviceRequestId],
      limit: 1,
      offset: 0,
    });
    if (!row) throw new Open311Error(404, `service_request_id ${f.serviceRequestId} not found`);
    if (FINAL_STATES.includes(row.state as (typeof FINAL_STATES)[number]))
      throw new Open311Error(400, `service_request_id ${row.number} is closed; file a new request`);
    // A follow-up from the public: recorded in the case's chain (the note stays with staff), nothing moves.
    await this.db.transaction().execute((trx) =>
      this.cases.transitions.appendRecord(trx, row.id, {
        type: 'public_update',
        by: caseActorOf(key.filer, 'operator'),
        note: description,
        payload: { channel: 'open311', apiKey: key.name },
      }),
    );
    const [event] = (
      await this.cases.queries.publicEvents({
        kinds: PUBLIC_KINDS,
        areaPrefix: key.jurisdiction,
        numbers: [row.number],
        from: at,
        to: new Date(Date.now() + 1000),
        limit: 200,
        offset: 0,
      })
    ).filter((e) => e.type === 'public_update');
    return [{ update_id: event?.id ?? `${row.number}-${row.version + 1}`, service_request_id: row.number }];
  }
}

/** What each step of the loop is called in the public feed (the rest by the state it leads to). */
const STEP_NAMES: Record<string, string> = {
  report: '已受理',
  file: '已立案',
  dispatch: '已派遣',
  sign: '已签收',
  feedback: '已处置，待核查',
  close: '已办结',
  reject: '不予立案',
  reopen: '重新办理',
  urge: '已督办',
  public_update: '收到补充',
  merge: '与其他诉求合并办理',
  suspend: '挂账缓办',
  resume: '恢复办理',
  rate: '已评价',
};
