/** The authorization matrix's probes of the targets and channels routes (see authz-probes.ts). */
import { multipart } from './api.js';
import {
  type Build,
  colour,
  type Fixtures,
  idsIn,
  listsCase,
  ok,
  png,
  type Req,
  STREET_A,
  STREET_B,
  uniq,
} from './authz-fixtures.js';
import type { PrincipalName } from './authz-matrix.js';
import type { CellCentre } from './grid-cells.js';

export const WORK_PROBES: Record<string, Record<string, Build>> = {
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
  'POST /api/targets/documents/:id/items': {
    in: (fx) => ({ method: 'POST', url: `/api/targets/documents/${fx.docA}/items`, payload: probeItem() }),
    out: (fx) => ({ method: 'POST', url: `/api/targets/documents/${fx.docB}/items`, payload: probeItem() }),
  },
  'GET /api/targets/documents/:id/labels.jsonl': {
    in: (fx) => ({ method: 'GET', url: `/api/targets/documents/${fx.docA}/labels.jsonl` }),
    out: (fx) => ({ method: 'GET', url: `/api/targets/documents/${fx.docB}/labels.jsonl` }),
  },
  'POST /api/targets/plans': {
    in: () => ({ method: 'POST', url: '/api/targets/plans', payload: probePlan(STREET_A) }),
    out: () => ({ method: 'POST', url: '/api/targets/plans', payload: probePlan(STREET_B) }),
  },
  'POST /api/targets/plans/upload': {
    in: () => {
      const m = multipart('规划.txt', Buffer.from(PROBE_PLAN_TEXT), 'text/plain');
      return { method: 'POST', url: '/api/targets/plans/upload', payload: m.payload, headers: m.headers };
    },
  },
  'GET /api/targets/plans/:id/review': {
    in: async (fx) => ({
      method: 'GET',
      url: `/api/targets/plans/${(await throwawayPlan(fx, STREET_A)).id}/review`,
    }),
    out: async (fx) => ({
      method: 'GET',
      url: `/api/targets/plans/${(await throwawayPlan(fx, STREET_B)).id}/review`,
    }),
  },
  'GET /api/targets/plans/:id/review.xlsx': {
    in: async (fx) => ({
      method: 'GET',
      url: `/api/targets/plans/${(await throwawayPlan(fx, STREET_A)).id}/review.xlsx`,
    }),
    out: async (fx) => ({
      method: 'GET',
      url: `/api/targets/plans/${(await throwawayPlan(fx, STREET_B)).id}/review.xlsx`,
    }),
  },
  'PUT /api/targets/plan-indicators/:id/actuals/:year': {
    in: async (fx) => ({
      method: 'PUT',
      url: `/api/targets/plan-indicators/${(await throwawayPlan(fx, STREET_A)).indicatorId}/actuals/2021`,
      payload: { value: 36, source: 'statistical_bulletin', sourceNote: '探针' },
    }),
    out: async (fx) => ({
      method: 'PUT',
      url: `/api/targets/plan-indicators/${(await throwawayPlan(fx, STREET_B)).indicatorId}/actuals/2021`,
      payload: { value: 36, source: 'statistical_bulletin', sourceNote: '探针' },
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
  'POST /api/devices/:id/rotate': {
    any: () => ({ method: 'POST', url: '/api/devices/SMK-HP-0001/rotate', payload: {} }),
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
  'GET /api/public/places': {
    any: () => ({ method: 'GET', url: `/api/public/places?q=${encodeURIComponent('劝业场')}` }),
  },
  'GET /api/public/targets': { any: () => ({ method: 'GET', url: '/api/public/targets' }) },
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
  'GET /open311/v2/media/:file': {
    any: () => ({ method: 'GET', url: `/open311/v2/media/${'0'.repeat(64)}.jpg` }),
  },
  // The test endpoint (sandbox): never a district case; keys are per endpoint.
  'GET /open311/test/v2/:file': {
    discovery: () => ({ method: 'GET', url: '/open311/test/v2/discovery.json' }),
    requests: (fx) => ({
      method: 'GET',
      url: '/open311/test/v2/requests.json',
      find: (j) => Array.isArray(j) && j.some((r) => r.service_request_id === fx.cases.petition.number),
    }),
  },
  'GET /open311/test/v2/services/:file': {
    any: () => ({ method: 'GET', url: '/open311/test/v2/services/event.0102.json' }),
  },
  'GET /open311/test/v2/requests/:file': {
    event: (fx) => ({ method: 'GET', url: `/open311/test/v2/requests/${fx.cases.own.number}.json` }),
  },
  'GET /open311/test/v2/tokens/:file': {
    any: (fx) => ({ method: 'GET', url: `/open311/test/v2/tokens/${fx.cases.own.trackingCode}.json` }),
  },
  'POST /open311/test/v2/:file': {
    'production-key': (fx) => ({
      ...open311Post(fx, 'api_key', fx.gridA, '120101'),
      url: '/open311/test/v2/requests.json',
    }),
  },
};

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

async function throwawayDocument(fx: Fixtures, areaCode: string): Promise<string> {
  const r = await ok(
    fx.admin.send({ method: 'POST', url: '/api/targets/documents', payload: probeDocument(areaCode) }),
    'document',
  );
  return r.json.id;
}

async function throwawayPlan(fx: Fixtures, areaCode: string): Promise<{ id: string; indicatorId: string }> {
  const r = await ok(
    fx.admin.send({ method: 'POST', url: '/api/targets/plans', payload: probePlan(areaCode) }),
    'plan',
  );
  return { id: r.json.document.id, indicatorId: r.json.indicators[0].id };
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
const PROBE_PLAN_TEXT = '指标\t单位\t2020年\t2025年\t属性\n常住人口\t万人\t35\t40\t预期性';
const probePlan = (areaCode: string) => ({ title: '探针规划', text: PROBE_PLAN_TEXT, areaCode });
const probeItem = () => ({ start: 0, end: 4, kind: 'target', indicator: '探针', value: 1, unit: '' });
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
