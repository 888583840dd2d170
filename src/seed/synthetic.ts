/**
 * `wangge seed synthetic --cases N --from DATE --to DATE`: realistic case histories for load and scale work,
 * written through the engine's own pure rules — every step is a `workflow.ts` decision on the case's
 * snapshot, deadlines come from the category's limits in the district's working time (the engine's
 * calendar), events are hash-chained (`hash-chain.ts`) and the roll-ups are the deltas `rollup.ts` derives
 * from the replayed facts, exactly as `CaseEngine.writeEvent` would write them one by one.
 *
 * Shapes: arrival times follow the hour-of-day and weekday profile of a real 311 month
 * (../shared/data/load/ottawa311-2014-01.csv, read when present, else the profile below measured from it);
 * lifecycles follow the proportions of a real 311 sample (boston311-100.csv: 83% on time, 15% still open,
 * 3% invalid) with returns, reworks, ratings and citizen reopenings; areas, units and categories are the
 * installation's own (the demo's real streets, its grids, its departments and catalogue).
 *
 * Writing: one transaction per batch. On PGlite (or a server without `copyUrl`) multi-row INSERTs; on a
 * PostgreSQL server with `copyUrl` (`wangge seed synthetic --bulk`) `COPY … FROM STDIN` (pg-copy.ts) over a
 * connection of its own. Either way the daily roll-up deltas of all cases are folded in memory and written
 * once their key is final (no later case can be known before its own report day; arrivals are in order),
 * with the monthly counters mapped from the same deltas (rollup.ts `monthlyDeltas`) in the same transaction;
 * an interrupted run leaves the last days' counters unwritten (rebuild the set). Each case's facts are
 * replayed once per day it moves (deltas are keyed by day), not once per event. No deadline jobs are
 * queued: the history is past, and open cases show as overdue in the figures as they should.
 *
 * What the megacity bulk mode stores per case (`--bulk`: `eventsEvery` 100):
 *   - the case row, complete: state, unit, person, kind, category, grid, the running deadline (due_at,
 *     step_started_at), created_at / updated_at / closed_at, rating, whistle, the chain's last hash;
 *   - its share of the daily and monthly roll-up counters, complete: every event of every case counted;
 *   - its events (the hash-chained history) for 1 case in 100 only.
 * That is enough for the bulletin, the scores and the rankings, which read only the roll-ups (exact: the
 * recount test checks roll-ups against the events where all events are kept), for the case list and its
 * filters, the big screen (grid load, daily intake and closures, categories: counted on case rows), and
 * the worst-overdue lists (open case rows past due_at). A drill-down opens the full list of cases behind a
 * figure; opening one of the 99 in 100 cases without events shows its row (state, unit, deadline, times) with
 * an empty timeline, and an export's per-state timestamps (taken from events) stay empty for it. Keeping
 * every event would cost ≈ 7 events × ≈ 450 bytes a case: ≈ 65 GB for 21.4 million cases.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { CaseEngine } from '../modules/cases/case-engine.js';
import { deriveFacts, type FactEvent } from '../modules/cases/case-facts.js';
import { patchColumns, splitPayload } from '../modules/cases/case-rows.js';
import type { CategoryT } from '../modules/cases/cases.schemas.js';
import { rulesOf } from '../modules/cases/catalogue.js';
import { eventHash, GENESIS_HASH, type HashedEvent } from '../modules/cases/hash-chain.js';
import { chinaDay, memberships, type RollupDelta, rollupDeltas } from '../modules/cases/rollup.js';
import {
  type Actor,
  type ActorRole,
  type CaseSnapshot,
  type Command,
  decide,
  startClock,
} from '../modules/cases/workflow.js';
import type { DB } from '../platform/db/schema.js';
import { seededRandom } from '../platform/random.js';
import { copyWriter, insertWriter } from './synthetic-writers.js';

export interface SyntheticOptions {
  cases: number;
  /** First day (YYYY-MM-DD, China time), inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
  /** Steps after this moment are not written (the cases stay open as of it). Default: now. */
  now?: Date;
  /** Cases per transaction. */
  batch?: number;
  seed?: number;
  /** Only these areas (a district or street code prefix). */
  area?: string;
  /**
   * Keep the events of one case in this many (1: every case's history; the megacity bulk mode keeps 1 in
   * 100). The case rows and the roll-ups are always complete: the figures read only roll-ups.
   */
  eventsEvery?: number;
  /**
   * Write each built history for this many grids of its street (default 1: every case built on its own).
   * A copy is a history the rules produce for that grid too: deadlines depend on the category and the
   * district's calendar, units on the street, and both are the same; only the case id, its numbers, its
   * grid and so its hash chain and roll-up community differ. For scale runs where building every history
   * in JS (≈ 1–2 ms a case) is the bottleneck; copies share their arrival times.
   */
  replicate?: number;
  /**
   * A PostgreSQL server's URL: write with `COPY … FROM STDIN` over a connection of its own (bulk mode), the
   * daily roll-ups folded in memory until no later case can touch them. Without it: multi-row INSERTs
   * through `db` (PGlite and servers alike).
   */
  copyUrl?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SyntheticReport {
  cases: number;
  events: number;
  /** Daily roll-up rows written (upserts; a key written twice counts twice). */
  rollupRows: number;
  monthlyRows: number;
  ms: number;
  /** Of which building the histories in JS (the workflow, facts, hashes). */
  buildMs: number;
  rowsPerSecond: number;
  casesPerSecond: number;
  copy: boolean;
}

