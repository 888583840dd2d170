/**
 * Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions, POST and GET
 * requests, tokens — JSON and XML by suffix, errors as the spec's error arrays (400/403/404).
 * `api_key` is a Wangge API token; `jurisdiction_id` is a district code.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import type { Cases } from '../cases/cases.service.js';
import { listCategories } from '../cases/catalogue.service.js';
import { principalFromToken } from '../org/auth.service.js';
import type { Places } from '../places/places.service.js';
import {
  CONTENT_TYPES,
  type Format,
  hasMarkup,
  readForm,
  splitFormat,
  toError,
  toRequest,
  toService,
  toServiceDefinition,
  toXml,
} from './open311.js';

/** Kinds of case the public standard may show: not petitions, proposals or disputes. */
const PUBLIC_KINDS = ['component', 'event', 'request'];
const INTAKE_ROLES = ['operator', 'inspector', 'shift_lead', 'dispatcher'];
const DEFAULT_DAYS = 90;
const MAX_RESULTS = 1000;

class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

type ListRoot = 'services' | 'service_requests' | 'errors';

function send(reply: FastifyReply, format: Format, root: ListRoot, items: object[], status = 200) {
  reply.status(status).type(CONTENT_TYPES[format]);
  return reply.send(format === 'json' ? JSON.stringify(items) : toXml(root, items));
}

function sendError(reply: FastifyReply, format: Format, status: number, description: string) {
  return send(reply, format, 'errors', [toError(status, description)], status);
}

/** Runs a handler, turning every failure into the spec's error array in the requested format. */
function open311(
  handler: (req: FastifyRequest, reply: FastifyReply, format: Format, name: string) => Promise<unknown>,
) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const file = (req.params as { file: string }).file;
    const parsed = splitFormat(file);
    if (!parsed) return sendError(reply, 'json', 404, `${file}: add .json or .xml`);
    try {
      return await handler(req, reply, parsed.format, parsed.name);
    } catch (err) {
      if (err instanceof Open311Error) return sendError(reply, parsed.format, err.status, err.message);
      if (err instanceof DomainError && err.status < 500) {
        const status = err.status === 403 || err.status === 404 ? err.status : 400;
        return sendError(reply, parsed.format, status, err.message);
      }
      req.log.error({ err }, 'open311 failed');
      return sendError(reply, parsed.format, 500, 'internal error; it has been logged');
    }
  };
}

