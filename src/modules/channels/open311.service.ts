/**
 * Open311 GeoReport v2 use cases: discovery, services and their definitions, requests (list, one, by
 * token), POST requests (with an uploaded photo), and FixMyStreet's updates feed and posted updates.
 * `api_key` is an Open311 API key (org's `api_keys`), valid on one endpoint and one jurisdiction;
 * `jurisdiction_id` is a district code. Failures are `Open311Error`s carrying the spec's status; the
 * routes write them as error arrays.
 *
 * Two endpoints, one process:
 * - `production` (/open311/v2) files cases through intake, the one way in for every channel;
 * - `test` (/open311/test/v2), the sandbox: the same checks (key, service, attributes, place, media),
 *   then the request is kept in `open311_sandbox_requests` only — never a case, so no queue, list,
 *   indicator, deadline or notification of the district ever sees it.
 *
 * Deferred requests: a POST whose point lies within 50 m of an open case of the same service is a likely
 * duplicate (the same test as the console's duplicate suggestions). It is filed at once like any other
 * (deadlines run, nothing is lost) but the answer carries only its `token`, with a notice that it is
 * checked for duplication; `GET tokens/{token}` gives its `service_request_id`. Every other request is
 * created at once and answers its `service_request_id` and no token.
 */
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeyPrincipal, Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors.js';
import { type FileStore, IMAGE_TYPES } from '../../platform/files/files.js';
import { checkAttributes } from '../cases/attributes.js';
import type { Cases, LocatedPlace } from '../cases/cases.service.js';
import { findArea, gridByCodeOrName, type Places } from '../places/places.service.js';
import { ChannelsStore } from './channels.store.js';
import {
  type Endpoint,
  type Form,
  Open311Error,
  type Query,
  toCreated,
  toService,
  toServiceDefinition,
  validEmail,
  validPhone,
  validUrl,
} from './open311.js';
import { Open311Requests } from './open311-requests.service.js';
import { Open311Updates } from './open311-updates.service.js';
import { PUBLIC_KINDS } from './publication.js';

export { Open311Error } from './open311.js';

const DUPLICATE_RADIUS_M = 50;
const CACHE_MS = 5_000;
/**
 * How sure the router must be of its first suggestion to file a request sent without a service_code.
 * Its confidence is calibrated (router/model.ts): at 0.5 it is right about half the time or better, and
 * a wrong category costs a 退单, so below that the client is asked to choose.
 */
export const OPEN311_MIN_CONFIDENCE = 0.5;
const CHANGESET = '2026-12-03T00:00:00+08:00';
const TRACKING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const OPEN311_BASES: Record<Endpoint, string> = {
  production: '/open311/v2',
  test: '/open311/test/v2',
};
export const OPEN311_BASE = OPEN311_BASES.production;

/** A photo sent as the multipart field `media`. */
export interface Media {
  bytes: Buffer;
  filename: string;
}

/** How an `api_key` becomes a principal: org's API keys (the principal says its endpoint). */
export interface ApiKeyCheck {
  authenticate(key: string): Promise<ApiKeyPrincipal | null>;
}

