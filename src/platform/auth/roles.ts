/** Staff roles (DESIGN.md "Who uses it") and the principal a request acts as. */
export const ROLES = [
  'inspector', // 网格员 / 监督员
  'operator', // 受理员
  'shift_lead', // 值班长
  'dispatcher', // 派遣员
  'handler', // 处置单位
  'supervisor', // 督办
  'leader', // 领导
  'admin', // 管理员
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}

/**
 * Who is calling: a logged-in user (cookie session) or a machine client (API token). Open311 API keys
 * are not principals of the staff API at all (see `ApiKeyPrincipal`).
 */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string | null;
  /** Area-code prefix the user may see and act in; '' means the whole installation. */
  scope: string;
  via: 'session' | 'token';
  /** Set for session principals: cookie-authenticated writes must echo it (CSRF). */
  csrfToken: string | null;
  sessionId: string | null;
}

/** What a route admits: anyone, any authenticated principal, or the listed roles. */
export type Access = 'public' | 'authenticated' | readonly Role[];

/** True when `code` lies inside the scope prefix. */
export function inScope(scope: string, code: string): boolean {
  return code.startsWith(scope);
}

/**
 * Whether a unit may be named by a caller of this scope (dispatch, summons, a task's units, an answer's
 * owner): units inside the scope, and units above it (the district departments serving a street), but
 * never a sibling street's or another district's.
 */
export function unitInScope(scope: string, unitAreaCode: string): boolean {
  return unitAreaCode.startsWith(scope) || scope.startsWith(unitAreaCode);
}

/**
 * A handling unit's staff (处置单位: only the `handler` role) see the cases sent to their unit — now or
 * before — or summoning it, not every case of their area; any other role sees by area scope.
 */
export function seesByUnitOnly(roles: readonly Role[]): boolean {
  return roles.length > 0 && roles.every((r) => r === 'handler');
}

/** An Open311 API key (接口密钥): valid only on its Open311 endpoint and in its jurisdiction. */
export interface ApiKeyPrincipal {
  keyId: string;
  name: string;
  endpoint: 'production' | 'test';
  /** The district code the key may file requests in. */
  jurisdiction: string;
  /** Who its requests are filed as: the Open311 machine account, confined to the jurisdiction. */
  filer: Principal;
}
