/**
 * The targets module's only access to its tables: target_documents, targets (their quantified items),
 * target_tasks, progress_reports, urgings. Scope filters are SQL: a document is readable when its area
 * lies inside the caller's scope or is one of the scope's ancestors.
 */
import { type Insertable, sql, type Updateable } from 'kysely';
import type {
  PlanActualsTable,
  PlanIndicatorsTable,
  ProgressReportsTable,
  TargetDocumentsTable,
  TargetsTable,
  TargetTasksTable,
} from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';

/** `d.area_code` inside the scope, or an ancestor of it. */
function readable(scope: string) {
  return sql<boolean>`(d.area_code like ${`${scope}%`} or ${scope} like d.area_code || '%')`;
}

export type NewTarget = Omit<Insertable<TargetsTable>, 'document_id'>;

export class TargetsStore {
  constructor(private readonly db: Db) {}

  // ---------- documents and items ----------

  async insertDocument(doc: Insertable<TargetDocumentsTable>, items: NewTarget[]): Promise<string> {
    const { id } = await this.db
      .insertInto('target_documents')
      .values(doc)
      .returning('id')
      .executeTakeFirstOrThrow();
    if (items.length) {
      await this.db
        .insertInto('targets')
        .values(items.map((i) => ({ ...i, document_id: id })))
        .execute();
    }
    return id;
  }

  /** One document readable in the scope. */
  readableDocument(scope: string, id: string) {
    return this.db
      .selectFrom('target_documents as d')
      .selectAll()
      .where('d.id', '=', id)
      .where(readable(scope))
      .executeTakeFirst();
  }

  /** Documents readable in the scope with their item counts, newest first. */
  readableDocuments(scope: string) {
    return this.db
      .selectFrom('target_documents as d')
      .select([
        'd.id',
        'd.kind',
        'd.title',
        'd.year',
        'd.area_code',
        'd.report_day',
        'd.closed_at',
        'd.created_at',
      ])
      .select((eb) => [
        eb
          .selectFrom('targets')
          .whereRef('targets.document_id', '=', 'd.id')
          .select(eb.fn.countAll<number>().as('n'))
          .as('items'),
        eb
          .selectFrom('targets')
          .whereRef('targets.document_id', '=', 'd.id')
          .where('targets.status', '=', 'accepted')
          .select(eb.fn.countAll<number>().as('n'))
          .as('accepted'),
      ])
      .where(readable(scope))
      .orderBy('d.created_at', 'desc')
      .execute();
  }

  /** Id and report day of the readable documents (optionally one of them): what the board needs. */
  readableDocumentHeads(scope: string, documentId?: string) {
    let q = this.db
      .selectFrom('target_documents as d')
      .select(['d.id', 'd.report_day'])
      .where(readable(scope));
    if (documentId) q = q.where('d.id', '=', documentId);
    return q.execute();
  }

  async closeDocument(id: string, at: Date): Promise<void> {
    await this.db.updateTable('target_documents').set({ closed_at: at }).where('id', '=', id).execute();
  }

  itemsOf(documentId: string, only?: { status: 'accepted'; kind: 'target' }) {
    let q = this.db.selectFrom('targets').selectAll().where('document_id', '=', documentId);
    if (only) q = q.where('status', '=', only.status).where('kind', '=', only.kind);
    return q.orderBy('start_offset').execute();
  }

