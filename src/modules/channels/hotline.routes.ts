/**
 * The hotline console's own API (12345/8890 接诉): a caller's earlier cases, place search over area
 * names and the operators' gazetteer, and the knowledge base of answers for consultations.
 * Cases themselves are created and closed through the case API.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Principal, Role } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { type App, principalOf } from '../../platform/http/app.js';
import type { Places } from '../places/places.service.js';

const HOTLINE: readonly Role[] = ['operator', 'shift_lead', 'admin'];
const text = (max: number) => z.string().trim().max(max);

const GazetteerEntry = z.object({
  name: text(60).min(2),
  aliases: text(200).default(''),
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});
const KbEntry = z.object({
  question: text(200).min(4),
  answer: text(4000).min(4),
  tags: text(200).default(''),
  ownerUnitId: z.uuid(),
  reviewOn: z.iso.date(),
});

/** LIKE-safe: the caller's text matched literally. */
const like = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export function registerHotlineRoutes(app: App, db: Kysely<DB>, places: Places): void {
  app.get(
    '/api/hotline/callers/:phone/cases',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: "A caller's earlier cases (by the number they call from)",
        params: z.object({ phone: z.string().regex(/^[0-9+-]{3,20}$/) }),
      },
    },
    async (req) => {
      const p = principalOf(req);
      return db
        .selectFrom('cases as c')
        .innerJoin('categories as cat', 'cat.code', 'c.category_code')
        .select([
          'c.id',
          'c.number',
          'c.title',
          'c.state',
          'c.created_at as createdAt',
          'cat.name as categoryName',
        ])
        .where(sql<boolean>`c.reporter ->> 'phone' = ${req.params.phone}`)
        .where('c.area_code', 'like', `${p.scope}%`)
        .where('c.kind', '!=', 'petition')
        .orderBy('c.created_at', 'desc')
        .limit(20)
        .execute();
    },
  );

  app.get(
    '/api/hotline/places',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: 'Places by name: streets, communities, grids and gazetteer entries',
        querystring: z.object({ q: text(60).min(1) }),
      },
    },
    async (req) => {
      const p = principalOf(req);
      const q = req.query.q;
      const [landmarks, areas] = await Promise.all([
        db
          .selectFrom('gazetteer')
          .select(['id', 'name', 'aliases', 'area_code', 'lon', 'lat'])
          .select(sql<number>`similarity(name || ' ' || aliases, ${q})`.as('sim'))
          .where('area_code', 'like', `${p.scope}%`)
          .where((eb) =>
            eb.or([
              eb('name', 'like', like(q)),
              eb('aliases', 'like', like(q)),
              sql<boolean>`(name || ' ' || aliases) % ${q}`,
            ]),
          )
          .orderBy('sim', 'desc')
          .limit(10)
          .execute(),
        db
          .selectFrom('areas')
          .select(['code', 'name', 'level', 'bbox'])
          .where('level', 'in', ['street', 'community', 'grid'])
          .where('code', 'like', `${p.scope}%`)
          .where((eb) => eb.or([eb('name', 'like', like(q)), eb('code', '=', q)]))
          .orderBy('level')
          .orderBy('code')
          .limit(10)
          .execute(),
      ]);
      const centre = (b: number[] | null) =>
        b
          ? { lon: ((b[0] ?? 0) + (b[2] ?? 0)) / 2, lat: ((b[1] ?? 0) + (b[3] ?? 0)) / 2 }
          : { lon: null, lat: null };
      return [
        ...landmarks.map((g) => ({
          kind: 'landmark',
          name: g.name,
          detail: g.aliases,
          areaCode: g.area_code,
          lon: g.lon,
          lat: g.lat,
        })),
        ...areas.map((a) => ({
          kind: a.level,
          name: a.name,
          detail: a.code,
          areaCode: a.code,
          ...centre(a.bbox),
        })),
      ];
    },
  );

  app.get(
    '/api/hotline/gazetteer',
    { config: { access: HOTLINE }, schema: { tags: ['hotline'] } },
    async (req) =>
      db
        .selectFrom('gazetteer')
        .selectAll()
        .where('area_code', 'like', `${principalOf(req).scope}%`)
        .orderBy('name')
        .limit(500)
        .execute(),
  );
  app.post(
    '/api/hotline/gazetteer',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: 'Add a landmark or address; it is located to its grid',
        body: GazetteerEntry,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const hit = await places.locate(req.body.lon, req.body.lat);
      if (!hit)
        throw new Invalid(
          'outside_grids',
          'That point is in no grid; place the landmark inside the district.',
        );
      requireScope(p, hit.grid.code);
      const row = await db
        .insertInto('gazetteer')
        .values({ ...req.body, area_code: hit.grid.code, created_by: p.userId })
        .returningAll()
        .executeTakeFirstOrThrow();
      return reply.status(201).send(row);
    },
  );

  app.get(
    '/api/hotline/kb',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: 'Search the knowledge base (咨询 answers)',
        querystring: z.object({ q: text(200).default('') }),
      },
    },
    async (req) => {
      const q = req.query.q;
      let query = db
        .selectFrom('kb_entries as k')
        .innerJoin('units as u', 'u.id', 'k.owner_unit_id')
        .select([
          'k.id',
          'k.question',
          'k.answer',
          'k.tags',
          'k.review_on as reviewOn',
          'u.name as ownerUnitName',
        ])
        .select(sql<number>`similarity(k.question || ' ' || k.tags, ${q})`.as('sim'))
        .select(sql<boolean>`k.review_on < current_date`.as('reviewDue'))
        .where('k.active', '=', true);
      if (q) {
        query = query.where((eb) =>
          eb.or([
            eb('k.question', 'like', like(q)),
            eb('k.tags', 'like', like(q)),
            eb('k.answer', 'like', like(q)),
            sql<boolean>`(k.question || ' ' || k.tags) % ${q}`,
          ]),
        );
      }
      return query.orderBy('sim', 'desc').orderBy('k.updated_at', 'desc').limit(10).execute();
    },
  );
  app.post(
    '/api/hotline/kb',
    { config: { access: ['shift_lead', 'admin'] }, schema: { tags: ['hotline'], body: KbEntry } },
    async (req, reply) => {
      const unit = await db
        .selectFrom('units')
        .select('id')
        .where('id', '=', req.body.ownerUnitId)
        .executeTakeFirst();
      if (!unit) throw new NotFound('unit_not_found', 'No such unit.');
      const row = await db
        .insertInto('kb_entries')
        .values({
          question: req.body.question,
          answer: req.body.answer,
          tags: req.body.tags,
          owner_unit_id: req.body.ownerUnitId,
          review_on: req.body.reviewOn,
          updated_by: principalOf(req).userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return reply.status(201).send(row);
    },
  );
}

function requireScope(p: Principal, code: string): void {
  if (!code.startsWith(p.scope)) throw new Forbidden('scope_outside', `Grid ${code} is outside your scope.`);
}
