/**
 * Fuzzing every route from the OpenAPI document (plus the hidden Open311 routes), as anonymous and as a
 * staff user with a role the route admits. Properties: (a) never a 5xx; (b) a refused request (4xx)
 * changes no table (volatile columns listed in fuzz.ts VOLATILE) and no file; (c) every case chain verifies.
 * Then random sequences of case transitions, some invalid: no 5xx, refusals change nothing, chains verify.
 * Fixed seed (FUZZ_SEED to change it, FUZZ_RUNS for the number of requests per route and caller).
 * All failures are collected and reported together.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { type ApiContext, type Client, describeApi, multipart, nextAddress } from './api.js';
import { describeRequest, type FuzzRequest, requestArb, sweepRequests } from './fuzz.js';
import { type Operation, operationsOf, type Realm, validArb } from './fuzz-schema.js';
import { diffSnapshots, listFiles, nextXid, type Snapshot, snapshotTables } from './fuzz-state.js';
import { wholeCellCentre } from './grid-cells.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const VALID_RUNS = Number(process.env.FUZZ_VALID_RUNS ?? 3);
/** Prints every request whose description contains this text, with its status (debugging a route). */
const TRACE = process.env.FUZZ_TRACE ?? '';
const SEQUENCES = Number(process.env.FUZZ_SEQUENCES ?? 12);
const STAFF = [
  'admin',
  'supervisor',
  'dispatcher',
  'shift_lead',
  'operator',
  'inspector',
  'handler',
  'street',
  'leader',
];

interface Reply {
  status: number;
  body: string;
}

/** Watches the database and the file store around each request; records every failure. */
class Referee {
  failures: string[] = [];
  requests = 0;
  refused = 0;
  byStatus = new Map<number, number>();
  private baseline: Snapshot | undefined;
  private baselineXid = '';

  constructor(private readonly ctx: () => ApiContext) {}

  snapshots = 0;
  snapshotMs = 0;

  private async snapshot(): Promise<Snapshot> {
    const t = Date.now();
    const snap = await snapshotTables(this.ctx().store.db);
    this.snapshots++;
    this.snapshotMs += Date.now() - t;
    return snap;
  }

  private async fresh(): Promise<void> {
    const db = this.ctx().store.db;
    const xid = await nextXid(db);
    if (this.baseline && xid === this.baselineXid) return;
    this.baseline = await this.snapshot();
    this.baselineXid = await nextXid(db);
  }

  /** Failure → the route and kind of input it belongs to, so a report groups the same fault once. */
  private groups = new Map<string, string>();

  async run(what: string, send: () => Promise<Reply>, group = what): Promise<Reply> {
    const before = this.failures.length;
    try {
      return await this.check(what, send);
    } finally {
      for (const f of this.failures.slice(before)) this.groups.set(f, `${f.split(':')[0]} ${group}`);
    }
  }