// ---------- shapes ----------

/** Hour-of-day and weekday (Mon..Sun) counts of ottawa311-2014-01.csv (16,780 requests). */
const OTTAWA_HOURS = [
  153, 94, 76, 59, 49, 53, 95, 396, 1050, 1680, 1666, 1561, 1373, 1398, 1404, 1412, 1294, 852, 744, 421, 295,
  228, 210, 217,
];
const OTTAWA_WEEKDAYS = [3325, 2774, 2714, 2925, 2738, 1461, 843];
const LOAD_DIR = path.resolve(process.cwd(), '../shared/data/load');

/** The arrival profile: from the Ottawa file when it is there, else the counts measured from it above. */
export function arrivalProfile(dir = LOAD_DIR): { hours: number[]; weekdays: number[] } {
  const file = path.join(dir, 'ottawa311-2014-01.csv');
  if (!existsSync(file)) return { hours: OTTAWA_HOURS, weekdays: OTTAWA_WEEKDAYS };
  const hours = new Array(24).fill(0) as number[];
  const weekdays = new Array(7).fill(0) as number[];
  const months: Record<string, number> = {
    Jan: 0,
    Feb: 1,
    Mar: 2,
    Apr: 3,
    May: 4,
    Jun: 5,
    Jul: 6,
    Aug: 7,
    Sep: 8,
    Oct: 9,
    Nov: 10,
    Dec: 11,
  };
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const m = /^(\d{4})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):/.exec(line);
    if (!m) continue;
    const d = new Date(Date.UTC(Number(m[1]), months[m[2] as string] ?? 0, Number(m[3])));
    hours[Number(m[4])] = (hours[Number(m[4])] ?? 0) + 1;
    const wd = (d.getUTCDay() + 6) % 7;
    weekdays[wd] = (weekdays[wd] ?? 0) + 1;
  }
  return { hours, weekdays };
}

/** Lifecycle proportions (boston311-100.csv: ONTIME 83 / OVERDUE 17; invalid 3; the rest from DESIGN.md). */
export const LIFECYCLE = {
  rejected: 0.03,
  answeredOnCall: 0.1, // of requests (12345 consultations)
  lateFiling: 0.05,
  returned: 0.05,
  lateSigning: 0.08,
  lateHandling: 0.17,
  rework: 0.08,
  rated: 0.7, // of requests and proposals
  unsatisfied: 0.1,
  basically: 0.15,
  suspended: 0.02,
  assigned: 0.3,
};

const OFFSET_MS = 8 * 3_600_000;
const HOUR = 3_600_000;
const MIN = 60_000;
const civil = (s: string, field: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`${field} must be a date YYYY-MM-DD`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - OFFSET_MS;
  if (Number.isNaN(t)) throw new Error(`${field} is not a real date`);
  return t;
};

