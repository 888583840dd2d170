/** Device alarms: the signed webhook devices call, and the registry and rules administrators keep. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Role } from '../../platform/auth/roles.js';
import { newSecret } from '../../platform/auth/secrets.js';
import type { DB } from '../../platform/db/schema.js';
import { Invalid } from '../../platform/errors.js';
import { type App, principalOf } from '../../platform/http/app.js';
import type { Cases } from '../cases/cases.service.js';
import { receiveAlarm } from './devices.service.js';

const ADMIN: readonly Role[] = ['admin'];

const DeviceCreate = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{3,64}$/),
  type: z.string().regex(/^[a-z_]{2,40}$/),
  name: z.string().trim().min(2).max(60),
  areaCode: z.string().regex(/^\d{15}$/),
  lon: z.number().min(-180).max(180).optional(),
  lat: z.number().min(-90).max(90).optional(),
  userId: z.uuid(),
});
const RuleCreate = z.object({
  deviceType: z.string().regex(/^[a-z_]{2,40}$/),
  alarmType: z.string().regex(/^[a-z_]{2,40}$/),
  categoryCode: z.string().max(40),
  dedupeMinutes: z.number().int().min(0).max(10080).default(60),
});

export function registerDeviceRoutes(app: App, db: Kysely<DB>, cases: Cases): void {
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
        },
      },
      async (req, reply) => {
        const header = (name: string) => {
          const v = req.headers[name];
          return typeof v === 'string' ? v : undefined;
        };
        const result = await receiveAlarm(db, cases, {
          deviceId: header('x-wangge-device'),
          timestamp: header('x-wangge-timestamp'),
          signature: header('x-wangge-signature'),
          rawBody: String(req.body ?? ''),
        });
        return reply.status(result.outcome === 'case_created' ? 201 : 200).send(result);
      },
    );
  });

  app.get('/api/devices', { config: { access: ADMIN }, schema: { tags: ['channels'] } }, async () =>
    db
      .selectFrom('devices')
      .select(['id', 'type', 'name', 'area_code', 'lon', 'lat', 'user_id', 'active', 'created_at'])
      .orderBy('id')
      .execute(),
  );
  app.post(
    '/api/devices',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['channels'],
        summary: 'Register a device; its signing secret is shown once',
        body: DeviceCreate,
      },
    },
    async (req, reply) => {
      const d = req.body;
      const grid = await db
        .selectFrom('areas')
        .select('code')
        .where('code', '=', d.areaCode)
        .where('level', '=', 'grid')
        .executeTakeFirst();
      if (!grid) throw new Invalid('unknown_grid', `There is no grid ${d.areaCode}.`);
      const secret = newSecret('whsec_');
      await db.transaction().execute(async (trx) => {
        const exists = await trx.selectFrom('devices').select('id').where('id', '=', d.id).executeTakeFirst();
        if (exists) throw new Invalid('duplicate', `Device ${d.id} is registered already.`);
        await trx
          .insertInto('devices')
          .values({
            id: d.id,
            type: d.type,
            name: d.name,
            secret,
            area_code: d.areaCode,
            lon: d.lon ?? null,
            lat: d.lat ?? null,
            user_id: d.userId,
          })
          .execute();
        await recordAudit(trx, principalOf(req), {
          action: 'create',
          entity: 'device',
          entityId: d.id,
          after: { ...d },
        });
      });
      return reply.status(201).send({ id: d.id, secret });
    },
  );
  app.get('/api/alarm-rules', { config: { access: ADMIN }, schema: { tags: ['channels'] } }, async () =>
    db.selectFrom('alarm_rules').selectAll().orderBy('device_type').execute(),
  );
  app.post(
    '/api/alarm-rules',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['channels'],
        summary: 'Turn an alarm type of a device type into cases of a category',
        body: RuleCreate,
      },
    },
    async (req, reply) => {
      const r = req.body;
      await cases.category(r.categoryCode).catch(() => {
        throw new Invalid('unknown_category', `There is no category ${r.categoryCode}.`);
      });
      const row = await db
        .insertInto('alarm_rules')
        .values({
          device_type: r.deviceType,
          alarm_type: r.alarmType,
          category_code: r.categoryCode,
          dedupe_minutes: r.dedupeMinutes,
        })
        .onConflict((oc) =>
          oc
            .columns(['device_type', 'alarm_type'])
            .doUpdateSet({ category_code: r.categoryCode, dedupe_minutes: r.dedupeMinutes }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return reply.status(201).send(row);
    },
  );
}
