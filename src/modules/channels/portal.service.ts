/**
 * The citizen portal (津心办-style): report with a place, photos and optional contact, get a tracking
 * code, follow a public timeline (no staff names, no personal data, no internal notes), rate the result.
 * No captcha: limits per address and per device, counted in the database so every process sees them.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Principal, Role } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Invalid, NotFound, TooMany } from '../../platform/errors.js';
import type { Cases } from '../cases/cases.service.js';
import { hasMarkup } from './open311.js';

/** The portal's machine account: the cases citizens report are filed as it. */
export const PORTAL_USERNAME = 'portal';
export const PUBLIC_KINDS = ['component', 'event', 'request'];
/** Per hour: reports per address / per device, uploads per address. */
export const LIMITS = {
  report: { source: 10, device: 5 },
  upload: { source: 30, device: 20 },
  rating: { source: 20, device: 10 },
} as const;

const plain = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !hasMarkup(s), 'plain text only, without HTML');

export const PublicReport = z.object({
  serviceCode: z.string().max(40),
  description: plain(2000).pipe(z.string().min(5, 'describe the problem in a few words')),
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** Phones report GPS (WGS84); a map picked in China may be GCJ-02. */
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  photos: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(3)
    .default([]),
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

export const PublicRating = z.object({
  rating: z.enum(['satisfied', 'basically', 'unsatisfied']),
  comment: plain(500).optional(),
});

/** Counts this address's and device's recent submissions of a kind; refuses past the limit, else records one. */
export async function admit(
  db: Kysely<DB>,
  kind: keyof typeof LIMITS,
  source: string,
  device: string,
  now = new Date(),
) {
  const since = new Date(now.getTime() - 3_600_000);
  const count = async (column: 'source' | 'device', value: string) =>
    Number(
      (
        await db
          .selectFrom('public_submissions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', kind)
          .where(column, '=', value)
          .where('at', '>=', since)
          .executeTakeFirstOrThrow()
      ).n,
    );
  if (
    (await count('source', source)) >= LIMITS[kind].source ||
    (await count('device', device)) >= LIMITS[kind].device
  ) {
    throw new TooMany(
      'too_many_submissions',
      'Too many submissions from here in the last hour; please try again later or call 12345.',
    );
  }
  await db.insertInto('public_submissions').values({ kind, source, device, at: now }).execute();
}

export async function portalPrincipal(db: Kysely<DB>): Promise<Principal> {
  const u = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', PORTAL_USERNAME)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!u) throw new NotFound('portal_closed', 'The citizen portal is not set up here (no portal account).');
  return {
    userId: u.id,
    username: u.username,
    displayName: '市民（网上）',
    roles: u.roles as Role[],
    unitId: u.unit_id,
    scope: u.scope,
    via: 'token',
    csrfToken: null,
    sessionId: null,
  };
}

export async function submitReport(
  db: Kysely<DB>,
  cases: Cases,
  input: z.infer<typeof PublicReport>,
  idempotencyKey: string | undefined,
) {
  const category = await cases.category(input.serviceCode).catch(() => null);
  if (!category?.active || !PUBLIC_KINDS.includes(category.kind)) {
    throw new Invalid('unknown_category', `There is no service ${input.serviceCode} on the portal.`);
  }
  const created = await cases.create(
    await portalPrincipal(db),
    {
      categoryCode: category.code,
      title: input.description.slice(0, 40),
      description: input.description,
      lon: input.lon,
      lat: input.lat,
      crs: input.crs,
      address: '',
      evidence: input.photos,
      attributes: {},
      source: 'portal',
      ...(input.contact?.name || input.contact?.phone ? { reporter: input.contact } : {}),
    },
    idempotencyKey,
  );
  return { trackingCode: created.trackingCode, number: created.number, replayed: created.replayed };
}

/** Public names of the steps; everything else a citizen sees is the time. */
const STEP_LABELS: Record<string, string> = {
  report: '已提交',
  verify_request: '核实中',
  verify_report: '已核实',
  file: '已受理',
  reject: '不予受理',
  merge: '与同类问题合并办理',
  dispatch: '已派单',
  sign: '处置单位已接单',
  return: '重新派单',
  feedback: '已处置',
  check: '已核查',
  close: '已办结',
  reopen: '重新办理',
  rate: '已评价',
  escalate: '已督办',
  urge: '已督办',
  extend_decide: '办理时限调整',
  suspend: '暂缓办理',
  resume: '恢复办理',
};

export async function track(db: Kysely<DB>, code: string) {
  const c = await db
    .selectFrom('cases as c')
    .innerJoin('categories as cat', 'cat.code', 'c.category_code')
    .select(['c.id', 'c.number', 'c.state', 'c.rating', 'c.created_at', 'c.kind', 'c.source', 'cat.name'])
    .where('c.tracking_code', '=', code)
    .executeTakeFirst();
  if (!c || !PUBLIC_KINDS.includes(c.kind))
    throw new NotFound('tracking_not_found', 'No report with this tracking code.');
  const events = await db
    .selectFrom('case_events')
    .select(['type', 'at'])
    .where('case_id', '=', c.id)
    .orderBy('seq')
    .execute();
  const timeline = events
    .filter((e) => STEP_LABELS[e.type])
    .map((e) => ({ step: e.type, label: STEP_LABELS[e.type] as string, at: e.at.toISOString() }));
  return {
    trackingCode: code,
    number: c.number,
    service: c.name,
    state: c.state,
    closed: ['closed', 'rejected', 'merged'].includes(c.state),
    canRate: c.state === 'closed' && c.rating === null,
    rating: c.rating,
    createdAt: c.created_at.toISOString(),
    timeline,
  };
}

export async function rate(db: Kysely<DB>, cases: Cases, code: string, input: z.infer<typeof PublicRating>) {
  const row = await db.selectFrom('cases').selectAll().where('tracking_code', '=', code).executeTakeFirst();
  if (!row || !PUBLIC_KINDS.includes(row.kind))
    throw new NotFound('tracking_not_found', 'No report with this tracking code.');
  await db
    .transaction()
    .execute((trx) =>
      cases.apply(
        trx,
        row,
        { type: 'rate', rating: input.rating, comment: input.comment },
        { userId: null, roles: ['public'], unitId: null, scope: '' },
        { userId: null, name: '市民', role: 'public', unitId: null },
      ),
    );
  return track(db, code);
}
