/** Kysely table types: the TypeScript face of `migrations/*.sql` (kept in step by the database tests). */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { EmergencyTables } from './schema-emergency.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_id: string | null;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string;
  before: Json;
  after: Json;
  /** Hash chain (0010_audit.sql): set by the insert trigger, never by the writer. */
  prev_hash: Generated<string>;
  hash: Generated<string>;
}

export interface SettingsTable {
  key: string;
  value: JSONColumnType<Record<string, unknown>>;
  updated_at: Generated<Date>;
}

export type AreaLevel = 'district' | 'street' | 'community' | 'grid';

export interface AreasTable {
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
  geometry: JSONColumnType<GeoJsonGeometry | null, string | null, string | null>;
  bbox: number[] | null;
  synthetic: Generated<boolean>;
  source: string | null;
}

export type GeoJsonGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

export type UnitType = 'command_center' | 'department' | 'street_office' | 'community' | 'hotline_center';

export interface UnitsTable {
  id: Generated<string>;
  code: string;
  name: string;
  name_en: Generated<string>;
  type: UnitType;
  area_code: string;
  parent_id: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  unit_id: string | null;
  scope: string;
  locale: Generated<string>;
  active: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  /** 单位负责人: may assign the unit's cases to its members (0014). */
  unit_head: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** Open311 API keys (migration 0012): a principal of their own, valid only on Open311. */
export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  key_hash: string;
  key_prefix: string;
  endpoint: 'production' | 'test';
  jurisdiction: string;
  user_id: string;
  created_at: Generated<Date>;
  rotated_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginAttemptsTable {
  source: string;
  at: Generated<Date>;
}

export interface ResponsibilityRulesTable {
  id: Generated<string>;
  position: number;
  category_pattern: string;
  area_prefix: string;
  unit_id: string;
  note: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type LimitUnit = 'work_hour' | 'work_day' | 'natural_hour' | 'natural_day';

export interface CategoriesTable {
  code: string;
  kind: string;
  major_code: string;
  minor_code: string;
  major_name: string;
  major_name_en: Generated<string>;
  name: string;
  name_en: Generated<string>;
  filing_criterion: Generated<string>;
  closing_criterion: Generated<string>;
  file_value: number;
  file_unit: LimitUnit;
  sign_value: number;
  sign_unit: LimitUnit;
  handle_value: number;
  handle_unit: LimitUnit;
  urgency: Generated<'normal' | 'urgent' | 'critical'>;
  route: Generated<'rules' | 'street'>;
  check_required: Generated<boolean>;
  keywords: Generated<string>;
  active: Generated<boolean>;
  updated_at: Generated<Date>;
  attributes: ColumnType<CategoryAttribute[], string | undefined, string>;
  /** 公开范围 (0016): what the public may see of this category's cases. */
  publication: Generated<'none' | 'status' | 'text'>;
  publish_hotline: Generated<boolean>;
  point_precision: Generated<'exact' | 'grid'>;
}

/** An extra field a category asks for (an Open311 service attribute). */
export interface CategoryAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  values?: { key: string; name: string }[];
}

type JsonOf<T extends object | null> = JSONColumnType<T, string | null, string | null>;

export interface CasesTable {
  id: Generated<string>;
  number: string;
  tracking_code: string;
  kind: string;
  category_code: string;
  state: string;
  version: Generated<number>;
  source: string;
  title: string;
  description: Generated<string>;
  address: Generated<string>;
  lon: number | null;
  lat: number | null;
  area_code: string;
  suggested_unit_id: string | null;
  assigned_unit_id: string | null;
  /** 承办人: the member of the assigned unit who does the work (0014); cleared when the unit changes. */
  assigned_user_id: Generated<string | null>;
  dispatch_mode: string | null;
  due_at: Timestamp | null;
  step_started_at: Timestamp | null;
  step_unit: string | null;
  suspended_at: Timestamp | null;
  checked: Generated<boolean>;
  rework_count: Generated<number>;
  reopen_count: Generated<number>;
  extended_days: Generated<number>;
  extension_requested: JsonOf<{ limit: { value: number; unit: LimitUnit }; reason: string } | null>;
  rating: string | null;
  whistle: JsonOf<{
    reportDueAt: string;
    units: {
      unitId: string;
      lead: boolean;
      reportedAt: string | null;
      late: boolean | null;
      rating: number | null;
    }[];
  } | null>;
  merged_into: string | null;
  reporter: JsonOf<{ name?: string; phone?: string } | null>;
  created_by: string | null;
  created_unit_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  last_hash: string;
  attributes: ColumnType<Record<string, string | string[]>, string | undefined, string>;
  media_url: string | null;
}

/** Per-day counters of what the indicators count (0020_cases.sql, cases/rollup.ts). */
export interface CaseRollupsTable {
  metric: number;
  settled: number;
  stamp: number;
  area_code: string;
  unit_id: Generated<string>;
  user_id: Generated<string>;
  kind: string;
  n: number;
}

export interface CaseRollupsMonthlyTable {
  metric: number;
  settled: number;
  stamp: number;
  street: string;
  unit_id: Generated<string>;
  user_id: Generated<string>;
  kind: string;
  n: number;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: string;
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  actor_unit_id: string | null;
  lon: number | null;
  lat: number | null;
  note: string | null;
  evidence: string[];
  payload: JsonOf<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyKeysTable {
  owner: string;
  key: string;
  request_hash: string;
  status: number;
  response: JsonOf<object>;
  created_at: Generated<Date>;
}

export interface AttachmentsTable {
  hash: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnail: Generated<boolean>;
  original_name: Generated<string>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface SavedViewsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  filters: JsonOf<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface NotificationsTable {
  id: Generated<number>;
  ref: string | null;
  unit_id: string;
  /** For one person of the unit only; null = the whole unit's inbox (0014). */
  user_id: Generated<string | null>;
  case_id: string | null;
  kind: string;
  message: string;
  params: JsonOf<Record<string, string> | null>;
  created_at: Generated<Date>;
  read_at: Timestamp | null;
}

export interface NotificationPrefsTable {
  user_id: string;
  muted_kinds: Generated<string[]>;
  updated_at: Generated<Date>;
}

export interface RoutingModelsTable {
  id: Generated<number>;
  created_at: Generated<Date>;
  source: 'catalogue' | 'cases';
  status: 'active' | 'rejected' | 'retired';
  trained_on: number;
  closed_cases: number;
  held_out: Generated<number>;
  top1: number | null;
  previous_top1: number | null;
  reason: Generated<string>;
  model: string;
}

export interface RoutingSuggestionsTable {
  id: Generated<number>;
  created_at: Generated<Date>;
  channel: 'hotline' | 'staff' | 'portal' | 'open311';
  user_id: string | null;
  model_id: number | null;
  suggested: string[];
  confidence: number[];
  reason: string | null;
  chosen_category: string | null;
  accepted: boolean | null;
  case_id: string | null;
  chosen_at: Timestamp | null;
}

export interface JobsTable {
  id: Generated<number>;
  type: string;
  payload: JsonOf<Record<string, unknown>>;
  run_at: Timestamp;
  status: Generated<'pending' | 'done' | 'failed'>;
  attempts: Generated<number>;
  done_at: Timestamp | null;
  done_by: string | null;
  last_error: string | null;
}

export type TargetDocumentKind =
  | 'work_report'
  | 'five_year_plan'
  | 'people_projects'
  | 'instruction'
  | 'proposal';

export interface TargetDocumentsTable {
  id: Generated<string>;
  kind: TargetDocumentKind;
  title: string;
  year: number;
  area_code: string;
  text: string;
  report_day: Generated<number>;
  closed_at: Timestamp | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface TargetsTable {
  id: Generated<string>;
  document_id: string;
  status: Generated<'proposed' | 'accepted' | 'dropped'>;
  kind: 'target' | 'result';
  section: Generated<string>;
  indicator: string;
  measure: string | null;
  value: number;
  value_max: number | null;
  unit: string;
  period: string | null;
  quote: string;
  start_offset: number;
  end_offset: number;
  updated_at: Generated<Date>;
  rule: Generated<string>;
  proposed: JsonOf<ProposedItem> | null;
}

/** What the extractor proposed for an item, kept beside a reviewer's corrections (0025). */
export interface ProposedItem {
  kind: 'target' | 'result';
  indicator: string;
  measure: string | null;
  value: number;
  value_max: number | null;
  unit: string;
  period: string | null;
}

export interface PlanIndicatorsTable {
  id: Generated<string>;
  document_id: string;
  position: number;
  name: string;
  unit: Generated<string>;
  base_year: number;
  base_value: number | null;
  target_year: number;
  target_value: number;
  binding: boolean;
  row_text: string;
}

export interface PlanActualsTable {
  id: Generated<string>;
  indicator_id: string;
  year: number;
  value: number;
  source: 'statistical_bulletin' | 'department';
  source_note: Generated<string>;
  recorded_by: string | null;
  recorded_at: Generated<Date>;
}

export interface Milestone {
  due: string;
  progress: number;
}

export interface TargetTasksTable {
  id: Generated<string>;
  document_id: string;
  title: string;
  target_ids: string[];
  lead_unit_id: string;
  co_unit_ids: string[];
  leader: Generated<string>;
  /** `date` columns come back as 'YYYY-MM-DD' strings (see database.ts). */
  starts_on: string;
  deadline: string;
  milestones: JsonOf<Milestone[]>;
  created_at: Generated<Date>;
}

export interface ProgressReportsTable {
  id: Generated<string>;
  task_id: string;
  period: string;
  unit_id: string;
  progress: number;
  actual_value: number | null;
  narrative: string;
  evidence: string[];
  reported_by: string | null;
  created_at: Generated<Date>;
}

export interface UrgingsTable {
  id: Generated<string>;
  task_id: string;
  notice: string;
  created_by: string | null;
  created_at: Generated<Date>;
  response: string | null;
  responded_by: string | null;
  responded_at: Timestamp | null;
}

export interface DevicesTable {
  id: string;
  type: string;
  name: string;
  secret: string;
  area_code: string;
  lon: number | null;
  lat: number | null;
  user_id: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  /** The building (楼栋) it is installed in, for the emergency alarm rules (0024). */
  building: Generated<string | null>;
  high_rise: Generated<boolean>;
}

export interface DeviceMessagesTable {
  device_id: string;
  message_id: string;
  alarm_type: string;
  received_at: Generated<Date>;
  case_id: string | null;
}

export interface PublicSubmissionsTable {
  id: Generated<number>;
  kind: 'report' | 'upload' | 'rating';
  source: string;
  device: string;
  at: Generated<Date>;
}

/** Open311 test endpoint's requests (0021): never cases. */
export interface Open311SandboxRequestsTable {
  id: Generated<string>;
  number: string;
  token: string;
  api_key_id: string;
  jurisdiction: string;
  service_code: string;
  service_name: string;
  description: string;
  address: string;
  area_code: string;
  lon: number | null;
  lat: number | null;
  attributes: ColumnType<Record<string, string | string[]>, string | undefined, string>;
  media_url: string | null;
  status: Generated<'open' | 'closed'>;
  updates: ColumnType<SandboxUpdate[], string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface SandboxUpdate {
  id: string;
  description: string;
  at: string;
}

export interface GazetteerTable {
  id: Generated<string>;
  name: string;
  aliases: Generated<string>;
  area_code: string;
  lon: number;
  lat: number;
  created_by: string | null;
  updated_at: Generated<Date>;
}

export interface KbEntriesTable {
  id: Generated<string>;
  question: string;
  answer: string;
  tags: Generated<string>;
  owner_unit_id: string;
  review_on: string;
  active: Generated<boolean>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

/** 0017_evaluation.sql: assessment schemes per district and first month. */
export interface EvaluationSchemesTable {
  district: string;
  period: string;
  scheme: JsonOf<Record<string, unknown>>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export type RiskGrade = 'high' | 'elevated' | 'medium' | 'low';
export type HazardState = 'registered' | 'assigned' | 'rectifying' | 'applied' | 'rechecked' | 'closed';

export interface SafetyPlacesTable {
  id: Generated<string>;
  name: string;
  credit_code: string | null;
  address: Generated<string>;
  lon: number | null;
  lat: number | null;
  area_code: string;
  industry: string;
  risk_grade: RiskGrade;
  contacts: JsonOf<{ name: string; phone: string; role: string }[]>;
  last_inspected_on: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HazardsTable {
  id: Generated<string>;
  place_id: string;
  area_code: string;
  industry: string;
  class: string;
  grade: 'general' | 'major';
  major_level: number | null;
  found_by: 'self_check' | 'inspection' | 'citizen_report' | 'device';
  description: string;
  photos: Generated<string[]>;
  measures: Generated<string>;
  responsible_person: Generated<string>;
  deadline: Timestamp;
  funds: number | null;
  listed_level: 'district' | 'city' | 'province' | null;
  state: Generated<HazardState>;
  assigned_unit_id: string | null;
  supervising_unit_id: string | null;
  case_id: string | null;
  inspection_target_id: string | null;
  escalated_at: Timestamp | null;
  rectified_at: Timestamp | null;
  closed_at: Timestamp | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface HazardEventsTable {
  id: Generated<string>;
  hazard_id: string;
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  note: string | null;
  payload: JsonOf<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface InspectionRosterEntry {
  id: string;
  name: string;
  unit: string;
  conflicts: string[];
}

export interface InspectionPlansTable {
  id: Generated<string>;
  title: string;
  area_code: string;
  filters: JsonOf<{
    industries: string[];
    grades: RiskGrade[];
    areaCode: string;
    excludeInspectedMonths: number;
  }>;
  target_count: number;
  different_units: Generated<boolean>;
  roster: JsonOf<InspectionRosterEntry[]>;
  seed: string;
  pool: JsonOf<{ id: string; grade: RiskGrade }[] | null>;
  drawn_at: Timestamp | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface InspectionTargetsTable {
  id: Generated<string>;
  plan_id: string;
  place_id: string;
  position: number;
  stratum: string;
  inspectors: JsonOf<{ id: string; name: string; unit: string }[]>;
  result: 'no_problem' | 'hazards_found' | 'not_found' | null;
  result_note: string | null;
  inspected_on: string | null;
  /** 0023: photos taken at the target (attachment hashes) and who entered the result. */
  photos: Generated<string[]>;
  inspected_by: string | null;
}

/** A month of notifications dumped to a file by retention (0028). */
export interface HistoryDumpsTable {
  id: Generated<number>;
  table_name: string;
  partition_name: string;
  rows: number;
  file: string;
  sha256: string;
  dumped_at: Generated<Date>;
}

export interface DB extends EmergencyTables {
  schema_migrations: SchemaMigrationsTable;
  safety_places: SafetyPlacesTable;
  hazards: HazardsTable;
  hazard_events: HazardEventsTable;
  inspection_plans: InspectionPlansTable;
  inspection_targets: InspectionTargetsTable;
  audit_log: AuditLogTable;
  /** Audit rows moved out of detached month partitions by retention (0028; same columns, same chain). */
  audit_log_archive: AuditLogTable;
  settings: SettingsTable;
  areas: AreasTable;
  units: UnitsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  api_keys: ApiKeysTable;
  login_attempts: LoginAttemptsTable;
  responsibility_rules: ResponsibilityRulesTable;
  categories: CategoriesTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  /** Events moved out of detached month partitions by retention (0028). */
  case_events_archive: CaseEventsTable;
  /** A view: case_events ∪ case_events_archive, every event of a case (reads that need the whole chain). */
  case_history: CaseEventsTable;
  case_rollups: CaseRollupsTable;
  case_rollups_monthly: CaseRollupsMonthlyTable;
  idempotency_keys: IdempotencyKeysTable;
  attachments: AttachmentsTable;
  saved_views: SavedViewsTable;
  notifications: NotificationsTable;
  notifications_archive: NotificationsTable;
  history_dumps: HistoryDumpsTable;
  notification_prefs: NotificationPrefsTable;
  jobs: JobsTable;
  routing_models: RoutingModelsTable;
  routing_suggestions: RoutingSuggestionsTable;
  target_documents: TargetDocumentsTable;
  targets: TargetsTable;
  plan_indicators: PlanIndicatorsTable;
  plan_actuals: PlanActualsTable;
  target_tasks: TargetTasksTable;
  progress_reports: ProgressReportsTable;
  urgings: UrgingsTable;
  devices: DevicesTable;
  device_messages: DeviceMessagesTable;
  public_submissions: PublicSubmissionsTable;
  open311_sandbox_requests: Open311SandboxRequestsTable;
  gazetteer: GazetteerTable;
  kb_entries: KbEntriesTable;
  evaluation_schemes: EvaluationSchemesTable;
}
