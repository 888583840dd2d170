/** The emergency module's alarm rules and alarms (报警): its only SQL for those tables. */
import type { Insertable, Selectable } from 'kysely';
import type { EmergencyAlarmRulesTable, EmergencyAlarmsTable } from '../../platform/db/schema-emergency.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

export type AlarmRuleRow = Selectable<EmergencyAlarmRulesTable>;
export type AlarmRow = Selectable<EmergencyAlarmsTable>;

export class AlarmsStore {
  constructor(private readonly db: Db) {}

  rules(): Promise<AlarmRuleRow[]> {
    return this.db
      .selectFrom('emergency_alarm_rules')
      .selectAll()
      .orderBy('device_type')
      .orderBy('alarm_type')
      .orderBy('level')
      .orderBy('id')
      .execute();
  }

  activeRules(deviceType: string, alarmType: string): Promise<AlarmRuleRow[]> {
    return this.db
      .selectFrom('emergency_alarm_rules')
      .selectAll()
      .where('device_type', '=', deviceType)
      .where('alarm_type', '=', alarmType)
      .where('active', '=', true)
      .execute();
  }

  ruleById(id: string): Promise<AlarmRuleRow | undefined> {
    return this.db.selectFrom('emergency_alarm_rules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insertRule(r: Insertable<EmergencyAlarmRulesTable>): Promise<AlarmRuleRow> {
    return this.db.insertInto('emergency_alarm_rules').values(r).returningAll().executeTakeFirstOrThrow();
  }

  setRuleActive(id: string, active: boolean): Promise<AlarmRuleRow | undefined> {
    return this.db
      .updateTable('emergency_alarm_rules')
      .set({ active })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Earlier alarms of a device type and alarm type that the rules may count or join: those received since
   * `since`, and those of incidents still open (with whether their incident is open).
   */
  earlier(deviceType: string, alarmType: string, since: Date) {
    return this.db
      .selectFrom('emergency_alarms as a')
      .leftJoin('emergency_incidents as i', 'i.id', 'a.incident_id')
      .selectAll('a')
      .select((eb) => eb('i.status', '=', 'open').as('incident_open'))
      .where('a.device_type', '=', deviceType)
      .where('a.alarm_type', '=', alarmType)
      .where((eb) => eb.or([eb('a.received_at', '>=', since), eb('i.status', '=', 'open')]))
      .orderBy('a.received_at', 'desc')
      .limit(1000)
      .execute();
  }

  insertAlarm(a: Insertable<EmergencyAlarmsTable>): Promise<AlarmRow> {
    return this.db.insertInto('emergency_alarms').values(a).returningAll().executeTakeFirstOrThrow();
  }

  /** The alarms counted together with the one that opened an incident now belong to it. */
  async attach(ids: readonly string[], incidentId: string): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable('emergency_alarms')
      .set({ status: 'incident', incident_id: incidentId })
      .where('id', 'in', ids)
      .where('status', 'in', ['to_check', 'confirmed'])
      .execute();
  }

  /** Alarms of the scope's areas, newest first; optionally of one status. */
  list(scope: string, status: string | null, limit: number): Promise<AlarmRow[]> {
    let q = this.db.selectFrom('emergency_alarms').selectAll().where('area_code', 'like', `${scope}%`);
    if (status) q = q.where('status', '=', status);
    return q.orderBy('received_at', 'desc').orderBy('id').limit(limit).execute();
  }

  visible(scope: string, id: string): Promise<AlarmRow | undefined> {
    return this.db
      .selectFrom('emergency_alarms')
      .selectAll()
      .where('id', '=', id)
      .where('area_code', 'like', `${scope}%`)
      .executeTakeFirst();
  }

  /** Records the check of an alarm still to check; undefined when it was checked meanwhile. */
  markChecked(
    id: string,
    status: 'confirmed' | 'false_alarm',
    incidentId: string | null,
    by: string,
    at: Date,
  ): Promise<AlarmRow | undefined> {
    return this.db
      .updateTable('emergency_alarms')
      .set({ status, incident_id: incidentId, checked_by: by, checked_at: at })
      .where('id', '=', id)
      .where('status', '=', 'to_check')
      .returningAll()
      .executeTakeFirst();
  }

  ofIncident(incidentId: string): Promise<AlarmRow[]> {
    return this.db
      .selectFrom('emergency_alarms')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('received_at')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-07-01T02:00:00Z');

export const SQL_EXAMPLES: SqlExamples<AlarmsStore> = {
  rules: [],
  activeRules: ['smoke_detector', 'smoke'],
  ruleById: [ID],
  insertRule: [
    {
      name: '同楼两烟感',
      device_type: 'smoke_detector',
      alarm_type: 'smoke',
      group_by: 'building',
      threshold: 2,
      window_minutes: 5,
      high_rise_only: false,
      incident_type: 'accident',
      incident_subtype: 'fire',
      level: 4,
      unit_id: null,
    },
  ],
  setRuleActive: [ID, false],
  earlier: ['smoke_detector', 'smoke', AT],
  insertAlarm: [
    {
      device_id: 'SMK-HP-0001',
      message_id: 'm-1',
      device_type: 'smoke_detector',
      device_name: '烟感',
      alarm_type: 'smoke',
      building_key: '和平路1号楼',
      area_code: '120101001001001',
      lon: 117.2,
      lat: 39.12,
      high_rise: false,
      alarm_time: '2026-07-01T10:00:00+08:00',
      value: 0.8,
      note: null,
      received_at: AT,
      status: 'to_check',
      rule_id: ID,
      incident_id: null,
      unit_id: ID,
    },
  ],
  attach: [[ID], ID],
  list: ['120101', 'to_check', 200],
  visible: ['120101', ID],
  markChecked: [ID, 'false_alarm', null, ID, AT],
  ofIncident: [ID],
};
