/**
 * The probe request of every route × variant of the authorization matrix (org, places, cases here;
 * targets and channels in authz-probes-work.ts), over the records and principals of authz-fixtures.ts.
 * A route in the matrix without a probe fails the test.
 */

import { CSRF_HEADER, SESSION_COOKIE } from '../platform/http/app.js';
import { multipart, nextAddress } from './api.js';
import {
  type Build,
  CASE_VARIANTS,
  colour,
  type Fixtures,
  idsIn,
  listsCase,
  MATRIX_PASSWORD,
  ok,
  perCase,
  png,
  STREET_A,
  STREET_B,
  uniq,
} from './authz-fixtures.js';
import { EMERGENCY_PROBES } from './authz-probes-emergency.js';
import { EVALUATION_PROBES } from './authz-probes-evaluation.js';
import { ROUTING_PROBES } from './authz-probes-routing.js';
import { SAFETY_PROBES } from './authz-probes-safety.js';
import { WORK_PROBES } from './authz-probes-work.js';
import type { CellCentre } from './grid-cells.js';

const PROBE_YEAR = { holidays: [{ date: '2099-01-01', name: '元旦' }], workdays: [] };
const PROBE_YEAR_2098 = { holidays: [{ date: '2098-01-01', name: '元旦' }], workdays: [] };

