/**
 * What intake, transitions and queries share: the clock, the district calendars, the cached catalogue,
 * the decision context, and the writing of a hash-chained event with its deadline job. Built once.
 */
import type { Kysely } from 'kysely';
import { CalendarBook } from '../../platform/calendar/calendar-book.js';
import { addTimeLimit, type TimeUnit, type WorkingCalendar } from '../../platform/calendar/working-time.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { NotFound } from '../../platform/errors.js';
import { enqueueJobs, type NewJob } from '../../platform/jobs/jobs.js';
import { readSetting } from '../../platform/settings.js';
import { deriveFacts, type FactCase, type FactEvent } from './case-facts.js';
import { eventRow } from './case-rows.js';
import type { CategoryT } from './cases.schemas.js';
import { CasesStore } from './cases.store.js';
import { rulesOf, toCategory } from './catalogue.js';
import { CatalogueStore } from './catalogue.store.js';
import { DEFAULT_ESCALATE_MULTIPLE, type DeadlineMark, nextMark } from './deadlines.js';
import { eventHash, type HashedEvent } from './hash-chain.js';
import { memberships, type RollupDelta, rollupDeltas } from './rollup.js';
import { RollupsStore } from './rollups.store.js';
import type { CaseKind, DecideContext } from './workflow.js';

const CATALOGUE_TTL_MS = 5_000;

/**
 * The `cases` installation setting (settings table, key `cases`), read at start:
 * `{"dutyHours": {"120101": ["08:30-12:00", "14:00-18:00"]}, "escalateMultiple": 3}`.
 */
export const CASES_SETTINGS_KEY = 'cases';

export interface CasesOptions {
  /** Duty hours per district code (per-district setting); others use the default. */
  dutyHoursByDistrict?: Readonly<Record<string, readonly string[]>>;
  /** The working calendar (the calendar module's book); without it, chinese-days and the duty hours above. */
  calendar?: CalendarBook;
  escalateMultiple?: number;
  now?: () => Date;
}

export async function loadCasesOptions(db: Db): Promise<CasesOptions> {
  const v = ((await readSetting(db, CASES_SETTINGS_KEY)) ?? {}) as {
    dutyHours?: Record<string, string[]>;
    escalateMultiple?: number;
  };
  if (v.escalateMultiple !== undefined && !(v.escalateMultiple > 1)) {
    throw new Error(`setting ${CASES_SETTINGS_KEY}.escalateMultiple must be a number above 1`);
  }
  return { dutyHoursByDistrict: v.dutyHours, escalateMultiple: v.escalateMultiple };
}

/** The catalogue as loaded at `at`; `ready` once the load has settled. */
interface CachedCatalogue {
  at: number;
  byCode: Promise<Map<string, CategoryT>>;
  ready?: Map<string, CategoryT>;
}

type StepClock = { dueAt: Date | null; stepStartedAt: Date | null; stepUnit: TimeUnit | null };

export class CaseEngine {
  private catalogue: CachedCatalogue | null = null;
  /** Changes whenever the cached catalogue is loaded or forgotten: what was derived from it may differ. */
  catalogueVersion = 0;
  /** The calendar deadlines are counted in; replaced (`adoptCalendar`) when administrators change it. */
  calendar: CalendarBook;
  readonly escalateMultiple: number;
  readonly now: () => Date;

  constructor(
    readonly db: Kysely<DB>,
    opts: CasesOptions = {},
  ) {
    this.escalateMultiple = opts.escalateMultiple ?? DEFAULT_ESCALATE_MULTIPLE;
    this.now = opts.now ?? (() => new Date());
    // Build every district calendar now, so a malformed duty-hours setting stops the start, loudly.
    this.calendar =
      opts.calendar ?? new CalendarBook({ years: [], dutyHours: opts.dutyHoursByDistrict ?? {} });
  }

  /**
   * A category by code, from a catalogue cached for a few seconds (every intake and transition needs one).
   * Edits through this process clear it at once (`forgetCatalogue`); other processes see them within the TTL.
   */
  async category(code: string, db: Db = this.db): Promise<CategoryT> {
    const found = (await this.catalogueVia(db)).get(code);
    if (!found) throw new NotFound('category_not_found', `There is no category ${code}.`);
    return found;
  }

  /** The whole catalogue (inactive categories too), in code order, from the same short-lived cache. */
  async categories(): Promise<CategoryT[]> {
    return [...(await this.catalogueVia(this.db)).values()];
  }

