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

/** Who is calling: a logged-in user (cookie session) or a machine client (API token). */
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
