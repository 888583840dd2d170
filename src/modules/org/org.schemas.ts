/** Request and response schemas of the org module (validation, types and OpenAPI from one source). */
import { z } from 'zod';
import { ROLES } from '../../platform/auth/roles.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[<>]/.test(s), 'must not contain < or >');

export const AreaPrefix = z
  .string()
  .regex(/^(\d{6}(\d{3}(\d{3}(\d{3})?)?)?)?$/, 'an area code of 6, 9, 12 or 15 digits');
export const Uuid = z.uuid();
export const IdParams = z.object({ id: Uuid });
export const RoleSchema = z.enum(ROLES);
export const UnitType = z.enum([
  'command_center',
  'department',
  'street_office',
  'community',
  'hotline_center',
]);

export const LoginBody = z.object({
  username: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});

export const Me = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  scope: z.string(),
  scopeName: z.string(),
  locale: z.enum(['zh-CN', 'en']),
  /** 单位负责人: may assign the unit's cases to its members. */
  unitHead: z.boolean(),
});
export const MeResponse = z.object({ user: Me, csrfToken: z.string() });

export const Unit = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  type: UnitType,
  areaCode: z.string(),
  parentId: z.string().nullable(),
  active: z.boolean(),
});
export type Unit = z.infer<typeof Unit>;
export const UnitCreate = z.object({
  code: z.string().regex(/^[A-Za-z0-9_.-]{2,40}$/, 'letters, digits, . _ - (2–40)'),
  name: text(100),
  nameEn: z.string().trim().max(200).default(''),
  type: UnitType,
  areaCode: AreaPrefix.refine((s) => s.length > 0, 'required'),
  parentId: Uuid.nullable().default(null),
});
export const UnitPatch = UnitCreate.partial().extend({ active: z.boolean().optional() });

const Password = z.string().min(10, 'at least 10 characters').max(200);
export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  scope: z.string(),
  active: z.boolean(),
  lockedUntil: z.string().nullable(),
  /** 单位负责人: may assign the unit's cases to its members (set by administrators). */
  unitHead: z.boolean(),
});
export type User = z.infer<typeof User>;
export const UserCreate = z.object({
  username: z.string().regex(/^[a-z0-9_.-]{3,40}$/, 'lower-case letters, digits, . _ - (3–40)'),
  displayName: text(60),
  password: Password,
  roles: z.array(RoleSchema).min(1).max(8),
  unitId: Uuid.nullable().default(null),
  scope: AreaPrefix,
  unitHead: z.boolean().default(false),
});
export const UserPatch = z.object({
  displayName: text(60).optional(),
  password: Password.optional(),
  roles: z.array(RoleSchema).min(1).max(8).optional(),
  unitId: Uuid.nullable().optional(),
  scope: AreaPrefix.optional(),
  active: z.boolean().optional(),
  unitHead: z.boolean().optional(),
});

export const TokenCreate = z.object({ name: text(60) });
export const Token = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export const NewToken = z.object({ id: z.string(), name: z.string(), token: z.string() });

export const Rule = z.object({
  id: z.string(),
  position: z.number(),
  categoryPattern: z.string(),
  areaPrefix: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  note: z.string(),
});
export type Rule = z.infer<typeof Rule>;
export const RuleCreate = z.object({
  position: z.number().int().min(0).max(1_000_000).optional(),
  categoryPattern: z
    .string()
    .regex(/^(\*|[a-z]+(\.\d{2,6})?)$/, "'*' or a category code prefix such as event.01"),
  areaPrefix: AreaPrefix,
  unitId: Uuid,
  note: z.string().trim().max(500).default(''),
});
export const RulePatch = RuleCreate.partial();

export const AuditQuery = z.object({
  entity: z.string().max(40).optional(),
  entityId: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const AuditRow = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

// ---------- Open311 API keys ----------

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  /** The key's first characters, to recognise it; the key itself is shown only when made or rotated. */
  prefix: z.string(),
  endpoint: z.enum(['production', 'test']),
  jurisdiction: z.string(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyT = z.infer<typeof ApiKey>;
export const NewApiKey = ApiKey.extend({ key: z.string() });
export const ApiKeyCreate = z.object({
  name: z.string().trim().min(1).max(60),
  endpoint: z.enum(['production', 'test']).default('production'),
  jurisdiction: z.string().regex(/^\d{6}$/, 'a district code (6 digits)'),
});
export type ApiKeyCreateT = z.infer<typeof ApiKeyCreate>;