  item(id: string) {
    return this.db.selectFrom('targets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  updateItem(id: string, set: Updateable<TargetsTable>) {
    return this.db
      .updateTable('targets')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Accepts every proposed item of a document; returns how many. */
  async acceptProposed(documentId: string): Promise<number> {
    const res = await this.db
      .updateTable('targets')
      .set({ status: 'accepted', updated_at: new Date() })
      .where('document_id', '=', documentId)
      .where('status', '=', 'proposed')
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** How many of these ids are accepted items of the document. */
  async countAccepted(documentId: string, ids: readonly string[]): Promise<number> {
    const rows = await this.db
      .selectFrom('targets')
      .select('id')
      .where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
      .where('document_id', '=', documentId)
      .where('status', '=', 'accepted')
      .execute();
    return rows.length;
  }

  /** One item a reviewer adds by hand (what the extractor missed). */
  async insertItem(documentId: string, item: NewTarget) {
    return this.db
      .insertInto('targets')
      .values({ ...item, document_id: documentId })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  // ---------- five-year plans (规划年度监测) ----------

  async insertPlanIndicators(rows: Insertable<PlanIndicatorsTable>[]): Promise<void> {
    if (rows.length) await this.db.insertInto('plan_indicators').values(rows).execute();
  }

  planIndicators(documentId: string) {
    return this.db
      .selectFrom('plan_indicators')
      .selectAll()
      .where('document_id', '=', documentId)
      .orderBy('position')
      .execute();
  }

  planIndicator(id: string) {
    return this.db.selectFrom('plan_indicators').selectAll().where('id', '=', id).executeTakeFirst();
  }

  planActualsOf(indicatorIds: readonly string[]) {
    return this.db
      .selectFrom('plan_actuals')
      .selectAll()
      .where(
        'indicator_id',
        'in',
        indicatorIds.length ? indicatorIds : ['00000000-0000-0000-0000-000000000000'],
      )
      .orderBy('indicator_id')
      .orderBy('year')
      .execute();
  }

  /** Records a year's actual value; a second record for the same year replaces the first. */
  upsertPlanActual(row: Insertable<PlanActualsTable>, at: Date) {
    return this.db
      .insertInto('plan_actuals')
      .values({ ...row, recorded_at: at })
      .onConflict((oc) =>
        oc.columns(['indicator_id', 'year']).doUpdateSet({
          value: row.value,
          source: row.source,
          source_note: row.source_note ?? '',
          recorded_by: row.recorded_by ?? null,
          recorded_at: at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  sectionsOf(ids: readonly string[]) {
    return this.db
      .selectFrom('targets')
      .select(['id', 'section'])
      .where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
      .execute();
  }

  // ---------- tasks, progress, urging ----------

  async insertTask(task: Insertable<TargetTasksTable>): Promise<string> {
    const row = await this.db
      .insertInto('target_tasks')
      .values(task)
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  task(id: string) {
    return this.db.selectFrom('target_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The tasks of these documents, oldest first; for a unit only those it leads or co-operates in. */
  tasksOf(documentIds: readonly string[], unitId?: string) {
    let q = this.db
      .selectFrom('target_tasks as t')
      .selectAll('t')
      .where(
        't.document_id',
        'in',
        documentIds.length ? documentIds : ['00000000-0000-0000-0000-000000000000'],
      );
    if (unitId !== undefined) {
      q = q.where((eb) =>
        eb.or([eb('t.lead_unit_id', '=', unitId), sql<boolean>`${unitId}::uuid = any(t.co_unit_ids)`]),
      );
    }
    return q.orderBy('t.created_at').execute();
  }

  /** Tasks of open documents running in the month of `day`, with their document's report day. */
  runningTasks(day: string) {
    return this.db
      .selectFrom('target_tasks as t')
      .innerJoin('target_documents as d', 'd.id', 't.document_id')
      .select(['t.id', 't.title', 't.lead_unit_id', 't.starts_on', 't.deadline', 'd.report_day'])
      .where('d.closed_at', 'is', null)
      .where('t.starts_on', '<=', day)
      .where('t.deadline', '>=', `${day.slice(0, 7)}-01`)
      .execute();
  }

  documentOfTask(documentId: string) {
    return this.db
      .selectFrom('target_documents')
      .select(['closed_at', 'year', 'report_day', 'area_code'])
      .where('id', '=', documentId)
      .executeTakeFirstOrThrow();
  }

  /** Files (or refiles: replaces) one month's progress of a task. */
  upsertProgress(row: Insertable<ProgressReportsTable>, at: Date) {
    const { task_id: _t, period: _p, ...update } = row;
    return this.db
      .insertInto('progress_reports')
      .values({ ...row, created_at: at })
      .onConflict((oc) => oc.columns(['task_id', 'period']).doUpdateSet({ ...update, created_at: at }))
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  reportsOf(taskIds: readonly string[]) {
    return this.db
      .selectFrom('progress_reports as r')
      .select([
        'r.task_id',
        'r.period',
        'r.progress',
        'r.actual_value',
        'r.narrative',
        'r.created_at',
        'r.unit_id',
        'r.evidence',
      ])
      .where('r.task_id', 'in', taskIds.length ? taskIds : ['00000000-0000-0000-0000-000000000000'])
      .orderBy('r.period')
      .execute();
  }

  async hasReport(taskId: string, period: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('progress_reports')
      .select('id')
      .where('task_id', '=', taskId)
      .where('period', '=', period)
      .executeTakeFirst();
    return row !== undefined;
  }

  insertUrging(taskId: string, notice: string, createdBy: string) {
    return this.db
      .insertInto('urgings')
      .values({ task_id: taskId, notice, created_by: createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  /** An urging notice with the units of its task. */
  urging(id: string) {
    return this.db
      .selectFrom('urgings')
      .innerJoin('target_tasks as t', 't.id', 'urgings.task_id')
      .select(['urgings.id', 'urgings.response', 't.lead_unit_id', 't.co_unit_ids'])
      .where('urgings.id', '=', id)
      .executeTakeFirst();
  }

  async answerUrging(id: string, response: string, by: string, at: Date): Promise<void> {
    await this.db
      .updateTable('urgings')
      .set({ response, responded_by: by, responded_at: at })
      .where('id', '=', id)
      .execute();
  }

  urgingsOf(taskIds: readonly string[]) {
    return this.db
      .selectFrom('urgings')
      .selectAll()
      .where('task_id', 'in', taskIds.length ? taskIds : ['00000000-0000-0000-0000-000000000000'])
      .orderBy('created_at')
      .execute();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
const AT = new Date('2026-05-01T00:00:00Z');

export const SQL_EXAMPLES: SqlExamples<TargetsStore> = {
  insertDocument: [
    {
      kind: 'work_report',
      title: '政府工作报告',
      year: 2026,
      area_code: '120101',
      text: '新增就业1万人',
      created_by: ID,
    },
    [
      {
        kind: 'target',
        indicator: '新增就业',
        measure: 'at_least',
        value: 1,
        value_max: null,
        unit: '万人',
        period: null,
        quote: '新增就业1万人',
        start_offset: 0,
        end_offset: 7,
      },
    ],
  ],
  readableDocument: ['120101', ID],
  readableDocuments: ['120101'],
  readableDocumentHeads: ['120101', ID],
  closeDocument: [ID, AT],
  itemsOf: [ID, { status: 'accepted', kind: 'target' }],
  item: [ID],
  updateItem: [ID, { status: 'accepted', value: 2 }],
  acceptProposed: [ID],
  countAccepted: [ID, [ID]],
  sectionsOf: [[ID]],
  insertItem: [
    ID,
    {
      kind: 'target',
      indicator: '新增就业',
      measure: null,
      value: 1,
      value_max: null,
      unit: '万人',
      period: null,
      quote: '1万人',
      start_offset: 4,
      end_offset: 7,
      rule: 'manual',
    },
  ],
  insertPlanIndicators: [
    [
      {
        document_id: ID,
        position: 1,
        name: '常住人口',
        unit: '万人',
        base_year: 2020,
        base_value: 35.5,
        target_year: 2025,
        target_value: 36,
        binding: false,
        row_text: '常住人口\t万人\t35.5\t36\t预期性',
      },
    ],
  ],
  planIndicators: [ID],
  planIndicator: [ID],
  planActualsOf: [[ID]],
  upsertPlanActual: [
    {
      indicator_id: ID,
      year: 2021,
      value: 35.6,
      source: 'statistical_bulletin',
      source_note: '',
      recorded_by: ID,
    },
    AT,
  ],
  insertTask: [
    {
      document_id: ID,
      title: '稳就业',
      target_ids: [ID],
      lead_unit_id: ID,
      co_unit_ids: [],
      leader: '',
      starts_on: '2026-01-01',
      deadline: '2026-12-31',
      milestones: '[]',
    },
  ],
  task: [ID],
  tasksOf: [[ID], ID],
  runningTasks: ['2026-05-27'],
  documentOfTask: [ID],
  upsertProgress: [
    {
      task_id: ID,
      period: '2026-05',
      unit_id: ID,
      progress: 40,
      actual_value: null,
      narrative: '',
      evidence: [],
      reported_by: ID,
    },
    AT,
  ],
  reportsOf: [[ID]],
  hasReport: [ID, '2026-05'],
  insertUrging: [ID, '请加快进度', ID],
  urging: [ID],
  answerUrging: [ID, '已整改', ID, AT],
  urgingsOf: [[ID]],
};
