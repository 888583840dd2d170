/**
 * 督查督办 use cases, tasks side: assign tasks to units, take monthly progress from the owning units,
 * urge and answer, the supervision board, and reminders before a monthly report is due.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import {
  createWorkingCalendar,
  localDate,
  type WorkingCalendar,
} from '../../platform/calendar/working-time.js';
import type { DB } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { enqueueJobs } from '../../platform/jobs/jobs.js';
import { notify } from '../notifications/notifications.service.js';
import { type Rag, reportDue, reportingRecord, taskStatus, worst } from './supervision.js';
import { reportDutyJobs } from './target-jobs.js';
import type { ProgressCreateT, TaskCreateT } from './targets.schemas.js';
import { readableDocument, requireOwnArea } from './targets.service.js';
import { TargetsStore } from './targets.store.js';

/** What tasks need from org: which units exist and are active, and unit names. */
export interface UnitDirectory {
  activeUnits(ids: readonly string[]): Promise<{ id: string; name: string; areaCode: string }[]>;
  unitNames(ids: readonly string[]): Promise<Map<string, string>>;
}

/** What tasks need from the file store: which evidence hashes were never uploaded. */
export interface EvidenceCheck {
  missing(hashes: readonly string[]): Promise<string[]>;
}

const SUPERVISING = ['supervisor', 'leader', 'admin'];

function isTaskUnit(p: Principal, task: { lead_unit_id: string; co_unit_ids: string[] }): boolean {
  return !!p.unitId && (task.lead_unit_id === p.unitId || task.co_unit_ids.includes(p.unitId));
}

