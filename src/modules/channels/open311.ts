/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), pure: mapping catalogue rows and cases
 * to the spec's resources, reading its form fields, and writing them as JSON or XML with the same data.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { CategoryAttribute } from '../../platform/db/schema.js';
import { FINAL_STATES } from '../cases/workflow.js';

export type Format = 'json' | 'xml';
/** Exactly these, byte for byte (older validators compare them so); XML declares its charset in its prolog. */
export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json',
  xml: 'text/xml',
};

/** The two endpoints discovery lists: production, and the sandbox app developers try their clients on. */
export type Endpoint = 'production' | 'test';

/** The default page of GET requests (an extension: `page`, `page_size`), and its bounds. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** Days a list or feed covers when no dates are given; ids one call may name. */
export const DEFAULT_DAYS = 90;
export const MAX_IDS = 200;

/** Query parameters and a parsed POST form, as the services take them. */
export type Query = Record<string, string | undefined>;
export type Form = ReturnType<typeof readForm>;

export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** `page` (from 1) and `page_size` (1–200, default 50): whole numbers or a 400 naming the field. */
export function paging(q: { page?: string | undefined; page_size?: string | undefined }): {
  page: number;
  pageSize: number;
} {
  const whole = (v: string | undefined, field: string, min: number, max: number, dflt: number) => {
    if (v === undefined || v === '') return dflt;
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max)
      throw new Open311Error(400, `${field} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
  return {
    page: whole(q.page, 'page', 1, 1_000_000, 1),
    pageSize: whole(q.page_size, 'page_size', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
}

/** A W3C date-time with its zone (2026-03-10T09:30:00+08:00, or …Z); a bare date is taken in Beijing time. */
const W3C = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
export function w3cDate(s: string | undefined, field: string): Date | undefined {
  if (s === undefined || s === '') return undefined;
  const text = s.includes('T') ? s : `${s}T00:00:00+08:00`;
  const d = new Date(text);
  if (!W3C.test(s) || Number.isNaN(d.getTime()))
    throw new Open311Error(400, `${field} must be a W3C date-time, e.g. 2026-03-10T00:00:00+08:00`);
  return d;
}

/** `extensions=true` asks for `extended_attributes`; anything but true/false is refused. */
export function wantsExtensions(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new Open311Error(400, 'extensions is true or false');
}

/** `requests.json` → ['requests', 'json']; null when the suffix is not a format the spec has. */
export function splitFormat(file: string): { name: string; format: Format } | null {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return null;
  const format = file.slice(dot + 1).toLowerCase();
  return format === 'json' || format === 'xml' ? { name: file.slice(0, dot), format } : null;
}

/** Timestamps with their zone, as the spec asks (W3C / ISO 8601), in Beijing time. */
export function w3c(d: Date | null): string | null {
  if (!d) return null;
  const local = new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

export interface ServiceRow {
  code: string;
  name: string;
  majorName: string;
  filingCriterion: string;
  keywords: string;
  attributes: CategoryAttribute[];
}

export function toService(c: ServiceRow) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.filingCriterion || null,
    metadata: c.attributes.length > 0,
    type: 'realtime' as const,
    keywords: c.keywords ? c.keywords.trim().split(/\s+/).join(',') : null,
    group: c.majorName,
  };
}

export function toServiceDefinition(c: ServiceRow) {
  return {
    service_code: c.code,
    attributes: c.attributes.map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatype === 'datetime' ? 'ISO 8601, e.g. 2026-03-10T09:30:00+08:00' : null,
      order: i + 1,
      description: a.description,
      ...(a.values ? { values: a.values } : {}),
    })),
  };
}

/** Internal states map to open/closed; the state's name goes into status_notes. */
export const CLOSED: ReadonlySet<string> = new Set(FINAL_STATES);
export const STATE_NOTES: Record<string, string> = {
  reported: '已受理，待立案',
  verifying: '核实中',
  filed: '已立案，待派遣',
  dispatched: '已派遣',
  handling: '处置中',
  suspended: '挂账缓办',
  handled: '已处置，待核查',
  closed: '已办结',
  rejected: '不予立案',
  merged: '与其他诉求合并办理',
};

/** A request as published: the policy (publication.ts) has already withheld or masked its fields. */
export interface RequestRow {
  number: string;
  state: string;
  categoryCode: string;
  categoryName: string;
  /** Masked; null unless the category publishes text. */
  description: string | null;
  unitName: string | null;
  createdAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  /** Masked; null unless the category publishes text. */
  address: string | null;
  /** The grid's code. */
  areaCode: string;
  /** At the category's precision (exact or the grid's centre). */
  lon: number | null;
  lat: number | null;
  mediaUrl: string | null;
  /** 公开答复 of the last close or reject, masked; staff notes never come here. */
  publicReply: string | null;
}

/** A public note (公开答复), masked, with when it was given. */
export interface PublicNote {
  at: Date;
  text: string;
}

/**
 * `extensions=true` (FixMyStreet-style): the detailed state (Wangge's own, and its name), the unit that
 * has the case, and every public note — only what the publication policy already lets out.
 */
export function toExtended(r: RequestRow, notes: readonly PublicNote[]) {
  return {
    detailed_status: r.state,
    detailed_status_name: STATE_NOTES[r.state] ?? r.state,
    unit: r.unitName,
    public_notes: notes.map((n) => ({ updated_datetime: w3c(n.at), description: n.text })),
  };
}

export function toRequest(r: RequestRow) {
  const closed = CLOSED.has(r.state);
  const note = STATE_NOTES[r.state] ?? r.state;
  return {
    service_request_id: r.number,
    status: closed ? ('closed' as const) : ('open' as const),
    status_notes: r.publicReply ? `${note}：${r.publicReply}` : note,
    service_name: r.categoryName,
    service_code: r.categoryCode,
    description: r.description === null ? null : r.description.slice(0, 4000),
    agency_responsible: r.unitName,
    service_notice: null,
    requested_datetime: w3c(r.createdAt) ?? '',
    updated_datetime: w3c(r.updatedAt),
    expected_datetime: closed ? null : w3c(r.dueAt),
    address: r.address || null,
    address_id: r.areaCode,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: r.mediaUrl,
  };
}

export function toError(code: number, description: string) {
  return { code, description };
}

/** POST requests' answer: the id when the case was made at once, else only the token (deferred). */
export function toCreated(
  c: { number: string; trackingCode: string; deferred: boolean },
  accountId: string | undefined,
) {
  return c.deferred
    ? { token: c.trackingCode, service_notice: DEFERRED_NOTICE, account_id: accountId ?? null }
    : { service_request_id: c.number, service_notice: null, account_id: accountId ?? null };
}
export const DEFERRED_NOTICE =
  'A request like this one is open nearby: it is checked for duplication first. Ask GET tokens/{token} for its id.';

/** One entry of the `servicerequestupdates` feed (FixMyStreet's extension). */
export interface UpdateRow {
  id: string;
  number: string;
  state: string;
  description: string;
  at: Date;
  mediaUrl: string | null;
}

export function toUpdate(u: UpdateRow) {
  return {
    update_id: u.id,
    service_request_id: u.number,
    status: CLOSED.has(u.state) ? ('closed' as const) : ('open' as const),
    external_status_code: u.state,
    description: u.description,
    updated_datetime: w3c(u.at) ?? '',
    media_url: u.mediaUrl,
  };
}

/**
 * The POST fields the spec defines, from a form body: `attribute[code]=v` (and `attribute[code][]=v`
 * for multi-value lists) become the attributes. Repeated plain fields keep their first value.
 */
export function readForm(body: URLSearchParams) {
  const one = (k: string) => body.get(k) ?? undefined;
  const attributes: Record<string, string | string[]> = {};
  for (const [key, value] of body) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (!m?.[1]) continue;
    const code = m[1];
    if (m[2]) attributes[code] = [...((attributes[code] as string[] | undefined) ?? []), value];
    else attributes[code] = value;
  }
  return {
    apiKey: one('api_key'),
    jurisdictionId: one('jurisdiction_id'),
    serviceCode: one('service_code'),
    lat: one('lat'),
    long: one('long'),
    addressString: one('address_string'),
    addressId: one('address_id'),
    email: one('email'),
    deviceId: one('device_id'),
    accountId: one('account_id'),
    firstName: one('first_name'),
    lastName: one('last_name'),
    phone: one('phone'),
    description: one('description'),
    mediaUrl: one('media_url'),
    attributes,
  };
}

// ---------- XML ----------

// processEntities escapes < > & ' " in every value: text sent with markup comes back as text.
const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: true,
  suppressEmptyNode: false,
  processEntities: true,
});

/** Element names of each list resource and its items, as in the spec's XML examples. */
const LISTS = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
} as const;

/** A value as an XML element body: null → empty element, booleans and numbers as text. */
function xmlValue(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(xmlValue);
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as object).map(([k, x]) =>
        // extended_attributes.public_notes → <public_notes><note>…</note></public_notes>
        k === 'public_notes' && Array.isArray(x) ? [k, { note: x.map(xmlValue) }] : [k, xmlValue(x)],
      ),
    );
  return String(v);
}

export function toXml(root: keyof typeof LISTS, items: readonly object[]): string;
export function toXml(root: 'service_definition' | 'discovery', item: object): string;
export function toXml(root: string, body: object): string {
  const content =
    root in LISTS
      ? { [LISTS[root as keyof typeof LISTS]]: (body as object[]).map(xmlValue) }
      : specialise(root, xmlValue(body) as Record<string, unknown>);
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [root]: content })}`;
}

/** Nested lists in the spec's XML: attributes/attribute/values/value, endpoints/endpoint/formats/format. */
function specialise(root: string, body: Record<string, unknown>): Record<string, unknown> {
  if (root === 'service_definition') {
    const attrs = (body.attributes as Record<string, unknown>[]) ?? [];
    return {
      ...body,
      attributes: {
        attribute: attrs.map((a) => ({ ...a, ...(a.values ? { values: { value: a.values } } : {}) })),
      },
    };
  }
  if (root === 'discovery') {
    const eps = (body.endpoints as Record<string, unknown>[]) ?? [];
    return { ...body, endpoints: { endpoint: eps.map((e) => ({ ...e, formats: { format: e.formats } })) } };
  }
  return body;
}

/** The optional contact and media fields of a POST, checked (400 with what is wrong). */
export function validUrl(s: string): string {
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {}
  throw new Open311Error(400, 'media_url must be an http(s) URL');
}

export function validPhone(s: string): string {
  if (!/^[0-9+\- ]{3,20}$/.test(s)) throw new Open311Error(400, 'phone must be digits (3–20)');
  return s;
}

export function validEmail(s: string): string {
  if (s.length > 200 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s))
    throw new Open311Error(400, 'email must be an address like name@example.org');
  return s;
}
