/** Public routes of the citizen portal: services, district map, photo upload, report, track, rate. */
import type { FastifyRequest } from 'fastify';
import { Invalid } from '../../platform/errors.js';
import { type FileStore, IMAGE_TYPES } from '../../platform/files/files.js';
import type { App } from '../../platform/http/app.js';
import type { Places } from '../places/places.service.js';
import {
  AreaFeatures,
  PortalAreasQuery,
  PublicRating,
  PublicReport,
  PublicService,
  PublicTimeline,
  ReportReceipt,
  TrackingParams,
  UploadedPhoto,
} from './channels.schemas.js';
import type { PortalService } from './portal.service.js';

const config = { access: 'public' as const };

/** The browser's own random id, sent with every submission (counted for the per-device limit). */
function deviceOf(req: FastifyRequest): string {
  const d = req.headers['x-wangge-device'];
  if (typeof d !== 'string' || !/^[A-Za-z0-9-]{8,64}$/.test(d)) {
    throw new Invalid('device_required', 'Send the x-wangge-device header (a random id the page keeps).');
  }
  return d;
}

export function registerPortalRoutes(
  app: App,
  portal: PortalService,
  places: Places,
  files: FileStore,
): void {
  app.get(
    '/api/public/services',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'What citizens can report, in plain words',
        response: { 200: PublicService.array() },
      },
    },
    async () => portal.services(),
  );
  app.get(
    '/api/public/areas.geojson',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'District and street boundaries for the portal map',
        querystring: PortalAreasQuery,
        response: { 200: AreaFeatures },
      },
    },
    async (req) => places.geojson({ scope: '' }, req.query.level),
  );
  app.post(
    '/api/public/uploads',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'A photo for a report (multipart "file"; JPEG, PNG or WebP)',
        response: { 201: UploadedPhoto },
      },
    },
    async (req, reply) => {
      const device = deviceOf(req);
      const file = await req.file();
      if (!file) throw new Invalid('file_empty', 'Attach the photo as the multipart field "file".');
      const bytes = await file.toBuffer();
      await portal.admit('upload', { source: req.ip, device });
      const stored = await files.save(bytes, file.filename, null, IMAGE_TYPES);
      return reply.status(201).send({ hash: stored.hash });
    },
  );
  app.post(
    '/api/public/reports',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'Report a problem; answers the tracking code. Send an Idempotency-Key.',
        body: PublicReport,
        response: { 200: ReportReceipt, 201: ReportReceipt },
      },
    },
    async (req, reply) => {
      const caller = { source: req.ip, device: deviceOf(req) };
      const key = req.headers['idempotency-key'];
      const created = await portal.submitReport(req.body, caller, typeof key === 'string' ? key : undefined);
      return reply.status(created.replayed ? 200 : 201).send(created);
    },
  );
  app.get(
    '/api/public/track/:code',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'The public timeline of a report',
        params: TrackingParams,
        response: { 200: PublicTimeline },
      },
    },
    async (req) => portal.track(req.params.code),
  );
  app.post(
    '/api/public/track/:code/rate',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'Rate a closed report; unsatisfied sends it back for rework (重办)',
        params: TrackingParams,
        body: PublicRating,
        response: { 200: PublicTimeline },
      },
    },
    async (req) => portal.rate(req.params.code, req.body, { source: req.ip, device: deviceOf(req) }),
  );
}
