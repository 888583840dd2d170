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
 * connection of its own. Either way the daily roll-up counters of all cases are folded in memory and written
 * once their key is final (no later case's counter settles before its own report day; arrivals are in order),
 * with the monthly counters mapped from the same deltas (rollup.ts `monthlyCounters`) in the same transaction;
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
 * filters, the big screen (trends from the roll-ups; grid load and categories counted on case rows), the
 * leader's dashboard (its month from the roll-ups, its live figures from case rows) and the worst-overdue
 * lists (open case rows past due_at). A drill-down opens the full list of cases behind a
 * figure; opening one of the 99 in 100 cases without events shows its row (state, unit, deadline, times) with
 * an empty timeline, and an export's per-state timestamps (taken from events) stay empty for it. Keeping
 * every event would cost ≈ 7 events × ≈ 450 bytes a case: ≈ 65 GB for 21.4 million cases.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { CaseEngine } from '../modules/cases/case-engine.js';
import type { CategoryT } from '../modules/cases/cases.schemas.js';
import {
  type Counter,
  chinaDay,
  counterKey,
  dailyCounters,
  monthlyCounters,
} from '../modules/cases/rollup.js';
import type { DB } from '../platform/db/schema.js';
import { seededRandom } from '../platform/random.js';
import { type Built, buildCase, copyCase, HOUR, OFFSET_MS, type World } from './synthetic-history.js';
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
  // Daily counters wait here until no later case can add to their key: a case's counters settle on or after
  // its report day, and arrivals are in order, so keys settled before the next case's day are final.
  const pending = new Map<string, Counter>();
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
      const deltas = built.flatMap((b) => b.deltas);
      for (const c of dailyCounters(deltas)) {
        const k = counterKey(c);
        const had = pending.get(k);
        if (had) had.n += c.n;
        else pending.set(k, c);
      }
      const monthly = monthlyCounters(deltas);
      const next = times[i + batch];
      const settledBefore = next === undefined ? Number.POSITIVE_INFINITY : chinaDay(new Date(next));
      const settled: Counter[] = [];
      for (const [k, c] of pending)
        if (c.settled < settledBefore) {
          if (c.n !== 0) settled.push(c);
          pending.delete(k);
        }
      buildMs += Date.now() - b0;
      const w = await writer.write(built, every, i, { daily: settled, monthly });
      events += w.events;
      rollupRows += settled.length;
      monthlyRows += monthly.length;
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
