/**
 * The records and principals the authorization matrix probes: users with one role each, scoped to
 * 劝业场街道 (street A, 120101001) and its street office (unit A); cases inside and outside that street
 * and unit; and the probe request of every route × variant. Used by authz-matrix.test.ts only.
 */
import type { InjectOptions } from 'fastify';
import sharp from 'sharp';
import { CSRF_HEADER, SESSION_COOKIE } from '../platform/http/app.js';
import { type ApiContext, multipart, nextAddress } from './api.js';
import type { PrincipalName } from './authz-matrix.js';
import { type CellCentre, wholeCellCentres } from './grid-cells.js';

export const STREET_A = '120101001';
export const STREET_B = '120101002';
export const MATRIX_PASSWORD = 'matrix-password-2026';

export interface Req {
  method: InjectOptions['method'];
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  /** Send no credentials even for a logged-in principal (e.g. a fresh login). */
  noCredentials?: boolean;
  /** For `listed` / `absent` cells: whether the probe record is in the answer. */
  find?: (json: unknown) => boolean;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: reading JSON bodies in tests
  json: any;
}

export interface Caller {
  name: PrincipalName;
  send(r: Req): Promise<Answer>;
}

/**
 * The probe cases: `own` in street A sent to unit A; `area` in street A sent to another unit (城管委);
 * `out` in street B sent to unit B; `petition` in street A sent to unit A (so unit A is its petition
 * handling unit); `petition-xfb` in street A sent to the 信访办, the usual petition unit.
 */
export const CASE_VARIANTS = ['own', 'area', 'out', 'petition', 'petition-xfb'] as const;
export type CaseVariant = (typeof CASE_VARIANTS)[number];

interface CaseRef {
  id: string;
  number: string;
  trackingCode: string;
  phone: string;
  evidence: string;
}

export interface Fixtures {
  ctx: ApiContext;
  admin: Caller;
  open311Key: string;
  gridA: CellCentre;
  gridA2: CellCentre;
  gridB: CellCentre;
  unitA: string;
  unitB: string;
  unitCgw: string;
  unitXfb: string;
  users: Partial<Record<PrincipalName, string>>;
  cases: Record<CaseVariant | 'filed', CaseRef>;
  viewOther: string;
  docA: string;
  docB: string;
  taskA: string;
  taskB: string;
  urgingA: string;
  urgingB: string;
  /** Notifications of unit A and of unit B (the urgings above notify the tasks' units). */
  noteA: number;
  noteB: number;
  seq: number;
}

const idsIn = (json: unknown): string[] => {
  const items = Array.isArray(json) ? json : ((json as { items?: unknown[] } | null)?.items ?? []);
  return items.map((x) => String((x as { id?: unknown; number?: unknown }).id ?? ''));
};

/** A caller that sends the principal's credentials with every request, each from its own address. */
export function caller(
  ctx: ApiContext,
  name: PrincipalName,
  creds: { cookie?: string; csrf?: string; bearer?: string },
): Caller {
  return {
    name,
    async send(r) {
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      if (!r.noCredentials) {
        if (creds.cookie) headers.cookie = creds.cookie;
        if (creds.csrf) headers[CSRF_HEADER] = creds.csrf;
        if (creds.bearer) headers.authorization = `Bearer ${creds.bearer}`;
      }
      const res = await ctx.server.app.inject({
        method: r.method,
        url: r.url,
        headers,
        remoteAddress: nextAddress(),
        ...(r.payload === undefined ? {} : { payload: r.payload as string }),
      });
      let json: unknown = null;
      try {
        json = res.body ? JSON.parse(res.body) : null;
      } catch {
        json = null;
      }
      return { status: res.statusCode, json };
    },
  };
}

export async function loginCaller(ctx: ApiContext, name: PrincipalName, username: string, password: string) {
  const res = await ctx.server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: nextAddress(),
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  return caller(ctx, name, { cookie: `${SESSION_COOKIE}=${cookie?.value}`, csrf: res.json().csrfToken });
}

