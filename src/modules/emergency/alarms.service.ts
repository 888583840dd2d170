/**
 * Device alarms (物联报警) in emergency command: each signed alarm the channels webhook accepts is decided by
 * the alarm rules (alarm-rules.ts) — it opens an incident, joins the open incident of its group, or stays
 * an alarm to check (核查, a task for the unit, and an alert to the people on duty). The channels module
 * calls `handle` through the narrow `AlarmHandler` it declares, inside the transaction that recorded the
 * message, so a refused or failed alarm leaves nothing behind and a replay is refused there first.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { unitInScope } from '../../platform/auth/roles.js';
import { earlierAnswer, idempotencyOwner, withIdempotency } from '../../platform/db/idempotency.js';
import { lockName } from '../../platform/db/locks.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Invalid, NotFound } from '../../platform/errors.js';
import { notify } from '../notifications/notifications.service.js';
import {
  type AlarmDecision,
  type AlarmFacts,
  type AlarmGroup,
  type AlarmRule,
  buildingKey,
  decideAlarm,
  type EarlierAlarm,
  lookBackMinutes,
} from './alarm-rules.js';
import { type AlarmRow, type AlarmRuleRow, AlarmsStore } from './alarms.store.js';
import type { AlarmRuleCreateT } from './emergency.schemas.js';
import { EmergencyStore } from './emergency.store.js';
import { type IncidentType, isSubtypeOf, type Level } from './incident-rules.js';
import { appendIncidentEvent, bump, type Incidents, type UnitDirectory } from './incidents.service.js';
import type { DutyAlerts } from './roster.service.js';

/** An alarm as the channels module hands it over: the device as registered, the message as signed. */
export interface DeviceAlarmIn {
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
  /** The device's account: its unit commands what no rule gives a unit, its id acts on the time line. */
  ownerUserId: string;
  ownerUnitId: string | null;
}

export interface AlarmOutcomeT {
  outcome: 'incident_opened' | 'incident_joined' | 'to_check' | 'no_rule';
  alarmId: string;
  incidentId: string | null;
  number: string | null;
}

export function toRule(r: AlarmRuleRow): AlarmRule & { name: string } {
  return {
    id: r.id,
    name: r.name,
    deviceType: r.device_type,
    alarmType: r.alarm_type,
    groupBy: r.group_by as AlarmGroup,
    threshold: r.threshold,
    windowMinutes: r.window_minutes,
    highRiseOnly: r.high_rise_only,
    incidentType: r.incident_type as IncidentType,
    incidentSubtype: r.incident_subtype,
    level: r.level as Level,
    unitId: r.unit_id,
    active: r.active,
  };
}

function toAlarm(r: AlarmRow) {
  return {
    id: r.id,
    deviceId: r.device_id,
    deviceName: r.device_name,
    deviceType: r.device_type,
    alarmType: r.alarm_type,
    building: r.building_key,
    areaCode: r.area_code,
    lon: r.lon,
    lat: r.lat,
    highRise: r.high_rise,
    time: r.alarm_time,
    value: r.value,
    note: r.note,
    receivedAt: r.received_at.toISOString(),
    status: r.status as EarlierAlarm['status'],
    incidentId: r.incident_id,
    caseId: r.case_id,
    checkedAt: r.checked_at ? r.checked_at.toISOString() : null,
  };
}

function facts(a: DeviceAlarmIn, at: Date): AlarmFacts {
  return {
    deviceId: a.deviceId,
    deviceType: a.deviceType,
    alarmType: a.alarmType,
    buildingKey: buildingKey(a.building, a.areaCode),
    areaCode: a.areaCode,
    highRise: a.highRise,
    receivedAt: at,
  };
}

