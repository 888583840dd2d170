/** The authorization matrix's probes of the emergency routes (see authz-probes.ts). */

import { sign } from '../modules/channels/device-signature.js';
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

/** The duty roster's and the alarms' probe records (the second slice), made once per fixture set. */
interface Duty {
  dutyA: string;
  dutyB: string;
  handA: string;
  handB: string;
  shiftA: string;
  shiftB: string;
  deviceA: { id: string; secret: string };
  deviceB: { id: string; secret: string };
  alarmA: string;
  alarmB: string;
  rule: string;
  /** Handover shifts made so far per side: each probe's shift is an hour of its own in the last ten. */
  hands: { A: number; B: number };
}
const duty = new WeakMap<Fixtures, Promise<Duty>>();

async function member(fx: Fixtures, unitId: string, name: string): Promise<string> {
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: `m_${name}_${uniq(fx)}`,
        displayName: `矩阵 ${name}`,
        password: 'matrix-password-2026',
        roles: ['operator'],
        unitId,
        scope: unitId === fx.unitA ? STREET_A : STREET_B,
      },
    }),
    `user ${name}`,
  );
  return r.json.id;
}

async function shift(
  fx: Fixtures,
  unitId: string,
  userId: string,
  startsAt: Date,
  endsAt: Date,
): Promise<string> {
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/emergency/roster/shifts',
      payload: {
        unitId,
        userId,
        role: 'officer',
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
      },
    }),
    'shift',
  );
  return r.json.id;
}

async function device(fx: Fixtures, at: CellCentre, side: 'A' | 'B') {
  const users = (await ok(fx.admin.send({ method: 'GET', url: '/api/users' }), 'users')).json as {
    id: string;
    username: string;
  }[];
  const iot = users.find((u) => u.username === 'iot')?.id;
  const id = `PROBE-${side}-${uniq(fx)}`;
  const r = await ok(
    fx.admin.send({
      method: 'POST',
      url: '/api/devices',
      payload: { id, type: 'probe_detector', name: `探针设备${side}`, areaCode: at.code, userId: iot },
    }),
    'device',
  );
  return { id, secret: r.json.secret as string };
}

/** A signed alarm from a probe device: its emergency alarm's id (to check: the probe rule never opens). */
async function alarm(fx: Fixtures, d: { id: string; secret: string }): Promise<string> {
  const raw = JSON.stringify({
    messageId: `probe-${uniq(fx)}`,
    type: 'probe',
    time: new Date().toISOString(),
  });
  const ts = Math.floor(Date.now() / 1000);
  const res = await fx.ctx.server.app.inject({
    method: 'POST',
    url: '/api/devices/alarms',
    headers: {
      'content-type': 'application/json',
      'x-wangge-device': d.id,
      'x-wangge-timestamp': String(ts),
      'x-wangge-signature': sign(d.secret, ts, raw),
    },
    payload: raw,
  });
  if (res.statusCode >= 300) throw new Error(`fixture alarm: ${res.statusCode} ${res.body}`);
  return res.json().alarmId;
}

function dutyRecords(fx: Fixtures): Promise<Duty> {
  let d = duty.get(fx);
  if (!d) {
    d = (async () => {
      const now = Date.now();
      const dutyA = await member(fx, fx.unitA, 'duty_a');
      const dutyB = await member(fx, fx.unitB, 'duty_b');
      const rule = await ok(
        fx.admin.send({
          method: 'POST',
          url: '/api/emergency/alarm-rules',
          payload: {
            name: '探针规则（从不立事件）',
            deviceType: 'probe_detector',
            alarmType: 'probe',
            groupBy: 'device',
            threshold: 100,
            windowMinutes: 1,
            incidentType: 'accident',
            incidentSubtype: 'other',
            level: 4,
          },
        }),
        'alarm rule',
      );
      const deviceA = await device(fx, fx.gridA, 'A');
      const deviceB = await device(fx, fx.gridB, 'B');
      return {
        dutyA,
        dutyB,
        handA: await member(fx, fx.unitA, 'hand_a'),
        handB: await member(fx, fx.unitB, 'hand_b'),
        shiftA: await shift(fx, fx.unitA, dutyA, new Date(now - 3_600_000), new Date(now + 86_400_000)),
        shiftB: await shift(fx, fx.unitB, dutyB, new Date(now - 3_600_000), new Date(now + 86_400_000)),
        deviceA,
        deviceB,
        alarmA: await alarm(fx, deviceA),
        alarmB: await alarm(fx, deviceB),
        rule: rule.json.id,
        hands: { A: 0, B: 0 },
      };
    })();
    duty.set(fx, d);
  }
  return d;
}

