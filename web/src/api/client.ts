/**
 * The one client for the Wangge API, used by the console, the citizen portal and the field app.
 * Typed by `schema.d.ts`, which `npm run api:generate` derives from the server's own OpenAPI
 * description (/api/openapi.json); `npm test` fails when that file drifts from the server.
 * JSON, same-origin cookies, the CSRF header on writes, the server's error message on failure.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths };

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

/** The typed client: `ok(client.GET('/api/units'))`; paths, parameters and bodies are checked. */
export const client = createClient<paths>({ credentials: 'same-origin' });
client.use({
  onRequest({ request }) {
    if (!request.headers.has('accept-language')) request.headers.set('accept-language', language);
    if (request.method !== 'GET') request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

type ErrorBody = { error?: { code?: string; message?: string; details?: unknown } } | null | undefined;

/** The answer of a typed call, or an ApiError carrying the server's code and (localized) message. */
export async function ok<D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const err = (typeof error === 'object' ? (error as ErrorBody) : null)?.error;
    throw new ApiError(
      response.status,
      err?.code ?? 'error',
      err?.message ?? response.statusText,
      err?.details,
    );
  }
  return data as D;
}

/**
 * An untyped call through the same client, for URLs built at run time (the field app's outbox) and
 * routes whose answer has no schema yet. Prefer `ok(client.GET(...))`.
 */
export function api<T>(
  method: string,
  url: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const untyped = client.request as unknown as (
    method: string,
    url: string,
    init: { body?: unknown; headers: Record<string, string> },
  ) => Promise<{ data?: T; error?: unknown; response: Response }>;
  return ok(untyped(method.toLowerCase(), url, { body, headers: extraHeaders }));
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

// ---- the shapes the server answers with, read from the generated schema ----
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Answer<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer A }
      ? Json<A>
      : never
  : never;
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
/** What `method path` answers on success, e.g. `Answer<'get', '/api/units'>`. */
export type ApiAnswer<M extends Method, P extends keyof paths> = Answer<paths[P][M]>;
/** The JSON body `method path` takes. */
export type ApiBody<M extends Method, P extends keyof paths> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type Item<T> = T extends readonly (infer I)[] ? I : never;

export type Me = ApiAnswer<'get', '/api/auth/me'>['user'];
export type Role = Me['roles'][number];
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
export type AreaNode = components['schemas']['AreaNode'];
// Fixed-length arrays travel as plain arrays in OpenAPI 3.0; the server sends exactly these lengths.
type BBox = [number, number, number, number];
export type AreaDetail = Omit<ApiAnswer<'get', '/api/areas/{code}'>, 'bbox'> & { bbox: BBox | null };
export type Level = AreaDetail['level'];
export type Unit = Item<ApiAnswer<'get', '/api/units'>>;
export type UnitType = Unit['type'];
export type User = Item<ApiAnswer<'get', '/api/users'>>;
export type Rule = Item<ApiAnswer<'get', '/api/rules'>>;
export type AuditRow = Item<ApiAnswer<'get', '/api/audit'>>;
export type MapSettings = Omit<ApiAnswer<'get', '/api/settings/map'>, 'center'> & {
  center: [number, number];
};

// ---- cases ----
export type Category = Item<ApiAnswer<'get', '/api/categories'>>;
export type Limit = Category['fileLimit'];
export type TimeUnit = Limit['unit'];
export type CategoryAttribute = Category['attributes'][number];
// The case schemas leave `whistle` and `extensionRequested` as unknown (z.unknown() in
// src/modules/cases/cases.schemas.ts); until they are described there, the console reads them as:
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
type ApiCase = Item<ApiAnswer<'get', '/api/cases'>['items']>;
export type CaseSummary = Omit<ApiCase, 'whistle'> & { whistle?: Whistle | null };
export type Deadline = CaseSummary['deadline'];
type ApiCaseDetail = ApiAnswer<'get', '/api/cases/{id}'>;
export type CaseDetail = Omit<ApiCaseDetail, 'whistle' | 'extensionRequested'> & {
  whistle: Whistle | null;
  extensionRequested: { limit: Limit; reason: string } | null;
};
export type CaseEvent = CaseDetail['events'][number];
export type StoredFile = ApiAnswer<'post', '/api/attachments'>;
export type Duplicate = Item<ApiAnswer<'get', '/api/cases/duplicates'>>;
export type RouteSuggestion = ApiAnswer<'post', '/api/cases/suggest'>;
export type SavedView = Item<ApiAnswer<'get', '/api/case-views'>>;
export type Located = ApiAnswer<'get', '/api/locate'>;

// ---- targets (督查督办) ----
export type TargetDocument = Item<ApiAnswer<'get', '/api/targets/documents'>>;
export type TargetDocumentDetail = ApiAnswer<'get', '/api/targets/documents/{id}'>;
export type TargetItem = TargetDocumentDetail['targets'][number];
export type PlanReview = ApiAnswer<'get', '/api/targets/plans/{id}/review'>;
export type PlanIndicator = PlanReview['indicators'][number];
export type SupervisionBoard = ApiAnswer<'get', '/api/targets/board'>;
export type SupervisedTask = SupervisionBoard['tasks'][number];
export type Rollup = SupervisionBoard['byUnit'][number];
export type Rag = SupervisedTask['status'];
export type AccountRow = Item<ApiAnswer<'get', '/api/targets/documents/{id}/account'>>;