async function ok(a: Answer | Promise<Answer>, what: string): Promise<Answer> {
  const r = await a;
  if (r.status >= 300) throw new Error(`fixture ${what}: ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/** The role users (scope street A, unit A; the admin is the demo administrator over everything). */
export async function buildPrincipals(ctx: ApiContext, fx: Fixtures, open311Key: string) {
  const callers = new Map<PrincipalName, Caller>();
  callers.set('anonymous', caller(ctx, 'anonymous', {}));
  callers.set('api_key', caller(ctx, 'api_key', { bearer: open311Key }));
  for (const role of [
    'inspector',
    'operator',
    'shift_lead',
    'dispatcher',
    'handler',
    'supervisor',
    'leader',
  ] as const) {
    const username = `m_${role}`;
    const created = await ok(
      fx.admin.send({
        method: 'POST',
        url: '/api/users',
        payload: {
          username,
          displayName: `矩阵 ${role}`,
          password: MATRIX_PASSWORD,
          roles: [role],
          unitId: fx.unitA,
          scope: STREET_A,
        },
      }),
      `user ${role}`,
    );
    fx.users[role] = created.json.id;
    callers.set(role, await loginCaller(ctx, role, username, MATRIX_PASSWORD));
  }
  callers.set('admin', fx.admin);
  return callers;
}

const colour = (fx: Fixtures) => `#${(0x100000 + ++fx.seq * 7919).toString(16).slice(-6)}`;
const png = (colour: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
    .png()
    .toBuffer();

export async function buildFixtures(ctx: ApiContext, open311Key: string): Promise<Fixtures> {
  const db = ctx.store.db;
  const admin = await loginCaller(ctx, 'admin', 'admin', ctx.seed.password);
  const operator = await loginCaller(ctx, 'operator', 'operator', ctx.seed.password);
  const shiftLead = await loginCaller(ctx, 'shift_lead', 'shift_lead', ctx.seed.password);
  const dispatcher = await loginCaller(ctx, 'dispatcher', 'dispatcher', ctx.seed.password);
  const [gridA, gridA2] = await wholeCellCentres(db, STREET_A);
  const [gridB] = await wholeCellCentres(db, STREET_B);
  if (!gridA || !gridA2 || !gridB) throw new Error('no whole grid cells in the probe streets');
  const units = (await ok(admin.send({ method: 'GET', url: '/api/units' }), 'units')).json as {
    id: string;
    code: string;
  }[];
  const unit = (code: string) => {
    const u = units.find((x) => x.code === code);
    if (!u) throw new Error(`no unit ${code}`);
    return u.id;
  };
  const fx: Fixtures = {
    ctx,
    admin,
    open311Key,
    gridA,
    gridA2,
    gridB,
    unitA: unit(STREET_A),
    unitB: unit(STREET_B),
    unitCgw: unit('120101-cgw'),
    unitXfb: unit('120101-xfb'),
    users: {},
    cases: {} as Fixtures['cases'],
    viewOther: '',
    docA: '',
    docB: '',
    taskA: '',
    taskB: '',
    urgingA: '',
    urgingB: '',
    noteA: 0,
    noteB: 0,
    seq: 0,
  };

  const upload = async (colour: string) => {
    const m = multipart('photo.png', await png(colour), 'image/png');
    return (
      await ok(
        operator.send({ method: 'POST', url: '/api/attachments', payload: m.payload, headers: m.headers }),
        'upload',
      )
    ).json.hash as string;
  };
  const report = async (
    name: string,
    where: CellCentre,
    categoryCode: string,
    phone: string,
    dispatchTo: string | null,
  ): Promise<CaseRef> => {
    const evidence = await upload(`#${phone.slice(-6)}`);
    const made = await ok(
      operator.send({
        method: 'POST',
        url: '/api/cases',
        payload: {
          categoryCode,
          title: `矩阵探针 ${name}`,
          description: `探针记录 ${name}：反映人的诉求原文`,
          lon: where.lon,
          lat: where.lat,
          evidence: [evidence],
          reporter: { name: '王女士', phone },
        },
      }),
      `case ${name}`,
    );
    const id = made.json.id as string;
    await ok(
      shiftLead.send({
        method: 'POST',
        url: `/api/cases/${id}/transitions`,
        payload: { type: 'file', version: 1 },
      }),
      `file ${name}`,
    );
    if (dispatchTo) {
      await ok(
        dispatcher.send({
          method: 'POST',
          url: `/api/cases/${id}/transitions`,
          payload: { type: 'dispatch', mode: 'manual', unitId: dispatchTo, version: 2 },
        }),
        `dispatch ${name}`,
      );
    }
    return { id, number: made.json.number, trackingCode: made.json.trackingCode, phone, evidence };
  };
  fx.cases.own = await report('own', gridA, 'event.0102', '13800000001', fx.unitA);
  fx.cases.area = await report('area', gridA2, 'event.0102', '13800000002', fx.unitCgw);
  fx.cases.out = await report('out', gridB, 'event.0102', '13800000003', fx.unitB);
  fx.cases.petition = await report('petition', gridA, 'petition.0101', '13800000004', fx.unitA);
  fx.cases['petition-xfb'] = await report('petition-xfb', gridA2, 'petition.0101', '13800000006', fx.unitXfb);
  fx.cases.filed = await report('filed', gridA, 'event.0102', '13800000005', null);

  fx.viewOther = (
    await ok(
      operator.send({
        method: 'POST',
        url: '/api/case-views',
        payload: { name: 'operator view', filters: { state: 'filed' } },
      }),
      'view',
    )
  ).json.id;

  const doc = async (areaCode: string) =>
    (
      await ok(
        admin.send({
          method: 'POST',
          url: '/api/targets/documents',
          payload: {
            title: `矩阵目标 ${areaCode}`,
            year: 2026,
            text: '二、2026年主要目标任务\n改造老旧小区12个，新增就业2万人。',
            areaCode,
          },
        }),
        `document ${areaCode}`,
      )
    ).json.id as string;
  fx.docA = await doc(STREET_A);
  fx.docB = await doc(STREET_B);
  const task = async (documentId: string, leadUnitId: string) =>
    (
      await ok(
        admin.send({
          method: 'POST',
          url: '/api/targets/tasks',
          payload: {
            documentId,
            title: '老旧小区改造',
            leadUnitId,
            startsOn: '2026-01-01',
            deadline: '2026-12-31',
          },
        }),
        'task',
      )
    ).json.id as string;
  fx.taskA = await task(fx.docA, fx.unitA);
  fx.taskB = await task(fx.docB, fx.unitB);
  const urge = async (taskId: string) =>
    (
      await ok(
        admin.send({
          method: 'POST',
          url: `/api/targets/tasks/${taskId}/urge`,
          payload: { notice: '请加快进度' },
        }),
        'urge',
      )
    ).json.id as string;
  fx.urgingA = await urge(fx.taskA);
  fx.urgingB = await urge(fx.taskB);
  const noteOf = async (unitId: string) =>
    (
      await db
        .selectFrom('notifications')
        .select('id')
        .where('unit_id', '=', unitId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
    ).id;
  fx.noteA = await noteOf(fx.unitA);
  fx.noteB = await noteOf(fx.unitB);
  return fx;
}

type Build = (fx: Fixtures, as: PrincipalName) => Req | Promise<Req>;
const uniq = (fx: Fixtures) => `${Date.now().toString(36)}${++fx.seq}`;
const perCase = (build: (c: CaseRef, fx: Fixtures, as: PrincipalName) => Req | Promise<Req>) =>
  Object.fromEntries(
    CASE_VARIANTS.map((v) => [v, (fx: Fixtures, as: PrincipalName) => build(fx.cases[v], fx, as)]),
  );
const listsCase = (v: CaseVariant) => (fx: Fixtures) => (json: unknown) =>
  idsIn(json).includes(fx.cases[v].id);

/** The probe of every route × variant. A route in the matrix without a probe here fails the test. */
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
  'GET /api/audit': { any: () => ({ method: 'GET', url: '/api/audit?limit=5' }) },

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

  // ---- targets ----
  'GET /api/targets/documents': {
    in: (fx) => ({ method: 'GET', url: '/api/targets/documents', find: (j) => idsIn(j).includes(fx.docA) }),
    out: (fx) => ({ method: 'GET', url: '/api/targets/documents', find: (j) => idsIn(j).includes(fx.docB) }),
  },
  'POST /api/targets/documents': {
    in: () => ({ method: 'POST', url: '/api/targets/documents', payload: probeDocument(STREET_A) }),
    out: () => ({ method: 'POST', url: '/api/targets/documents', payload: probeDocument(STREET_B) }),
  },
  'POST /api/targets/documents/upload': {
    in: () => {
      const m = multipart(
        '目标.txt',
        Buffer.from('二、2026年主要目标任务\n改造老旧小区12个，新增就业2万人。'),
        'text/plain',
      );
      return { method: 'POST', url: '/api/targets/documents/upload', payload: m.payload, headers: m.headers };
    },
  },
  'GET /api/targets/documents/:id': {
    in: (fx) => ({ method: 'GET', url: `/api/targets/documents/${fx.docA}` }),
    out: (fx) => ({ method: 'GET', url: `/api/targets/documents/${fx.docB}` }),
  },
  'GET /api/targets/documents/:id/account': {
    in: (fx) => ({ method: 'GET', url: `/api/targets/documents/${fx.docA}/account` }),
    out: (fx) => ({ method: 'GET', url: `/api/targets/documents/${fx.docB}/account` }),
  },
  'POST /api/targets/documents/:id/accept-all': {
    in: (fx) => ({ method: 'POST', url: `/api/targets/documents/${fx.docA}/accept-all`, payload: {} }),
    out: (fx) => ({ method: 'POST', url: `/api/targets/documents/${fx.docB}/accept-all`, payload: {} }),
  },
  'POST /api/targets/documents/:id/close': {
    // Each caller closes a document of its own, made for the probe.
    in: async (fx) => ({
      method: 'POST',
      url: `/api/targets/documents/${await throwawayDocument(fx, STREET_A)}/close`,
      payload: {},
    }),
    out: async (fx) => ({
      method: 'POST',
      url: `/api/targets/documents/${await throwawayDocument(fx, STREET_B)}/close`,
      payload: {},
    }),
  },
  'PATCH /api/targets/items/:id': {
    in: async (fx) => ({
      method: 'PATCH',
      url: `/api/targets/items/${await firstItem(fx, fx.docA)}`,
      payload: { status: 'accepted' },
    }),
    out: async (fx) => ({
      method: 'PATCH',
      url: `/api/targets/items/${await firstItem(fx, fx.docB)}`,
      payload: { status: 'accepted' },
    }),
  },
  'POST /api/targets/tasks': {
    in: (fx) => ({ method: 'POST', url: '/api/targets/tasks', payload: probeTask(fx.docA, fx.unitA) }),
    // A task of the caller's own document, led by a unit of another street.
    'unit-out': (fx) => ({
      method: 'POST',
      url: '/api/targets/tasks',
      payload: probeTask(fx.docA, fx.unitB),
    }),
  },
  'POST /api/targets/tasks/:id/progress': {
    in: (fx) => ({
      method: 'POST',
      url: `/api/targets/tasks/${fx.taskA}/progress`,
      payload: probeProgress(),
    }),
    out: (fx) => ({
      method: 'POST',
      url: `/api/targets/tasks/${fx.taskB}/progress`,
      payload: probeProgress(),
    }),
  },
  'POST /api/targets/tasks/:id/urge': {
    in: (fx) => ({
      method: 'POST',
      url: `/api/targets/tasks/${fx.taskA}/urge`,
      payload: { notice: '请加快' },
    }),
    out: (fx) => ({
      method: 'POST',
      url: `/api/targets/tasks/${fx.taskB}/urge`,
      payload: { notice: '请加快' },
    }),
  },
  'POST /api/targets/urgings/:id/respond': {
    in: (fx) => ({
      method: 'POST',
      url: `/api/targets/urgings/${fx.urgingA}/respond`,
      payload: { response: '已加快' },
    }),
    out: (fx) => ({
      method: 'POST',
      url: `/api/targets/urgings/${fx.urgingB}/respond`,
      payload: { response: '已加快' },
    }),
  },
  'GET /api/targets/board': {
    in: (fx) => ({ method: 'GET', url: `/api/targets/board?documentId=${fx.docA}` }),
    out: (fx) => ({ method: 'GET', url: `/api/targets/board?documentId=${fx.docB}` }),
  },
  'GET /api/targets/board.xlsx': {
    in: (fx) => ({ method: 'GET', url: `/api/targets/board.xlsx?documentId=${fx.docA}` }),
    out: (fx) => ({ method: 'GET', url: `/api/targets/board.xlsx?documentId=${fx.docB}` }),
  },

  // ---- channels: devices ----
  'POST /api/devices/alarms': {
    // Unsigned: a device alarm is authenticated by its HMAC signature, never by a session or token.
    any: () => ({
      method: 'POST',
      url: '/api/devices/alarms',
      payload: '{"alarmType":"smoke"}',
      headers: { 'content-type': 'application/json' },
    }),
  },
  'GET /api/devices': { any: () => ({ method: 'GET', url: '/api/devices' }) },
  'POST /api/devices': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/devices',
      payload: {
        id: `SMK-M-${uniq(fx)}`,
        type: 'smoke_detector',
        name: '探针烟感',
        areaCode: fx.gridA.code,
        userId: fx.users.operator,
      },
    }),
  },
  'GET /api/alarm-rules': { any: () => ({ method: 'GET', url: '/api/alarm-rules' }) },
  'POST /api/alarm-rules': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/alarm-rules',
      payload: {
        deviceType: `probe_${letters(fx.seq++)}`,
        alarmType: 'smoke',
        categoryCode: 'incident.0101',
      },
    }),
  },

  // ---- channels: hotline ----
  'GET /api/hotline/callers/:phone/cases': {
    own: (fx) => ({
      method: 'GET',
      url: `/api/hotline/callers/${fx.cases.own.phone}/cases`,
      find: listsCase('own')(fx),
    }),
    out: (fx) => ({
      method: 'GET',
      url: `/api/hotline/callers/${fx.cases.out.phone}/cases`,
      find: listsCase('out')(fx),
    }),
  },
  'GET /api/hotline/places': {
    any: () => ({ method: 'GET', url: `/api/hotline/places?q=${encodeURIComponent('劝业场')}` }),
  },
  'GET /api/hotline/gazetteer': { any: () => ({ method: 'GET', url: '/api/hotline/gazetteer' }) },
  'POST /api/hotline/gazetteer': {
    in: (fx) => ({
      method: 'POST',
      url: '/api/hotline/gazetteer',
      payload: { name: `探针地标${fx.seq++}`, lon: fx.gridA.lon, lat: fx.gridA.lat },
    }),
    out: (fx) => ({
      method: 'POST',
      url: '/api/hotline/gazetteer',
      payload: { name: `探针地标${fx.seq++}`, lon: fx.gridB.lon, lat: fx.gridB.lat },
    }),
  },
  'GET /api/hotline/kb': { any: () => ({ method: 'GET', url: '/api/hotline/kb?q=' }) },
  'POST /api/hotline/kb': {
    in: (fx) => ({ method: 'POST', url: '/api/hotline/kb', payload: probeKb(fx.unitA) }),
    'unit-out': (fx) => ({ method: 'POST', url: '/api/hotline/kb', payload: probeKb(fx.unitB) }),
  },

  // ---- channels: citizen portal (public) ----
  'GET /api/public/services': { any: () => ({ method: 'GET', url: '/api/public/services' }) },
  'GET /api/public/areas.geojson': {
    any: () => ({ method: 'GET', url: '/api/public/areas.geojson?level=district' }),
  },
  'POST /api/public/uploads': {
    any: async (fx) => {
      const m = multipart('p.png', await png(colour(fx)), 'image/png');
      return {
        method: 'POST',
        url: '/api/public/uploads',
        payload: m.payload,
        headers: { ...m.headers, 'x-wangge-device': `probe-device-${uniq(fx)}` },
      };
    },
  },
  'POST /api/public/reports': {
    any: (fx) => ({
      method: 'POST',
      url: '/api/public/reports',
      payload: {
        serviceCode: 'event.0102',
        description: '路边有一堆垃圾',
        lon: fx.gridA.lon,
        lat: fx.gridA.lat,
      },
      headers: { 'x-wangge-device': `probe-device-${uniq(fx)}` },
    }),
  },
  'GET /api/public/track/:code': {
    event: (fx) => ({ method: 'GET', url: `/api/public/track/${fx.cases.own.trackingCode}` }),
    petition: (fx) => ({ method: 'GET', url: `/api/public/track/${fx.cases.petition.trackingCode}` }),
  },
  'POST /api/public/track/:code/rate': {
    // The case is not closed: 409 means the public may try and the state refuses.
    event: (fx) => ({
      method: 'POST',
      url: `/api/public/track/${fx.cases.own.trackingCode}/rate`,
      payload: { rating: 'satisfied' },
      headers: { 'x-wangge-device': `probe-device-${uniq(fx)}` },
    }),
  },
  'GET /api/openapi.json': { any: () => ({ method: 'GET', url: '/api/openapi.json' }) },

  // ---- channels: Open311 GeoReport v2 ----
  'GET /open311/v2/:file': {
    discovery: () => ({ method: 'GET', url: '/open311/v2/discovery.json' }),
    requests: (fx) => ({
      method: 'GET',
      url: '/open311/v2/requests.json',
      find: (j) => Array.isArray(j) && j.some((r) => r.service_request_id === fx.cases.petition.number),
    }),
  },
  'GET /open311/v2/services/:file': {
    any: () => ({ method: 'GET', url: '/open311/v2/services/event.0102.json' }),
  },
  'GET /open311/v2/requests/:file': {
    event: (fx) => ({ method: 'GET', url: `/open311/v2/requests/${fx.cases.own.number}.json` }),
    petition: (fx) => ({ method: 'GET', url: `/open311/v2/requests/${fx.cases.petition.number}.json` }),
  },
  'GET /open311/v2/tokens/:file': {
    any: (fx) => ({ method: 'GET', url: `/open311/v2/tokens/${fx.cases.own.trackingCode}.json` }),
  },
  'POST /open311/v2/:file': {
    // The API key travels in the form (api_key), as the standard says; nobody else sends one.
    in: (fx, as) => open311Post(fx, as, fx.gridA, '120101'),
    // The key is for 和平区 (120101); naming another jurisdiction is refused before anything else.
    'other-jurisdiction': (fx, as) => open311Post(fx, as, fx.gridA, '120102'),
  },
};

