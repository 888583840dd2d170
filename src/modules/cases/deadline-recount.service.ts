/**
 * When the working calendar changes (a year's holidays entered, a district's duty hours edited), every
 * open deadline counted in working time is counted again, and each case whose due time moves records
 * it on its timeline (`deadline_recount`), hash-chained and versioned like every event.
 */
import type { CalendarBook } from '../../platform/calendar/calendar-book.js';
import { recountDue, type TimeUnit } from '../../platform/calendar/working-time.js';
import type { Db } from '../../platform/db/store.js';
import { pendingJobs, rescheduleJob } from '../../platform/jobs/jobs.js';
import type { CaseActor } from './case-actor.js';
import type { CaseEngine } from './case-engine.js';
import { CasesStore } from './cases.store.js';
import { type DeadlineMark, nextMark } from './deadlines.js';
import type { HashedEvent } from './hash-chain.js';

/** The event a calendar change writes on a case whose due time it moved. */
export const DEADLINE_RECOUNT_EVENT = 'deadline_recount';

export interface RecountResult {
  /** Open cases whose clock counts working time. */
  checked: number;
  /** Those whose due time moved (each got a `deadline_recount` event). */
  moved: { caseId: string; number: string; from: string; to: string }[];
}

export class CaseDeadlineRecount {
  constructor(private readonly engine: CaseEngine) {}

  /**
   * Counts every open working-time deadline again under `after` (they were counted under `before`),
   * inside the caller's transaction `trx`. The caller switches the engine to `after` once it commits
   * (`Cases.adoptCalendar`). A deadline job follows a due time that moved later by itself (it waits
   * again when it wakes early); one that moved earlier is brought forward here.
   */
  async recount(
    trx: Db,
    before: CalendarBook,
    after: CalendarBook,
    actor: CaseActor,
    reason: string,
    now = this.engine.now(),
  ): Promise<RecountResult> {
    const store = new CasesStore(trx);
    const rows = await store.openWorkingClockCases();
    const moved: RecountResult['moved'] = [];
    for (const row of rows) {
      if (!row.due_at || !row.step_started_at) continue;
      const due = recountDue(
        row.step_started_at,
        row.due_at,
        row.step_unit as TimeUnit,
        before.calendarFor(row.area_code),
        after.calendarFor(row.area_code),
      );
      if (due.getTime() === row.due_at.getTime()) continue;
      const e: HashedEvent = {
        caseId: row.id,
        seq: row.version + 1,
        type: DEADLINE_RECOUNT_EVENT,
        fromState: row.state,
        toState: row.state,
        at: now,
        actorId: actor.userId,
        actorName: actor.name,
        actorRole: actor.role,
        actorUnitId: actor.unitId,
        lon: null,
        lat: null,
        note: reason,
        evidence: [],
        payload: {
          previousDueAt: row.due_at.toISOString(),
          dueAt: due.toISOString(),
          provisional: after.isProvisional(due, row.step_unit),
        },
      };
      const hash = await this.engine.writeEvent(trx, e, row.last_hash);
      await store.updateCaseAtVersion(row.id, row.version, {
        due_at: due,
        version: e.seq,
        last_hash: hash,
        updated_at: now,
      });
      await this.bringJobsForward(
        trx,
        row.id,
        row.area_code,
        {
          dueAt: due,
          stepStartedAt: row.step_started_at,
          stepUnit: row.step_unit as TimeUnit,
        },
        after,
        now,
      );
      moved.push({
        caseId: row.id,
        number: row.number,
        from: row.due_at.toISOString(),
        to: due.toISOString(),
      });
    }
    return { checked: rows.length, moved };
  }

  /** Brings the case's pending deadline marks forward to their new moments, when those are earlier. */
  private async bringJobsForward(
    trx: Db,
    caseId: string,
    areaCode: string,
    clock: { dueAt: Date; stepStartedAt: Date; stepUnit: TimeUnit },
    after: CalendarBook,
    now: Date,
  ): Promise<void> {
    const marks = new Map<DeadlineMark, Date>();
    const cal = after.calendarFor(areaCode);
    for (let m = nextMark(clock, null, cal, this.engine.escalateMultiple); m; ) {
      marks.set(m.mark, m.at);
      m = nextMark(clock, m.mark, cal, this.engine.escalateMultiple);
    }
    const step = clock.stepStartedAt.toISOString();
    for (const job of await pendingJobs(trx, 'deadline', { caseId, stepStartedAt: step })) {
      const at = marks.get(job.payload.mark as DeadlineMark);
      if (at && at < job.runAt) await rescheduleJob(trx, job.id, at < now ? now : at);
    }
  }
}
