/** Kysely table types: the TypeScript face of `migrations/*.sql` (kept in step by the database tests). */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

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

export interface DB {
  schema_migrations: SchemaMigrationsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  areas: AreasTable;
  units: UnitsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  responsibility_rules: ResponsibilityRulesTable;
}
