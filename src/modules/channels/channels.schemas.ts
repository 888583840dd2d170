/** Request and response schemas of every channel route: hotline, citizen portal, devices, Open311. */
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);
/**
 * Text from the public, kept as typed — markup included. No filter can tell every harmful string from
 * a harmless one; instead every reader shows it as text (React text nodes, escaped XML, string cells).
 */
const plain = text;
const Lon = z.number().min(-180).max(180);
const Lat = z.number().min(-90).max(90);
/** An instant, as ISO 8601 text. */
const Instant = z.string();

// ---------- hotline 接诉 ----------

export const CallerParams = z.object({ phone: z.string().regex(/^[0-9+-]{3,20}$/) });
export const CallerCase = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  state: z.string(),
  createdAt: Instant,
  categoryName: z.string(),
});

export const PlaceQuery = z.object({ q: text(60).min(1) });
export const PlaceHit = z.object({
  kind: z.string(),
  name: z.string(),
  detail: z.string(),
  areaCode: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
});

export const GazetteerEntryCreate = z.object({
  name: text(60).min(2),
  aliases: text(200).default(''),
  lon: Lon,
  lat: Lat,
});
export type GazetteerEntryCreateT = z.infer<typeof GazetteerEntryCreate>;
export const GazetteerEntry = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.string(),
  area_code: z.string(),
  lon: z.number(),
  lat: z.number(),
  created_by: z.string().nullable(),
  updated_at: Instant,
});

export const KbQuery = z.object({ q: text(200).default('') });
export const KbEntryCreate = z.object({
  question: text(200).min(4),
  answer: text(4000).min(4),
  tags: text(200).default(''),
  ownerUnitId: z.uuid(),
  reviewOn: z.iso.date(),
});
export type KbEntryCreateT = z.infer<typeof KbEntryCreate>;
export const KbAnswer = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  tags: z.string(),
  reviewOn: z.string(),
  ownerUnitName: z.string(),
  sim: z.number(),
  reviewDue: z.boolean(),
});
export const CreatedId = z.object({ id: z.string() });

// ---------- citizen portal ----------

export const PublicReport = z.object({
  serviceCode: z.string().max(40),
  description: plain(2000).pipe(z.string().min(5, 'describe the problem in a few words')),
  lon: Lon,
  lat: Lat,
  /** Phones report GPS (WGS84); a map picked in China may be GCJ-02. */
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  photos: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(3)
    .default([]),
  /** The suggestion (POST /api/public/suggest) shown while typing: the category filed under is recorded against it. */
  suggestionId: z.number().int().positive().max(2_147_483_647).optional(),
  contact: z
    .object({
      name: plain(30).optional(),
      phone: z
        .string()
        .regex(/^1\d{10}$/, 'a mobile number, 11 digits')
        .optional(),
    })
    .optional(),
});
export type PublicReportT = z.infer<typeof PublicReport>;
export const PublicRating = z.object({
  rating: z.enum(['satisfied', 'basically', 'unsatisfied']),
  comment: plain(500).optional(),
});
export type PublicRatingT = z.infer<typeof PublicRating>;
export const TrackingParams = z.object({
  code: z.string().regex(/^[A-Z2-9]{10}$/, 'a 10-character tracking code'),
});
export const PublicService = z.object({
  code: z.string(),
  name: z.string(),
  /** The English name (the Chinese one where the catalogue has none). */
  nameEn: z.string(),
  group: z.string(),
  groupEn: z.string(),
  kind: z.string(),
  /** 公开范围: whether the public will see a report of this service (none), its status, or its text. */
  publication: z.enum(['none', 'status', 'text']),
  /** Where the public sees its place: exactly, or the centre of its grid. */
  pointPrecision: z.enum(['exact', 'grid']),
});
export const PortalAreasQuery = z.object({ level: z.enum(['district', 'street']) });
export const AreaFeatures = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      properties: z.object({
        code: z.string(),
        name: z.string(),
        level: z.string(),
        parentCode: z.string().nullable(),
        synthetic: z.boolean(),
      }),
      geometry: z.unknown(),
    }),
  ),
});
export const UploadedPhoto = z.object({ hash: z.string() });
export const ReportReceipt = z.object({
  trackingCode: z.string(),
  number: z.string(),
  replayed: z.boolean(),
});
export const PublicTimeline = z.object({
  trackingCode: z.string(),
  number: z.string(),
  service: z.string(),
  state: z.string(),
  closed: z.boolean(),
  canRate: z.boolean(),
  rating: z.string().nullable(),
  createdAt: Instant,
  timeline: z.array(
    z.object({
      step: z.string(),
      label: z.string(),
      at: Instant,
      /** 公开答复 the staff wrote for the public at this step (personal data masked); never their notes. */
      reply: z.string().nullable(),
    }),
  ),
});
export type PublicTimelineT = z.infer<typeof PublicTimeline>;

