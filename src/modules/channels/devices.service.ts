/**
 * Device alarms: a signed message from a registered device becomes a case by the alarm rules; a repeat
 * from the same device within the rule's window is added to the open case's timeline instead.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Principal, Role } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Conflict, Invalid, Unauthorized } from '../../platform/errors.js';
import type { Cases } from '../cases/cases.service.js';
import { FINAL_STATES } from '../cases/workflow.js';
import { checkSignature } from './device-signature.js';

export const Alarm = z.object({
  messageId: z.string().min(1).max(100),
  type: z.string().regex(/^[a-z_]{2,40}$/),
  time: z.iso.datetime({ offset: true }),
  value: z.number().finite().optional(),
  note: z.string().max(500).optional(),
});

export interface AlarmResult {
  outcome: 'case_created' | 'attached' | 'no_rule';
  caseId: string | null;
  number: string | null;
}

export async function receiveAlarm(
  db: Kysely<DB>,
  cases: Cases,
  input: {
    deviceId: string | undefined;
    timestamp: string | undefined;
    signature: string | undefined;
    rawBody: string;
  },
  now = new Date(),
): Promise<AlarmResult> {
  const device = input.deviceId
    ? await db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', input.deviceId)
        .where('active', '=', true)
        .executeTakeFirst()
    : undefined;
  // One answer for an unknown device and a bad signature: a prober learns nothing about the registry.
  const check = device
    ? checkSignature(device.secret, input, input.rawBody, now)
    : { ok: false as const, reason: 'mismatch' as const };
  if (!device || !check.ok) {
    throw new Unauthorized(
      'bad_signature',
      check.ok || check.reason !== 'stale'
        ? 'The message is not signed by a registered device (x-wangge-device, x-wangge-timestamp, x-wangge-signature).'
        : 'The message timestamp is too far from now; devices must keep their clocks in time.',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(input.rawBody);
  } catch {
    throw new Invalid('invalid_json', 'The alarm is not valid JSON.');
  }
  const parsed = Alarm.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Invalid('invalid_alarm', `${issue?.path.join('.')}: ${issue?.message}`);
  }
  const alarm = parsed.data;
  const rule = await db
    .selectFrom('alarm_rules')
    .selectAll()
    .where('device_type', '=', device.type)
    .where('alarm_type', '=', alarm.type)
    .executeTakeFirst();

  const by = {
    userId: device.user_id,
    name: `${device.name}（${device.id}）`,
    role: 'system' as const,
    unitId: null,
  };
  const place = device.lon !== null && device.lat !== null ? { lon: device.lon, lat: device.lat } : null;
  // Read before writing (the embedded store has one connection): the open case a repeat joins, or
  // else what a new case needs.
  const open = rule
    ? await db
        .selectFrom('device_messages as m')
        .innerJoin('cases as c', 'c.id', 'm.case_id')
        .select(['c.id', 'c.number'])
        .where('m.device_id', '=', device.id)
        .where('m.alarm_type', '=', alarm.type)
        .where('m.received_at', '>=', new Date(now.getTime() - rule.dedupe_minutes * 60_000))
        .where('c.state', 'not in', [...FINAL_STATES])
        .orderBy('m.received_at', 'desc')
        .executeTakeFirst()
    : undefined;
  const plan = !rule
    ? null
    : open
      ? { kind: 'attach' as const, open }
      : {
          kind: 'create' as const,
          intake: await cases.prepareIntake(await ownerPrincipal(db, device.user_id, by.name), {
            categoryCode: rule.category_code,
            title: `${device.name}报警：${alarm.type}`,
            description: [
              alarm.note,
              alarm.value !== undefined ? `读数 ${alarm.value}` : null,
              `报警时间 ${alarm.time}`,
            ]
              .filter(Boolean)
              .join('；'),
            areaCode: device.area_code, // where it is installed: no locating, no guessing
            crs: 'wgs84',
            address: device.name,
            evidence: [],
            attributes: {},
            source: 'device',
          }),
        };

  return db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto('device_messages')
      .values({ device_id: device.id, message_id: alarm.messageId, alarm_type: alarm.type })
      .onConflict((oc) => oc.columns(['device_id', 'message_id']).doNothing())
      .returning('message_id')
      .executeTakeFirst();
    if (!fresh)
      throw new Conflict(
        'replayed',
        `Message ${alarm.messageId} of device ${device.id} was received already.`,
      );
    if (!plan) return { outcome: 'no_rule' as const, caseId: null, number: null };
    /** The message leads to the case it opened or joined (de-duplication looks there). */
    const link = (caseId: string) =>
      trx
        .updateTable('device_messages')
        .set({ case_id: caseId })
        .where('device_id', '=', device.id)
        .where('message_id', '=', alarm.messageId)
        .execute();
    const facts = {
      deviceId: device.id,
      messageId: alarm.messageId,
      alarmType: alarm.type,
      time: alarm.time,
      value: alarm.value ?? null,
    };
    if (plan.kind === 'attach') {
      const { open } = plan;
      await cases.appendRecord(
        trx,
        open.id,
        { type: 'alarm', by, note: alarm.note ?? null, payload: facts, place },
        now,
      );
      await link(open.id);
      return { outcome: 'attached' as const, caseId: open.id, number: open.number };
    }
    const created = await cases.insertIntake(trx, plan.intake);
    await link(created.id);
    return { outcome: 'case_created' as const, caseId: created.id, number: created.number };
  });
}

async function ownerPrincipal(db: Kysely<DB>, userId: string, displayName: string): Promise<Principal> {
  const owner = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return {
    userId: owner.id,
    username: owner.username,
    displayName,
    roles: owner.roles as Role[],
    unitId: owner.unit_id,
    scope: owner.scope,
    via: 'token',
    csrfToken: null,
    sessionId: null,
  };
}
