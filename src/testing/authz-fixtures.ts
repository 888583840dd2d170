/**
 * The records and principals the authorization matrix probes: users with one role each, scoped to
 * 劝业场街道 (street A, 120101001) and its street office (unit A); cases inside and outside that street
 * and unit. The probe request of every route × variant is in authz-probes.ts.
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

export interface CaseRef {
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

export const idsIn = (json: unknown): string[] => {
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
        json = res.body; // not JSON (a CSV export): the text, for `find`
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

export async function ok(a: Answer | Promise<Answer>, what: string): Promise<Answer> {
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

export const colour = (fx: Fixtures) => `#${(0x100000 + ++fx.seq * 7919).toString(16).slice(-6)}`;
export const png = (colour: string) =>
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
  // The probe cases are hotline calls (filed by the operator), which Open311 withholds unless their
  // category opts in (0016): opt in, so the Open311 rows probe access rather than the publication policy.
  await ok(
    admin.send({ method: 'PATCH', url: '/api/categories/event.0102', payload: { publishHotline: true } }),
    'publish hotline calls of event.0102',
  );
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

export type Build = (fx: Fixtures, as: PrincipalName) => Req | Promise<Req>;
export const uniq = (fx: Fixtures) => `${Date.now().toString(36)}${++fx.seq}`;
export const perCase = (build: (c: CaseRef, fx: Fixtures, as: PrincipalName) => Req | Promise<Req>) =>
  Object.fromEntries(
    CASE_VARIANTS.map((v) => [v, (fx: Fixtures, as: PrincipalName) => build(fx.cases[v], fx, as)]),
  );
export const listsCase = (v: CaseVariant) => (fx: Fixtures) => (json: unknown) =>
  idsIn(json).includes(fx.cases[v].id);
