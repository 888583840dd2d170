/**
 * Device alarms: a signed message from a registered device is recorded once (a replay is refused) and
 * handed to the emergency alarm rules, which open or join an incident or keep it as an alarm to check.
 * Channels does not import emergency: the handler is a narrow interface given at composition (server.ts).
 * Also the registry of devices administrators keep.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { newSecret } from '../../platform/auth/secrets.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Invalid, NotFound, Unauthorized } from '../../platform/errors.js';
import { normalizeDeep } from '../../platform/text.js';
import { principalOfUser } from '../org/org.service.js';
import { findArea } from '../places/places.service.js';
import { Alarm, type AlarmResultT, type DeviceCreateT } from './channels.schemas.js';
import { ChannelsStore } from './channels.store.js';
import { checkSignature } from './device-signature.js';

export interface SignedAlarm {
  deviceId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

/** A device alarm as channels hands it on: the device as registered, the message as signed and parsed. */
export interface DeviceAlarm {
  deviceId: string;
  deviceType: string;
  deviceName: string;
  building: string | null;
  highRise: boolean;
  areaCode: string;
  lon: number | null;
  lat: number | null;
  messageId: string;
  alarmType: string;
  time: string;
  value: number | null;
  note: string | null;
  ownerUserId: string;
  ownerUnitId: string | null;
}

/**
 * What channels needs of whoever decides alarms (the emergency module's `Alarms`): decide one inside the
 * transaction that recorded the message, and say what to run once it has committed.
 */
export interface AlarmHandler {
  handle(
    trx: Db,
    alarm: DeviceAlarm,
    at: Date,
  ): Promise<{ result: AlarmResultT; afterCommit: () => Promise<void> }>;
}

export class DevicesService {
  private readonly store: ChannelsStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly alarms: AlarmHandler,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new ChannelsStore(db);
  }

  async receiveAlarm(input: SignedAlarm, now = this.clock()): Promise<AlarmResultT> {
    const device = input.deviceId ? await this.store.activeDevice(input.deviceId) : undefined;
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
    // The signature covers the raw bytes, so the edge leaves this body alone; normalise it here, once.
    const text = normalizeDeep(body);
    if (!text.ok) throw new Invalid('invalid_text', `${text.path}: not valid Unicode text.`);
    const parsed = Alarm.safeParse(text.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Invalid('invalid_alarm', `${issue?.path.join('.')}: ${issue?.message}`);
    }
    const alarm = parsed.data;
    const owner = await principalOfUser(this.db, { id: device.user_id }, device.name);
    const { result, afterCommit } = await this.db.transaction().execute(async (trx) => {
      if (!(await new ChannelsStore(trx).recordMessage(device.id, alarm.messageId, alarm.type)))
        throw new Conflict(
          'replayed',
          `Message ${alarm.messageId} of device ${device.id} was received already.`,
        );
      return this.alarms.handle(
        trx,
        {
          deviceId: device.id,
          deviceType: device.type,
          deviceName: device.name,
          building: device.building,
          highRise: device.high_rise,
          areaCode: device.area_code,
          lon: device.lon,
          lat: device.lat,
          messageId: alarm.messageId,
          alarmType: alarm.type,
          time: alarm.time,
          value: alarm.value ?? null,
          note: alarm.note ?? null,
          ownerUserId: device.user_id,
          ownerUnitId: owner?.unitId ?? null,
        },
        now,
      );
    });
    await afterCommit();
    return result;
  }

  async devices() {
    return (await this.store.devices()).map((d) => ({ ...d, created_at: d.created_at.toISOString() }));
  }

  /** Registers a device; its signing secret is answered once and stored for signature checks. */
  async registerDevice(p: Principal, d: DeviceCreateT): Promise<{ id: string; secret: string }> {
    const grid = await findArea(this.db, d.areaCode);
    if (grid?.level !== 'grid') throw new Invalid('unknown_grid', `There is no grid ${d.areaCode}.`);
    if (!(await principalOfUser(this.db, { id: d.userId }, d.name)))
      throw new Invalid('unknown_user', `There is no user ${d.userId} for the device to act as.`);
    const secret = newSecret('whsec_');
    await this.db.transaction().execute(async (trx) => {
      const store = new ChannelsStore(trx);
      if (await store.deviceExists(d.id))
        throw new Invalid('duplicate', `Device ${d.id} is registered already.`);
      await store.insertDevice({
        id: d.id,
        type: d.type,
        name: d.name,
        secret,
        area_code: d.areaCode,
        lon: d.lon ?? null,
        lat: d.lat ?? null,
        building: d.building ?? null,
        high_rise: d.highRise,
        user_id: d.userId,
      });
      await recordAudit(trx, p, { action: 'create', entity: 'device', entityId: d.id, after: { ...d } });
    });
    return { id: d.id, secret };
  }

  /** Gives a device a new signing secret, answered once; the old one stops working at once. */
  async rotateDeviceSecret(p: Principal, id: string): Promise<{ id: string; secret: string }> {
    const secret = newSecret('whsec_');
    await this.db.transaction().execute(async (trx) => {
      if (!(await new ChannelsStore(trx).setDeviceSecret(id, secret)))
        throw new NotFound('device_not_found', `There is no device ${id}.`);
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'device',
        entityId: id,
        after: { secret: 'rotated' },
      });
    });
    return { id, secret };
  }
}
