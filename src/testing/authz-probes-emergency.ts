/** The authorization matrix's probes of the emergency routes (see authz-probes.ts). */
import { type Build, type Fixtures, ok, STREET_A, STREET_B, uniq } from './authz-fixtures.js';
import type { PrincipalName } from './authz-matrix.js';
import type { CellCentre } from './grid-cells.js';

/**
 * Access is decided before anything is loaded, so a principal the route does not admit is probed with an
 * id that names nothing, and no record is made for it (the suite makes fewer throwaway records).
 */
const NOBODY = '00000000-0000-4000-8000-0000000e0000';
const COMMAND: readonly PrincipalName[] = ['shift_lead', 'leader', 'admin'];
const REPORT: readonly PrincipalName[] = [
  'inspector',
  'operator',
  'shift_lead',
  'dispatcher',
  'leader',
  'admin',
];
const STAFF: readonly PrincipalName[] = [...REPORT, 'handler', 'supervisor'];

/** Records shared by the read probes, made once per fixture set by the administrator. */
interface Shared {
  incidentA: string;
  incidentB: string;
  planDistrict: string;
  planB: string;
  planCodeA: string;
  planCodeB: string;
  resourceA: string;
  resourceB: string;
}
const shared = new WeakMap<Fixtures, Promise<Shared>>();

const probeIncident = (at: CellCentre, unitId: string) => ({
  title: '探针突发事件',
  type: 'accident',
  subtype: 'fire',
  level: 4,
  lon: at.lon,
  lat: at.lat,
  unitId,
});
const probePlan = (code: string, areaCode: string, unitId: string) => ({
  code,
  name: '探针预案',
  areaCode,
  type: 'accident',
  level: 4,
  steps: [{ title: '探针步骤', unitId, dueMinutes: 30 }],
});

async function makeIncident(fx: Fixtures, side: 'A' | 'B'): Promise<string> {
  const body = side === 'A' ? probeIncident(fx.gridA, fx.unitA) : probeIncident(fx.gridB, fx.unitB);
  const r = await ok(
    fx.admin.send({ method: 'POST', url: '/api/emergency/incidents', payload: body }),
    'incident',
  );
  return r.json.id;
}

async function makePlan(
  fx: Fixtures,
  areaCode: string,
  unitId: string,
): Promise<{ id: string; code: string }> {
  const code = `P-${uniq(fx)}`;
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/emergency/plans',
      payload: probePlan(code, areaCode, unitId),
    }),
    'plan',
  );
  return { id: r.json.id, code };
}

const probeResource = (at: CellCentre) => ({
  kind: 'stockpile',
  name: '探针物资库',
  category: '探针沙袋',
  quantity: 100_000,
  measure: '袋',
  lon: at.lon,
  lat: at.lat,
});

async function makeResource(fx: Fixtures, at: CellCentre): Promise<string> {
  const r = await ok(
    fx.admin.send({ method: 'POST', url: '/api/emergency/resources', payload: probeResource(at) }),
    'resource',
  );
  return r.json.id;
}

/** A dispatch of its own: one sack from the shared store of `side` to a new incident of `side`. */
async function ownDispatch(fx: Fixtures, as: PrincipalName, side: 'A' | 'B'): Promise<string> {
  if (!COMMAND.includes(as)) return NOBODY;
  const shared = await records(fx);
  const incident = await makeIncident(fx, side);
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: `/api/emergency/incidents/${incident}/dispatches`,
      payload: { resourceId: side === 'A' ? shared.resourceA : shared.resourceB, quantity: 1 },
    }),
    'dispatch',
  );
  return r.json.dispatches[0].id;
}

function records(fx: Fixtures): Promise<Shared> {
  let s = shared.get(fx);
  if (!s) {
    s = (async () => {
      const planA = await makePlan(fx, STREET_A, fx.unitA);
      const planB = await makePlan(fx, STREET_B, fx.unitB);
      const planDistrict = await makePlan(fx, '120101', fx.unitA);
      return {
        resourceA: await makeResource(fx, fx.gridA),
        resourceB: await makeResource(fx, fx.gridB),
        incidentA: await makeIncident(fx, 'A'),
        incidentB: await makeIncident(fx, 'B'),
        planDistrict: planDistrict.id,
        planB: planB.id,
        planCodeA: planA.code,
        planCodeB: planB.code,
      };
    })();
    shared.set(fx, s);
  }
  return s;
}