/** A finished shift of another person of the side's unit, an hour of its own within the last ten. */
async function ownHandoverShift(fx: Fixtures, as: PrincipalName, side: 'A' | 'B'): Promise<string> {
  if (!STAFF.includes(as) && as !== 'admin') return NOBODY;
  const d = await dutyRecords(fx);
  const i = d.hands[side]++;
  const end = Date.now() - i * 3_600_000 - 60_000;
  return shift(
    fx,
    side === 'A' ? fx.unitA : fx.unitB,
    side === 'A' ? d.handA : d.handB,
    new Date(end - 3_000_000),
    new Date(end),
  );
}

/** A window of its own far in the future for each shift a probe makes (the probes run at once). */
const futureWindow = (fx: Fixtures) => {
  const start = Date.UTC(2031, 0, 1) + ++fx.seq * 86_400_000;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 8 * 3_600_000).toISOString() };
};
const rosterUrl = () => {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  return `/api/emergency/roster?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
};
const CHECK: readonly PrincipalName[] = ['inspector', 'shift_lead', 'dispatcher', 'leader', 'admin'];

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
  'GET /api/public/emergency/notices': {
    any: () => ({ method: 'GET', url: '/api/public/emergency/notices' }),
  },
  'POST /api/emergency/incidents/:id/publish': {
    in: onOwnIncident('A', 'publish', { notice: '探针公告：请绕行' }, COMMAND),
    out: onOwnIncident('B', 'publish', { notice: '探针公告：请绕行' }, COMMAND),
  },
  'GET /api/emergency/roster': {
    in: async (fx) => ({ method: 'GET', url: rosterUrl(), find: has((await dutyRecords(fx)).shiftA) }),
    out: async (fx) => ({ method: 'GET', url: rosterUrl(), find: has((await dutyRecords(fx)).shiftB) }),
  },
  'GET /api/emergency/roster/on-duty': {
    in: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/roster/on-duty',
      find: has((await dutyRecords(fx)).shiftA),
    }),
    out: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/roster/on-duty',
      find: has((await dutyRecords(fx)).shiftB),
    }),
  },
  'POST /api/emergency/roster/shifts': {
    in: async (fx) => ({
      method: 'POST',
      url: '/api/emergency/roster/shifts',
      payload: {
        unitId: fx.unitA,
        userId: (await dutyRecords(fx)).dutyA,
        role: 'officer',
        ...futureWindow(fx),
      },
    }),
    out: async (fx) => ({
      method: 'POST',
      url: '/api/emergency/roster/shifts',
      payload: {
        unitId: fx.unitB,
        userId: (await dutyRecords(fx)).dutyB,
        role: 'officer',
        ...futureWindow(fx),
      },
    }),
  },
  'POST /api/emergency/roster/shifts/:id/handover': {
    // Another person's finished shift of unit A: shift leads hand it over; others may not (403).
    in: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/roster/shifts/${await ownHandoverShift(fx, as, 'A')}/handover`,
      payload: { note: '探针交班' },
    }),
    out: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/roster/shifts/${await ownHandoverShift(fx, as, 'B')}/handover`,
      payload: { note: '探针交班' },
    }),
  },
  'GET /api/emergency/alarms': {
    in: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/alarms',
      find: has((await dutyRecords(fx)).alarmA),
    }),
    out: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/alarms',
      find: has((await dutyRecords(fx)).alarmB),
    }),
  },
  'POST /api/emergency/alarms/:id/check': {
    // An alarm of its own (to check) from a device in street A (in) or B (out), called a false alarm.
    in: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/alarms/${CHECK.includes(as) ? await alarm(fx, (await dutyRecords(fx)).deviceA) : NOBODY}/check`,
      payload: { outcome: 'false_alarm', note: '探针核查：误报' },
    }),
    out: async (fx, as) => ({
      method: 'POST',
      url: `/api/emergency/alarms/${CHECK.includes(as) ? await alarm(fx, (await dutyRecords(fx)).deviceB) : NOBODY}/check`,
      payload: { outcome: 'false_alarm', note: '探针核查：误报' },
    }),
  },
  'GET /api/emergency/alarm-rules': {
    any: async (fx) => ({
      method: 'GET',
      url: '/api/emergency/alarm-rules',
      find: has((await dutyRecords(fx)).rule),
    }),
  },
  'POST /api/emergency/alarm-rules': {
    any: () => ({
      method: 'POST',
      url: '/api/emergency/alarm-rules',
      payload: {
        name: '探针新规则',
        deviceType: 'probe_detector',
        alarmType: 'probe_other',
        threshold: 2,
        windowMinutes: 5,
        incidentType: 'accident',
        incidentSubtype: 'fire',
        level: 4,
      },
    }),
  },
  'POST /api/emergency/alarm-rules/:id/active': {
    any: async (fx) => ({
      method: 'POST',
      url: `/api/emergency/alarm-rules/${(await dutyRecords(fx)).rule}/active`,
      payload: { active: true },
    }),
  },
};
