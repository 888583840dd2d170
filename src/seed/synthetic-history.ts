/**
 * One synthetic case's history (`seedSynthetic`, synthetic.ts): its lifecycle drawn in the proportions of a real
 * 311 sample, every step a `workflow.ts` decision on the case's snapshot, deadlines in the district's working
 * time, events hash-chained, and the roll-up deltas `rollup.ts` derives from the replayed facts.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CaseEngine } from '../modules/cases/case-engine.js';
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

export const OFFSET_MS = 8 * 3_600_000;
export const HOUR = 3_600_000;
const MIN = 60_000;

/** Lifecycle proportions (boston311-100.csv: 83% on time, 15% still open, 3% invalid, and the rest as cities see it). */
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

/** The installation's areas, units and categories the histories are spread over. */
export interface World {
  grids: string[];
  /** The grids of each street (9 digits). */
  streets: Map<string, string[]>;
  units: { id: string; area: string; members: { id: string; name: string }[] }[];
  categories: CategoryT[];
}

export interface Built {
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
