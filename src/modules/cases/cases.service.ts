/**
 * The cases module's public face, built once in `server.ts`: intake (上报), transitions (the loop),
 * queries (lists, detail, the reads channels need), over one shared engine (clock, calendars, catalogue).
 * Callers reach the part they need — `cases.intake.file(…)`, `cases.transitions.transition(…)`,
 * `cases.queries.list(…)`, `cases.assignments.assign(…)`, `cases.bulk.run(…)`, `cases.exports.stream(…)` —
 * so each file stays one job, and there is one object to pass around.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { CalendarBook } from '../../platform/calendar/calendar-book.js';
import type { WorkingCalendar } from '../../platform/calendar/working-time.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import type { FileStore } from '../../platform/files/files.js';
import type { Places } from '../places/places.service.js';
import { CaseAssignments } from './assignment.service.js';
import { CaseBulk } from './bulk.service.js';
import { caseActorOf } from './case-actor.js';
import { CaseEngine, type CasesOptions } from './case-engine.js';
import type { CategoryT } from './cases.schemas.js';
import { CaseDeadlineRecount, type RecountResult } from './deadline-recount.service.js';
import { CaseExports } from './export.service.js';
import { CaseFactsReader } from './facts.service.js';
import { CaseIntake } from './intake.service.js';
import { CaseQueries } from './queries.service.js';
import { CaseRouting, type RoutingOptions } from './routing.service.js';
import { CaseScreenReader } from './screen.service.js';
import { CaseTransitions } from './transitions.service.js';

export {
  type CaseActor,
  CITIZEN_CASE_ACTOR,
  caseActorOf,
  INTAKE_ROLES,
  SYSTEM_CASE_ACTOR,
} from './case-actor.js';
export { CASES_SETTINGS_KEY, type CasesOptions, loadCasesOptions } from './case-engine.js';
export { DEADLINE_RECOUNT_EVENT, type RecountResult } from './deadline-recount.service.js';
export type {
  CaseFacts,
  DispatchFact,
  FactFilter,
  Metric,
  OverdueOpen,
  RollupCount,
  RollupFilter,
  RollupGrain,
  StateSpan,
} from './facts.service.js';
export { chinaDay, dayStart, METRICS, monthOfDay, monthStartDay, stateAt } from './facts.service.js';
export type { FiledCase, FileOptions, LocatedPlace } from './intake.service.js';
export type { TimelineRecord, TransitionResult } from './transitions.service.js';
export { FINAL_STATES } from './workflow.js';

export class Cases {
  readonly engine: CaseEngine;
  readonly intake: CaseIntake;
  readonly queries: CaseQueries;
  readonly transitions: CaseTransitions;
  private readonly recount: CaseDeadlineRecount;
  /** What the evaluation indicators read (案件事实), without naming the cases tables. */
  readonly facts: CaseFactsReader;
  /** What the big screen (大屏) reads: aggregates counted in SQL. */
  readonly screen: CaseScreenReader;
  /** 分派到人: a unit head assigns a case to a member of the unit, and sees their workload. */
  readonly assignments: CaseAssignments;
  /** Bulk actions over a selection, case by case through the same rules. */
  readonly bulk: CaseBulk;
  /** CSV / XLSX exports of the case list, streamed. */
  readonly exports: CaseExports;
  /** 分拨建议: category suggestions that learn from the district's closed cases. */
  readonly routing: CaseRouting;

  constructor(
    db: Kysely<DB>,
    places: Places,
    files: FileStore,
    opts: CasesOptions & { routing?: RoutingOptions } = {},
  ) {
    this.engine = new CaseEngine(db, opts);
    this.recount = new CaseDeadlineRecount(this.engine);
    this.queries = new CaseQueries(this.engine, files);
    this.intake = new CaseIntake(this.engine, places, files);
    this.transitions = new CaseTransitions(this.engine, this.queries, files);
    this.facts = new CaseFactsReader(this.engine);
    this.screen = new CaseScreenReader(db);
    this.assignments = new CaseAssignments(this.engine, this.queries);
    this.bulk = new CaseBulk(this.queries, this.transitions, this.assignments);
    this.exports = new CaseExports(this.engine);
    this.routing = new CaseRouting(this.engine, opts.routing);
  }

  /** A category by code from the cached catalogue (404 `category_not_found` when there is none). */
  category(code: string): Promise<CategoryT> {
    return this.engine.category(code);
  }

  /** Call after editing the catalogue, so this process sees the edit at once. */
  forgetCatalogue(): void {
    this.engine.forgetCatalogue();
  }

  calendarFor(areaCode: string): WorkingCalendar {
    return this.engine.calendarFor(areaCode);
  }

  /** The working calendar deadlines are counted in now. */
  get calendar(): CalendarBook {
    return this.engine.calendar;
  }

  /** Counts deadlines in `book` from now on (after a calendar change has committed). */
  adoptCalendar(book: CalendarBook): void {
    this.engine.calendar = book;
  }

  /**
   * Counts every open working-time deadline (counted so far under `before`) again under `after`, inside the caller's transaction, and
   * records each move on its case's timeline; call `adoptCalendar(after)` once the transaction commits.
   */
  recomputeDeadlines(
    trx: Db,
    before: CalendarBook,
    after: CalendarBook,
    p: Principal,
    reason: string,
  ): Promise<RecountResult> {
    return this.recount.recount(trx, before, after, caseActorOf(p, 'admin'), reason);
  }

  get escalateMultiple(): number {
    return this.engine.escalateMultiple;
  }
}