export function registerOpen311Routes(
  app: App,
  db: Kysely<DB>,
  cases: Cases,
  places: Places,
  opts: { publicUrl: () => string },
): void {
  const base = '/open311/v2';
  const config = { access: 'public' as const };
  const hide = { hide: true };

  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => {
        done(null, new URLSearchParams(String(body)));
      },
    );

    const jurisdiction = async (id: string | undefined): Promise<string> => {
      if (!id) return '';
      const area = await db
        .selectFrom('areas')
        .select(['code', 'level'])
        .where('code', '=', id)
        .executeTakeFirst();
      if (area?.level !== 'district')
        throw new Open311Error(404, `jurisdiction_id ${id} is not a district of this installation`);
      return area.code;
    };
    const services = async () => (await listCategories(db)).filter((c) => PUBLIC_KINDS.includes(c.kind));

    // discovery, services list, requests list
    scope.get(
      `${base}/:file`,
      { config, schema: hide },
      open311(async (req, reply, format, name) => {
        const q = req.query as Record<string, string | undefined>;
        if (name === 'discovery') {
          const discovery = {
            changeset: '2026-12-01T00:00:00+08:00',
            contact: 'Wangge 网格 — the district command centre',
            key_service: 'API keys are issued by the district administrator (Wangge API tokens).',
            endpoints: [
              {
                specification: 'http://wiki.open311.org/GeoReport_v2',
                url: `${opts.publicUrl()}${base}`,
                changeset: '2026-12-01T00:00:00+08:00',
                type: 'production',
                formats: ['text/xml', 'application/json'],
              },
            ],
          };
          reply.type(CONTENT_TYPES[format]);
          return reply.send(format === 'json' ? JSON.stringify(discovery) : toXml('discovery', discovery));
        }
        if (name === 'services') {
          await jurisdiction(q.jurisdiction_id);
          return send(reply, format, 'services', (await services()).map(toService));
        }
        if (name === 'requests') {
          const district = await jurisdiction(q.jurisdiction_id);
          return send(reply, format, 'service_requests', await listRequests(db, district, q));
        }
        throw new Open311Error(404, `no resource ${name}`);
      }),
    );

    scope.get(
      `${base}/services/:file`,
      { config, schema: hide },
      open311(async (req, reply, format, code) => {
        await jurisdiction((req.query as Record<string, string | undefined>).jurisdiction_id);
        const c = (await services()).find((s) => s.code === code);
        if (!c) throw new Open311Error(404, `service_code ${code} not found`);
        const definition = toServiceDefinition(c);
        reply.type(CONTENT_TYPES[format]);
        return reply.send(
          format === 'json' ? JSON.stringify(definition) : toXml('service_definition', definition),
        );
      }),
    );

    scope.get(
      `${base}/requests/:file`,
      { config, schema: hide },
      open311(async (req, reply, format, id) => {
        const district = await jurisdiction(
          (req.query as Record<string, string | undefined>).jurisdiction_id,
        );
        const found = await listRequests(db, district, { service_request_id: id });
        if (found.length === 0) throw new Open311Error(404, `service_request_id ${id} not found`);
        return send(reply, format, 'service_requests', found);
      }),
    );

    scope.get(
      `${base}/tokens/:file`,
      { config, schema: hide },
      open311(async (_req, reply, format, token) => {
        const row = await db
          .selectFrom('cases')
          .select(['number', 'tracking_code'])
          .where('tracking_code', '=', token)
          .where('kind', 'in', PUBLIC_KINDS)
          .executeTakeFirst();
        if (!row) throw new Open311Error(404, `token ${token} not found`);
        return send(reply, format, 'service_requests', [
          { service_request_id: row.number, token: row.tracking_code },
        ]);
      }),
    );

    scope.post(
      `${base}/:file`,
      { config, schema: hide },
      open311(async (req, reply, format, name) => {
        if (name !== 'requests') throw new Open311Error(404, `no resource ${name}`);
        if (!(req.body instanceof URLSearchParams)) {
          throw new Open311Error(400, 'send the request as application/x-www-form-urlencoded');
        }
        const f = readForm(req.body);
        const p = f.apiKey ? await principalFromToken(db, f.apiKey) : null;
        if (!p) throw new Open311Error(403, 'api_key is missing or not valid');
        if (!p.roles.some((r) => INTAKE_ROLES.includes(r)))
          throw new Open311Error(403, 'this api_key may not submit requests');
        const district = await jurisdiction(f.jurisdictionId);
        if (!f.serviceCode) throw new Open311Error(400, 'service_code is required');
        const service = (await services()).find((s) => s.code === f.serviceCode);
        if (!service) throw new Open311Error(404, `service_code ${f.serviceCode} not found`);
        const description = f.description ?? '';
        if (description.length > 4000)
          throw new Open311Error(400, 'description is longer than 4000 characters');
        for (const [field, value] of [
          ['description', description],
          ['address_string', f.addressString ?? ''],
          ['first_name', f.firstName ?? ''],
          ['last_name', f.lastName ?? ''],
        ] as const) {
          if (hasMarkup(value)) throw new Open311Error(400, `${field} must be plain text, without HTML`);
        }
        const place = await placeOf(db, places, f, district);
        const reporterName = [f.firstName, f.lastName].filter(Boolean).join(' ');
        const created = await cases.create(p as Principal, {
          categoryCode: service.code,
          title: (description || service.name).slice(0, 60).replace(/\s+/g, ' ') || service.name,
          description,
          ...place,
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
        });
        return send(reply, format, 'service_requests', [
          {
            service_request_id: created.number,
            token: created.trackingCode,
            service_notice: null,
            account_id: f.accountId ?? null,
          },
        ]);
      }),
    );
  });
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