export class TargetTasks {
  private readonly store: TargetsStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly org: UnitDirectory,
    private readonly files: EvidenceCheck,
    private readonly clock: () => Date = () => new Date(),
    /** Working days for report deadlines (the national holiday calendar by default). */
    private readonly calendar: WorkingCalendar = createWorkingCalendar(),
  ) {
    this.store = new TargetsStore(db);
  }

  async createTask(p: Principal, input: TaskCreateT) {
    const units = [...new Set([input.leadUnitId, ...input.coUnitIds])];
    const found = await this.org.activeUnits(units);
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const doc = await readableDocument(store, p, input.documentId);
      requireOwnArea(p, doc);
      if (doc.closed_at) throw new Conflict('year_closed', 'The year of this document is closed.');
      if (found.length !== units.length)
        throw new Invalid('unit_not_found', 'A named unit does not exist or is inactive.');
      const outside = found.filter((u) => !unitInScope(p.scope, u.areaCode));
      if (outside.length)
        throw new Forbidden('scope_outside', `Unit ${outside[0]?.name} is outside your scope ${p.scope}.`);
      if (
        input.targetIds.length &&
        (await store.countAccepted(doc.id, input.targetIds)) !== new Set(input.targetIds).size
      ) {
        throw new Invalid('target_not_accepted', 'Tasks serve accepted targets of the same document only.');
      }
      const id = await store.insertTask({
        document_id: doc.id,
        title: input.title,
        target_ids: input.targetIds,
        lead_unit_id: input.leadUnitId,
        co_unit_ids: input.coUnitIds.filter((u) => u !== input.leadUnitId),
        leader: input.leader,
        starts_on: input.startsOn,
        deadline: input.deadline,
        milestones: JSON.stringify([...input.milestones].sort((a, b) => a.due.localeCompare(b.due))),
      });
      await recordAudit(trx, p, { action: 'create', entity: 'target_task', entityId: id, after: input });
      // The monthly reporting duty starts with the task's first month (see target-jobs.ts).
      await enqueueJobs(
        trx,
        reportDutyJobs(
          {
            taskId: id,
            period: input.startsOn.slice(0, 7),
            reportDay: doc.report_day,
            supervisorUnitId: p.unitId,
          },
          this.calendar,
        ),
      );
      return { id };
    });
  }

  async fileProgress(p: Principal, taskId: string, input: ProgressCreateT, now = this.clock()) {
    const missing = await this.files.missing(input.evidence);
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const task = await store.task(taskId);
      if (!task) throw new NotFound('task_not_found', 'No such task.');
      if (!p.unitId || !isTaskUnit(p, task)) {
        throw new Forbidden(
          'not_task_unit',
          'Only the lead or co-operating units of this task file its progress.',
        );
      }
      const doc = await store.documentOfTask(task.document_id);
      if (doc.closed_at)
        throw new Conflict(
          'year_closed',
          'The year of this task is closed (年底交账 done); no more progress.',
        );
      if (input.period > localDate(now).slice(0, 7))
        throw new Invalid('future_period', 'Progress is filed for this month or earlier.');
      if (input.period < task.starts_on.slice(0, 7) || input.period > task.deadline.slice(0, 7)) {
        throw new Invalid('period_outside_task', `The task runs from ${task.starts_on} to ${task.deadline}.`);
      }
      if (missing.length) throw new Invalid('unknown_attachment', 'Upload the evidence files first.');
      const earlier = (await store.reportsOf([taskId])).filter((r) => r.period < input.period);
      const before = earlier.at(-1);
      if (before && input.progress < before.progress)
        throw new Invalid(
          'progress_backwards',
          `Progress cannot go back: ${before.period} already reported ${before.progress}%.`,
        );
      const row = await store.upsertProgress(
        {
          task_id: taskId,
          period: input.period,
          unit_id: p.unitId,
          progress: input.progress,
          actual_value: input.actualValue,
          narrative: input.narrative,
          evidence: input.evidence,
          reported_by: p.userId,
        },
        now,
      );
      return { id: row.id };
    });
  }

  /** 督办: an urging notice on a task, and a notification to each of its units, in one transaction. */
  async urge(p: Principal, taskId: string, notice: string) {
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const task = await store.task(taskId);
      if (!task) throw new NotFound('task_not_found', 'No such task.');
      requireOwnArea(p, await readableDocument(store, p, task.document_id));
      const row = await store.insertUrging(taskId, notice, p.userId);
      await notify(
        trx,
        [task.lead_unit_id, ...task.co_unit_ids].map((unitId) => ({
          unitId,
          kind: 'target_urged' as const,
          params: { title: task.title, notice },
        })),
      );
      return row;
    });
  }

  async respondToUrging(p: Principal, urgingId: string, response: string) {
    const row = await this.store.urging(urgingId);
    if (!row) throw new NotFound('urging_not_found', 'No such urging notice.');
    if (!isTaskUnit(p, row)) {
      throw new Forbidden('not_task_unit', 'Only the units of the task answer its urging notices.');
    }
    if (row.response !== null)
      throw new Conflict('already_answered', 'This notice has been answered already.');
    await this.store.answerUrging(urgingId, response, p.userId, this.clock());
    return { id: urgingId };
  }

  /** Tasks the caller may see, each with its light: supervisors see their area's, units their own. */
  async board(p: Principal, documentId?: string, now = this.clock()) {
    const day = localDate(now);
    const docs = await this.store.readableDocumentHeads(p.scope, documentId);
    if (documentId && docs.length === 0)
      throw new NotFound('document_not_found', 'No such document in your scope.');
    if (docs.length === 0) return { today: day, tasks: [], byUnit: [], bySection: [] };
    const supervising = p.roles.some((r) => SUPERVISING.includes(r));
    const unit = supervising ? undefined : (p.unitId ?? '00000000-0000-0000-0000-000000000000');
    const tasks = await this.store.tasksOf(
      docs.map((d) => d.id),
      unit,
    );
    const ids = tasks.map((t) => t.id);
    const reports = ids.length ? await this.store.reportsOf(ids) : [];
    const urgings = ids.length ? await this.store.urgingsOf(ids) : [];
    const targetIds = tasks.flatMap((t) => t.target_ids);
    const sections = new Map(
      targetIds.length ? (await this.store.sectionsOf(targetIds)).map((t) => [t.id, t.section]) : [],
    );
    const names = await this.org.unitNames([
      ...tasks.map((t) => t.lead_unit_id),
      ...reports.map((r) => r.unit_id),
    ]);
    const rows = tasks.map((t) => {
      const mine = reports.filter((r) => r.task_id === t.id);
      const reportDay = docs.find((d) => d.id === t.document_id)?.report_day ?? 28;
      const st = taskStatus(
        { startsOn: t.starts_on, deadline: t.deadline, milestones: t.milestones },
        mine,
        day,
        reportDay,
        (d) => this.calendar.isWorkingDay(d),
      );
      return {
        id: t.id,
        documentId: t.document_id,
        title: t.title,
        targetIds: t.target_ids,
        leadUnitId: t.lead_unit_id,
        leadUnitName: names.get(t.lead_unit_id) ?? '',
        coUnitIds: t.co_unit_ids,
        leader: t.leader,
        startsOn: t.starts_on,
        deadline: t.deadline,
        milestones: t.milestones,
        section: sections.get(t.target_ids[0] ?? '') || '（未关联指标）',
        ...st,
        reports: mine.map((r) => ({
          period: r.period,
          progress: r.progress,
          actualValue: r.actual_value === null ? null : Number(r.actual_value),
          narrative: r.narrative,
          unitName: names.get(r.unit_id) ?? '',
          createdAt: r.created_at.toISOString(),
        })),
        urgings: urgings
          .filter((u) => u.task_id === t.id)
          .map((u) => ({
            id: u.id,
            notice: u.notice,
            createdAt: u.created_at.toISOString(),
            response: u.response,
          })),
      };
    });
    const rollup = (key: (r: (typeof rows)[number]) => string) => {
      const groups = new Map<string, Rag[]>();
      for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r.status]);
      return [...groups.entries()].map(([name, s]) => ({
        name,
        status: worst(s) ?? 'green',
        green: s.filter((x) => x === 'green').length,
        yellow: s.filter((x) => x === 'yellow').length,
        red: s.filter((x) => x === 'red').length,
      }));
    };
    const record = (name: string) => {
      const led = tasks.filter((t) => (names.get(t.lead_unit_id) ?? '') === name);
      const r = reportingRecord(
        led.map((t) => ({
          plan: { startsOn: t.starts_on, deadline: t.deadline },
          reportDay: docs.find((d) => d.id === t.document_id)?.report_day ?? 28,
        })),
        reports.flatMap((r) => {
          const taskIndex = led.findIndex((t) => t.id === r.task_id);
          if (taskIndex < 0) return [];
          const filedOn = localDate(r.created_at);
          return [{ taskIndex, period: r.period, progress: r.progress, filedOn, evidence: r.evidence }];
        }),
        day,
        (d) => this.calendar.isWorkingDay(d),
      );
      return {
        dueReports: r.due,
        onTime: r.onTime,
        onTimeRate: r.onTimeRate,
        unevidencedDone: r.unevidencedDone,
      };
    };
    return {
      today: day,
      tasks: rows,
      byUnit: rollup((r) => r.leadUnitName).map((u) => ({ ...u, ...record(u.name) })),
      bySection: rollup((r) => r.section),
    };
  }

  /**
   * 公开结果: every document's accepted targets with their lead units and status, for citizens. Only
   * fields listed in `PublicResults` leave: no narratives, urgings, leaders or internal ids of tasks.
   */
  async publicResults(now = this.clock()) {
    const day = localDate(now);
    const docs = await this.store.readableDocuments('');
    const out = [];
    for (const d of docs) {
      const targets = await this.store.itemsOf(d.id, { status: 'accepted', kind: 'target' });
      if (targets.length === 0) continue;
      const tasks = await this.store.tasksOf([d.id]);
      const reports = tasks.length ? await this.store.reportsOf(tasks.map((t) => t.id)) : [];
      const names = await this.org.unitNames(tasks.map((t) => t.lead_unit_id));
      const lights = new Map(
        tasks.map((t) => [
          t.id,
          taskStatus(
            { startsOn: t.starts_on, deadline: t.deadline, milestones: t.milestones },
            reports.filter((r) => r.task_id === t.id),
            day,
            d.report_day,
            (x) => this.calendar.isWorkingDay(x),
          ),
        ]),
      );
      out.push({
        id: d.id,
        title: d.title,
        year: d.year,
        areaCode: d.area_code,
        targets: targets.map((t) => {
          const serving = tasks.filter((k) => k.target_ids.includes(t.id));
          const st = serving.flatMap((k) => lights.get(k.id) ?? []);
          const light = worst(st.map((x) => x.status));
          const status = !light
            ? ('not_started' as const)
            : st.every((x) => x.reason === 'done')
              ? ('done' as const)
              : light;
          return {
            indicator: t.indicator,
            measure: t.measure,
            value: Number(t.value),
            valueMax: t.value_max === null ? null : Number(t.value_max),
            unit: t.unit,
            period: t.period,
            section: t.section,
            quote: t.quote,
            leadUnits: [...new Set(serving.map((k) => names.get(k.lead_unit_id) ?? ''))],
            status,
            progress: st.length ? Math.min(...st.map((x) => x.actual)) : null,
          };
        }),
      });
    }
    return out;
  }

  /**
   * Reminders to units before their monthly report is due (from 3 days ahead); lateness is announced by
   * the report-check jobs (target-jobs.ts).
   * Each reminder is sent once (unique per unit, kind and task-month), so any number of processes may run it.
   */
  async sendProgressReminders(now = this.clock()): Promise<number> {
    const day = localDate(now);
    let sent = 0;
    for (const t of await this.store.runningTasks(day)) {
      const due = reportDue(day, t.report_day);
      const soon = new Date(`${due.dueOn}T00:00:00+08:00`).getTime() - 3 * 86_400_000 <= now.getTime();
      if (!soon || (await this.store.hasReport(t.id, due.period))) continue;
      // A missed report is the check job's to announce (target-jobs.ts), to the lead unit and the supervisor.
      if (day > due.dueOn) continue;
      sent += await notify(this.db, [
        {
          unitId: t.lead_unit_id,
          kind: 'progress_due',
          ref: `${t.id}:${due.period}`,
          params: { title: t.title, period: due.period, dueOn: due.dueOn },
        },
      ]);
    }
    return sent;
  }
}