  private async check(what: string, send: () => Promise<Reply>): Promise<Reply> {
    await this.fresh();
    const filesBefore = listFiles(this.ctx().dataDir);
    const res = await send();
    if (TRACE && what.includes(TRACE)) console.log(`trace ${res.status} ${what.slice(0, 200)}`);
    this.requests++;
    this.byStatus.set(res.status, (this.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500)
      this.failures.push(`5xx ${res.status}: ${what} → ${res.body.replace(/\s+/g, ' ').slice(0, 200)}`);
    if (res.status >= 400 && res.status < 500) {
      this.refused++;
      const db = this.ctx().store.db;
      if ((await nextXid(db)) !== this.baselineXid && this.baseline) {
        const changed = diffSnapshots(this.baseline, await this.snapshot());
        if (changed.length)
          this.failures.push(`refused ${res.status} but changed tables ${changed.join(', ')}: ${what}`);
      }
      const filesAfter = listFiles(this.ctx().dataDir);
      if (filesAfter !== filesBefore)
        this.failures.push(`refused ${res.status} but changed the file store: ${what}`);
    }
    return res;
  }

  async chains(when: string): Promise<void> {
    const r = await this.ctx().server.cases.queries.verifyChains();
    for (const b of r.broken)
      this.failures.push(`chain broken ${when}: case ${b.number} seq ${b.seq} ${b.problem}`);
  }

  report(title: string): string {
    const statuses = [...this.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`);
    // the same failure on many inputs is one line with a count
    const grouped = new Map<string, { n: number; first: string }>();
    for (const f of this.failures) {
      const key = this.groups.get(f) ?? f;
      const g = grouped.get(key);
      if (g) g.n++;
      else grouped.set(key, { n: 1, first: f });
    }
    const lines = [...grouped].map(([key, g]) => `  ${key} ×${g.n}, e.g. ${g.first}`);
    return `${title}: seed ${SEED}, ${this.requests} requests (${statuses.join(' ')}), ${this.snapshots} table snapshots (${Math.round(this.snapshotMs / 1000)} s), ${this.failures.length} failures${lines.length ? `:\n${lines.join('\n')}` : ''}`;
  }
}

describeApi('fuzz: every route from the OpenAPI document, anonymous and staff', (ctx, kind) => {
  const clients = new Map<string, Client>();
  let ops: Operation[] = [];
  const realm: Record<string, string[]> = {};
  const staffFor = new Map<string, string>();
  let device = 0;

  /** Anonymous requests come from fresh addresses and devices, so the portal's limits do not hide the handlers. */
  const anonymous = async (r: FuzzRequest): Promise<Reply> => {
    const res = await ctx().server.app.inject({
      method: r.method as 'GET',
      url: r.url,
      headers: { 'x-wangge-device': `fuzz-device-${++device}`, ...r.headers },
      remoteAddress: nextAddress(),
      ...(r.payload !== undefined ? { payload: r.payload } : {}),
    });
    return { status: res.statusCode, body: res.body };
  };
  const asStaff = async (c: Client, r: FuzzRequest): Promise<Reply> => {
    const res = await c.request(r.method as 'GET', r.url, r.payload, {
      'x-wangge-device': `fuzz-device-${++device}`,
      ...r.headers,
    });
    return { status: res.status, body: String(res.body) };
  };

  /** Real ids and codes per route, so that generated requests reach past the 404s. */
  const realmOf = (op: Operation): Realm => {
    const p = op.path;
    const pick = (...keys: string[]) => keys.flatMap((k) => realm[k] ?? []);
    const id = p.startsWith('/api/cases')
      ? pick('case')
      : p.startsWith('/api/units')
        ? pick('ownUnit')
        : p.startsWith('/api/users')
          ? pick('ownUser')
          : p.startsWith('/api/rules')
            ? pick('rule')
            : p.startsWith('/api/targets')
              ? pick('document')
              : p.startsWith('/api/case-views')
                ? pick('view')
                : [];
    const code = p.startsWith('/api/areas')
      ? pick('area')
      : p.startsWith('/api/categories')
        ? pick('category')
        : p.startsWith('/api/public/track')
          ? pick('tracking')
          : [];
    return {
      byName: {
        id,
        code,
        hash: pick('hash'),
        phone: pick('phone'),
        unitId: pick('unit'),
        intoCaseId: pick('case'),
        leadUnitId: pick('unit'),
        categoryCode: pick('category'),
        serviceCode: pick('category'),
        areaCode: pick('grid'),
        area: pick('area'),
        category: pick('category'),
        unit: pick('unit'),
        within: pick('area'),
        api_key: pick('token'),
        documentId: pick('document'),
        entityId: pick('case'),
        file: [],
        // a point inside a grid of 劝业场街道, so intake gets past locating
        lon: pick('lon'),
        lat: pick('lat'),
        long: pick('lon'),
      },
    };
  };

  beforeAll(async () => {
    const t0 = Date.now();
    for (const u of STAFF) clients.set(u, await ctx().login(u));
    const admin = clients.get('admin') as Client;
    const inspector = clients.get('inspector') as Client;
    ops = operationsOf((await ctx().anonymous.get('/api/openapi.json')).json);
    const grid = await wholeCellCentre(ctx().store.db, '120101001');
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c63' } })
      .png()
      .toBuffer();
    const m = multipart('a.png', png, 'image/png');
    const up = await inspector.request('POST', '/api/attachments', m.payload, m.headers);
    const made = await inspector.request(
      'POST',
      '/api/cases',
      {
        categoryCode: 'event.0102',
        title: '模糊测试',
        lon: grid.lon,
        lat: grid.lat,
        evidence: [up.json.hash],
      },
      { 'idempotency-key': randomUUID() },
    );
    const users = (await admin.get('/api/users')).json as { id: string; username: string }[];
    const operatorId = users.find((u) => u.username === 'operator')?.id;
    const token = await admin.post(`/api/users/${operatorId}/tokens`, { name: 'fuzz' });
    // the fuzzer edits only records of its own (a PATCH that disables a demo user would blind the rest)
    const ownUnit = await admin.post('/api/units', {
      code: 'fuzz-unit',
      name: '模糊测试单位',
      type: 'department',
      areaCode: '120101',
    });
    const ownUser = await admin.post('/api/users', {
      username: 'fuzz_user',
      displayName: '模糊测试',
      password: 'fuzz-password-123',
      roles: ['inspector'],
      scope: '120101',
    });
    const categories = (await admin.get('/api/categories')).json as { code: string }[];
    const docs = await clients.get('supervisor')?.post('/api/targets/documents', {
      title: '2026年重点工作',
      year: 2026,
      text: '一、完成道路整治10公里。',
    });
    Object.assign(realm, {
      case: [made.json.id],
      tracking: [made.json.trackingCode],
      hash: [up.json.hash],
      unit: (await admin.get('/api/units')).json.map((u: { id: string }) => u.id).slice(0, 4),
      ownUnit: [ownUnit.json?.id].filter(Boolean),
      ownUser: [ownUser.json?.id].filter(Boolean),
      ownCategory: categories.slice(-1).map((c) => c.code),
      rule: (await admin.get('/api/rules')).json.map((r: { id: string }) => r.id).slice(0, 2),
      area: ['120101', '120101001', grid.code.slice(0, 12), grid.code],
      grid: [grid.code],
      lon: [String(grid.lon)],
      lat: [String(grid.lat)],
      category: ['event.0102', 'component.0101'],
      phone: ['13800138000'],
      token: token.json?.token ? [token.json.token] : [],
      document: docs?.json?.id ? [docs.json.id] : [],
    });
    const t1 = Date.now();
    // A staff user whose role the route admits: the first that is not refused 403 forbidden on a valid request.
    for (const op of ops) {
      // (not the auth routes: probing logout would end the session every later request relies on)
      if (op.path.startsWith('/open311') || op.path.startsWith('/api/auth/')) continue;
      // ids that exist nowhere: the probe passes validation and the access check, then finds nothing
      const probeRealm = { byName: { ...realmOf(op).byName, id: [], code: [] } };
      const valid = fc.sample(validRequestArb(op, probeRealm), { seed: SEED, numRuns: 1 })[0] as FuzzRequest;
      for (const u of STAFF) {
        const res = await asStaff(clients.get(u) as Client, valid);
        let code = '';
        try {
          code = JSON.parse(res.body)?.error?.code ?? '';
        } catch {}
        if (!(res.status === 403 && code === 'forbidden')) {
          staffFor.set(`${op.method} ${op.path}`, u);
          break;
        }
      }
    }
    console.log(`fuzz setup [${kind}]: realm ${t1 - t0} ms, role probes ${Date.now() - t1} ms`);
  });

  it(`never answers 5xx, a refusal changes nothing, chains verify [${kind}]`, async () => {
    const referee = new Referee(ctx);
    const started = Date.now();
    for (const [i, op] of ops.entries()) {
      const arb = requestArb(op, realmOf(op));
      // a few requests the schema accepts, with real ids, so the handlers are reached; then the hostile ones
      // every real id or code of the route's path once (e.g. a district, a street, a grid for /api/areas/{code})
      const reals = op.params
        .filter((p) => p.in === 'path')
        .flatMap((p) =>
          (realmOf(op).byName[p.name] ?? []).map((v) => {
            const r = fc.sample(validRequestArb(op, realmOf(op)), {
              seed: SEED + i,
              numRuns: 1,
            })[0] as FuzzRequest;
            const at = op.path.split('/').indexOf(`{${p.name}}`);
            const [pathPart = '', query] = r.url.split('?');
            const segments = pathPart.split('/');
            segments[at] = encodeURIComponent(v);
            return {
              ...r,
              url: segments.join('/') + (query ? `?${query}` : ''),
              label: `valid, real ${p.name}`,
            };
          }),
        );
      const requests = [
        ...fc.sample(validRequestArb(op, realmOf(op)), { seed: SEED + i, numRuns: VALID_RUNS }),
        ...reals,
        ...fc.sample(arb, { seed: SEED + i, numRuns: RUNS }),
      ];
      // the sweep starts from a request that was accepted when there is one, so it reaches the database
      let sweepBase = requests[0] as FuzzRequest;
      const staff = staffFor.get(`${op.method} ${op.path}`) ?? 'admin';
      for (const r of requests) {
        const group = `${op.method} ${op.path} [${r.label}]`;
        await referee.run(`anonymous ${describeRequest(r)}`, () => anonymous(r), `anonymous ${group}`);
        // logging out ends the session: that call gets a session of its own
        const c = op.path === '/api/auth/logout' ? await ctx().login(staff) : (clients.get(staff) as Client);
        const res = await referee.run(
          `${staff} ${describeRequest(r)}`,
          () => asStaff(c, r),
          `${staff} ${group}`,
        );
        if (res.status < 300 && sweepBase.label !== 'accepted') sweepBase = { ...r, label: 'accepted' };
      }
      // the sweep once, by whoever the route admits (public routes: anonymous)
      const publicRoute = op.path.startsWith('/api/public') || op.path.startsWith('/open311');
      for (const r of sweepRequests(op, sweepBase)) {
        const group = `${op.method} ${op.path} [${r.label}]`;
        if (publicRoute)
          await referee.run(`anonymous ${describeRequest(r)}`, () => anonymous(r), `anonymous ${group}`);
        else
          await referee.run(
            `${staff} ${describeRequest(r)}`,
            () => asStaff(clients.get(staff) as Client, r),
            `${staff} ${group}`,
          );
      }
    }
    await referee.chains('after fuzzing every route');
    const summary = referee.report(
      `fuzz routes [${kind}] ${ops.length} operations in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    console.log(summary);
    expect(referee.failures, summary).toEqual([]);
  }, 300_000);

  it(`random case transition sequences: no 5xx, refusals change nothing, chains verify [${kind}]`, async () => {
    const referee = new Referee(ctx);
    const started = Date.now();
    const transitions = ops.find((o) => o.path === '/api/cases/{id}/transitions' && o.method === 'POST');
    if (!transitions?.body) throw new Error('no transitions route in the document');
    const grid = await wholeCellCentre(ctx().store.db, '120101001');
    const commandArb = validArb(transitions.body, realmOf(transitions));
    const stepArb = fc.record({
      actor: fc.constantFrom(...STAFF),
      command: commandArb,
      version: fc.oneof(
        { weight: 8, arbitrary: fc.constant('current') },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }) },
      ),
      key: fc.option(fc.constantFrom('k-aaaaaaaa', 'k-bbbbbbbb', 'k-cccccccc')),
    });
    const happy = ['file', 'dispatch', 'sign', 'feedback', 'check', 'close', 'rate'];
    const seqArb = fc.array(
      fc.oneof(
        { weight: 2, arbitrary: stepArb },
        // steps of the ordinary loop so sequences get past the first states
        {
          weight: 3,
          arbitrary: stepArb.chain((s) =>
            fc.constantFrom(...happy).map((type) => ({ ...s, command: { ...(s.command as object), type } })),
          ),
        },
      ),
      { minLength: 3, maxLength: 14 },
    );
    const sequences = fc.sample(seqArb, { seed: SEED, numRuns: SEQUENCES });
    for (const [n, seq] of sequences.entries()) {
      const made = await referee.run('intake', async () => {
        const r = await (clients.get('inspector') as Client).request(
          'POST',
          '/api/cases',
          { categoryCode: 'event.0102', title: `序列 ${n}`, lon: grid.lon, lat: grid.lat },
          { 'idempotency-key': `fuzz-seq-${SEED}-${n}` },
        );
        return { status: r.status, body: String(r.body) };
      });
      const id = JSON.parse(made.body).id as string;
      for (const step of seq) {
        const current = (await (clients.get('admin') as Client).get(`/api/cases/${id}`)).json?.version ?? 1;
        const body = {
          ...(step.command as object),
          version: step.version === 'current' ? current : step.version,
        };
        const r: FuzzRequest = {
          method: 'POST',
          url: `/api/cases/${id}/transitions`,
          headers: {
            'content-type': 'application/json',
            ...(step.key ? { 'idempotency-key': `${step.key}-${n}` } : {}),
          },
          payload: JSON.stringify(body),
          label: `sequence ${n} as ${step.actor}`,
        };
        await referee.run(describeRequest(r), () => asStaff(clients.get(step.actor) as Client, r));
      }
    }
    await referee.chains('after the transition sequences');
    const summary = referee.report(
      `fuzz transitions [${kind}] ${SEQUENCES} sequences in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    console.log(summary);
    expect(referee.failures, summary).toEqual([]);
  }, 120_000);
});

/** A request the schema accepts (best effort), used to find a staff user the route admits. */
function validRequestArb(op: Operation, realm: Realm): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const query = op.params.filter((p) => p.in === 'query');
  return fc
    .tuple(
      fc.tuple(...pathParams.map((p) => validArb(p.schema, realm, p.name))),
      fc.tuple(
        ...query.map((p) =>
          p.required ? validArb(p.schema, realm, p.name) : fc.option(validArb(p.schema, realm, p.name)),
        ),
      ),
      op.body ? validArb(op.body, realm) : fc.constant(undefined),
    )
    .map(([pv, qv, body]) => {
      let url = op.path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeURIComponent(String(pv[i])));
      });
      const pairs = query.flatMap((p, i) =>
        qv[i] === null || qv[i] === undefined ? [] : [`${p.name}=${encodeURIComponent(String(qv[i]))}`],
      );
      if (pairs.length) url += `?${pairs.join('&')}`;
      return {
        method: op.method,
        url,
        headers: (body === undefined ? {} : { 'content-type': 'application/json' }) as Record<string, string>,
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        label: 'valid',
      };
    });
}