// ---------- devices ----------

export const Alarm = z.object({
  messageId: z.string().min(1).max(100),
  type: z.string().regex(/^[a-z_]{2,40}$/),
  time: z.iso.datetime({ offset: true }),
  value: z.number().finite().optional(),
  note: z.string().max(500).optional(),
});
export const AlarmResult = z.object({
  outcome: z
    .enum(['incident_opened', 'incident_joined', 'to_check', 'no_rule'])
    .describe('what the emergency alarm rules made of it'),
  alarmId: z.string(),
  incidentId: z.string().nullable(),
  number: z.string().nullable().describe('the incident’s number (YJ…)'),
});
export type AlarmResultT = z.infer<typeof AlarmResult>;
export const DeviceCreate = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{3,64}$/),
  type: z.string().regex(/^[a-z_]{2,40}$/),
  name: z.string().trim().min(2).max(60),
  areaCode: z.string().regex(/^\d{15}$/),
  lon: Lon.optional(),
  lat: Lat.optional(),
  userId: z.uuid(),
  building: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('楼栋: the alarm rules count alarms per building'),
  highRise: z.boolean().default(false).describe('installed in a high-rise (高层建筑)'),
});
export type DeviceCreateT = z.infer<typeof DeviceCreate>;
export const DeviceParams = z.object({ id: DeviceCreate.shape.id });
export const Device = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  area_code: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  building: z.string().nullable(),
  high_rise: z.boolean(),
  user_id: z.string(),
  active: z.boolean(),
  created_at: Instant,
});
export const DeviceSecret = z.object({ id: z.string(), secret: z.string() });
// ---------- Open311 GeoReport v2 ----------

/** Open311 answers are the spec's JSON or XML documents, written by `open311.ts` and sent as text. */
export const Open311Document = z.string().describe('a GeoReport v2 JSON or XML document');
export const Open311Responses = {
  200: Open311Document,
  201: Open311Document,
  400: Open311Document,
  403: Open311Document,
  404: Open311Document,
  413: Open311Document,
  500: Open311Document,
};
export const Open311FileParams = z.object({
  file: z.string().describe('the resource and its format: requests.json, discovery.xml, …'),
});
const q = (description: string) => z.string().optional().describe(description);
/**
 * The query of Open311 GET routes: GeoReport v2's parameters and the extensions Wangge adds (marked so).
 * All optional text: the service checks each and answers the spec's error array when one is wrong.
 */
export const Open311Query = z.object({
  jurisdiction_id: q('a district code (6 digits); by default every district'),
  service_request_id: q('one id or a comma-separated list (at most 200)'),
  service_code: q('one service code or a comma-separated list'),
  start_date: q(
    'requested at or after (W3C date-time, e.g. 2026-03-10T00:00:00+08:00); 90 days before end_date by default',
  ),
  end_date: q('requested at or before (W3C date-time); now by default'),
  status: q('open, closed, or open,closed'),
  page: q('extension: the page, from 1 (default 1)'),
  page_size: q('extension: requests per page, 1–200 (default 50); ordered newest first, ties by id'),
  updated_after: q('extension: last changed at or after (W3C date-time); without start/end dates, any age'),
  updated_before: q('extension: last changed at or before (W3C date-time)'),
  extensions: q(
    "extension: true adds extended_attributes — detailed_status (the internal state) and its name, unit (the unit that has it) and public_notes (every public reply, masked), within the category's publication policy",
  ),
});