function pickWeighted(r: number, weights: readonly number[]): number {
  const sum = weights.reduce((a, b) => a + b, 0);
  let x = r * sum;
  for (const [i, w] of weights.entries()) {
    x -= w;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** N arrival times between from and to (inclusive days), weekday- and hour-shaped, in order. */
export function arrivals(n: number, fromMs: number, toMs: number, rand: () => number): number[] {
  const { hours, weekdays } = arrivalProfile();
  const days: number[] = [];
  for (let t = fromMs; t < toMs; t += 86_400_000) days.push(t);
  const dayWeights = days.map((t) => weekdays[(new Date(t + OFFSET_MS).getUTCDay() + 6) % 7] ?? 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const day = days[pickWeighted(rand(), dayWeights)] as number;
    out.push(day + pickWeighted(rand(), hours) * HOUR + Math.floor(rand() * HOUR));
  }
  return out.sort((a, b) => a - b);
}

// ---------- the world: areas, units, categories ----------

interface World {
  grids: string[];
  /** The grids of each street (9 digits). */
  streets: Map<string, string[]>;
  units: { id: string; area: string; members: { id: string; name: string }[] }[];
  categories: CategoryT[];
}

async function loadWorld(db: Kysely<DB>, engine: CaseEngine, area: string | undefined): Promise<World> {
  let gq = db.selectFrom('areas').select('code').where('level', '=', 'grid');
  if (area) gq = gq.where('code', 'like', `${area}%`);
  const grids = (await gq.orderBy('code').execute()).map((r) => r.code);
  if (!grids.length) throw new Error(`no grids${area ? ` under ${area}` : ''}: seed the demo first`);
  const units = await db
    .selectFrom('units')
    .select(['id', 'area_code'])
    .where('active', '=', true)
    .where('type', 'in', ['department', 'street_office'])
    .orderBy('code')
    .execute();
  if (!units.length) throw new Error('no departments or street offices: seed the demo first');
  const users = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'unit_id'])
    .where('active', '=', true)
    .where(sql<boolean>`'handler' = any(roles)`)
    .execute();
  const cats = await db.selectFrom('categories').select('code').where('active', '=', true).execute();
  const categories: CategoryT[] = [];
  for (const c of cats) categories.push(await engine.category(c.code));
  const streets = new Map<string, string[]>();
  for (const g of grids) {
    const list = streets.get(g.slice(0, 9)) ?? [];
    streets.set(g.slice(0, 9), list);
    list.push(g);
  }
  return {
    grids,
    streets,
    units: units.map((u) => ({
      id: u.id,
      area: u.area_code,
      members: users.filter((x) => x.unit_id === u.id).map((x) => ({ id: x.id, name: x.display_name })),
    })),
    categories: categories.filter((c) =>
      ['event', 'component', 'request', 'proposal', 'petition'].includes(c.kind),
    ),
  };
}

// ---------- one case's history ----------

interface Built {
  row: Record<string, unknown>;
  numberPrefix: string;
  events: (HashedEvent & { prevHash: string; hash: string })[];
  deltas: RollupDelta[];
}

const ACTOR_NAME: Record<string, string> = {
  shift_lead: '值班长',
  operator: '受理员',
  dispatcher: '派遣员',
  handler: '处置人员',
  public: '市民',
};

