/** Device alarms: the signed webhook devices call, and the registry and rules administrators keep. */
import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { AlarmResult, Device, DeviceCreate, DeviceParams, DeviceSecret } from './channels.schemas.js';
import type { DevicesService } from './devices.service.js';

const ADMIN: readonly Role[] = ['admin'];

export function registerDeviceRoutes(app: App, devices: DevicesService): void {
  app.register(async (scope) => {
    // The signature covers the exact bytes sent, so this route reads the body as text.
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/devices/alarms',
      {
        config: { access: 'public' },
        schema: {
          tags: ['channels'],
          summary:
            'A device alarm, signed: x-wangge-device, x-wangge-timestamp (unix s), x-wangge-signature = sha256=HMAC(secret, "{timestamp}.{body}")',
          body: z.string(),
          response: { 200: AlarmResult, 201: AlarmResult },
        },
      },
      async (req, reply) => {
        const header = (name: string) => {
          const v = req.headers[name];
          return typeof v === 'string' ? v : undefined;
        };
        const result = await devices.receiveAlarm({
          deviceId: header('x-wangge-device'),
          timestamp: header('x-wangge-timestamp'),
          signature: header('x-wangge-signature'),
          rawBody: String(req.body ?? ''),
        });
        return reply.status(result.outcome === 'incident_opened' ? 201 : 200).send(result);
      },
    );
  });

  app.get(
    '/api/devices',
    {
      config: { access: ADMIN },
      schema: { tags: ['channels'], summary: 'Registered devices', response: { 200: Device.array() } },
    },
    async () => devices.devices(),
  );
  app.post(
    '/api/devices',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['channels'],
        summary: 'Register a device; its signing secret is shown once',
        body: DeviceCreate,
        response: { 201: DeviceSecret },
      },
    },
    async (req, reply) => reply.status(201).send(await devices.registerDevice(principalOf(req), req.body)),
  );
  app.post(
    '/api/devices/:id/rotate',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['channels'],
        summary: 'Give a device a new signing secret (shown once); the old one stops working',
        params: DeviceParams,
        response: { 200: DeviceSecret },
      },
    },
    async (req) => devices.rotateDeviceSecret(principalOf(req), req.params.id),
  );
}
