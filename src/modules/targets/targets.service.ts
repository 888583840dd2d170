/**
 * 督查督办 use cases: import a document and propose its quantified items, accept/edit/drop them, assign
 * tasks to units, take monthly progress from the owning units, urge, show the board, close the year.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import mammoth from 'mammoth';
import type { z } from 'zod';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { localDate } from '../../platform/calendar/working-time.js';
import type { DB, TargetDocumentsTable, TargetsTable } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound, TooLarge } from '../../platform/errors.js';
import { extractTargets } from './extract.js';
import { headings, type Rag, reportDue, sectionAt, targetMet, taskStatus, worst } from './supervision.js';
import {
  type DocumentCreateT,
  MAX_DOCUMENT_CHARS,
  type ProgressCreateT,
  type TargetPatch,
  type TaskCreateT,
} from './targets.schemas.js';

type Db = Kysely<DB> | Transaction<DB>;
type DocRow = Selectable<TargetDocumentsTable>;

/** Reads an uploaded report: .docx through mammoth, anything else must be UTF-8 text. */
export async function documentText(bytes: Buffer, filename: string): Promise<string> {
  if (bytes.length === 0) throw new Invalid('empty_document', 'The file is empty.');
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip || filename.toLowerCase().endsWith('.docx')) {
    try {
      return (await mammoth.extractRawText({ buffer: bytes })).value;
    } catch {
      throw new Invalid('not_text', 'The file is not a readable .docx document.');
    }
  }
  if (bytes.includes(0))
    throw new Invalid('not_text', 'The file is binary; upload plain text (UTF-8) or .docx.');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new Invalid('not_text', 'The file is not UTF-8 text; save it as UTF-8 or .docx.');
  }
}

function today(now = new Date()): string {
  return localDate(now);
}

function canRead(p: Principal, areaCode: string): boolean {
  return areaCode.startsWith(p.scope) || p.scope.startsWith(areaCode);
}

