/** The authorization matrix's probes of the safety routes (see authz-probes.ts): places, hazards, plans of street A / B. */

import { multipart } from './api.js';
import { type Build, type Fixtures, idsIn, ok, STREET_A, STREET_B, uniq } from './authz-fixtures.js';
import type { PrincipalName } from './authz-matrix.js';
import type { CellCentre } from './grid-cells.js';

interface SafetyFixtures {
  placeA: string;
  placeB: string;
  hazardA: string;
  hazardB: string;
  planA: string;
  planB: string;
}

const ROSTER = [
  { id: 'r1', name: '甲', unit: '应急管理局', conflicts: [] },
  { id: 'r2', name: '乙', unit: '市场监管所', conflicts: [] },
];
const DEADLINE = { limit: { value: 5, unit: 'work_day' } };

const FIELD: readonly PrincipalName[] = ['inspector', 'supervisor', 'admin'];
const WRITE: readonly PrincipalName[] = ['supervisor', 'admin'];
/** Principals whose role is refused before anything is loaded need no fresh record (keeps the matrix fast). */
const NOBODY = '00000000-0000-4000-8000-00000000dead';
const fresh = async (as: PrincipalName, roles: readonly PrincipalName[], make: () => Promise<string>) =>
  roles.includes(as) ? make() : NOBODY;

const made = new WeakMap<Fixtures, Promise<SafetyFixtures>>();

async function place(fx: Fixtures, at: CellCentre): Promise<string> {
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/safety/places',
      payload: {
        name: `探针场所${uniq(fx)}`,
        lon: at.lon,
        lat: at.lat,
        industry: '餐饮',
        riskGrade: 'medium',
      },
    }),
    'safety place',
  );
  return r.json.id;
}
async function hazard(fx: Fixtures, placeId: string): Promise<string> {
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/safety/hazards',
      payload: {
        placeId,
        class: '消防',
        grade: 'general',
        foundBy: 'inspection',
        description: '灭火器过期',
        photos: [fx.cases.own.evidence],
        ...DEADLINE,
      },
    }),
    'hazard',
  );
  return r.json.id;
}
async function plan(
  fx: Fixtures,
  areaCode: string,
  draw: boolean,
): Promise<{ id: string; targetId?: string }> {
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/safety/plans',
      payload: { title: `探针抽查${uniq(fx)}`, areaCode, targetCount: 1, roster: ROSTER },
    }),
    'plan',
  );
  if (!draw) return { id: r.json.id };
  const d = await ok(
    fx.admin.send({ method: 'POST', url: `/api/safety/plans/${r.json.id}/draw`, payload: {} }),
    'draw',
  );
  return { id: r.json.id, targetId: d.json.targets[0].id };
}

/** Street A's and B's place, hazard and drawn plan, made once per fixture by its administrator. */
function safety(fx: Fixtures): Promise<SafetyFixtures> {
  let s = made.get(fx);
  if (!s) {
    s = (async () => {
      const placeA = await place(fx, fx.gridA);
      const placeB = await place(fx, fx.gridB);
      return {
        placeA,
        placeB,
        hazardA: await hazard(fx, placeA),
        hazardB: await hazard(fx, placeB),
        planA: (await plan(fx, STREET_A, true)).id,
        planB: (await plan(fx, STREET_B, true)).id,
      };
    })();
    made.set(fx, s);
  }
  return s;
}

const placePayload = (fx: Fixtures, at: CellCentre) => ({
  name: `探针场所${uniq(fx)}`,
  lon: at.lon,
  lat: at.lat,
  industry: '餐饮',
  riskGrade: 'low',
});