const letters = (n: number) => n.toString(26).replace(/./g, (d) => String.fromCharCode(97 + parseInt(d, 26)));

function open311Post(fx: Fixtures, as: PrincipalName, at: CellCentre, jurisdiction: string): Req {
  const form = new URLSearchParams({
    jurisdiction_id: jurisdiction,
    service_code: 'event.0102',
    lat: String(at.lat),
    long: String(at.lon),
    description: '路边有垃圾（Open311 探针）',
    phone: '13900000009',
    ...(as === 'api_key' ? { api_key: fx.open311Key } : {}),
  });
  return {
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
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

async function throwawayDocument(fx: Fixtures, areaCode: string): Promise<string> {
  const r = await ok(
    fx.admin.send({ method: 'POST', url: '/api/targets/documents', payload: probeDocument(areaCode) }),
    'document',
  );
  return r.json.id;
}

async function firstItem(fx: Fixtures, docId: string): Promise<string> {
  const r = await ok(fx.admin.send({ method: 'GET', url: `/api/targets/documents/${docId}` }), 'doc');
  const id = r.json.targets?.[0]?.id;
  if (!id) throw new Error('the probe document has no extracted item');
  return id;
}

const probeDocument = (areaCode: string) => ({
  title: '探针文件',
  year: 2026,
  text: '二、2026年主要目标任务\n改造老旧小区12个，新增就业2万人。',
  areaCode,
});
const probeTask = (documentId: string, leadUnitId: string) => ({
  documentId,
  title: '探针任务',
  leadUnitId,
  startsOn: '2026-01-01',
  deadline: '2026-12-31',
});
const probeProgress = () => ({ period: '2026-11', progress: 50, narrative: '按计划推进' });
const probeKb = (ownerUnitId: string) => ({
  question: '探针问题：几点收垃圾',
  answer: '每天早晚各一次。',
  ownerUnitId,
  reviewOn: '2027-06-30',
});
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