async function documentRow(db: Db, p: Principal, id: string): Promise<DocRow> {
  const doc = await db.selectFrom('target_documents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!doc || !canRead(p, doc.area_code))
    throw new NotFound('document_not_found', 'No such document in your scope.');
  return doc;
}

/** Supervisors change only documents of their own area. */
function requireOwnArea(p: Principal, doc: DocRow): void {
  if (!doc.area_code.startsWith(p.scope))
    throw new Forbidden('scope_outside', 'This document belongs to another area.');
}

function toItem(t: Selectable<TargetsTable>) {
  return {
    id: t.id,
    status: t.status,
    kind: t.kind,
    section: t.section,
    indicator: t.indicator,
    measure: t.measure,
    value: Number(t.value),
    valueMax: t.value_max === null ? null : Number(t.value_max),
    unit: t.unit,
    period: t.period,
    quote: t.quote,
    start: t.start_offset,
    end: t.end_offset,
  };
}

// ---------- documents and their items ----------

export async function createDocument(
  db: Kysely<DB>,
  p: Principal,
  input: DocumentCreateT & { areaCode?: string },
) {
  const text = input.text.replace(/\r\n?/g, '\n');
  if (text.trim().length === 0) throw new Invalid('empty_document', 'The document has no text.');
  if (text.length > MAX_DOCUMENT_CHARS)
    throw new TooLarge('document_too_large', `Documents may have at most ${MAX_DOCUMENT_CHARS} characters.`);
  const areaCode = input.areaCode ?? p.scope;
  if (!areaCode) throw new Invalid('area_required', 'Say which district the document belongs to (areaCode).');
  if (!areaCode.startsWith(p.scope))
    throw new Forbidden('scope_outside', `Area ${areaCode} is outside your scope.`);
  const area = await db.selectFrom('areas').select('code').where('code', '=', areaCode).executeTakeFirst();
  if (!area) throw new Invalid('area_not_found', `There is no area ${areaCode}.`);
  const outline = headings(text);
  const items = extractTargets(text);
  return db.transaction().execute(async (trx) => {
    const doc = await trx
      .insertInto('target_documents')
      .values({
        kind: input.kind,
        title: input.title,
        year: input.year,
        area_code: areaCode,
        text,
        report_day: input.reportDay,
        created_by: p.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (items.length) {
      await trx
        .insertInto('targets')
        .values(
          items.map((i) => ({
            document_id: doc.id,
            kind: i.kind,
            section: sectionAt(outline, i.start),
            indicator: i.indicator || i.quote.slice(0, 40),
            measure: i.measure,
            value: i.value,
            value_max: i.value_max,
            unit: i.unit,
            period: i.period,
            quote: i.quote,
            start_offset: i.start,
            end_offset: i.end,
          })),
        )
        .execute();
    }
    await recordAudit(trx, p, {
      action: 'create',
      entity: 'target_document',
      entityId: doc.id,
      after: { title: input.title, items: items.length },
    });
    return getDocument(trx, p, doc.id);
  });
}

export async function listDocuments(db: Db, p: Principal) {
  const rows = await db
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
    .orderBy('d.created_at', 'desc')
    .execute();
  return rows
    .filter((d) => canRead(p, d.area_code))
    .map((d) => summaryOf(d, Number(d.items ?? 0), Number(d.accepted ?? 0)));
}

function summaryOf(
  d: Pick<DocRow, 'id' | 'kind' | 'title' | 'year' | 'area_code' | 'report_day' | 'closed_at' | 'created_at'>,
  items: number,
  accepted: number,
) {
  return {
    id: d.id,
    kind: d.kind,
    title: d.title,
    year: d.year,
    areaCode: d.area_code,
    reportDay: d.report_day,
    closed: d.closed_at !== null,
    createdAt: d.created_at.toISOString(),
    items,
    accepted,
  };
}

export async function getDocument(db: Db, p: Principal, id: string) {
  const d = await documentRow(db, p, id);
  const targets = await db
    .selectFrom('targets')
    .selectAll()
    .where('document_id', '=', id)
    .orderBy('start_offset')
    .execute();
  return {
    ...summaryOf(d, targets.length, targets.filter((t) => t.status === 'accepted').length),
    text: d.text,
    targets: targets.map(toItem),
  };
}

export async function updateTarget(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  patch: z.infer<typeof TargetPatch>,
) {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('targets').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFound('target_not_found', 'No such target.');
    const doc = await documentRow(trx, p, before.document_id);
    requireOwnArea(p, doc);
    if (doc.closed_at)
      throw new Conflict('year_closed', 'The year of this document is closed (年底交账 done).');
    const after = await trx
      .updateTable('targets')
      .set({
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.indicator !== undefined && { indicator: patch.indicator }),
        ...(patch.measure !== undefined && { measure: patch.measure }),
        ...(patch.value !== undefined && { value: patch.value }),
        ...(patch.valueMax !== undefined && { value_max: patch.valueMax }),
        ...(patch.unit !== undefined && { unit: patch.unit }),
        ...(patch.period !== undefined && { period: patch.period }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, p, {
      action: 'update',
      entity: 'target',
      entityId: id,
      before: toItem(before),
      after: toItem(after),
    });
    return toItem(after);
  });
}

/** Accepts every proposed item of a document (the reviewer then drops or edits the odd one). */
export async function acceptAll(db: Kysely<DB>, p: Principal, documentId: string) {
  const doc = await documentRow(db, p, documentId);
  requireOwnArea(p, doc);
  const res = await db
    .updateTable('targets')
    .set({ status: 'accepted', updated_at: new Date() })
    .where('document_id', '=', documentId)
    .where('status', '=', 'proposed')
    .executeTakeFirst();
  return { accepted: Number(res.numUpdatedRows) };
}

// ---------- tasks and progress ----------

export async function createTask(db: Kysely<DB>, p: Principal, input: TaskCreateT) {
  return db.transaction().execute(async (trx) => {
    const doc = await documentRow(trx, p, input.documentId);
    requireOwnArea(p, doc);
    if (doc.closed_at) throw new Conflict('year_closed', 'The year of this document is closed.');
    const units = [input.leadUnitId, ...input.coUnitIds];
    const found = await trx
      .selectFrom('units')
      .select('id')
      .where('id', 'in', units)
      .where('active', '=', true)
      .execute();
    if (found.length !== new Set(units).size)
      throw new Invalid('unit_not_found', 'A named unit does not exist or is inactive.');
    if (input.targetIds.length) {
      const targets = await trx
        .selectFrom('targets')
        .select('id')
        .where('id', 'in', input.targetIds)
        .where('document_id', '=', doc.id)
        .where('status', '=', 'accepted')
        .execute();
      if (targets.length !== new Set(input.targetIds).size) {
        throw new Invalid('target_not_accepted', 'Tasks serve accepted targets of the same document only.');
      }
    }
    const task = await trx
      .insertInto('target_tasks')
      .values({
        document_id: doc.id,
        title: input.title,
        target_ids: input.targetIds,
        lead_unit_id: input.leadUnitId,
        co_unit_ids: input.coUnitIds.filter((u) => u !== input.leadUnitId),
        leader: input.leader,
        starts_on: input.startsOn,
        deadline: input.deadline,
        milestones: JSON.stringify([...input.milestones].sort((a, b) => a.due.localeCompare(b.due))),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, p, { action: 'create', entity: 'target_task', entityId: task.id, after: input });
    return task;
  });
}

export async function fileProgress(
  db: Kysely<DB>,
  p: Principal,
  taskId: string,
  input: ProgressCreateT,
  now = new Date(),
) {
  return db.transaction().execute(async (trx) => {
    const task = await trx.selectFrom('target_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
    if (!task) throw new NotFound('task_not_found', 'No such task.');
    if (!p.unitId || (task.lead_unit_id !== p.unitId && !task.co_unit_ids.includes(p.unitId))) {
      throw new Forbidden(
        'not_task_unit',
        'Only the lead or co-operating units of this task file its progress.',
      );
    }
    const doc = await trx
      .selectFrom('target_documents')
      .select(['closed_at', 'year'])
      .where('id', '=', task.document_id)
      .executeTakeFirstOrThrow();
    if (doc.closed_at)
      throw new Conflict('year_closed', 'The year of this task is closed (年底交账 done); no more progress.');
    if (input.period > today(now).slice(0, 7))
      throw new Invalid('future_period', 'Progress is filed for this month or earlier.');
    if (input.period < task.starts_on.slice(0, 7) || input.period > task.deadline.slice(0, 7)) {
      throw new Invalid('period_outside_task', `The task runs from ${task.starts_on} to ${task.deadline}.`);
    }
    if (input.evidence.length) {
      const stored = await trx
        .selectFrom('attachments')
        .select('hash')
        .where('hash', 'in', input.evidence)
        .execute();
      if (stored.length !== new Set(input.evidence).size)
        throw new Invalid('unknown_attachment', 'Upload the evidence files first.');
    }
    const row = await trx
      .insertInto('progress_reports')
      .values({
        task_id: taskId,
        period: input.period,
        unit_id: p.unitId,
        progress: input.progress,
        actual_value: input.actualValue,
        narrative: input.narrative,
        evidence: input.evidence,
        reported_by: p.userId,
      })
      .onConflict((oc) =>
        oc.columns(['task_id', 'period']).doUpdateSet({
          unit_id: p.unitId ?? '',
          progress: input.progress,
          actual_value: input.actualValue,
          narrative: input.narrative,
          evidence: input.evidence,
          reported_by: p.userId,
          created_at: now,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id };
  });
}

export async function urge(db: Kysely<DB>, p: Principal, taskId: string, notice: string) {
  return db.transaction().execute(async (trx) => {
    const task = await trx.selectFrom('target_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
    if (!task) throw new NotFound('task_not_found', 'No such task.');
    requireOwnArea(p, await documentRow(trx, p, task.document_id));
    const row = await trx
      .insertInto('urgings')
      .values({ task_id: taskId, notice, created_by: p.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const unitId of [task.lead_unit_id, ...task.co_unit_ids]) {
      await trx
        .insertInto('notifications')
        .values({ unit_id: unitId, kind: 'target_urged', message: `督办：${task.title} — ${notice}` })
        .execute();
    }
    return row;
  });
}

export async function respondToUrging(db: Kysely<DB>, p: Principal, urgingId: string, response: string) {
  const row = await db
    .selectFrom('urgings')
    .innerJoin('target_tasks as t', 't.id', 'urgings.task_id')
    .select(['urgings.id', 'urgings.response', 't.lead_unit_id', 't.co_unit_ids'])
    .where('urgings.id', '=', urgingId)
    .executeTakeFirst();
  if (!row) throw new NotFound('urging_not_found', 'No such urging notice.');
  if (!p.unitId || (row.lead_unit_id !== p.unitId && !row.co_unit_ids.includes(p.unitId))) {
    throw new Forbidden('not_task_unit', 'Only the units of the task answer its urging notices.');
  }
  if (row.response !== null) throw new Conflict('already_answered', 'This notice has been answered already.');
  await db
    .updateTable('urgings')
    .set({ response, responded_by: p.userId, responded_at: new Date() })
    .where('id', '=', urgingId)
    .execute();
  return { id: urgingId };
}

// ---------- the board ----------

/** Tasks the caller may see, each with its light: supervisors see their area's, units their own. */
export async function board(db: Db, p: Principal, documentId?: string, now = new Date()) {
  const docs = (
    await db.selectFrom('target_documents').select(['id', 'area_code', 'report_day']).execute()
  ).filter((d) => canRead(p, d.area_code));
  const wanted = documentId ? docs.filter((d) => d.id === documentId) : docs;
  if (documentId && wanted.length === 0)
    throw new NotFound('document_not_found', 'No such document in your scope.');
  if (wanted.length === 0) return { today: today(now), tasks: [], byUnit: [], bySection: [] };
  const supervising = p.roles.some((r) => ['supervisor', 'leader', 'admin'].includes(r));
  let q = db
    .selectFrom('target_tasks as t')
    .innerJoin('units as u', 'u.id', 't.lead_unit_id')
    .selectAll('t')
    .select('u.name as lead_name')
    .where(
      't.document_id',
      'in',
      wanted.map((d) => d.id),
    )
    .orderBy('t.created_at');
  if (!supervising) {
    const unit = p.unitId ?? '00000000-0000-0000-0000-000000000000';
    q = q.where((eb) =>
      eb.or([eb('t.lead_unit_id', '=', unit), sql<boolean>`${unit}::uuid = any(t.co_unit_ids)`]),
    );
  }
  const tasks = await q.execute();
  const ids = tasks.map((t) => t.id);
  const reports = ids.length
    ? await db
        .selectFrom('progress_reports as r')
        .innerJoin('units as u', 'u.id', 'r.unit_id')
        .select([
          'r.task_id',
          'r.period',
          'r.progress',
          'r.actual_value',
          'r.narrative',
          'r.created_at',
          'u.name',
        ])
        .where('r.task_id', 'in', ids)
        .orderBy('r.period')
        .execute()
    : [];
  const urgings = ids.length
    ? await db.selectFrom('urgings').selectAll().where('task_id', 'in', ids).orderBy('created_at').execute()
    : [];
  const targetIds = tasks.flatMap((t) => t.target_ids);
  const sections = new Map(
    targetIds.length
      ? (await db.selectFrom('targets').select(['id', 'section']).where('id', 'in', targetIds).execute()).map(
          (t) => [t.id, t.section],
        )
      : [],
  );
  const day = today(now);
  const rows = tasks.map((t) => {
    const mine = reports.filter((r) => r.task_id === t.id);
    const reportDay = wanted.find((d) => d.id === t.document_id)?.report_day ?? 28;
    const st = taskStatus(
      { startsOn: t.starts_on, deadline: t.deadline, milestones: t.milestones },
      mine,
      day,
      reportDay,
    );
    return {
      id: t.id,
      documentId: t.document_id,
      title: t.title,
      targetIds: t.target_ids,
      leadUnitId: t.lead_unit_id,
      leadUnitName: t.lead_name,
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
        unitName: r.name,
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
  return {
    today: day,
    tasks: rows,
    byUnit: rollup((r) => r.leadUnitName),
    bySection: rollup((r) => r.section),
  };
}

// ---------- year-end account and closing ----------

/** 年底交账: every accepted target of the document against the latest value its tasks reported. */
export async function yearEndAccount(db: Db, p: Principal, documentId: string) {
  await documentRow(db, p, documentId);
  const targets = await db
    .selectFrom('targets')
    .selectAll()
    .where('document_id', '=', documentId)
    .where('status', '=', 'accepted')
    .where('kind', '=', 'target')
    .orderBy('start_offset')
    .execute();
  const tasks = await db
    .selectFrom('target_tasks')
    .select(['id', 'target_ids'])
    .where('document_id', '=', documentId)
    .execute();
  const reports = tasks.length
    ? await db
        .selectFrom('progress_reports')
        .select(['task_id', 'period', 'actual_value'])
        .where(
          'task_id',
          'in',
          tasks.map((t) => t.id),
        )
        .where('actual_value', 'is not', null)
        .orderBy('period')
        .execute()
    : [];
  return targets.map((t) => {
    const serving = tasks.filter((k) => k.target_ids.includes(t.id)).map((k) => k.id);
    const last = reports.filter((r) => serving.includes(r.task_id)).at(-1);
    const outcome =
      last?.actual_value === undefined || last.actual_value === null ? null : Number(last.actual_value);
    const target = {
      measure: t.measure,
      value: Number(t.value),
      value_max: t.value_max === null ? null : Number(t.value_max),
      quote: t.quote,
    };
    return {
      targetId: t.id,
      section: t.section,
      indicator: t.indicator,
      measure: t.measure,
      value: target.value,
      valueMax: target.value_max,
      unit: t.unit,
      quote: t.quote,
      outcome,
      met: targetMet(target, outcome),
      tasks: serving.length,
    };
  });
}

export async function closeYear(db: Kysely<DB>, p: Principal, documentId: string) {
  const doc = await documentRow(db, p, documentId);
  requireOwnArea(p, doc);
  if (doc.closed_at) throw new Conflict('year_closed', 'The year is closed already.');
  await db
    .updateTable('target_documents')
    .set({ closed_at: new Date() })
    .where('id', '=', documentId)
    .execute();
  await recordAudit(db, p, {
    action: 'update',
    entity: 'target_document',
    entityId: documentId,
    after: { closed: true },
  });
}

/**
 * Reminders to units: before their monthly report is due (from 3 days ahead) and when it is late.
 * Each reminder is sent once (unique per unit, kind and task-month), so any number of processes may run it.
 */
export async function sendProgressReminders(db: Kysely<DB>, now = new Date()): Promise<number> {
  const day = today(now);
  const rows = await db
    .selectFrom('target_tasks as t')
    .innerJoin('target_documents as d', 'd.id', 't.document_id')
    .select(['t.id', 't.title', 't.lead_unit_id', 't.starts_on', 't.deadline', 'd.report_day'])
    .where('d.closed_at', 'is', null)
    .where('t.starts_on', '<=', day)
    .where('t.deadline', '>=', `${day.slice(0, 7)}-01`)
    .execute();
  let sent = 0;
  for (const t of rows) {
    const due = reportDue(day, t.report_day);
    const soon = new Date(`${due.dueOn}T00:00:00+08:00`).getTime() - 3 * 86_400_000 <= now.getTime();
    if (!soon) continue;
    const filed = await db
      .selectFrom('progress_reports')
      .select('id')
      .where('task_id', '=', t.id)
      .where('period', '=', due.period)
      .executeTakeFirst();
    if (filed) continue;
    const late = day > due.dueOn;
    const res = await db
      .insertInto('notifications')
      .values({
        unit_id: t.lead_unit_id,
        kind: late ? 'progress_late' : 'progress_due',
        ref: `${t.id}:${due.period}`,
        message: late
          ? `进度报送已逾期：${t.title}（${due.period}）`
          : `请于${due.dueOn}前报送进度：${t.title}`,
      })
      .onConflict((oc) => oc.columns(['unit_id', 'kind', 'ref']).where('ref', 'is not', null).doNothing())
      .executeTakeFirst();
    sent += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return sent;
}