/** One case from report to wherever `now` finds it, every step decided by the workflow. */
export function buildCase(
  engine: CaseEngine,
  world: World,
  reportAt: number,
  now: number,
  rand: () => number,
): Built {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const category = pick(world.categories);
  const grid = pick(world.grids);
  const street = grid.slice(0, 9);
  const local = world.units.filter((u) => u.area.startsWith(street) || u.area.length === 6);
  const id = randomUUID();
  // Deadlines are asked for again at every replay: count each (start, limit) once.
  const base = engine.decideContext(grid, category, new Date(reportAt)).addLimit;
  const memo = new Map<string, Date>();
  const addLimit: typeof base = (start, limit) => {
    const k = `${start.getTime()}|${limit.value}|${limit.unit}`;
    let d = memo.get(k);
    if (!d) {
      d = base(start, limit);
      memo.set(k, d);
    }
    return d;
  };
  const ctxAt = (t: number) => ({ ...engine.decideContext(grid, category, new Date(t)), addLimit });
  const rules = rulesOf(category);
  let t = reportAt;
  const clock = startClock(ctxAt(t), category.fileLimit);
  let snap: CaseSnapshot = {
    id,
    kind: category.kind,
    state: 'reported',
    areaCode: grid,
    assignedUnitId: null,
    dispatchMode: null,
    dueAt: clock.dueAt,
    stepStartedAt: clock.stepStartedAt,
    stepUnit: clock.stepUnit,
    suspendedAt: null,
    checked: false,
    reworkCount: 0,
    reopenCount: 0,
    extendedDays: 0,
    extensionRequested: null,
    rating: null,
    whistle: null,
  };
  const title = `${category.name}（合成）`;
  const events: Built['events'] = [];
  const deltas: RollupDelta[] = [];
  const factEvents: FactEvent[] = [];
  const fc = {
    id,
    number: '',
    kind: category.kind,
    categoryCode: category.code,
    areaCode: grid,
    title,
    assignedUnitId: null as string | null,
    createdAt: new Date(reportAt),
  };
  let prev = GENESIS_HASH;
  let before: Map<string, number> | null = null;
  let closedAt: Date | null = null;
  let assignedUser: string | null = null;
  // The roll-up deltas of a day's events are the memberships after its last event minus those before its
  // first (deltas are keyed by day): replay the facts once per day the case moves, not once per event.
  const settle = () => {
    const last = factEvents[factEvents.length - 1];
    if (!last) return;
    const after = memberships(deriveFacts(fc, factEvents, rules, addLimit));
    deltas.push(...rollupDeltas(before, after, last.at));
    before = after;
  };
  const push = (e: Omit<HashedEvent, 'caseId' | 'seq' | 'lon' | 'lat'>) => {
    const full: HashedEvent = { caseId: id, seq: events.length + 1, lon: null, lat: null, ...e };
    const hash = eventHash(prev, full);
    events.push({ ...full, prevHash: prev, hash });
    prev = hash;
    const lastAt = factEvents[factEvents.length - 1]?.at;
    if (lastAt && chinaDay(lastAt) !== chinaDay(full.at)) settle();
    factEvents.push({
      seq: full.seq,
      type: full.type,
      toState: full.toState,
      at: full.at,
      payload: (full.payload ?? {}) as Record<string, unknown>,
    });
  };
  push({
    type: 'report',
    fromState: null,
    toState: 'reported',
    at: new Date(t),
    actorId: null,
    actorName: ACTOR_NAME.operator as string,
    actorRole: 'operator',
    actorUnitId: null,
    note: null,
    evidence: [],
    payload: {
      categoryCode: category.code,
      title,
      description: '',
      address: '',
      areaCode: grid,
      source: 'staff',
      suggestedUnitId: null,
      dueAt: clock.dueAt?.toISOString() ?? null,
      attributes: {},
      mediaUrl: null,
    },
  });
  /** Gives a command at time `at` (if `at` has come); answers whether it was written. */
  const step = (cmd: Command, role: ActorRole, at: number, unitId: string | null = null): boolean => {
    if (at > now) return false;
    const actor: Actor = { userId: null, roles: [role], unitId, scope: '' };
    const d = decide(snap, cmd, actor, ctxAt(at));
    if (!d.ok) throw new Error(`synthetic ${cmd.type} from ${snap.state} refused: ${d.error.message}`);
    const { payload, note, evidence } = splitPayload(d.event.payload);
    // As transitions.service.ts writes the row: closed_at is set when a case closes.
    if (d.event.to === 'closed' && d.event.from !== 'closed') closedAt = new Date(at);
    if (d.patch.assignedUnitId !== undefined && d.patch.assignedUnitId !== snap.assignedUnitId)
      assignedUser = null;
    snap = { ...snap, ...d.patch };
    push({
      type: d.event.type,
      fromState: d.event.from,
      toState: d.event.to,
      at: new Date(at),
      actorId: null,
      actorName: ACTOR_NAME[role] ?? role,
      actorRole: role,
      actorUnitId: unitId,
      note,
      evidence,
      payload,
    });
    t = at;
    return true;
  };
  const between = (a: number, b: number) => a + Math.max(MIN, (b - a) * rand());
  const due = () => (snap.dueAt ? snap.dueAt.getTime() : t + 24 * HOUR);
  const evidence = [createHash('sha256').update(id).digest('hex')];

  const run = () => {
    const r = rand();
    if (r < LIFECYCLE.rejected)
      return step({ type: 'reject', reason: '不属于受理范围' }, 'shift_lead', between(t, t + 3 * HOUR));
    if (category.kind === 'request' && rand() < LIFECYCLE.answeredOnCall)
      return step(
        { type: 'close', answeredOnCall: true, note: '电话答复' },
        'operator',
        t + 2 * MIN + rand() * 18 * MIN,
      );
    const fileAt = rand() < LIFECYCLE.lateFiling ? between(due(), due() + 6 * HOUR) : between(t, due());
    if (!step({ type: 'file' }, 'shift_lead', fileAt)) return;
    let unit = pick(local.length ? local : world.units);
    if (
      !step({ type: 'dispatch', unitId: unit.id, mode: 'manual' }, 'dispatcher', t + MIN + rand() * 30 * MIN)
    )
      return;
    if (rand() < LIFECYCLE.returned) {
      if (
        !step(
          { type: 'return', reason: 'unclear_ownership', text: '不属于本单位职责' },
          'handler',
          t + HOUR + rand() * 3 * HOUR,
          unit.id,
        )
      )
        return;
      unit = pick(world.units);
      if (
        !step(
          { type: 'dispatch', unitId: unit.id, mode: 'manual' },
          'dispatcher',
          t + 10 * MIN + rand() * HOUR,
        )
      )
        return;
    }
    const signAt = rand() < LIFECYCLE.lateSigning ? due() + rand() * 4 * HOUR : between(t, due());
    if (!step({ type: 'sign' }, 'handler', signAt, unit.id)) return;
    if (unit.members.length && rand() < LIFECYCLE.assigned) {
      const m = pick(unit.members);
      if (t + 5 * MIN <= now) {
        t += 5 * MIN;
        push({
          type: 'assign',
          fromState: snap.state,
          toState: snap.state,
          at: new Date(t),
          actorId: null,
          actorName: '单位负责人',
          actorRole: 'handler',
          actorUnitId: unit.id,
          note: null,
          evidence: [],
          payload: { userId: m.id, userName: m.name, previousUserId: null },
        });
        assignedUser = m.id;
      }
    }
    if (rand() < LIFECYCLE.suspended) {
      step({ type: 'suspend', reason: '等待配合' }, 'shift_lead', between(t, due()));
      return;
    }
    const handle = (): boolean => {
      const at = rand() < LIFECYCLE.lateHandling ? due() + HOUR + rand() * 5 * 24 * HOUR : between(t, due());
      return step({ type: 'feedback', note: '已处置', evidence }, 'handler', at, unit.id);
    };
    const checkAndClose = (): boolean => {
      if (category.checkRequired) {
        if (rand() < LIFECYCLE.rework) {
          if (
            !step(
              { type: 'check', pass: false, note: '未处置到位' },
              'inspector',
              t + 30 * MIN + rand() * 20 * HOUR,
            )
          )
            return false;
          if (!handle()) return false;
        }
        if (
          !step(
            { type: 'check', pass: true, note: '核查通过' },
            'inspector',
            t + 30 * MIN + rand() * 20 * HOUR,
          )
        )
          return false;
      }
      return step({ type: 'close', note: '结案' }, 'shift_lead', t + 5 * MIN + rand() * 55 * MIN);
    };
    if (!handle() || !checkAndClose()) return;
    if ((category.kind === 'request' || category.kind === 'proposal') && rand() < LIFECYCLE.rated) {
      const x = rand();
      const rating =
        x < LIFECYCLE.unsatisfied
          ? 'unsatisfied'
          : x < LIFECYCLE.unsatisfied + LIFECYCLE.basically
            ? 'basically'
            : 'satisfied';
      if (!step({ type: 'rate', rating }, 'public', t + HOUR + rand() * 48 * HOUR)) return;
      if (snap.state !== 'closed' && handle() && checkAndClose())
        step({ type: 'rate', rating: 'satisfied' }, 'public', t + HOUR + rand() * 48 * HOUR);
    }
  };
  run();
  settle();
  const last = events[events.length - 1] as HashedEvent & { hash: string };
  const row = {
    id,
    tracking_code: createHash('sha256').update(`t${id}`).digest('base64url').slice(0, 10).toUpperCase(),
    kind: category.kind,
    category_code: category.code,
    source: 'staff',
    title,
    description: '',
    address: '',
    area_code: grid,
    ...patchColumns(snap),
    assigned_user_id: assignedUser,
    version: events.length,
    created_at: new Date(reportAt),
    updated_at: last.at,
    closed_at: closedAt,
    last_hash: last.hash,
  };
  const local8 = new Date(reportAt + OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
  return { row, numberPrefix: `${grid.slice(0, 6)}${local8}`, events, deltas };
}

/** The same history for another grid of the case's street: a new id, grid, chain and roll-up community. */
export function copyCase(b: Built, grid: string): Built {
  const id = randomUUID();
  let prev = GENESIS_HASH;
  const events = b.events.map((e) => {
    const { prevHash: _p, hash: _h, ...content } = e;
    const payload =
      e.type === 'report'
        ? { ...(content.payload as Record<string, unknown>), areaCode: grid }
        : content.payload;
    const full: HashedEvent = { ...content, caseId: id, payload };
    const hash = eventHash(prev, full);
    const out = { ...full, prevHash: prev, hash };
    prev = hash;
    return out;
  });
  const community = grid.slice(0, 12);
  return {
    row: {
      ...b.row,
      id,
      tracking_code: createHash('sha256').update(`t${id}`).digest('base64url').slice(0, 10).toUpperCase(),
      area_code: grid,
      last_hash: prev,
    },
    numberPrefix: b.numberPrefix,
    events,
    deltas: b.deltas.map((d) => ({ ...d, area: community })),
  };
}

// ---------- bulk writing ----------

const MS_DAY = 86_400_000;

export async function seedSynthetic(db: Kysely<DB>, opts: SyntheticOptions): Promise<SyntheticReport> {
  const started = Date.now();
  if (!(opts.cases > 0)) throw new Error('--cases must be a positive number');
  const fromMs = civil(opts.from, '--from');
  const toMs = civil(opts.to, '--to') + MS_DAY;
  if (toMs <= fromMs) throw new Error('--to must not be before --from');
  const now = (opts.now ?? new Date()).getTime();
  if (fromMs > now) throw new Error('--from lies in the future');
  const every = Math.max(1, Math.round(opts.eventsEvery ?? 1));
  const copies = Math.max(1, Math.round(opts.replicate ?? 1));
  const engine = new CaseEngine(db);
  const world = await loadWorld(db, engine, opts.area);
  const rand = seededRandom(opts.seed ?? 17);
  const times = arrivals(opts.cases, fromMs, Math.min(toMs, now), rand);
  const batch = opts.batch ?? 1_000;
  const writer = opts.copyUrl ? await copyWriter(opts.copyUrl) : insertWriter(db);
  let events = 0;
  let rollupRows = 0;
  let monthlyRows = 0;
  let buildMs = 0;
  // Daily deltas wait here until no later case can add to their key: a case's deltas are known on or
  // after its report day, and arrivals are in order, so keys known before the next case's day are final.
  const pending = new Map<string, RollupDelta>();
  try {
    for (let i = 0; i < times.length; i += batch) {
      const b0 = Date.now();
      const slice = times.slice(i, i + batch);
      const built: Built[] = [];
      for (let j = 0; j < slice.length; j += copies) {
        const b = buildCase(engine, world, slice[j] as number, now, rand);
        built.push(b);
        const street = world.streets.get(String(b.row.area_code).slice(0, 9)) ?? [];
        for (let c = 1; c < copies && j + c < slice.length; c++)
          built.push(copyCase(b, street[Math.floor(rand() * street.length)] ?? String(b.row.area_code)));
      }
      for (const b of built)
        for (const d of b.deltas) {
          const k = `${d.metric}|${d.known}|${d.stamp}|${d.due}|${d.area}|${d.unit}|${d.user}|${d.kind}`;
          const had = pending.get(k);
          if (had) had.n += d.n;
          else pending.set(k, { ...d });
        }
      const next = times[i + batch];
      const settledBefore = next === undefined ? Number.POSITIVE_INFINITY : chinaDay(new Date(next));
      const settled: RollupDelta[] = [];
      for (const [k, d] of pending)
        if (d.known < settledBefore) {
          if (d.n !== 0) settled.push(d);
          pending.delete(k);
        }
      buildMs += Date.now() - b0;
      const w = await writer.write(built, every, i, settled);
      events += w.events;
      rollupRows += settled.length;
      monthlyRows += w.monthly;
      opts.onProgress?.(Math.min(i + batch, times.length), times.length);
    }
    await writer.finish();
  } finally {
    await writer.close();
  }
  const ms = Date.now() - started;
  return {
    cases: times.length,
    events,
    rollupRows,
    monthlyRows,
    ms,
    buildMs,
    rowsPerSecond: Math.round(((times.length + events + rollupRows) / Math.max(ms, 1)) * 1000),
    casesPerSecond: Math.round((times.length / Math.max(ms, 1)) * 1000),
    copy: !!opts.copyUrl,
  };
}
