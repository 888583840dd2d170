/**
 * Device alarms: a signed message from a registered device becomes a case by the alarm rules; a repeat
 * from the same device within the rule's window is added to the open case's timeline instead. Also the
 * registry of devices and the alarm rules administrators keep.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { newSecret } from '../../platform/auth/secrets.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Invalid, NotFound, Unauthorized } from '../../platform/errors.js';
import { normalizeDeep } from '../../platform/text.js';
import type { CaseActor, Cases } from '../cases/cases.service.js';
import { principalOfUser } from '../org/org.service.js';
import { findArea } from '../places/places.service.js';
import { Alarm, type AlarmResultT, type AlarmRuleCreateT, type DeviceCreateT } from './channels.schemas.js';
import { ChannelsStore } from './channels.store.js';
import { checkSignature } from './device-signature.js';

export interface SignedAlarm {
  deviceId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

export class DevicesService {
  private readonly store: ChannelsStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
  ) {
    this.store = new ChannelsStore(db);
  }

  async receiveAlarm(input: SignedAlarm, now = new Date()): Promise<AlarmResultT> {
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
    const rule = await this.store.alarmRule(device.type, alarm.type);
    const by: CaseActor = {
      userId: device.user_id,
      name: `${device.name}（${device.id}）`,
      role: 'system',
      roles: ['system'],
      unitId: null,
      scope: '',
    };
    /** Records the message (refusing a replay) and links it to its case, in the caller's transaction. */
    const record = async (trx: Db, caseId: string | null) => {
      const channel = new ChannelsStore(trx);
      if (!(await channel.recordMessage(device.id, alarm.messageId, alarm.type)))
        throw new Conflict(
          'replayed',
          `Message ${alarm.messageId} of device ${device.id} was received already.`,
        );
      if (caseId) await channel.linkMessage(device.id, alarm.messageId, caseId);
    };
    if (!rule) {
      await this.db.transaction().execute((trx) => record(trx, null));
      return { outcome: 'no_rule', caseId: null, number: null };
    }
    // A repeat within the window joins the open case its earlier alarm led to.
    const since = new Date(now.getTime() - rule.dedupe_minutes * 60_000);
    const openId = await this.cases.queries.firstOpen(
      await this.store.recentAlarmCaseIds(device.id, alarm.type, since),
    );
    const facts = {
      deviceId: device.id,
      messageId: alarm.messageId,
      alarmType: alarm.type,
      time: alarm.time,
      value: alarm.value ?? null,
    };
    if (openId) {
      const open = await this.cases.queries.visibleRow({ scope: '', unitId: null }, openId);
      const place = device.lon !== null && device.lat !== null ? { lon: device.lon, lat: device.lat } : null;
      await this.db.transaction().execute(async (trx) => {
        await record(trx, null);
        await this.cases.transitions.appendRecord(
          trx,
          open.id,
          { type: 'alarm', by, note: alarm.note ?? null, payload: facts, place },
          now,
        );
        await new ChannelsStore(trx).linkMessage(device.id, alarm.messageId, open.id);
      });
      return { outcome: 'attached', caseId: open.id, number: open.number };
    }
    const owner = await principalOfUser(this.db, { id: device.user_id }, by.name);
    if (!owner) throw new Error(`device ${device.id} has no owner user`);
    const created = await this.cases.intake.file(
      owner,
      {
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
      },
      { onCreated: (trx, c) => record(trx, c.id) },
    );
    return { outcome: 'case_created', caseId: created.id, number: created.number };
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

  alarmRules() {
    return this.store.alarmRules();
  }

  /** Turns an alarm type of a device type into cases of a category (replacing an earlier rule). */
  async saveAlarmRule(p: Principal, r: AlarmRuleCreateT) {
    await this.cases.category(r.categoryCode).catch(() => {
      throw new Invalid('unknown_category', `There is no category ${r.categoryCode}.`);
    });
    return this.db.transaction().execute(async (trx) => {
      const row = await new ChannelsStore(trx).upsertAlarmRule(r);
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'alarm_rule',
        entityId: `${r.deviceType}/${r.alarmType}`,
        after: row,
      });
      return row;
    });
  }
}
