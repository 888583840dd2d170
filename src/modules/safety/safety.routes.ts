/** HTTP routes of the safety module (安全生产监管): registry, hazards, 双随机 plans and draws, indicators. */
import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.js';
import { Invalid, NotFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/files.js';
import { type App, principalOf } from '../../platform/http/app.js';
import type { Hazards } from './hazards.service.js';
import type { Inspections } from './inspections.service.js';
import type { Registry } from './registry.service.js';
import {
  Hazard,
  HazardCommandBody,
  HazardCreate,
  HazardDetail,
  HazardFromCase,
  HazardQuery,
  IdempotencyHeaders,
  IdParams,
  ImportReport,
  IndicatorQuery,
  Indicators,
  InspectorTarget,
  Place,
  PlaceCreate,
  PlaceQuery,
  Plan,
  PlanCreate,
  PlanSummary,
  PlanTarget,
  PlanTargetParams,
  TargetResult,
} from './safety.schemas.js';

const WRITE: readonly Role[] = ['supervisor', 'admin'];
const FIELD: readonly Role[] = ['supervisor', 'admin', 'inspector'];
const READ: readonly Role[] = ['supervisor', 'admin', 'leader', 'inspector', 'dispatcher'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const tags = ['safety'];

/** The public face of a plan: no conflict-of-interest lists (who must avoid whom stays internal). */
const PublicPlan = Plan.omit({ roster: true }).extend({
  roster: z.array(z.object({ id: z.string(), name: z.string(), unit: z.string() })),
  targets: z.array(PlanTarget.omit({ resultNote: true, photos: true })),
});

export function registerSafetyRoutes(
  app: App,
  registry: Registry,
  hazards: Hazards,
  inspections: Inspections,
  files: Pick<FileStore, 'read'>,
): void {
  // ---- registry ----
  app.get(
    '/api/safety/places',
    {
      config: { access: READ },
      schema: { tags, querystring: PlaceQuery, response: { 200: z.array(Place) } },
    },
    async (req) => {
      const { q, ...rest } = req.query;
      return registry.list(principalOf(req), { ...rest, text: q });
    },
  );
  app.post(
    '/api/safety/places',
    { config: { access: WRITE }, schema: { tags, body: PlaceCreate, response: { 201: Place } } },
    async (req, reply) => reply.status(201).send(await registry.create(principalOf(req), req.body)),
  );
  app.get(
    '/api/safety/places/export.xlsx',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'The registry (filtered like the list) as an XLSX workbook',
        querystring: PlaceQuery,
      },
    },
    async (req, reply) => {
      const { q, limit: _l, offset: _o, ...rest } = req.query;
      return reply
        .type(XLSX)
        .header('content-disposition', 'attachment; filename="safety-registry.xlsx"')
        .send(await registry.exportXlsx(principalOf(req), { ...rest, text: q }));
    },
  );
  app.post(
    '/api/safety/places/import',
    {
      config: { access: WRITE },
      schema: {
        tags,
        summary:
          'Import places from XLSX (multipart field "file"); any bad row refuses the whole file, every bad row reported',
        response: { 200: ImportReport },
      },
    },
    async (req) => {
      const file = await req.file();
      if (!file) throw new Invalid('file_empty', 'Attach the workbook as the multipart field "file".');
      return registry.importXlsx(principalOf(req), await file.toBuffer());
    },
  );
  app.get(
    '/api/safety/places/:id',
    { config: { access: READ }, schema: { tags, params: IdParams, response: { 200: Place } } },
    async (req) => registry.get(principalOf(req), req.params.id),
  );

  // ---- hazards ----
  app.get(
    '/api/safety/hazards',
    {
      config: { access: READ },
      schema: { tags, querystring: HazardQuery, response: { 200: z.array(Hazard) } },
    },
    async (req) => hazards.list(principalOf(req), req.query),
  );
  app.post(
    '/api/safety/hazards',
    { config: { access: FIELD }, schema: { tags, body: HazardCreate, response: { 201: HazardDetail } } },
    async (req, reply) => reply.status(201).send(await hazards.register(principalOf(req), req.body)),
  );
  app.post(
    '/api/safety/hazards/from-case',
    {
      config: { access: FIELD },
      schema: {
        tags,
        summary: 'Turn a case in a safety category into a hazard, its text taken from the case',
        body: HazardFromCase,
        response: { 201: HazardDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await hazards.fromCase(principalOf(req), req.body)),
  );
  app.get(
    '/api/safety/hazards/:id',
    { config: { access: READ }, schema: { tags, params: IdParams, response: { 200: HazardDetail } } },
    async (req) => hazards.detail(principalOf(req), req.params.id),
  );
  app.get(
    '/api/safety/hazards/:id/photos/:hash',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'A photo of a hazard the caller may see (thumb=1 for the thumbnail)',
        params: z.object({ id: z.uuid(), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
        querystring: z.object({ thumb: z.enum(['0', '1']).default('0') }),
      },
    },
    async (req, reply) => {
      const h = await hazards.detail(principalOf(req), req.params.id);
      if (!h.photos.includes(req.params.hash))
        throw new NotFound('file_not_found', 'This hazard has no such photo.');
      const { bytes, mime } = await files.read(req.params.hash, req.query.thumb === '1');
      return reply.type(mime).header('cache-control', 'private, max-age=31536000, immutable').send(bytes);
    },
  );
  app.post(
    '/api/safety/hazards/:id/transitions',
    {
      config: { access: FIELD },
      schema: {
        tags,
        summary: 'One lifecycle step: assign, start, apply (申请销号), recheck (复查), close (销号)',
        params: IdParams,
        body: HazardCommandBody,
        response: { 200: HazardDetail },
      },
    },
    async (req) => hazards.transition(principalOf(req), req.params.id, req.body),
  );

  // ---- 双随机、一公开 ----
  app.get(
    '/api/safety/plans',
    { config: { access: READ }, schema: { tags, response: { 200: z.array(PlanSummary) } } },
    async (req) => inspections.listPlans(principalOf(req).scope),
  );
  app.post(
    '/api/safety/plans',
    { config: { access: WRITE }, schema: { tags, body: PlanCreate, response: { 201: Plan } } },
    async (req, reply) => reply.status(201).send(await inspections.createPlan(principalOf(req), req.body)),
  );
  app.get(
    '/api/safety/plans/:id',
    { config: { access: READ }, schema: { tags, params: IdParams, response: { 200: Plan } } },
    async (req) => inspections.plan(principalOf(req), req.params.id),
  );
  app.post(
    '/api/safety/plans/:id/draw',
    {
      config: { access: WRITE },
      schema: {
        tags,
        summary: 'Draw the plan (once) from its published seed',
        params: IdParams,
        response: { 200: Plan },
      },
    },
    async (req) => inspections.draw(principalOf(req), req.params.id),
  );
  app.post(
    '/api/safety/plans/:id/targets/:targetId/result',
    {
      config: { access: FIELD },
      schema: {
        tags,
        summary: 'Enter a target’s result; findings become hazards',
        params: PlanTargetParams,
        headers: IdempotencyHeaders,
        body: TargetResult,
        response: { 200: Plan },
      },
    },
    async (req) =>
      inspections.recordResult(
        principalOf(req),
        req.params.id,
        req.params.targetId,
        req.body,
        req.headers['idempotency-key'],
      ),
  );
  app.get(
    '/api/safety/my-targets',
    {
      config: { access: FIELD },
      schema: {
        tags,
        summary:
          'The caller’s inspection targets: drawn, with the caller as one of the two inspectors, open or inspected today',
        response: { 200: z.array(InspectorTarget) },
      },
    },
    async (req) => inspections.myTargets(principalOf(req)),
  );
  app.get(
    '/api/safety/indicators',
    {
      config: { access: READ },
      schema: {
        tags,
        summary:
          'Hazards found, rectified, on time, overdue by grade/street/industry; inspections done vs plan',
        querystring: IndicatorQuery,
        response: { 200: Indicators },
      },
    },
    async (req) => {
      const from = new Date(`${req.query.from}T00:00:00+08:00`);
      const to = new Date(new Date(`${req.query.to}T00:00:00+08:00`).getTime() + 86_400_000);
      if (to <= from) throw new Invalid('period_invalid', 'from must not be after to.');
      return hazards.indicators(principalOf(req), from, to, inspections.store);
    },
  );

  // ---- 一公开: the public page ----
  app.get(
    '/api/public/safety/plans',
    { config: { access: 'public' }, schema: { tags, response: { 200: z.array(PlanSummary) } } },
    async () => inspections.listPlans('', true),
  );
  app.get(
    '/api/public/safety/plans/:id',
    { config: { access: 'public' }, schema: { tags, params: IdParams, response: { 200: PublicPlan } } },
    async (req) => {
      const plan = await inspections.plan({ scope: '' }, req.params.id);
      if (!plan.drawnAt) throw new NotFound('plan_not_found', 'No such published plan.');
      return {
        ...plan,
        roster: plan.roster.map(({ id, name, unit }) => ({ id, name, unit })),
        targets: plan.targets.map(({ resultNote: _n, photos: _p, ...t }) => t),
      };
    },
  );
}
