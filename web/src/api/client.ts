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

export async function api<T>(
  method: string,
  url: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language, ...extraHeaders };
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
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

/** Uploads one file (photo or PDF) and answers its content hash, the name later requests refer to it by. */
export function uploadFile(file: Blob, name: string): Promise<StoredFile> {
  const form = new FormData();
  form.append('file', file, name);
  return api<StoredFile>('POST', '/api/attachments', form);
}

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

// ---- cases ----
export type TimeUnit = 'work_hour' | 'work_day' | 'natural_hour' | 'natural_day';
export interface Limit {
  value: number;
  unit: TimeUnit;
}
export interface Category {
  code: string;
  kind: string;
  majorCode: string;
  minorCode: string;
  majorName: string;
  majorNameEn: string;
  name: string;
  nameEn: string;
  filingCriterion: string;
  closingCriterion: string;
  fileLimit: Limit;
  signLimit: Limit;
  handleLimit: Limit;
  urgency: 'normal' | 'urgent' | 'critical';
  route: 'rules' | 'street';
  checkRequired: boolean;
  keywords: string;
  active: boolean;
  attributes: CategoryAttribute[];
}
export interface CategoryAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  values?: { key: string; name: string }[];
}
export type Deadline = 'none' | 'green' | 'yellow' | 'red';
export interface WhistleUnit {
  unitId: string;
  lead: boolean;
  reportedAt: string | null;
  late: boolean | null;
  rating: number | null;
  unitName?: string | null;
}
export interface Whistle {
  reportDueAt: string;
  units: WhistleUnit[];
}
export interface CaseSummary {
  id: string;
  number: string;
  kind: string;
  categoryCode: string;
  categoryName: string;
  state: string;
  version: number;
  title: string;
  address: string;
  areaCode: string;
  areaName: string;
  lon: number | null;
  lat: number | null;
  assignedUnitId: string | null;
  assignedUnitName: string | null;
  dueAt: string | null;
  deadline: Deadline;
  urgency: string;
  createdAt: string;
  whistle?: Whistle | null;
}
export interface CaseEvent {
  seq: number;
  type: string;
  fromState: string | null;
  toState: string;
  at: string;
  actorName: string;
  actorRole: string;
  actorUnitName: string | null;
  note: string | null;
  evidence: string[];
  payload: Record<string, unknown>;
  hash: string;
}
export interface CaseDetail extends CaseSummary {
  trackingCode: string;
  description: string;
  source: string;
  suggestedUnitId: string | null;
  suggestedUnitName: string | null;
  dispatchMode: string | null;
  checked: boolean;
  reworkCount: number;
  reopenCount: number;
  extensionRequested: { limit: Limit; reason: string } | null;
  rating: string | null;
  whistle: Whistle | null;
  mergedInto: string | null;
  merged: { id: string; number: string; title: string }[];
  reporter: { name?: string; phone?: string } | null;
  reporterHidden: boolean;
  category: Category;
  attributes: Record<string, string | string[]>;
  mediaUrl: string | null;
  events: CaseEvent[];
  actions: string[];
  chainValid: boolean;
}
export interface StoredFile {
  hash: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnail: boolean;
}
export interface Duplicate {
  id: string;
  number: string;
  title: string;
  state: string;
  distanceM: number | null;
  similarity: number;
}
export interface SavedView {
  id: string;
  name: string;
  filters: Record<string, string>;
}
export interface Located {
  point: { lon: number; lat: number };
  grid: { code: string; name: string };
  community: { code: string; name: string };
  street: { code: string; name: string };
  district: { code: string; name: string };
}

// ---- targets (督查督办) ----
export type Rag = 'green' | 'yellow' | 'red';
export interface TargetItem {
  id: string;
  status: 'proposed' | 'accepted' | 'dropped';
  kind: 'target' | 'result';
  section: string;
  indicator: string;
  measure: string | null;
  value: number;
  valueMax: number | null;
  unit: string;
  period: string | null;
  quote: string;
  start: number;
  end: number;
}
export interface TargetDocument {
  id: string;
  kind: string;
  title: string;
  year: number;
  areaCode: string;
  reportDay: number;
  closed: boolean;
  createdAt: string;
  items: number;
  accepted: number;
}
export interface TargetDocumentDetail extends TargetDocument {
  text: string;
  targets: TargetItem[];
}
export interface SupervisedTask {
  id: string;
  documentId: string;
  title: string;
  targetIds: string[];
  leadUnitId: string;
  leadUnitName: string;
  coUnitIds: string[];
  leader: string;
  startsOn: string;
  deadline: string;
  milestones: { due: string; progress: number }[];
  section: string;
  status: Rag;
  reason: string;
  planned: number;
  actual: number;
  reportLate: boolean;
  reports: {
    period: string;
    progress: number;
    actualValue: number | null;
    narrative: string;
    unitName: string;
    createdAt: string;
  }[];
  urgings: { id: string; notice: string; createdAt: string; response: string | null }[];
}
export interface Rollup {
  name: string;
  status: Rag;
  green: number;
  yellow: number;
  red: number;
}
export interface SupervisionBoard {
  today: string;
  tasks: SupervisedTask[];
  byUnit: Rollup[];
  bySection: Rollup[];
}
export interface AccountRow {
  targetId: string;
  section: string;
  indicator: string;
  measure: string | null;
  value: number;
  valueMax: number | null;
  unit: string;
  quote: string;
  outcome: number | null;
  met: boolean | null;
  tasks: number;
}
