/**
 * Open311 GET requests: the list (by id list, or filtered by service, dates, status and last change), one
 * request, a token's request id, and the stamp the routes keep the rendered production list under. The
 * production endpoint lists published cases with only what the publication policy lets out
 * (publication.ts); the test endpoint lists its sandbox rows as their clients sent them.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { type Cases, FINAL_STATES } from '../cases/cases.service.js';
import type { Places } from '../places/places.service.js';
import { ChannelsStore, type SandboxFilter } from './channels.store.js';
import {
  DEFAULT_DAYS,
  type Endpoint,
  MAX_IDS,
  Open311Error,
  paging,
  type Query,
  toExtended,
  toRequest,
  w3cDate,
  wantsExtensions,
} from './open311.js';
import type { Open311Gate } from './open311-updates.service.js';
import { maskPersonalData, PUBLIC_KINDS, publicView } from './publication.js';

export class Open311Requests {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
    private readonly places: Places,
    private readonly gate: Pick<Open311Gate, 'jurisdiction'>,
  ) {}

  /**
   * GET requests: by id list, or filtered by service, dates, status and last change; the last 90 days by
   * default, newest first (ties by number), a page of 50 unless `page_size` says otherwise.
   */
  async requests(endpoint: Endpoint, q: Query) {
    const district = await this.gate.jurisdiction(q.jurisdiction_id);
    const { page, pageSize } = paging(q);
    const extensions = wantsExtensions(q.extensions);
    const ids = q.service_request_id
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const updatedFrom = w3cDate(q.updated_after, 'updated_after');
    const updatedTo = w3cDate(q.updated_before, 'updated_before');
    if (updatedFrom && updatedTo && updatedFrom > updatedTo)
      throw new Open311Error(400, 'updated_after is after updated_before');
    const window = { limit: pageSize, offset: (page - 1) * pageSize };
    if (ids?.length) {
      if (ids.length > MAX_IDS) throw new Open311Error(400, `ask for at most ${MAX_IDS} service_request_id`);
      const numbers = { numbers: ids, ...window, limit: MAX_IDS, offset: 0 };
      return endpoint === 'test'
        ? this.sandbox({ jurisdiction: district, ...numbers }, extensions)
        : this.published({ kinds: PUBLIC_KINDS, areaPrefix: district, ...numbers }, extensions);
    }
    const end = w3cDate(q.end_date, 'end_date') ?? (updatedFrom || updatedTo ? undefined : new Date());
    const start =
      w3cDate(q.start_date, 'start_date') ??
      (end ? new Date(end.getTime() - DEFAULT_DAYS * 86_400_000) : undefined);
    if (start && end && start > end) throw new Open311Error(400, 'start_date is after end_date');
    let states: { in: readonly string[] } | { notIn: readonly string[] } | undefined;
    let status: 'open' | 'closed' | undefined;
    if (q.status) {
      const wanted = q.status.split(',');
      if (!wanted.every((s) => s === 'open' || s === 'closed'))
        throw new Open311Error(400, 'status is open or closed');
      if (!(wanted.includes('open') && wanted.includes('closed'))) {
        status = wanted.includes('closed') ? 'closed' : 'open';
        states = status === 'closed' ? { in: FINAL_STATES } : { notIn: FINAL_STATES };
      }
    }
    const codes = q.service_code ? q.service_code.split(',') : undefined;
    const common = {
      ...window,
      ...(start && { from: start }),
      ...(end && { to: end }),
      ...(updatedFrom && { updatedFrom }),
      ...(updatedTo && { updatedTo }),
    };
    if (endpoint === 'test')
      return this.sandbox(
        {
          jurisdiction: district,
          ...common,
          ...(codes && { serviceCodes: codes }),
          ...(status && { status }),
        },
        extensions,
      );
    return this.published(
      {
        kinds: PUBLIC_KINDS,
        areaPrefix: district,
        ...common,
        ...(codes && { categoryCodes: codes }),
        ...(states && { states }),
      },
      extensions,
    );
  }

  /** Changes when anything the production list shows may have changed (a case, the catalogue). */
  stamp(): Promise<string> {
    return this.cases.queries.publicStamp();
  }

  /** The requests the publication policy lets out, each with only what it lets out (publication.ts). */
  async published(f: Parameters<Cases['queries']['publicRequests']>[0], extensions = false) {
    const rows = await this.cases.queries.publicRequests(f);
    const centres = await this.places.gridCentres(
      rows.filter((r) => r.pointPrecision === 'grid').map((r) => r.areaCode),
    );
    return rows.flatMap((r) => {
      const view = publicView(r, centres.get(r.areaCode) ?? null);
      if (!view) return [];
      const row = { ...r, ...view };
      const request = toRequest(row);
      if (!extensions) return [request];
      const notes = r.publicNotes.map((n) => ({ at: n.at, text: maskPersonalData(n.text) }));
      return [{ ...request, extended_attributes: toExtended(row, notes) }];
    });
  }

  /** The test endpoint's requests: what its clients sent, as they sent it (only test data is here). */
  private async sandbox(f: SandboxFilter, extensions = false) {
    const rows = await new ChannelsStore(this.db).sandboxRequests(f);
    return rows.map((r) => {
      const row = {
        number: r.number,
        state: r.status === 'closed' ? 'closed' : 'reported',
        categoryCode: r.service_code,
        categoryName: r.service_name,
        description: r.description,
        unitName: null,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        dueAt: null,
        address: r.address,
        areaCode: r.area_code,
        lon: r.lon,
        lat: r.lat,
        mediaUrl: r.media_url,
        publicReply: null,
      };
      const request = toRequest(row);
      return extensions ? { ...request, extended_attributes: toExtended(row, []) } : request;
    });
  }

  async request(endpoint: Endpoint, id: string, q: Query) {
    const found = await this.requests(endpoint, { ...q, service_request_id: id, page: undefined });
    if (found.length === 0) throw new Open311Error(404, `service_request_id ${id} not found`);
    return found;
  }

  async token(endpoint: Endpoint, token: string) {
    if (endpoint === 'test') {
      const t = await new ChannelsStore(this.db).sandboxByToken(token);
      if (!t) throw new Open311Error(404, `token ${token} not found`);
      return [{ service_request_id: t.number, token: t.token }];
    }
    const c = await this.cases.queries.byTrackingCode(token);
    if (!c || !PUBLIC_KINDS.includes(c.kind)) throw new Open311Error(404, `token ${token} not found`);
    return [{ service_request_id: c.number, token: c.trackingCode }];
  }
}
