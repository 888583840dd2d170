/**
 * Open311 GeoReport v2 use cases: discovery, services and their definitions, requests (list, one, by
 * token) and POST requests. `api_key` is a Wangge API token; `jurisdiction_id` is a district code.
 * Failures are `Open311Error`s carrying the spec's status; the routes write them as error arrays.
 */
import type { Kysely } from 'kysely';
import type { ApiKeyPrincipal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { type Cases, FINAL_STATES, type LocatedPlace } from '../cases/cases.service.js';
import { listCategories } from '../cases/catalogue.service.js';
import { findArea, gridByCodeOrName, type Places } from '../places/places.service.js';
import { type readForm, toRequest, toService, toServiceDefinition } from './open311.js';
import { PUBLIC_KINDS, publicView } from './publication.js';

const DEFAULT_DAYS = 90;
const MAX_RESULTS = 1000;
const CHANGESET = '2026-12-01T00:00:00+08:00';
export const OPEN311_BASE = '/open311/v2';

export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | undefined>;
type Form = ReturnType<typeof readForm>;

/** How an `api_key` becomes a principal: org's API keys, bound to this server's endpoint. */
export interface ApiKeyCheck {
  readonly endpoint: 'production' | 'test';
  authenticate(key: string): Promise<ApiKeyPrincipal | null>;
}

export class Open311Service {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
    private readonly places: Places,
    private readonly publicUrl: () => string,
    private readonly keys: ApiKeyCheck,
  ) {}

  discovery() {
    return {
      changeset: CHANGESET,
      contact: 'Wangge 网格 — the district command centre',
      key_service:
        'API keys are issued by the district administrator, for one endpoint (production or test) and one jurisdiction.',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${this.publicUrl()}${OPEN311_BASE}`,
          changeset: CHANGESET,
          type: this.keys.endpoint,
          formats: ['text/xml', 'application/json'],
        },
      ],
    };
  }

  /** The district a `jurisdiction_id` names ('' when none is given); 404 for anything else. */
  private async jurisdiction(id: string | undefined): Promise<string> {
    if (!id) return '';
    const area = await findArea(this.db, id);
    if (area?.level !== 'district')
      throw new Open311Error(404, `jurisdiction_id ${id} is not a district of this installation`);
    return area.code;
  }

  private async publicCategories() {
    return (await listCategories(this.db)).filter((c) => PUBLIC_KINDS.includes(c.kind));
  }

  async services(jurisdictionId: string | undefined) {
    await this.jurisdiction(jurisdictionId);
    return (await this.publicCategories()).map(toService);
  }

  async serviceDefinition(code: string, jurisdictionId: string | undefined) {
    await this.jurisdiction(jurisdictionId);
    const c = (await this.publicCategories()).find((s) => s.code === code);
    if (!c) throw new Open311Error(404, `service_code ${code} not found`);
    return toServiceDefinition(c);
  }

  /** GET requests: by id list, or filtered by service, dates and status; the last 90 days and 1000 by default. */
  async requests(q: Query) {
    const district = await this.jurisdiction(q.jurisdiction_id);
    const ids = q.service_request_id
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const pageSize = Math.min(MAX_RESULTS, Math.max(1, Number(q.page_size ?? MAX_RESULTS) || MAX_RESULTS));
    const page = Math.max(1, Math.floor(Number(q.page ?? 1)) || 1);
    const filter = {
      kinds: PUBLIC_KINDS,
      areaPrefix: district,
      limit: pageSize,
      offset: (page - 1) * pageSize,
    };
    if (ids?.length) {
      return this.found({ ...filter, numbers: ids.slice(0, MAX_RESULTS) });
    }
    const end = q.end_date ? date(q.end_date, 'end_date') : new Date();
    const start = q.start_date
      ? date(q.start_date, 'start_date')
      : new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
    if (start > end) throw new Open311Error(400, 'start_date is after end_date');
    let states: { in: readonly string[] } | { notIn: readonly string[] } | undefined;
    if (q.status) {
      const wanted = q.status.split(',');
      if (!wanted.every((s) => s === 'open' || s === 'closed'))
        throw new Open311Error(400, 'status is open or closed');
      if (!(wanted.includes('open') && wanted.includes('closed')))
        states = wanted.includes('closed') ? { in: FINAL_STATES } : { notIn: FINAL_STATES };
    }
    return this.found({
      ...filter,
      from: start,
      to: end,
      ...(q.service_code && { categoryCodes: q.service_code.split(',') }),
      ...(states && { states }),
    });
  }

  /** The requests the publication policy lets out, each with only what it lets out (publication.ts). */
  private async found(f: Parameters<Cases['queries']['publicRequests']>[0]) {
    const rows = await this.cases.queries.publicRequests({ ...f, published: true });
    const centres = await this.places.gridCentres(
      rows.filter((r) => r.pointPrecision === 'grid').map((r) => r.areaCode),
    );
    return rows.flatMap((r) => {
      const view = publicView(r, centres.get(r.areaCode) ?? null);
      return view ? [toRequest({ ...r, ...view })] : [];
    });
  }

  async request(id: string, jurisdictionId: string | undefined) {
    const found = await this.requests({ jurisdiction_id: jurisdictionId, service_request_id: id });
    if (found.length === 0) throw new Open311Error(404, `service_request_id ${id} not found`);
    return found;
  }

  async token(token: string) {
    const c = await this.cases.queries.byTrackingCode(token);
    if (!c || !PUBLIC_KINDS.includes(c.kind)) throw new Open311Error(404, `token ${token} not found`);
    return [{ service_request_id: c.number, token: c.trackingCode }];
  }

  /**
   * POST requests: an Open311 API key (never a staff token) files a case of a public service in its own
   * jurisdiction, as the Open311 machine account.
   */
  async submit(f: Form) {
    const key = f.apiKey ? await this.keys.authenticate(f.apiKey) : null;
    if (!key) throw new Open311Error(403, 'api_key is missing or not valid for this endpoint');
    if (f.jurisdictionId && f.jurisdictionId !== key.jurisdiction)
      throw new Open311Error(403, `this api_key is for jurisdiction ${key.jurisdiction}`);
    const p = key.filer;
    const district = await this.jurisdiction(key.jurisdiction);
    if (!f.serviceCode) throw new Open311Error(400, 'service_code is required');
    const service = (await this.publicCategories()).find((s) => s.code === f.serviceCode);
    if (!service) throw new Open311Error(404, `service_code ${f.serviceCode} not found`);
    const description = f.description ?? '';
    if (description.length > 4000) throw new Open311Error(400, 'description is longer than 4000 characters');
    // Text is kept as sent, markup included: every answer shows it as text (JSON strings, escaped XML).
    const place = await this.placeOf(f, district);
    const reporterName = [f.firstName, f.lastName].filter(Boolean).join(' ');
    const created = await this.cases.intake.file(
      p,
      {
        categoryCode: service.code,
        title: (description || service.name).slice(0, 60).replace(/\s+/g, ' ') || service.name,
        description,
        ...place.input,
        crs: 'wgs84',
        address: (f.addressString ?? '').slice(0, 200),
        evidence: [],
        attributes: f.attributes,
        source: 'open311',
        ...(f.mediaUrl ? { mediaUrl: validUrl(f.mediaUrl) } : {}),
        ...(reporterName || f.phone || f.email
          ? {
              reporter: {
                ...(reporterName && { name: reporterName.slice(0, 60) }),
                ...(f.phone && { phone: validPhone(f.phone) }),
                ...(f.email && { email: f.email }),
              },
            }
          : {}),
      },
      place.located ? { located: place.located } : {},
    );
    return [
      {
        service_request_id: created.number,
        token: created.trackingCode,
        service_notice: null,
        account_id: f.accountId ?? null,
      },
    ];
  }

  /**
   * lat/long (WGS84), located once here (checked against the jurisdiction and handed to intake), or an
   * address_string / address_id that names a grid; else 400 (no guessing).
   */
  private async placeOf(
    f: Form,
    district: string,
  ): Promise<{ input: { lon: number; lat: number } | { areaCode: string }; located?: LocatedPlace }> {
    if (f.lat !== undefined || f.long !== undefined) {
      const lat = Number(f.lat);
      const lon = Number(f.long);
      if (
        f.lat === undefined ||
        f.long === undefined ||
        !Number.isFinite(lat) ||
        !Number.isFinite(lon) ||
        Math.abs(lat) > 90 ||
        Math.abs(lon) > 180
      ) {
        throw new Open311Error(400, 'lat and long must both be WGS84 decimal degrees');
      }
      const hit = await this.places.locate(lon, lat);
      if (!hit) throw new Open311Error(400, `(${lat}, ${lon}) is not inside any grid of this installation`);
      if (district && hit.district.code !== district)
        throw new Open311Error(400, `(${lat}, ${lon}) is not in jurisdiction ${district}`);
      return {
        input: { lat, lon },
        located: { grid: hit.grid.code, lon: hit.point.lon, lat: hit.point.lat },
      };
    }
    const named = f.addressId ?? f.addressString;
    if (!named)
      throw new Open311Error(400, 'a location is required: lat and long, or address_string / address_id');
    const grid = await gridByCodeOrName(this.db, named.trim());
    if (!grid) throw new Open311Error(400, `address ${named} could not be located; send lat and long`);
    if (district && !grid.code.startsWith(district))
      throw new Open311Error(400, `address ${named} is not in jurisdiction ${district}`);
    return { input: { areaCode: grid.code } };
  }
}

function validUrl(s: string): string {
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {}
  throw new Open311Error(400, 'media_url must be an http(s) URL');
}

function validPhone(s: string): string {
  if (!/^[0-9+\- ]{3,20}$/.test(s)) throw new Open311Error(400, 'phone must be digits (3–20)');
  return s;
}

function date(s: string, field: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime()))
    throw new Open311Error(400, `${field} must be a W3C date-time, e.g. 2026-03-10T00:00:00+08:00`);
  return d;
}