export const PROBES: Record<string, Record<string, Build>> = {
  // ---- org: auth ----
  'POST /api/auth/login': {
    any: () => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'm_leader', password: MATRIX_PASSWORD },
      noCredentials: true,
    }),
  },
  'GET /api/auth/me': { any: () => ({ method: 'GET', url: '/api/auth/me' }) },
  'POST /api/auth/logout': {
    // A fresh session of the same user is logged out, so the caller's own session lives on.
    any: async (fx, as) => {
      if (as === 'anonymous' || as === 'api_key') return { method: 'POST', url: '/api/auth/logout' };
      const username = as === 'admin' ? 'admin' : `m_${as}`;
      const password = as === 'admin' ? fx.ctx.seed.password : MATRIX_PASSWORD;
      const res = await fx.ctx.server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
        remoteAddress: nextAddress(),
      });
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
      return {
        method: 'POST',
        url: '/api/auth/logout',
        noCredentials: true,
        headers: {
          cookie: `${SESSION_COOKIE}=${cookie?.value}`,
          [CSRF_HEADER]: res.json().csrfToken,
        },
      };
    },
  },
  // ---- org: units, users, tokens, rules, audit ----
  'GET /api/units': {
    in: (fx) => ({ method: 'GET', url: '/api/units', find: (j) => idsIn(j).includes(fx.unitA) }),
    out: (fx) => ({ method: 'GET', url: '/api/units', find: (j) => idsIn(j).includes(fx.unitB) }),
  },
  'GET /api/units/:id': {
    in: (fx) => ({ method: 'GET', url: `/api/units/${fx.unitA}` }),
    out: (fx) => ({ method: 'GET', url: `/api/units/${fx.unitB}` }),
  },
  'POST /api/units': {
    in: (fx) => ({
      method: 'POST',
      url: '/api/units',
      payload: { code: `m-${uniq(fx)}`, name: '探针单位', type: 'department', areaCode: STREET_A },
    }),
  },
  'PATCH /api/units/:id': {
    in: (fx) => ({ method: 'PATCH', url: `/api/units/${fx.unitA}`, payload: { nameEn: 'Street Office A' } }),
  },
  'DELETE /api/units/:id': {
    in: async (fx) => {
      const made = await ok(
        fx.admin.send({
          method: 'POST',
          url: '/api/units',
          payload: { code: `d-${uniq(fx)}`, name: '待撤销单位', type: 'department', areaCode: STREET_A },
        }),
        'unit to delete',
      );
      return { method: 'DELETE', url: `/api/units/${made.json.id}` };
    },
  },
  'GET /api/users': { any: () => ({ method: 'GET', url: '/api/users' }) },
  'POST /api/users': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: `p_${uniq(fx)}`,
        displayName: '探针用户',
        password: MATRIX_PASSWORD,
        roles: ['inspector'],
        unitId: fx.unitA,
        scope: STREET_A,
      },
    }),
  },
  'PATCH /api/users/:id': {
    any: (fx) => ({
      method: 'PATCH',
      url: `/api/users/${fx.users.leader}`,
      payload: { displayName: '矩阵 leader' },
    }),
  },
  'GET /api/users/:id/tokens': {
    any: (fx) => ({ method: 'GET', url: `/api/users/${fx.users.leader}/tokens` }),
  },
  'POST /api/users/:id/tokens': {
    any: (fx) => ({
      method: 'POST',
      url: `/api/users/${fx.users.leader}/tokens`,
      payload: { name: `probe ${uniq(fx)}` },
    }),
  },
  'DELETE /api/tokens/:id': {
    any: async (fx) => {
      const made = await ok(
        fx.admin.send({
          method: 'POST',
          url: `/api/users/${fx.users.leader}/tokens`,
          payload: { name: `to revoke ${uniq(fx)}` },
        }),
        'token',
      );
      return { method: 'DELETE', url: `/api/tokens/${made.json.id}` };
    },
  },
  'GET /api/rules': { any: () => ({ method: 'GET', url: '/api/rules' }) },
  'POST /api/rules': {
    in: (fx) => ({
      method: 'POST',
      url: '/api/rules',
      payload: { position: 5000, categoryPattern: 'event.05', areaPrefix: STREET_A, unitId: fx.unitA },
    }),
  },
  'PATCH /api/rules/:id': {
    in: async (fx) => {
      const made = await ok(
        fx.admin.send({
          method: 'POST',
          url: '/api/rules',
          payload: { position: 5001, categoryPattern: 'event.05', areaPrefix: STREET_A, unitId: fx.unitA },
        }),
        'rule',
      );
      return { method: 'PATCH', url: `/api/rules/${made.json.id}`, payload: { note: 'probe' } };
    },
  },
  'DELETE /api/rules/:id': {
    in: async (fx) => {
      const made = await ok(
        fx.admin.send({
          method: 'POST',
          url: '/api/rules',
          payload: { position: 5002, categoryPattern: 'event.05', areaPrefix: STREET_A, unitId: fx.unitA },
        }),
        'rule',
      );
      return { method: 'DELETE', url: `/api/rules/${made.json.id}` };
    },
  },
  // ---- Open311 API keys (a principal of their own, managed by administrators) ----
  'GET /api/api-keys': { any: () => ({ method: 'GET', url: '/api/api-keys' }) },
  'POST /api/api-keys': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: `probe ${uniq(fx)}`, endpoint: 'test', jurisdiction: '120101' },
    }),
  },
  'POST /api/api-keys/:id/rotate': {
    any: async (fx) => ({
      method: 'POST',
      url: `/api/api-keys/${await throwawayKey(fx)}/rotate`,
      payload: {},
    }),
  },
  'DELETE /api/api-keys/:id': {
    any: async (fx) => ({ method: 'DELETE', url: `/api/api-keys/${await throwawayKey(fx)}` }),
  },
  'GET /api/backups': { any: () => ({ method: 'GET', url: '/api/backups' }) },
  'POST /api/backups': { any: () => ({ method: 'POST', url: '/api/backups', payload: {} }) },
  'GET /api/backups/:name': {
    any: async (fx) => ({ method: 'GET', url: `/api/backups/${await oneBackup(fx)}` }),
  },
  'GET /api/audit': { any: () => ({ method: 'GET', url: '/api/audit?limit=5' }) },

  // ---- working calendar (probes change nothing a case counts with: far-off years, the default hours) ----
  'GET /api/calendar': { any: () => ({ method: 'GET', url: '/api/calendar' }) },
  'POST /api/calendar/parse': {
    any: () => ({
      method: 'POST',
      url: '/api/calendar/parse',
      payload: { year: 2099, format: 'notice', text: '一、元旦：1月1日至3日放假，共3天。' },
    }),
  },
  'PUT /api/calendar/years/:year': {
    any: () => ({ method: 'PUT', url: '/api/calendar/years/2099', payload: PROBE_YEAR }),
  },
  'DELETE /api/calendar/years/:year': {
    any: async (fx) => {
      await ok(
        fx.admin.send({ method: 'PUT', url: '/api/calendar/years/2098', payload: PROBE_YEAR_2098 }),
        'calendar year',
      );
      return { method: 'DELETE', url: '/api/calendar/years/2098' };
    },
  },
  'PUT /api/calendar/duty-hours/:district': {
    any: () => ({
      method: 'PUT',
      url: '/api/calendar/duty-hours/120101',
      payload: { periods: ['08:30-12:00', '13:30-17:30'] },
    }),
  },

  // ---- places ----
  'GET /api/areas/tree': { any: () => ({ method: 'GET', url: '/api/areas/tree' }) },
  'GET /api/areas/geojson': {
    any: () => ({ method: 'GET', url: `/api/areas/geojson?level=street` }),
  },
  'GET /api/areas/:code': {
    in: () => ({ method: 'GET', url: `/api/areas/${STREET_A}` }),
    out: () => ({ method: 'GET', url: `/api/areas/${STREET_B}` }),
  },
  'GET /api/areas/:code/children': {
    in: () => ({ method: 'GET', url: `/api/areas/${STREET_A}/children` }),
    out: () => ({ method: 'GET', url: `/api/areas/${STREET_B}/children` }),
  },
  'GET /api/locate': {
    in: (fx) => ({ method: 'GET', url: `/api/locate?lon=${fx.gridA.lon}&lat=${fx.gridA.lat}` }),
    out: (fx) => ({ method: 'GET', url: `/api/locate?lon=${fx.gridB.lon}&lat=${fx.gridB.lat}` }),
  },
  'POST /api/areas/grids/import': {
    // A schema-valid but empty collection: 400 means the access check passed and nothing was imported.
    any: () => ({
      method: 'POST',
      url: '/api/areas/grids/import',
      payload: { type: 'FeatureCollection', features: [] },
    }),
  },
  'GET /api/settings/map': { any: () => ({ method: 'GET', url: '/api/settings/map' }) },

  // ---- cases: catalogue ----
  'GET /api/categories': { any: () => ({ method: 'GET', url: '/api/categories' }) },
  'POST /api/categories': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/categories',
      payload: probeCategory(`event.99${String(fx.seq++ % 90).padStart(2, '0')}`),
    }),
  },
  'PATCH /api/categories/:code': {
    any: () => ({ method: 'PATCH', url: '/api/categories/event.0102', payload: { name: '暴露垃圾' } }),
  },
  'GET /api/categories/export.xlsx': { any: () => ({ method: 'GET', url: '/api/categories/export.xlsx' }) },
  'POST /api/categories/import': {
    // Not a workbook: 400 means the access check passed and nothing was imported.
    any: () => {
      const m = multipart('x.xlsx', Buffer.from('not a workbook'), 'application/octet-stream');
      return { method: 'POST', url: '/api/categories/import', payload: m.payload, headers: m.headers };
    },
  },

  // ---- cases ----
  'POST /api/cases': {
    in: (fx) => ({ method: 'POST', url: '/api/cases', payload: probeCase(fx.gridA) }),
    out: (fx) => ({ method: 'POST', url: '/api/cases', payload: probeCase(fx.gridB) }),
  },
  'GET /api/cases': Object.fromEntries(
    CASE_VARIANTS.map((v) => [
      v,
      (fx: Fixtures) => ({
        method: 'GET',
        url: `/api/cases?limit=50&q=${encodeURIComponent('矩阵探针')}`,
        find: listsCase(v)(fx),
      }),
    ]),
  ),
  'GET /api/cases/:id': perCase((c) => ({ method: 'GET', url: `/api/cases/${c.id}` })),
  'GET /api/cases/:id/reporter': perCase((c) => ({ method: 'GET', url: `/api/cases/${c.id}/reporter` })),
  'GET /api/cases/:id/verify': perCase((c) => ({ method: 'GET', url: `/api/cases/${c.id}/verify` })),
  'POST /api/cases/:id/transitions': {
    // A stale version: 409 means the case is visible and the write reached the version check.
    ...perCase((c) => ({
      method: 'POST',
      url: `/api/cases/${c.id}/transitions`,
      payload: { type: 'sign', version: 1 },
    })),
    // 派遣 to a unit of another street: outside a street dispatcher's scope. Version 2 (reported,
    // filed); nobody may make this dispatch, so it stays 2.
    'dispatch-unit-out': (fx) => ({
      method: 'POST',
      url: `/api/cases/${fx.cases.filed.id}/transitions`,
      payload: { type: 'dispatch', mode: 'manual', unitId: fx.unitB, version: 2 },
    }),
  },
  'GET /api/cases/duplicates': Object.fromEntries(
    (['own', 'out'] as const).map((v) => [
      v,
      (fx: Fixtures) => {
        const at = v === 'own' ? fx.gridA : fx.gridB;
        return {
          method: 'GET',
          url: `/api/cases/duplicates?category=event.0102&lon=${at.lon}&lat=${at.lat}&text=${encodeURIComponent('矩阵探针')}&radius=200`,
          find: listsCase(v)(fx),
        };
      },
    ]),
  ),
  'GET /api/cases/:id/assignees': perCase((c) => ({ method: 'GET', url: `/api/cases/${c.id}/assignees` })),
  // A version no case has: 409 means the case is visible and the write reached the version check.
  'POST /api/cases/:id/assignment': perCase((c) => ({
    method: 'POST',
    url: `/api/cases/${c.id}/assignment`,
    payload: { userId: c.id, version: 999 },
  })),
  // No probe user heads a unit: a visible case is refused for that (or its state), an invisible one as missing.
  'POST /api/cases/bulk': perCase((c) => ({
    method: 'POST',
    url: '/api/cases/bulk',
    payload: { action: 'assign', ids: [c.id], userId: c.id },
    find: (j) =>
      (j as { results: { error?: { code: string } }[] }).results[0]?.error?.code !== 'case_not_found',
  })),
  // The selection export: listed when the case's row is there, with its reporter never in clear.
  'GET /api/cases/export.csv': perCase((c) => ({
    method: 'GET',
    url: `/api/cases/export.csv?ids=${c.id}`,
    find: (body) => typeof body === 'string' && body.includes(c.number) && !body.includes(c.phone),
  })),
  'GET /api/cases/export.xlsx': {
    any: () => ({ method: 'GET', url: '/api/cases/export.xlsx?area=120101001' }),
  },
  'GET /api/cases/whistle-board': { any: () => ({ method: 'GET', url: '/api/cases/whistle-board' }) },
  'POST /api/attachments': {
    // A photo of its own per caller: the probes of a row run together.
    any: async (fx) => {
      const m = multipart('p.png', await png(colour(fx)), 'image/png');
      return { method: 'POST', url: '/api/attachments', payload: m.payload, headers: m.headers };
    },
  },
  'GET /api/attachments/:hash': {
    own: (fx) => ({ method: 'GET', url: `/api/attachments/${fx.cases.own.evidence}` }),
    out: (fx) => ({ method: 'GET', url: `/api/attachments/${fx.cases.out.evidence}` }),
  },
  'GET /api/case-views': { any: () => ({ method: 'GET', url: '/api/case-views' }) },
  'POST /api/case-views': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/case-views',
      payload: { name: `v ${uniq(fx)}`, filters: { state: 'filed' } },
    }),
  },
  'DELETE /api/case-views/:id': {
    other: (fx) => ({ method: 'DELETE', url: `/api/case-views/${fx.viewOther}` }),
  },
  'GET /api/notifications': { any: () => ({ method: 'GET', url: '/api/notifications' }) },
  'POST /api/notifications/:id/read': {
    own: (fx) => ({ method: 'POST', url: `/api/notifications/${fx.noteA}/read`, payload: {} }),
    other: (fx) => ({ method: 'POST', url: `/api/notifications/${fx.noteB}/read`, payload: {} }),
  },
  'GET /api/notifications/unread-count': {
    any: () => ({ method: 'GET', url: '/api/notifications/unread-count' }),
  },
  'POST /api/notifications/read-all': {
    any: () => ({ method: 'POST', url: '/api/notifications/read-all', payload: {} }),
  },
  'GET /api/notifications/preferences': {
    any: () => ({ method: 'GET', url: '/api/notifications/preferences' }),
  },
  'PUT /api/notifications/preferences': {
    any: () => ({ method: 'PUT', url: '/api/notifications/preferences', payload: { muted: ['warning'] } }),
  },

  ...WORK_PROBES,
  ...EVALUATION_PROBES,
  ...ROUTING_PROBES,
  ...EMERGENCY_PROBES,
  ...SAFETY_PROBES,
};

const probeCase = (at: CellCentre) => ({
  categoryCode: 'event.0102',
  title: '探针上报',
  lon: at.lon,
  lat: at.lat,
});
function probeCategory(code: string) {
  const limit = { value: 1, unit: 'work_day' };
  return {
    code,
    kind: 'event',
    majorCode: code.slice(6, 8),
    minorCode: code.slice(8, 10),
    majorName: '探针',
    name: `探针${code}`,
    fileLimit: limit,
    signLimit: limit,
    handleLimit: limit,
  };
}

const backups = new WeakMap<Fixtures, Promise<string>>();
/** One archive per fixture, made by its administrator the first time a probe needs it. */
function oneBackup(fx: Fixtures): Promise<string> {
  let name = backups.get(fx);
  if (!name) {
    name = ok(fx.admin.send({ method: 'POST', url: '/api/backups', payload: {} }), 'backup').then(
      (r) => r.json.name as string,
    );
    backups.set(fx, name);
  }
  return name;
}

async function throwawayKey(fx: Fixtures): Promise<string> {
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: `throwaway ${uniq(fx)}`, endpoint: 'test', jurisdiction: '120101' },
    }),
    'api key',
  );
  return r.json.id;
}