/** An incident of its own for each writing probe (the probes of one row run at once). */
const onOwnIncident =
  (
    side: 'A' | 'B',
    path: string,
    payload: object | ((fx: Fixtures) => Promise<object>),
    admits: readonly PrincipalName[],
  ): Build =>
  async (fx, as) => ({
    method: 'POST',
    url: `/api/emergency/incidents/${admits.includes(as) ? await makeIncident(fx, side) : NOBODY}/${path}`,
    payload: typeof payload === 'function' ? await payload(fx) : payload,
  });

/** A task of its own: an incident on `side` with a plan whose step names `unit`, activated by the administrator. */
async function ownTask(
  fx: Fixtures,
  as: PrincipalName,
  side: 'A' | 'B',
  unit: (fx: Fixtures) => string,
): Promise<string> {
  if (!STAFF.includes(as)) return NOBODY;
  const incident = await makeIncident(fx, side);
  const plan = await makePlan(fx, '120101', unit(fx));
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: `/api/emergency/incidents/${incident}/activations`,
      payload: { planId: plan.id },
    }),
    'activation',
  );
  return r.json.tasks[0].id;
}

const has = (id: string) => (json: unknown) =>
  Array.isArray(json) && json.some((x) => (x as { id?: string }).id === id);

export const EMERGENCY_PROBES: Record<string, Record<string, Build>> = {
  'GET /api/emergency/incidents': {
    in: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/incidents',
      find: has((await records(fx)).incidentA),
    }),
    out: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/incidents',
      find: has((await records(fx)).incidentB),
    }),
  },
  'POST /api/emergency/incidents': {
    in: (fx) => ({
      method: 'POST',
      url: '/api/emergency/incidents',
      payload: probeIncident(fx.gridA, fx.unitA),
    }),
    out: (fx) => ({
      method: 'POST',
      url: '/api/emergency/incidents',
      payload: probeIncident(fx.gridB, fx.unitB),
    }),
  },
  'GET /api/emergency/incidents/:id': {
    in: async (fx) => ({ method: 'GET', url: `/api/emergency/incidents/${(await records(fx)).incidentA}` }),
    out: async (fx) => ({ method: 'GET', url: `/api/emergency/incidents/${(await records(fx)).incidentB}` }),
  },
  'POST /api/emergency/incidents/:id/level': {
    in: onOwnIncident('A', 'level', { level: 3, note: '探针升级' }, COMMAND),
    out: onOwnIncident('B', 'level', { level: 3, note: '探针升级' }, COMMAND),
  },
  'POST /api/emergency/incidents/:id/command': {
    in: onOwnIncident('A', 'command', { commander: '探针总指挥' }, COMMAND),
    out: onOwnIncident('B', 'command', { commander: '探针总指挥' }, COMMAND),
  },
  'POST /api/emergency/incidents/:id/notes': {
    in: onOwnIncident('A', 'notes', { note: '探针续报' }, REPORT),
    out: onOwnIncident('B', 'notes', { note: '探针续报' }, REPORT),
  },
  'POST /api/emergency/incidents/:id/cases': {
    in: onOwnIncident('A', 'cases', async (fx) => ({ caseId: fx.cases.own.id }), REPORT),
    out: onOwnIncident('B', 'cases', async (fx) => ({ caseId: fx.cases.out.id }), REPORT),
  },
  'POST /api/emergency/incidents/:id/close': {
    in: onOwnIncident('A', 'close', { summary: '探针总结' }, COMMAND),
    out: onOwnIncident('B', 'close', { summary: '探针总结' }, COMMAND),
  },
  'POST /api/emergency/incidents/:id/activations': {
    in: onOwnIncident(
      'A',
      'activations',
      async (fx) => ({ planId: (await records(fx)).planDistrict }),
      COMMAND,
    ),
    out: onOwnIncident(
      'B',
      'activations',
      async (fx) => ({ planId: (await records(fx)).planDistrict }),
      COMMAND,
    ),
  },
  'POST /api/emergency/tasks/:id/done': {
    // A task for the caller's own unit (unit A) on an incident of street A.
    in: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/tasks/${await ownTask(fx, as, 'A', (f) => f.unitA)}/done`,
    }),
    // A task for 城管委 on an incident of street A: only those commanding the incident complete it.
    'unit-out': async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/tasks/${await ownTask(fx, as, 'A', (f) => f.unitCgw)}/done`,
    }),
    // A task for unit B on an incident of street B: not even visible.
    out: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/tasks/${await ownTask(fx, as, 'B', (f) => f.unitB)}/done`,
    }),
  },
  'GET /api/emergency/plans': {
    in: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/plans',
      find: has((await records(fx)).planDistrict),
    }),
    out: async (fx) => ({ method: 'GET', url: '/api/emergency/plans', find: has((await records(fx)).planB) }),
  },
  'GET /api/emergency/plans/:id': {
    in: async (fx) => ({ method: 'GET', url: `/api/emergency/plans/${(await records(fx)).planDistrict}` }),
    out: async (fx) => ({ method: 'GET', url: `/api/emergency/plans/${(await records(fx)).planB}` }),
  },
  'POST /api/emergency/plans': {
    in: (fx) => ({
      method: 'POST',
      url: '/api/emergency/plans',
      payload: probePlan(`P-${uniq(fx)}`, STREET_A, fx.unitA),
    }),
    out: (fx) => ({
      method: 'POST',
      url: '/api/emergency/plans',
      payload: probePlan(`P-${uniq(fx)}`, STREET_B, fx.unitB),
    }),
  },
  'POST /api/emergency/plans/by-code/:code/versions': {
    in: async (fx) => {
      const { code: _c, ...body } = probePlan('x', STREET_A, fx.unitA);
      return {
        method: 'POST',
        url: `/api/emergency/plans/by-code/${(await records(fx)).planCodeA}/versions`,
        payload: body,
      };
    },
    out: async (fx) => {
      const { code: _c, ...body } = probePlan('x', STREET_B, fx.unitB);
      return {
        method: 'POST',
        url: `/api/emergency/plans/by-code/${(await records(fx)).planCodeB}/versions`,
        payload: body,
      };
    },
  },
  'GET /api/emergency/resources': {
    in: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/resources',
      find: has((await records(fx)).resourceA),
    }),
    out: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/resources',
      find: has((await records(fx)).resourceB),
    }),
  },
  'POST /api/emergency/resources': {
    in: (fx) => ({ method: 'POST', url: '/api/emergency/resources', payload: probeResource(fx.gridA) }),
    out: (fx) => ({ method: 'POST', url: '/api/emergency/resources', payload: probeResource(fx.gridB) }),
  },
  'GET /api/emergency/resources/nearest': {
    in: async (fx) => ({
      method: 'GET',
      url: `/api/emergency/resources/nearest?lon=${fx.gridA.lon}&lat=${fx.gridA.lat}&category=${encodeURIComponent('探针沙袋')}&limit=50`,
      find: has((await records(fx)).resourceA),
    }),
    out: async (fx) => ({
      method: 'GET',
      url: `/api/emergency/resources/nearest?lon=${fx.gridB.lon}&lat=${fx.gridB.lat}&category=${encodeURIComponent('探针沙袋')}&limit=50`,
      find: has((await records(fx)).resourceB),
    }),
  },
  'POST /api/emergency/incidents/:id/dispatches': {
    in: onOwnIncident(
      'A',
      'dispatches',
      async (fx) => ({ resourceId: (await records(fx)).resourceA, quantity: 1 }),
      COMMAND,
    ),
    out: onOwnIncident(
      'B',
      'dispatches',
      async (fx) => ({ resourceId: (await records(fx)).resourceB, quantity: 1 }),
      COMMAND,
    ),
  },
  'POST /api/emergency/dispatches/:id/return': {
    in: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/dispatches/${await ownDispatch(fx, as, 'A')}/return`,
    }),
    out: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/dispatches/${await ownDispatch(fx, as, 'B')}/return`,
    }),
  },
};