  /**
   * The cached catalogue, or a load of it through `db`. A caller inside a transaction (`db` is not the
   * pool) holds a connection — on the embedded store the only one — so it never waits on a load still
   * queued on the pool, which would wait for that very connection: it reads through its transaction.
   */
  private catalogueVia(db: Db): Map<string, CategoryT> | Promise<Map<string, CategoryT>> {
    const cached = this.catalogue;
    const fresh = cached !== null && Date.now() - cached.at <= CATALOGUE_TTL_MS;
    if (fresh && cached.ready) return cached.ready;
    if (fresh && db === this.db) return cached.byCode;
    const byCode = new CatalogueStore(db)
      .categories({ includeInactive: true })
      .then((all) => new Map(all.map((r) => [r.code, toCategory(r)])));
    // What a transaction reads may include its own uncommitted edits: it is not shared.
    if (db !== this.db) return byCode;
    const entry: CachedCatalogue = { at: Date.now(), byCode };
    this.catalogue = entry;
    this.catalogueVersion++;
    byCode.then(
      (map) => {
        entry.ready = map;
      },
      () => {
        if (this.catalogue === entry) this.forgetCatalogue();
      },
    );
    return byCode;
  }

  forgetCatalogue(): void {
    this.catalogue = null;
    this.catalogueVersion++;
  }

  calendarFor(areaCode: string): WorkingCalendar {
    return this.calendar.calendarFor(areaCode);
  }

  decideContext(areaCode: string, category: CategoryT, now: Date): DecideContext {
    const cal = this.calendarFor(areaCode);
    return { now, category: rulesOf(category), addLimit: (start, limit) => addTimeLimit(start, limit, cal) };
  }

  /** The clock mark after `after` in the case's district, and when it falls. */
  nextMark(areaCode: string, clock: StepClock, after: DeadlineMark | null) {
    return nextMark(clock, after, this.calendarFor(areaCode), this.escalateMultiple);
  }

  /**
   * A step's clock has three marks — yellow warning at 80%, red at the due time, escalation at the
   * multiple — worked as one chain of jobs: each mark's job enqueues the next, so a step costs one row
   * at intake and a step that ends early leaves at most one stale job (which then does nothing).
   */
  async scheduleClock(trx: Db, caseId: string, areaCode: string, clock: StepClock): Promise<void> {
    await enqueueJobs(trx, this.clockJobs([{ caseId, areaCode, clock }]));
  }

  /** The jobs of the first deadline mark of each case's step clock. */
  clockJobs(clocks: readonly { caseId: string; areaCode: string; clock: StepClock }[]): NewJob[] {
    return clocks.flatMap(({ caseId, areaCode, clock }) => {
      const mark = this.nextMark(areaCode, clock, null);
      return mark && clock.stepStartedAt
        ? [
            {
              type: 'deadline',
              runAt: mark.at,
              payload: { caseId, stepStartedAt: clock.stepStartedAt.toISOString(), mark: mark.mark },
            },
          ]
        : [];
    });
  }

  /**
   * Writes an event chained to `prevHash`, and in the same transaction the roll-up counters it changes;
   * answers its hash. With intake's `insertCaseWithEvent` (which then calls `writeRollups`), the one place
   * case events are appended.
   */
  async writeEvent(trx: Db, e: HashedEvent, prevHash: string, known?: string): Promise<string> {
    const hash = known ?? eventHash(prevHash, e);
    const store = new CasesStore(trx);
    const row = await store.caseById(e.caseId);
    const past = await store.events(e.caseId);
    await store.insertEvent(eventRow(e, prevHash, hash));
    if (row) {
      const fc: FactCase = {
        id: row.id,
        number: row.number,
        kind: row.kind as CaseKind,
        categoryCode: row.category_code,
        areaCode: row.area_code,
        title: row.title,
        // Only a dispatch gives a case its unit (the facts replay it from the events); the row already
        // holds this event's unit, which must not leak into the facts before it.
        assignedUnitId: null,
        createdAt: row.created_at,
      };
      const events: FactEvent[] = past.map((x) => ({
        seq: x.seq,
        type: x.type,
        toState: x.to_state,
        at: x.at,
        payload: (x.payload ?? {}) as Record<string, unknown>,
      }));
      await this.writeRollups(trx, fc, await this.category(row.category_code, trx), events, e);
    }
    return hash;
  }

  /** The roll-up counters event `e` changes (rollup.ts): the case's facts before and after it. */
  async writeRollups(trx: Db, fc: FactCase, category: CategoryT, past: FactEvent[], e: HashedEvent) {
    await new RollupsStore(trx).add(this.rollupDeltas(fc, category, past, e));
  }

  /** The roll-up deltas of event `e` (`RollupsStore.add` folds them with other cases' into counters). */
  rollupDeltas(fc: FactCase, category: CategoryT, past: FactEvent[], e: HashedEvent): RollupDelta[] {
    const { addLimit } = this.decideContext(fc.areaCode, category, e.at);
    const rules = rulesOf(category);
    const before = past.length ? memberships(deriveFacts(fc, past, rules, addLimit)) : null;
    const events = [
      ...past,
      {
        seq: e.seq,
        type: e.type,
        toState: e.toState,
        at: e.at,
        payload: (e.payload ?? {}) as Record<string, unknown>,
      },
    ];
    const after = memberships(deriveFacts(fc, events, rules, addLimit));
    return rollupDeltas(before, after, e.at);
  }
}