export const SAFETY_PROBES: Record<string, Record<string, Build>> = {
  'GET /api/safety/places': {
    in: async (fx) => {
      const s = await safety(fx);
      return { method: 'GET', url: '/api/safety/places?limit=500', find: (j) => idsIn(j).includes(s.placeA) };
    },
    out: async (fx) => {
      const s = await safety(fx);
      return { method: 'GET', url: '/api/safety/places?limit=500', find: (j) => idsIn(j).includes(s.placeB) };
    },
  },
  'POST /api/safety/places': {
    in: (fx) => ({ method: 'POST', url: '/api/safety/places', payload: placePayload(fx, fx.gridA) }),
    out: (fx) => ({ method: 'POST', url: '/api/safety/places', payload: placePayload(fx, fx.gridB) }),
  },
  'GET /api/safety/places/export.xlsx': {
    any: () => ({ method: 'GET', url: '/api/safety/places/export.xlsx' }),
  },
  'POST /api/safety/places/import': {
    any: async (fx) => {
      const { default: ExcelJS } = await import('exceljs');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('registry');
      ws.addRow(['名称']);
      ws.addRow([`探针导入${uniq(fx)}`, '', '', fx.gridA.lon, fx.gridA.lat, '', '餐饮', '低风险']);
      const m = multipart(
        'registry.xlsx',
        Buffer.from(await wb.xlsx.writeBuffer()),
        'application/octet-stream',
      );
      return { method: 'POST', url: '/api/safety/places/import', payload: m.payload, headers: m.headers };
    },
  },
  'GET /api/safety/places/:id': {
    in: async (fx) => ({ method: 'GET', url: `/api/safety/places/${(await safety(fx)).placeA}` }),
    out: async (fx) => ({ method: 'GET', url: `/api/safety/places/${(await safety(fx)).placeB}` }),
  },
  'GET /api/safety/hazards': {
    in: async (fx) => {
      const s = await safety(fx);
      return {
        method: 'GET',
        url: '/api/safety/hazards?limit=500',
        find: (j) => idsIn(j).includes(s.hazardA),
      };
    },
    out: async (fx) => {
      const s = await safety(fx);
      return {
        method: 'GET',
        url: '/api/safety/hazards?limit=500',
        find: (j) => idsIn(j).includes(s.hazardB),
      };
    },
  },
  'POST /api/safety/hazards': {
    in: async (fx) => ({
      method: 'POST',
      url: '/api/safety/hazards',
      payload: {
        placeId: (await safety(fx)).placeA,
        class: '用电',
        grade: 'general',
        foundBy: 'self_check',
        description: '私拉电线',
        ...DEADLINE,
      },
    }),
    out: async (fx) => ({
      method: 'POST',
      url: '/api/safety/hazards',
      payload: {
        placeId: (await safety(fx)).placeB,
        class: '用电',
        grade: 'general',
        foundBy: 'self_check',
        description: '私拉电线',
        ...DEADLINE,
      },
    }),
  },
  'POST /api/safety/hazards/from-case': {
    // The probe cases are not in a safety category: callers who may see the case get 400, others 404.
    own: async (fx) => ({
      method: 'POST',
      url: '/api/safety/hazards/from-case',
      payload: {
        caseId: fx.cases.own.id,
        placeId: (await safety(fx)).placeA,
        class: '消防',
        grade: 'general',
        ...DEADLINE,
      },
    }),
    out: async (fx) => ({
      method: 'POST',
      url: '/api/safety/hazards/from-case',
      payload: {
        caseId: fx.cases.out.id,
        placeId: (await safety(fx)).placeB,
        class: '消防',
        grade: 'general',
        ...DEADLINE,
      },
    }),
  },
  'GET /api/safety/hazards/:id/photos/:hash': {
    in: async (fx) => ({
      method: 'GET',
      url: `/api/safety/hazards/${(await safety(fx)).hazardA}/photos/${fx.cases.own.evidence}`,
    }),
    out: async (fx) => ({
      method: 'GET',
      url: `/api/safety/hazards/${(await safety(fx)).hazardB}/photos/${fx.cases.own.evidence}`,
    }),
  },
  'GET /api/safety/hazards/:id': {
    in: async (fx) => ({ method: 'GET', url: `/api/safety/hazards/${(await safety(fx)).hazardA}` }),
    out: async (fx) => ({ method: 'GET', url: `/api/safety/hazards/${(await safety(fx)).hazardB}` }),
  },
  'POST /api/safety/hazards/:id/transitions': {
    // Each caller assigns a hazard of its own, made for the probe, to unit A.
    in: async (fx, as) => ({
      method: 'POST',
      url: `/api/safety/hazards/${await fresh(as, FIELD, async () => hazard(fx, (await safety(fx)).placeA))}/transitions`,
      payload: { type: 'assign', unitId: fx.unitA },
    }),
    out: async (fx, as) => ({
      method: 'POST',
      url: `/api/safety/hazards/${await fresh(as, FIELD, async () => hazard(fx, (await safety(fx)).placeB))}/transitions`,
      payload: { type: 'assign', unitId: fx.unitB },
    }),
  },
  'GET /api/safety/plans': {
    in: async (fx) => {
      const s = await safety(fx);
      return { method: 'GET', url: '/api/safety/plans', find: (j) => idsIn(j).includes(s.planA) };
    },
    out: async (fx) => {
      const s = await safety(fx);
      return { method: 'GET', url: '/api/safety/plans', find: (j) => idsIn(j).includes(s.planB) };
    },
  },
  'POST /api/safety/plans': {
    in: (fx) => ({
      method: 'POST',
      url: '/api/safety/plans',
      payload: { title: `探针${uniq(fx)}`, areaCode: STREET_A, targetCount: 1, roster: ROSTER },
    }),
    out: (fx) => ({
      method: 'POST',
      url: '/api/safety/plans',
      payload: { title: `探针${uniq(fx)}`, areaCode: STREET_B, targetCount: 1, roster: ROSTER },
    }),
  },
  'GET /api/safety/plans/:id': {
    in: async (fx) => ({ method: 'GET', url: `/api/safety/plans/${(await safety(fx)).planA}` }),
    out: async (fx) => ({ method: 'GET', url: `/api/safety/plans/${(await safety(fx)).planB}` }),
  },
  'POST /api/safety/plans/:id/draw': {
    in: async (fx, as) => {
      await safety(fx);
      return {
        method: 'POST',
        url: `/api/safety/plans/${await fresh(as, WRITE, async () => (await plan(fx, STREET_A, false)).id)}/draw`,
        payload: {},
      };
    },
    out: async (fx, as) => {
      await safety(fx);
      return {
        method: 'POST',
        url: `/api/safety/plans/${await fresh(as, WRITE, async () => (await plan(fx, STREET_B, false)).id)}/draw`,
        payload: {},
      };
    },
  },
  'POST /api/safety/plans/:id/targets/:targetId/result': {
    in: async (fx, as) => {
      await safety(fx);
      const p = FIELD.includes(as) ? await plan(fx, STREET_A, true) : { id: NOBODY, targetId: NOBODY };
      return {
        method: 'POST',
        url: `/api/safety/plans/${p.id}/targets/${p.targetId}/result`,
        payload: { result: 'no_problem', inspectedOn: '2026-01-05' },
      };
    },
    out: async (fx, as) => {
      await safety(fx);
      const p = FIELD.includes(as) ? await plan(fx, STREET_B, true) : { id: NOBODY, targetId: NOBODY };
      return {
        method: 'POST',
        url: `/api/safety/plans/${p.id}/targets/${p.targetId}/result`,
        payload: { result: 'no_problem', inspectedOn: '2026-01-05' },
      };
    },
  },
  'GET /api/safety/indicators': {
    any: () => ({ method: 'GET', url: '/api/safety/indicators?from=2026-01-01&to=2030-12-31' }),
  },
  'GET /api/safety/my-targets': {
    any: () => ({ method: 'GET', url: '/api/safety/my-targets' }),
  },
  'GET /api/public/safety/plans': { any: () => ({ method: 'GET', url: '/api/public/safety/plans' }) },
  'GET /api/public/safety/plans/:id': {
    any: async (fx) => ({ method: 'GET', url: `/api/public/safety/plans/${(await safety(fx)).planA}` }),
  },
};