export class Alarms {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly incidents: Incidents,
    private readonly units: UnitDirectory,
    private readonly alerts: DutyAlerts,
  ) {}

  /** Decides an alarm in the caller's transaction; answers the outcome and what to run after the commit. */
  async handle(
    trx: Db,
    a: DeviceAlarmIn,
    at: Date,
  ): Promise<{ result: AlarmOutcomeT; afterCommit: () => Promise<void> }> {
    const store = new AlarmsStore(trx);
    // Alarms of one type are decided one after another, so two at once count each other exactly.
    await lockName(trx, 'emergency_alarm', `${a.deviceType}/${a.alarmType}`);
    const rules = (await store.activeRules(a.deviceType, a.alarmType)).map(toRule);
    const f = facts(a, at);
    const since = new Date(at.getTime() - lookBackMinutes(rules, f) * 60_000);
    const rows = await store.earlier(a.deviceType, a.alarmType, since);
    const earlier: EarlierAlarm[] = rows.map((r) => ({
      id: r.id,
      deviceId: r.device_id,
      deviceType: r.device_type,
      alarmType: r.alarm_type,
      buildingKey: r.building_key,
      areaCode: r.area_code,
      highRise: r.high_rise,
      receivedAt: r.received_at,
      status: r.status as EarlierAlarm['status'],
      incidentId: r.incident_id,
    }));
    const open = new Set(rows.filter((r) => r.incident_open).map((r) => r.incident_id as string));
    const d: AlarmDecision = decideAlarm(f, rules, earlier, open);
    const base = {
      device_id: a.deviceId,
      message_id: a.messageId,
      device_type: a.deviceType,
      device_name: a.deviceName,
      alarm_type: a.alarmType,
      building_key: f.buildingKey,
      area_code: a.areaCode,
      lon: a.lon,
      lat: a.lat,
      high_rise: a.highRise,
      alarm_time: a.time,
      value: a.value,
      note: a.note,
      received_at: at,
    };
    const actor = { userId: a.ownerUserId, displayName: `${a.deviceName}（${a.deviceId}）` };
    const payload = {
      deviceId: a.deviceId,
      messageId: a.messageId,
      alarmType: a.alarmType,
      building: f.buildingKey,
      time: a.time,
      value: a.value,
    };
    const nothing = async () => {};
    if (d.outcome === 'no_rule') {
      const row = await store.insertAlarm({ ...base, status: 'no_rule' });
      return {
        result: { outcome: 'no_rule', alarmId: row.id, incidentId: null, number: null },
        afterCommit: nothing,
      };
    }
    const unitId = d.rule.unitId ?? a.ownerUnitId;
    if (d.outcome === 'join') {
      const es = new EmergencyStore(trx);
      const incident = await es.incidentById(d.incidentId);
      if (!incident) throw new Error(`incident ${d.incidentId} vanished`);
      const row = await store.insertAlarm({
        ...base,
        status: 'incident',
        rule_id: d.rule.id,
        incident_id: incident.id,
        unit_id: incident.unit_id,
      });
      await bump(es, incident, {}, at);
      await appendIncidentEvent(es, incident.id, actor, 'alarm', at, a.note, { ...payload, alarmId: row.id });
      return {
        result: {
          outcome: 'incident_joined',
          alarmId: row.id,
          incidentId: incident.id,
          number: incident.number,
        },
        afterCommit: nothing,
      };
    }
    if (d.outcome === 'open' && unitId) {
      const opened = await this.incidents.open(
        trx,
        actor,
        {
          title: `${a.deviceName}报警：${a.alarmType}`,
          type: d.rule.incidentType,
          subtype: d.rule.incidentSubtype,
          level: d.rule.level,
          colour: null,
          lon: a.lon,
          lat: a.lat,
          areaCode: a.areaCode,
          affectedGrids: [],
          reporter: actor.displayName,
          unitId,
          command: {},
          description: [a.note, a.value !== null ? `读数 ${a.value}` : null, `报警时间 ${a.time}`]
            .filter(Boolean)
            .join('；'),
        },
        at,
        { source: 'alarm', ruleId: d.rule.id, alarms: d.together.length + 1, ...payload },
      );
      const row = await store.insertAlarm({
        ...base,
        status: 'incident',
        rule_id: d.rule.id,
        incident_id: opened.row.id,
        unit_id: unitId,
      });
      await store.attach(d.together, opened.row.id);
      return {
        result: {
          outcome: 'incident_opened',
          alarmId: row.id,
          incidentId: opened.row.id,
          number: opened.row.number,
        },
        afterCommit: opened.after,
      };
    }
    // Below every rule (or no unit to command it): an alarm to check, for the unit and its people on duty.
    const row = await store.insertAlarm({ ...base, status: 'to_check', rule_id: d.rule.id, unit_id: unitId });
    let after = nothing;
    if (unitId) {
      const params = { device: a.deviceName, alarmType: a.alarmType, place: f.buildingKey };
      await notify(trx, [{ unitId, kind: 'alarm_check', params, ref: `alarm:${row.id}` }]);
      after = await this.alerts.alert(
        trx,
        [unitId],
        { kind: 'alarm_check', params, ref: `alarm:${row.id}` },
        at,
      );
    }
    return {
      result: { outcome: 'to_check', alarmId: row.id, incidentId: null, number: null },
      afterCommit: after,
    };
  }

  async list(p: Principal, status?: string) {
    return (await new AlarmsStore(this.db).list(p.scope, status ?? null, 500)).map(toAlarm);
  }

  /**
   * 核查: whoever checks an alarm on the spot says what it was. A false alarm (误报) is closed; a confirmed
   * one opens an incident of its rule's type and level, commanded by the alarm's unit. With an idempotency
   * key (the field app's outbox) a resend after a lost answer gets the first answer, not a conflict.
   */
  async check(
    p: Principal,
    id: string,
    outcome: 'confirmed' | 'false_alarm',
    note: string,
    idempotencyKey?: string,
  ) {
    const claim = {
      owner: idempotencyOwner({ user: p.userId }),
      key: idempotencyKey,
      request: JSON.stringify(['emergency_alarm_check', id, outcome, note]),
    };
    const earlier = await earlierAnswer<ReturnType<typeof toAlarm>>(this.db, claim);
    if (earlier) return earlier;
    const found = await new AlarmsStore(this.db).visible(p.scope, id);
    if (!found) throw new NotFound('alarm_not_found', 'The alarm does not exist or is outside your scope.');
    if (found.status !== 'to_check')
      throw new Conflict('alarm_checked', 'The alarm is not waiting for a check.');
    const rule = found.rule_id ? await new AlarmsStore(this.db).ruleById(found.rule_id) : undefined;
    const unitId = found.unit_id ?? p.unitId;
    if (outcome === 'confirmed' && (!rule || !unitId))
      throw new Invalid(
        'unit_required',
        'Nobody commands an incident from this alarm: report it as an incident.',
      );
    const at = this.incidents.now();
    let after = async () => {};
    const { result, replayed } = await withIdempotency(this.db, claim, async (trx) => {
      const store = new AlarmsStore(trx);
      let incidentId: string | null = null;
      if (outcome === 'confirmed' && rule && unitId) {
        const r = toRule(rule);
        const opened = await this.incidents.open(
          trx,
          p,
          {
            title: `${found.device_name}报警（核查属实）：${found.alarm_type}`,
            type: r.incidentType,
            subtype: r.incidentSubtype,
            level: r.level,
            colour: null,
            lon: found.lon,
            lat: found.lat,
            areaCode: found.area_code,
            affectedGrids: [],
            reporter: p.displayName,
            unitId,
            command: {},
            description: note,
          },
          at,
          { source: 'alarm_check', alarmId: found.id, deviceId: found.device_id },
        );
        incidentId = opened.row.id;
        after = opened.after;
      }
      if (!(await store.markChecked(found.id, outcome, incidentId, p.userId, at)))
        throw new Conflict('alarm_checked', 'The alarm is not waiting for a check.');
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'emergency_alarm',
        entityId: found.id,
        after: { outcome, note, incidentId },
      });
      return toAlarm((await store.visible(p.scope, id)) as AlarmRow);
    });
    if (!replayed) await after();
    return result;
  }

  async rules() {
    return (await new AlarmsStore(this.db).rules()).map(toRule);
  }

  /** A new rule; a subtype of another type or an unknown or out-of-reach unit is refused. */
  async createRule(p: Principal, input: AlarmRuleCreateT) {
    if (!isSubtypeOf(input.incidentType, input.incidentSubtype))
      throw new Invalid(
        'unknown_subtype',
        `"${input.incidentSubtype}" is not a subtype of ${input.incidentType}.`,
        {
          type: input.incidentType,
          subtype: input.incidentSubtype,
        },
      );
    if (input.unitId) {
      const [unit] = await this.units.activeUnits([input.unitId]);
      if (!unit) throw new Invalid('unknown_unit', 'The unit does not exist.', { unitId: input.unitId });
      if (!unitInScope(p.scope, unit.areaCode))
        throw new Invalid('unknown_unit', 'The unit is outside your reach.', { unitId: input.unitId });
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await new AlarmsStore(trx).insertRule({
        name: input.name,
        device_type: input.deviceType,
        alarm_type: input.alarmType,
        group_by: input.groupBy,
        threshold: input.threshold,
        window_minutes: input.windowMinutes,
        high_rise_only: input.highRiseOnly,
        incident_type: input.incidentType,
        incident_subtype: input.incidentSubtype,
        level: input.level,
        unit_id: input.unitId ?? null,
      });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'alarm_rule',
        entityId: row.id,
        after: toRule(row),
      });
      return toRule(row);
    });
  }

  async setRuleActive(p: Principal, id: string, active: boolean) {
    return this.db.transaction().execute(async (trx) => {
      const row = await new AlarmsStore(trx).setRuleActive(id, active);
      if (!row) throw new NotFound('alarm_rule_not_found', 'There is no such alarm rule.');
      await recordAudit(trx, p, { action: 'update', entity: 'alarm_rule', entityId: id, after: { active } });
      return toRule(row);
    });
  }

  /** The alarms an incident came from or gathered (for its detail). */
  async ofIncident(incidentId: string) {
    return (await new AlarmsStore(this.db).ofIncident(incidentId)).map(toAlarm);
  }
}
