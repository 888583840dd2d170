/** A small typed client for the Wangge API: JSON, same-origin cookies, the CSRF header on writes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken = '';
let language = 'zh-CN';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}
export function setApiLanguage(lang: string): void {
  language = lang;
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'error', err?.message ?? res.statusText, err?.details);
  }
  return data as T;
}

export const get = <T>(url: string) => api<T>('GET', url);
export const post = <T>(url: string, body?: unknown) => api<T>('POST', url, body ?? {});
export const patch = <T>(url: string, body: unknown) => api<T>('PATCH', url, body);
export const del = (url: string) => api<void>('DELETE', url);

// ---- the shapes the server answers with (see /api/openapi.json) ----
export type Role =
  | 'inspector'
  | 'operator'
  | 'shift_lead'
  | 'dispatcher'
  | 'handler'
  | 'supervisor'
  | 'leader'
  | 'admin';
export const ROLES: Role[] = [
  'inspector',
  'operator',
  'shift_lead',
  'dispatcher',
  'handler',
  'supervisor',
  'leader',
  'admin',
];
export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string | null;
  unitName: string | null;
  scope: string;
  scopeName: string;
  locale: 'zh-CN' | 'en';
}
export type Level = 'district' | 'street' | 'community' | 'grid';
export interface AreaNode {
  code: string;
  name: string;
  level: Level;
  children?: AreaNode[];
}
export interface AreaDetail {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  ancestors: { code: string; name: string; level: Level }[];
  synthetic: boolean;
  bbox: [number, number, number, number] | null;
}
export type UnitType = 'command_center' | 'department' | 'street_office' | 'community' | 'hotline_center';
export interface Unit {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  type: UnitType;
  areaCode: string;
  parentId: string | null;
  active: boolean;
}
export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string | null;
  unitName: string | null;
  scope: string;
  active: boolean;
  lockedUntil: string | null;
}
export interface Rule {
  id: string;
  position: number;
  categoryPattern: string;
  areaPrefix: string;
  unitId: string;
  unitName: string;
  note: string;
}
export interface AuditRow {
  id: number;
  at: string;
  actorName: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}
export interface MapSettings {
  tileUrl: string | null;
  attribution: string | null;
  center: [number, number];
  zoom: number;
}
