/** Kysely table types of the emergency module (migrations/0019_emergency.sql); joined into `DB` in schema.ts. */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export interface EmergencyIncidentsTable {
  id: Generated<string>;
  number: string;
  title: string;
  type: string;
  subtype: string;
  level: number;
  colour: string;
  status: Generated<string>;
  lon: number | null;
  lat: number | null;
  area_code: string;
  affected_grids: Generated<string[]>;
  reporter: string;
  unit_id: string;
  command: Json<{ commander?: string | null; onSite?: string | null; liaison?: string | null }>;
  description: Generated<string>;
  summary: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Timestamp | null;
  public_notice: Generated<string | null>;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface EmergencyEventsTable {
  id: Generated<number>;
  incident_id: string;
  seq: number;
  type: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  note: string | null;
  payload: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface EmergencyCaseLinksTable {
  incident_id: string;
  case_id: string;
  linked_at: Generated<Date>;
}

export interface EmergencyPlanStepJson {
  title: string;
  unitId: string;
  dueMinutes: number;
  resources: { name: string; quantity: number }[];
}

export interface EmergencyPlansTable {
  id: Generated<string>;
  code: string;
  version: number;
  name: string;
  area_code: string;
  type: string;
  level: number;
  steps: Json<EmergencyPlanStepJson[]>;
  created_at: Generated<Date>;
}

export interface EmergencyActivationsTable {
  id: Generated<string>;
  incident_id: string;
  plan_id: string;
  plan_code: string;
  plan_version: number;
  status: Generated<string>;
  activated_at: Timestamp;
  activated_by: string | null;
}

export interface EmergencyTasksTable {
  id: Generated<string>;
  activation_id: string;
  incident_id: string;
  step_no: number;
  title: string;
  unit_id: string;
  due_at: Timestamp;
  resources: Json<{ name: string; quantity: number }[]>;
  done_at: Timestamp | null;
  done_by: string | null;
}

export interface EmergencyResourcesTable {
  id: Generated<string>;
  kind: string;
  name: string;
  category: string;
  quantity: number;
  available: number;
  measure: Generated<string>;
  skills: Generated<string[]>;
  lon: number;
  lat: number;
  area_code: string;
  created_at: Generated<Date>;
}

export interface EmergencyDispatchesTable {
  id: Generated<string>;
  resource_id: string;
  incident_id: string;
  quantity: number;
  dispatched_at: Timestamp;
  dispatched_by: string | null;
  returned_at: Timestamp | null;
}

export interface EmergencyShiftsTable {
  id: Generated<string>;
  unit_id: string;
  area_code: string;
  user_id: string;
  role: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  phone: Generated<string>;
  created_at: Generated<Date>;
}

export interface EmergencyHandoversTable {
  id: Generated<string>;
  from_shift_id: string;
  to_shift_id: string | null;
  note: string;
  handed_over_at: Timestamp;
  handed_over_by: string;
}

export interface EmergencyAlarmRulesTable {
  id: Generated<string>;
  name: string;
  device_type: string;
  alarm_type: string;
  group_by: Generated<string>;
  threshold: number;
  window_minutes: number;
  high_rise_only: Generated<boolean>;
  incident_type: string;
  incident_subtype: string;
  level: number;
  unit_id: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface EmergencyAlarmsTable {
  id: Generated<string>;
  device_id: string;
  message_id: string;
  device_type: string;
  device_name: string;
  alarm_type: string;
  building_key: string;
  area_code: string;
  lon: number | null;
  lat: number | null;
  high_rise: Generated<boolean>;
  alarm_time: string | null;
  value: number | null;
  note: string | null;
  received_at: Timestamp;
  status: string;
  rule_id: string | null;
  incident_id: string | null;
  case_id: string | null;
  unit_id: string | null;
  checked_by: string | null;
  checked_at: Timestamp | null;
}

export interface EmergencyTables {
  emergency_shifts: EmergencyShiftsTable;
  emergency_handovers: EmergencyHandoversTable;
  emergency_alarm_rules: EmergencyAlarmRulesTable;
  emergency_alarms: EmergencyAlarmsTable;
  emergency_resources: EmergencyResourcesTable;
  emergency_dispatches: EmergencyDispatchesTable;
  emergency_incidents: EmergencyIncidentsTable;
  emergency_events: EmergencyEventsTable;
  emergency_case_links: EmergencyCaseLinksTable;
  emergency_plans: EmergencyPlansTable;
  emergency_activations: EmergencyActivationsTable;
  emergency_tasks: EmergencyTasksTable;
}
