/**
 * 公开范围, the publication policy: which cases the public sees (Open311 GET requests, the portal), what
 * of them, and personal data (个人信息) masked out of every text that is published. Pure rules.
 *
 * - A category's `publication` says how much: `none` (never listed; a direct fetch answers 404),
 *   `status` (category, status, dates, responsible unit, grid code, the point at the category's
 *   precision), `text` (also the description, the address and the media link, each masked).
 * - The way a case arrived overrides the category: hotline calls (12345) are published only where the
 *   category opts in (`publishHotline`); petitions (信访) and every other non-public kind never are —
 *   the petitioner's identity stays with the petition's units, whatever a category says.
 * - Points: `exact`, or `grid` = snapped to the centre of the case's grid (when the grid has no
 *   geometry, rounded to 0.01°, about 1 km).
 * - Staff notes and reasons are never published; only a public reply (公开答复) written as such is,
 *   masked too.
 */
import type { PointPrecision, PublicationLevel } from '../cases/cases.schemas.js';

/** Kinds of case the public may report and follow: not petitions, proposals or disputes. */
export const PUBLIC_KINDS: readonly string[] = ['component', 'event', 'request'];

/** What the policy needs to know about a case and its category. */
export interface PublicationFacts {
  kind: string;
  source: string;
  publication: PublicationLevel;
  publishHotline: boolean;
}

/** How much of this case the public may see. */
export function publicationOf(c: PublicationFacts): PublicationLevel {
  if (!PUBLIC_KINDS.includes(c.kind)) return 'none';
  if (c.source === 'hotline' && !c.publishHotline) return 'none';
  return c.publication;
}

export interface Point {
  lon: number;
  lat: number;
}

/** The point the public sees: exact, or the grid's centre (0.01° when the grid has none); null stays null. */
export function publicPoint(
  p: Point | null,
  precision: PointPrecision,
  gridCentre: Point | null,
): Point | null {
  if (!p) return null;
  switch (precision) {
    case 'exact':
      return p;
    case 'grid':
      return gridCentre
        ? { lon: round(gridCentre.lon, 6), lat: round(gridCentre.lat, 6) }
        : { lon: round(p.lon, 2), lat: round(p.lat, 2) };
    default: {
      const never: never = precision;
      throw new Error(`unknown precision ${String(never)}`);
    }
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A case as the public channels read it, before the policy is applied. */
export interface PublishableCase extends PublicationFacts {
  description: string;
  title: string;
  address: string;
  mediaUrl: string | null;
  lon: number | null;
  lat: number | null;
  pointPrecision: PointPrecision;
  publicReply: string | null;
}

/** What may be published of it: null when nothing (not listed, 404); else the fields, withheld or masked. */
export function publicView(c: PublishableCase, gridCentre: Point | null) {
  const level = publicationOf(c);
  if (level === 'none') return null;
  const point = publicPoint(
    c.lon !== null && c.lat !== null ? { lon: c.lon, lat: c.lat } : null,
    c.pointPrecision,
    gridCentre,
  );
  const withText = level === 'text';
  return {
    level,
    description: withText ? maskPersonalData(c.description || c.title) : null,
    address: withText && c.address ? maskPersonalData(c.address) : null,
    mediaUrl: withText ? c.mediaUrl : null,
    lon: point?.lon ?? null,
    lat: point?.lat ?? null,
    publicReply: c.publicReply ? maskPersonalData(c.publicReply) : null,
  };
}

// ---------- masking 个人信息脱敏 ----------

/** A digit, ASCII or full-width (people type both). */
const D = '[0-9０-９]';
const NOT_DIGIT_BEFORE = `(?<!${D})`;
const NOT_DIGIT_AFTER = `(?!${D})`;

/** 18-character resident ID (居民身份证号): 17 digits and a digit or X. */
const RESIDENT_ID = new RegExp(`${NOT_DIGIT_BEFORE}${D}{17}[0-9０-９XxＸｘ]${NOT_DIGIT_AFTER}`, 'g');
/** Mainland mobile (手机号), optionally +86 and split 3-4-4 by spaces or dashes. */
const MOBILE = new RegExp(
  `(?:(?:\\+|＋)?86[- ]?)?${NOT_DIGIT_BEFORE}[1１][3-9３-９]${D}(?:[- ]?${D}{4}){2}${NOT_DIGIT_AFTER}`,
  'g',
);
/** Landline (座机) with its area code: 022-23456789, (010) 1234567, 0571 88886666-123. */
const LANDLINE = new RegExp(
  `${NOT_DIGIT_BEFORE}[(（]?0${D}{2,3}[)）]?[- ]?${D}{7,8}(?:[-转#]${D}{1,6})?${NOT_DIGIT_AFTER}`,
  'g',
);
/** A local number right after a word that says it is one: 电话 23456789, tel: 2345678. */
const CUED_NUMBER = new RegExp(
  `(?<=(?:电话|手机|座机|联系|号码|tel|phone|mobile)[：:\\s]{0,3})${D}{7,12}${NOT_DIGIT_AFTER}`,
  'gi',
);
/** Email: the local part as RFC 5322 allows it (atext and dots), a dotted domain. */
const EMAIL = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** Any run of 11 or more digits left over (a number glued to others) is masked whole. */
const LONG_DIGITS = new RegExp(`${D}{11,}`, 'g');

/** Keeps `head` and `tail` digits of a number and stars every digit between; separators stay. */
function keepEnds(s: string, head: number, tail: number): string {
  const digits = [...s].filter((ch) => /[0-9０-９XxＸｘ]/.test(ch)).length;
  let seen = 0;
  return [...s]
    .map((ch) => {
      if (!/[0-9０-９XxＸｘ]/.test(ch)) return ch;
      seen++;
      return seen <= head || seen > digits - tail ? ch : '*';
    })
    .join('');
}

/**
 * Masks personal data in free text before it is published: resident IDs (first and last character
 * kept), mobiles (138****1234), landlines (area code and last four kept), cued local numbers, emails
 * (w***@example.com), and any leftover run of 11+ digits. Everything else stays as written.
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(RESIDENT_ID, (m) => keepEnds(m, 1, 1))
    .replace(MOBILE, (m) => {
      const prefix = /^(?:\+|＋)?86[- ]?/.exec(m)?.[0] ?? '';
      return prefix + keepEnds(m.slice(prefix.length), 3, 4);
    })
    .replace(LANDLINE, (m) => {
      const area = /^[(（]?0[0-9０-９]{2,3}[)）]?/.exec(m)?.[0] ?? '';
      return area + keepEnds(m.slice(area.length), 0, 4);
    })
    .replace(CUED_NUMBER, (m) => keepEnds(m, 0, 4))
    .replace(EMAIL, (m) => {
      const at = m.indexOf('@');
      return `${m.slice(0, 1)}***${m.slice(at)}`;
    })
    .replace(LONG_DIGITS, (m) => '*'.repeat([...m].length));
}
