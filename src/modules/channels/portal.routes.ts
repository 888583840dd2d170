/** Public routes of the citizen portal: services, district map, photo upload, report, track, rate. */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../platform/db/schema.js';
import { Invalid } from '../../platform/errors.js';
import { type FileStore, IMAGE_TYPES } from '../../platform/files/files.js';
import type { App } from '../../platform/http/app.js';
import type { Cases } from '../cases/cases.service.js';
import { listCategories } from '../cases/catalogue.service.js';
import type { Places } from '../places/places.service.js';
import {
  admit,
  PUBLIC_KINDS,
  PublicRating,
  PublicReport,
  rate,
  submitReport,
  track,
} from './portal.service.js';

const config = { access: 'public' as const };
const Code = z.object({ code: z.string().regex(/^[A-Z2-9]{10}$/, 'a 10-character tracking code') });

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
  db: Kysely<DB>,
  cases: Cases,
  places: Places,
  files: FileStore,
): void {
  app.get(
    '/api/public/services',
    { config, schema: { tags: ['portal'], summary: 'What citizens can report, in plain words' } },
    async () =>
      (await listCategories(db))
        .filter((c) => PUBLIC_KINDS.includes(c.kind))
        .map((c) => ({ code: c.code, name: c.name, group: c.majorName, kind: c.kind })),
  );
  app.get(
    '/api/public/areas.geojson',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'District and street boundaries for the portal map',
        querystring: z.object({ level: z.enum(['district', 'street']) }),
      },
    },
    async (req) => places.geojson({ scope: '' }, req.query.level),
  );
  app.post(
    '/api/public/uploads',
    {
      config,
      schema: { tags: ['portal'], summary: 'A photo for a report (multipart "file"; JPEG, PNG or WebP)' },
    },
    async (req, reply) => {
      const device = deviceOf(req);
      const file = await req.file();
      if (!file) throw new Invalid('file_empty', 'Attach the photo as the multipart field "file".');
      const bytes = await file.toBuffer();
      await admit(db, 'upload', req.ip, device);
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
      },
    },
    async (req, reply) => {
      const device = deviceOf(req);
      const key = req.headers['idempotency-key'];
      await admit(db, 'report', req.ip, device);
      const created = await submitReport(db, cases, req.body, typeof key === 'string' ? key : undefined);
      return reply.status(created.replayed ? 200 : 201).send(created);
    },
  );
  app.get(
    '/api/public/track/:code',
    { config, schema: { tags: ['portal'], summary: 'The public timeline of a report', params: Code } },
    async (req) => track(db, req.params.code),
  );
  app.post(
    '/api/public/track/:code/rate',
    {
      config,
      schema: {
        tags: ['portal'],
        summary: 'Rate a closed report; unsatisfied sends it back for rework (重办)',
        params: Code,
        body: PublicRating,
      },
    },
    async (req) => {
      await admit(db, 'rating', req.ip, deviceOf(req));
      return rate(db, cases, req.params.code, req.body);
    },
  );
}
