/** HTTP routes of Open311 API keys (administrators): list, make, rotate, revoke. */
import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import type { ApiKeys } from './api-keys.service.js';
import { ApiKey, ApiKeyCreate, IdParams, NewApiKey } from './org.schemas.js';

const ADMIN: readonly Role[] = ['admin'];

export function registerApiKeyRoutes(app: App, keys: ApiKeys): void {
  app.get(
    '/api/api-keys',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['org'],
        summary: 'Open311 API keys (never the keys themselves)',
        response: { 200: z.array(ApiKey) },
      },
    },
    async () => keys.list(),
  );
  app.post(
    '/api/api-keys',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['org'],
        summary: 'Make an Open311 API key for an endpoint and a jurisdiction (the key is shown once)',
        body: ApiKeyCreate,
        response: { 201: NewApiKey },
      },
    },
    async (req, reply) => reply.status(201).send(await keys.create(principalOf(req), req.body)),
  );
  app.post(
    '/api/api-keys/:id/rotate',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['org'],
        summary: 'A new secret for the key (shown once); the old one stops working at once',
        params: IdParams,
        response: { 200: NewApiKey },
      },
    },
    async (req) => keys.rotate(principalOf(req), req.params.id),
  );
  app.delete(
    '/api/api-keys/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['org'], summary: 'Revoke an Open311 API key', params: IdParams },
    },
    async (req, reply) => {
      await keys.revoke(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