export class Open311Service {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
    private readonly places: Places,
    private readonly files: FileStore,
    private readonly publicUrl: () => string,
    private readonly keys: ApiKeyCheck,
  ) {
    this.feed = new Open311Updates(db, cases, this);
    this.lists = new Open311Requests(db, cases, places, this);
  }

  private readonly feed: Open311Updates;
  private readonly lists: Open311Requests;

  discovery() {
    return {
      changeset: CHANGESET,
      contact: 'Wangge 网格 — the district command centre',
      key_service:
        'API keys are issued by the district administrator, for one endpoint (production or test) and one jurisdiction.',
      endpoints: (['production', 'test'] as const).map((type) => ({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${this.publicUrl()}${OPEN311_BASES[type]}`,
        changeset: CHANGESET,
        type,
        formats: ['text/xml', 'application/json'],
      })),
    };
  }

  /** Districts found, for a few seconds (every POST names its key's): districts change once in years. */
  private readonly districts = new Map<string, { at: number; ok: boolean }>();

  /** The district a `jurisdiction_id` names ('' when none is given); 404 for anything else. */
  async jurisdiction(id: string | undefined): Promise<string> {
    if (!id) return '';
    let known = this.districts.get(id);
    if (!known || Date.now() - known.at > CACHE_MS) {
      const area = await findArea(this.db, id);
      known = { at: Date.now(), ok: area?.level === 'district' };
      if (this.districts.size > 1000) this.districts.clear();
      this.districts.set(id, known);
    }
    if (!known.ok)
      throw new Open311Error(404, `jurisdiction_id ${id} is not a district of this installation`);
    return id;
  }

  /** The public services: the case engine's cached catalogue (edits through this process clear it). */
  private async publicCategories() {
    return (await this.cases.engine.categories()).filter((c) => c.active && PUBLIC_KINDS.includes(c.kind));
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

  /** GET requests (list, one, by token) and the list's stamp: open311-requests.service.ts. */
  requests(endpoint: Endpoint, q: Query) {
    return this.lists.requests(endpoint, q);
  }

  request(endpoint: Endpoint, id: string, q: Query) {
    return this.lists.request(endpoint, id, q);
  }

  token(endpoint: Endpoint, token: string) {
    return this.lists.token(endpoint, token);
  }

  listStamp(): Promise<string> {
    return this.lists.stamp();
  }

  /** The key's principal, refused (403) when missing, unknown, revoked, or made for the other endpoint. */
  async key(endpoint: Endpoint, apiKey: string | undefined, jurisdictionId: string | undefined) {
    const key = apiKey ? await this.keys.authenticate(apiKey) : null;
    if (!key) throw new Open311Error(403, 'api_key is missing or not valid');
    if (key.endpoint !== endpoint)
      throw new Open311Error(
        403,
        `this api_key is for the ${key.endpoint} endpoint (${OPEN311_BASES[key.endpoint]}), not ${endpoint}`,
      );
    if (jurisdictionId && jurisdictionId !== key.jurisdiction)
      throw new Open311Error(403, `this api_key is for jurisdiction ${key.jurisdiction}`);
    return key;
  }

  /**
   * POST requests: an Open311 API key (never a staff token) files a case of a public service in its own
   * jurisdiction, as the Open311 machine account; on the test endpoint, a sandbox request instead. Every
   * check runs before anything is stored (the photo last, and it is stored content-addressed).
   */
  async submit(endpoint: Endpoint, f: Form, media?: Media) {
    const key = await this.key(endpoint, f.apiKey, f.jurisdictionId);
    const p = key.filer;
    const district = await this.jurisdiction(key.jurisdiction);
    const routed = f.serviceCode ? null : await this.routeByDescription(p, f.description ?? '');
    const serviceCode = f.serviceCode ?? routed?.categoryCode;
    const service = (await this.publicCategories()).find((s) => s.code === serviceCode);
    if (!service) throw new Open311Error(404, `service_code ${serviceCode} not found`);
    const answers = checkAttributes(service.attributes, f.attributes);
    if (!answers.ok) throw new Open311Error(400, `attribute[${answers.code}]: ${answers.message}`);
    const description = f.description ?? '';
    if (description.length > 4000) throw new Open311Error(400, 'description is longer than 4000 characters');
    if (media && f.mediaUrl) throw new Open311Error(400, 'send either media or media_url, not both');
    const mediaUrl = f.mediaUrl ? validUrl(f.mediaUrl) : undefined;
    // Text is kept as sent, markup included: every answer shows it as text (JSON strings, escaped XML).
    const place = await this.placeOf(f, district);
    const reporterName = [f.firstName, f.lastName].filter(Boolean).join(' ');
    const phone = f.phone ? validPhone(f.phone) : undefined;
    const email = f.email ? validEmail(f.email) : undefined;
    const stored = media ? await this.saveMedia(media, endpoint) : null;
    const address = (f.addressString ?? '').slice(0, 200);

    if (endpoint === 'test') {
      const made = await new ChannelsStore(this.db).insertSandboxRequest({
        token: trackingCode(),
        api_key_id: key.keyId,
        jurisdiction: key.jurisdiction,
        service_code: service.code,
        service_name: service.name,
        description,
        address,
        area_code: place.located?.grid ?? (place.input as { areaCode: string }).areaCode,
        lon: place.located?.lon ?? null,
        lat: place.located?.lat ?? null,
        attributes: JSON.stringify(answers.values),
        media_url: stored?.url ?? mediaUrl ?? null,
      });
      return [toCreated({ number: made.number, trackingCode: made.token, deferred: false }, f.accountId)];
    }

    // A likely duplicate (an open case of the service within 50 m) answers a token, not an id (deferred).
    const at = place.located;
    const deferred =
      at?.lon != null &&
      at.lat != null &&
      (await this.cases.queries.openCaseWithin(p, {
        category: service.code,
        lon: at.lon,
        lat: at.lat,
        radius: DUPLICATE_RADIUS_M,
      }));
    const created = await this.cases.intake
      .file(
        p,
        {
          categoryCode: service.code,
          title: (description || service.name).slice(0, 60).replace(/\s+/g, ' ') || service.name,
          description,
          ...place.input,
          crs: 'wgs84',
          address,
          evidence: stored ? [stored.hash] : [],
          attributes: f.attributes,
          source: 'open311',
          ...(stored ? { mediaUrl: stored.url } : mediaUrl ? { mediaUrl } : {}),
          ...(reporterName || phone || email
            ? {
                reporter: {
                  ...(reporterName && { name: reporterName.slice(0, 60) }),
                  ...(phone && { phone }),
                  ...(email && { email }),
                },
              }
            : {}),
        },
        {
          ...(place.located ? { located: place.located } : {}),
          // Routed by the description: the suggestion and the category filed under, with the case.
          ...(routed && {
            onCreated: async (trx, made) => {
              await this.cases.routing.record(trx, p, 'open311', routed.ranked, {
                categoryCode: service.code,
                caseId: made.id,
              });
            },
          }),
        },
      )
      .catch(asOpen311);
    return [toCreated({ ...created, deferred }, f.accountId)];
  }

  /**
   * A request with a description but no service_code (分拨建议): the router's first suggestion among the
   * public services, if it is at least `OPEN311_MIN_CONFIDENCE` sure and the text is familiar; otherwise the spec's 400 naming
   * service_code, with the best guess so the client can ask its user. Writes nothing: the suggestion is
   * recorded with the case it files (the sandbox files none, so records none).
   */
  private async routeByDescription(p: Principal, description: string) {
    if (!description.trim()) throw new Open311Error(400, 'service_code is required');
    const ranked = await this.cases.routing.rank(
      p,
      { text: description.slice(0, 4000) },
      (c) => c.active && PUBLIC_KINDS.includes(c.kind),
    );
    const first = ranked.suggestions[0];
    // A reason (unfamiliar text, too short, …) means the confidence says little: ask the client instead.
    if (!first || ranked.reason !== null || first.confidence < OPEN311_MIN_CONFIDENCE) {
      const guess = first ? ` (best guess ${first.categoryCode} at ${first.confidence.toFixed(2)})` : '';
      throw new Open311Error(
        400,
        `service_code is required: the description does not say which service clearly enough${guess}`,
      );
    }
    return { categoryCode: first.categoryCode, ranked };
  }

  /** The photo, checked and stored like the portal's (sniffed type, size limit, thumbnail). */
  private async saveMedia(media: Media, endpoint: Endpoint) {
    const saved = await this.files.save(media.bytes, media.filename, null, IMAGE_TYPES).catch(asOpen311);
    const ext = saved.mime === 'image/png' ? 'png' : saved.mime === 'image/webp' ? 'webp' : 'jpg';
    return {
      hash: saved.hash,
      url: `${this.publicUrl()}${OPEN311_BASES[endpoint]}/media/${saved.hash}.${ext}`,
    };
  }

  /** An uploaded photo, served only when a published request carries it (and its category shows media). */
  async media(file: string): Promise<{ bytes: Buffer; mime: string }> {
    const hash = /^([0-9a-f]{64})\.(jpg|png|webp)$/.exec(file)?.[1];
    if (!hash) throw new Open311Error(404, `no media ${file}`);
    const url = `${this.publicUrl()}${OPEN311_BASE}/media/${file}`;
    const shown = await this.lists.published({
      kinds: PUBLIC_KINDS,
      areaPrefix: '',
      mediaUrl: url,
      limit: 1,
      offset: 0,
    });
    if (shown[0]?.media_url !== url) throw new Open311Error(404, `no media ${file}`);
    return this.files.read(hash, false);
  }

  /** FixMyStreet's updates feed (GET servicerequestupdates): open311-updates.service.ts. */
  updates(endpoint: Endpoint, q: Query) {
    return this.feed.updates(endpoint, q);
  }

  /** POST servicerequestupdates: open311-updates.service.ts. */
  postUpdate(endpoint: Endpoint, f: Form & { serviceRequestId?: string | undefined }) {
    return this.feed.postUpdate(endpoint, f);
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
        f.lat.trim() === '' ||
        f.long.trim() === '' ||
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
    if (!named?.trim())
      throw new Open311Error(400, 'a location is required: lat and long, or address_string / address_id');
    const grid = await gridByCodeOrName(this.db, named.trim());
    if (!grid) throw new Open311Error(400, `address ${named} could not be located; send lat and long`);
    if (district && !grid.code.startsWith(district))
      throw new Open311Error(400, `address ${named} is not in jurisdiction ${district}`);
    return { input: { areaCode: grid.code } };
  }
}

/** A domain refusal from a service (intake, files, transitions) as the spec's error, same status class. */
function asOpen311(err: unknown): never {
  if (err instanceof DomainError && err.status < 500) {
    const status = err.status === 403 || err.status === 404 || err.status === 413 ? err.status : 400;
    throw new Open311Error(status, err.message);
  }
  throw err;
}

function trackingCode(): string {
  return Array.from({ length: 10 }, () => TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]).join('');
}