/** lat/long (WGS84), or an address_string / address_id that names a grid; else 400 (no guessing). */
async function placeOf(db: Kysely<DB>, places: Places, f: ReturnType<typeof readForm>, district: string) {
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
    const hit = await places.locate(lon, lat);
    if (!hit) throw new Open311Error(400, `(${lat}, ${lon}) is not inside any grid of this installation`);
    if (district && hit.district.code !== district)
      throw new Open311Error(400, `(${lat}, ${lon}) is not in jurisdiction ${district}`);
    return { lat, lon };
  }
  const named = f.addressId ?? f.addressString;
  if (!named)
    throw new Open311Error(400, 'a location is required: lat and long, or address_string / address_id');
  const grid = await db
    .selectFrom('areas')
    .select('code')
    .where('level', '=', 'grid')
    .where((eb) => eb.or([eb('code', '=', named.trim()), eb('name', '=', named.trim())]))
    .executeTakeFirst();
  if (!grid) throw new Open311Error(400, `address ${named} could not be located; send lat and long`);
  if (district && !grid.code.startsWith(district))
    throw new Open311Error(400, `address ${named} is not in jurisdiction ${district}`);
  return { areaCode: grid.code };
}

/** GET requests: by id list, or filtered by service, dates and status; the last 90 days and 1000 by default. */
async function listRequests(db: Kysely<DB>, district: string, q: Record<string, string | undefined>) {
  let query = db
    .selectFrom('cases as c')
    .innerJoin('categories as cat', 'cat.code', 'c.category_code')
    .leftJoin('units as u', 'u.id', 'c.assigned_unit_id')
    .select([
      'c.id',
      'c.number',
      'c.state',
      'c.category_code',
      'cat.name as category_name',
      'c.description',
      'c.title',
      'u.name as unit_name',
      'c.created_at',
      'c.updated_at',
      'c.due_at',
      'c.address',
      'c.area_code',
      'c.lon',
      'c.lat',
      'c.media_url',
    ])
    .where('c.kind', 'in', PUBLIC_KINDS);
  if (district) query = query.where('c.area_code', 'like', `${district}%`);
  const ids = q.service_request_id
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const pageSize = Math.min(MAX_RESULTS, Math.max(1, Number(q.page_size ?? MAX_RESULTS) || MAX_RESULTS));
  const page = Math.max(1, Math.floor(Number(q.page ?? 1)) || 1);
  if (ids?.length) {
    query = query.where('c.number', 'in', ids.slice(0, MAX_RESULTS));
  } else {
    const end = q.end_date ? date(q.end_date, 'end_date') : new Date();
    const start = q.start_date
      ? date(q.start_date, 'start_date')
      : new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
    if (start > end) throw new Open311Error(400, 'start_date is after end_date');
    query = query.where('c.created_at', '>=', start).where('c.created_at', '<=', end);
    if (q.service_code) query = query.where('c.category_code', 'in', q.service_code.split(','));
    if (q.status) {
      const wanted = q.status.split(',');
      if (!wanted.every((s) => s === 'open' || s === 'closed'))
        throw new Open311Error(400, 'status is open or closed');
      const closed = ['closed', 'rejected', 'merged'];
      if (!(wanted.includes('open') && wanted.includes('closed'))) {
        query = wanted.includes('closed')
          ? query.where('c.state', 'in', closed)
          : query.where('c.state', 'not in', closed);
      }
    }
  }
  const rows = await query
    .orderBy('c.created_at', 'desc')
    .orderBy('c.number')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const notes = rows.length
    ? await db
        .selectFrom('case_events')
        .select(['case_id', 'seq', 'note', 'payload'])
        .where(
          'case_id',
          'in',
          rows.map((r) => r.id),
        )
        .where('type', 'in', ['reject', 'close', 'merge'])
        .orderBy('seq')
        .execute()
    : [];
  return rows.map((r) => {
    const last = notes.filter((n) => n.case_id === r.id).at(-1);
    const reason = last?.payload.reason;
    return toRequest({
      number: r.number,
      state: r.state,
      categoryCode: r.category_code,
      categoryName: r.category_name,
      description: r.description,
      title: r.title,
      unitName: r.unit_name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      dueAt: r.due_at,
      address: r.address,
      areaCode: r.area_code,
      lon: r.lon,
      lat: r.lat,
      mediaUrl: r.media_url,
      lastNote: last?.note ?? (typeof reason === 'string' ? reason : null),
    });
  });
}

function date(s: string, field: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime()))
    throw new Open311Error(400, `${field} must be a W3C date-time, e.g. 2026-03-10T00:00:00+08:00`);
  return d;
}
