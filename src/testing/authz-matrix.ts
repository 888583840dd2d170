/**
 * The authorization matrix as data: for every route, every principal (anonymous, the Open311 API key,
 * one user per staff role) and every probe record (inside / outside the caller's area, unit or case
 * kind), the answer we expect. The table is `authz-matrix.json` beside this file; it is reviewed like
 * code, its skeleton is (re)generated from the route table by `scripts/authz-matrix.ts`, and
 * `authz-matrix.test.ts` asserts every cell on both stores.
 */
import type { Access } from '../platform/auth/roles.js';

export const MATRIX_FILE = 'src/testing/authz-matrix.json';

/** The columns of every row, in this order. */
export const PRINCIPALS = [
  'anonymous',
  'api_key',
  'inspector',
  'operator',
  'shift_lead',
  'dispatcher',
  'handler',
  'supervisor',
  'leader',
  'admin',
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

/**
 * One cell: the exact HTTP status, `403:scope_outside` for a status with its error code, or for list and search routes `listed` / `absent` (200 and the probe
 * record is / is not among the results). `TODO` marks a generated cell nobody has decided yet.
 */
export type Cell = number | `${number}:${string}` | 'listed' | 'absent' | 'TODO';

/** How a personal-data field comes back: in clear, masked (138****1234), left out, or `-` (no 200). */
export type FieldView = 'clear' | 'masked' | 'hidden' | '-';

export interface MatrixRow {
  /** The access the route declares in code (refreshed by the generator; for the reviewer). */
  declared: Access | 'none';
  /** What the probe request sends, and anything a reviewer needs to read the cells. */
  probe: string;
  /** Variant (probe record) → one cell per principal, in `principals` order. */
  cells: Record<string, Cell[]>;
  /** Personal-data fields of the answer → variant → how each principal sees it. */
  fields?: Record<string, Record<string, FieldView[]>>;
}

export interface AuthzMatrix {
  $comment?: string[];
  principals: PrincipalName[];
  routes: Record<string, MatrixRow>;
}

export function routeKey(method: string, url: string): string {
  return `${method} ${url}`;
}

/** Stable, diff-friendly JSON: routes sorted by URL then method, each cell list on one line. */
export function serializeMatrix(m: AuthzMatrix): string {
  const order = (k: string) => {
    const [method = '', url = ''] = k.split(' ');
    return `${url} ${method}`;
  };
  const keys = Object.keys(m.routes).sort((a, b) => order(a).localeCompare(order(b)));
  const routes: Record<string, MatrixRow> = {};
  for (const k of keys) {
    const r = m.routes[k];
    if (r) routes[k] = r;
  }
  return `${JSON.stringify({ ...m, routes }, null, 2)}\n`;
}
