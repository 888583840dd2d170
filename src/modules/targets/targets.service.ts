/**
 * 督查督办 use cases, documents side: import a document and propose its quantified items, accept/edit/drop
 * them, the year-end account, closing the year. Tasks, progress, urging and the board are in
 * `target-tasks.service.ts`.
 */
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB, ProposedItem, TargetDocumentsTable, TargetsTable } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound, TooLarge } from '../../platform/errors.js';
import { loadMammoth } from '../../platform/lazy-libraries.js';
import { type ExtractedItem, extractTargets } from './extract.js';
import { headings, sectionAt, targetMet } from './supervision.js';
import {
  type DocumentCreateT,
  type ItemCreateT,
  MAX_DOCUMENT_CHARS,
  type TargetPatchT,
} from './targets.schemas.js';
import { TargetsStore } from './targets.store.js';

type DocRow = Selectable<TargetDocumentsTable>;

/** What targets needs from places: whether an area code exists. */
export interface AreaCheck {
  areaExists(code: string): Promise<boolean>;
}

/** Reads an uploaded report: .docx through mammoth, anything else must be UTF-8 text. */
export async function documentText(bytes: Buffer, filename: string): Promise<string> {
  if (bytes.length === 0) throw new Invalid('empty_document', 'The file is empty.');
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-')
    throw new Invalid(
      'pdf_not_supported',
      'PDF is not read (a scanned PDF has no text at all): upload the report as .docx or UTF-8 text.',
    );
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip || filename.toLowerCase().endsWith('.docx')) {
    try {
      return (await (await loadMammoth()).extractRawText({ buffer: bytes })).value;
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

/** A document readable by the caller (its area inside the scope or an ancestor of it), or 404. */
export async function readableDocument(store: TargetsStore, p: Pick<Principal, 'scope'>, id: string) {
  const doc = await store.readableDocument(p.scope, id);
  if (!doc) throw new NotFound('document_not_found', 'No such document in your scope.');
  return doc;
}

/** Supervisors change only documents of their own area. */
export function requireOwnArea(p: Pick<Principal, 'scope'>, doc: Pick<DocRow, 'area_code'>): void {
  if (!doc.area_code.startsWith(p.scope))
    throw new Forbidden('scope_outside', 'This document belongs to another area.');
}

/** The row of one extracted item, with the extractor's proposal kept beside it for corrections. */
export function proposalRow(outline: ReturnType<typeof headings>, i: ExtractedItem) {
  const proposed: ProposedItem = {
    kind: i.kind,
    indicator: i.indicator || i.quote.slice(0, 40),
    measure: i.measure,
    value: i.value,
    value_max: i.value_max,
    unit: i.unit,
    period: i.period,
  };
  return {
    ...proposed,
    section: sectionAt(outline, i.start),
    quote: i.quote,
    start_offset: i.start,
    end_offset: i.end,
    rule: i.rule,
    proposed: JSON.stringify(proposed),
  };
}

const SENTENCE_END = /[。！!？?\n]/;

/** The sentence around text[start, end). */
export function sentenceAround(text: string, start: number, end: number): string {
  let from = Math.min(start, text.length);
  while (from > 0 && !SENTENCE_END.test(text[from - 1] ?? '')) from--;
  let to = Math.max(end, from);
  while (to < text.length && !SENTENCE_END.test(text[to] ?? '')) to++;
  if (to < text.length && text[to] !== '\n') to++;
  return text.slice(from, to).trim();
}

function corrected(t: Selectable<TargetsTable>): boolean {
  if (t.rule === 'manual') return true;
  const p = t.proposed;
  if (!p) return false;
  return (
    p.kind !== t.kind ||
    p.indicator !== t.indicator ||
    p.measure !== t.measure ||
    p.value !== Number(t.value) ||
    p.value_max !== (t.value_max === null ? null : Number(t.value_max)) ||
    p.unit !== t.unit ||
    p.period !== t.period
  );
}

function toItem(t: Selectable<TargetsTable>, text: string) {
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
    sentence: sentenceAround(text, t.start_offset, t.end_offset),
    rule: t.rule,
    corrected: corrected(t),
  };
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

export class Targets {
  private readonly store: TargetsStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly places: AreaCheck,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new TargetsStore(db);
  }

  async createDocument(p: Principal, input: DocumentCreateT & { areaCode?: string | undefined }) {
    const text = input.text.replace(/\r\n?/g, '\n');
    if (text.trim().length === 0) throw new Invalid('empty_document', 'The document has no text.');
    if (text.length > MAX_DOCUMENT_CHARS)
      throw new TooLarge(
        'document_too_large',
        `Documents may have at most ${MAX_DOCUMENT_CHARS} characters.`,
      );
    const areaCode = input.areaCode ?? p.scope;
    if (!areaCode)
      throw new Invalid('area_required', 'Say which district the document belongs to (areaCode).');
    if (!areaCode.startsWith(p.scope))
      throw new Forbidden('scope_outside', `Area ${areaCode} is outside your scope.`);
    if (!(await this.places.areaExists(areaCode)))
      throw new Invalid('area_not_found', `There is no area ${areaCode}.`);
    const outline = headings(text);
    const items = extractTargets(text);
    if (items.length === 0)
      throw new Invalid(
        'no_targets',
        'No quantified target or result was recognised in this text (is it a work report, and are its figures in Arabic digits?); nothing was imported.',
      );
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const id = await store.insertDocument(
        {
          kind: input.kind,
          title: input.title,
          year: input.year,
          area_code: areaCode,
          text,
          report_day: input.reportDay,
          created_by: p.userId,
        },
        items.map((i) => proposalRow(outline, i)),
      );
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'target_document',
        entityId: id,
        after: { title: input.title, items: items.length },
      });
      return this.detail(store, p, id);
    });
  }

  async listDocuments(p: Principal) {
    const rows = await this.store.readableDocuments(p.scope);
    return rows.map((d) => summaryOf(d, Number(d.items ?? 0), Number(d.accepted ?? 0)));
  }

  getDocument(p: Principal, id: string) {
    return this.detail(this.store, p, id);
  }

  private async detail(store: TargetsStore, p: Principal, id: string) {
    const d = await readableDocument(store, p, id);
    const targets = await store.itemsOf(id);
    return {
      ...summaryOf(d, targets.length, targets.filter((t) => t.status === 'accepted').length),
      text: d.text,
      targets: targets.map((t) => toItem(t, d.text)),
    };
  }

  /** A reviewer adds what the extractor missed: the quote is the document's text at start..end. */
  async addItem(p: Principal, documentId: string, input: ItemCreateT) {
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const doc = await readableDocument(store, p, documentId);
      requireOwnArea(p, doc);
      if (doc.closed_at)
        throw new Conflict('year_closed', 'The year of this document is closed (年底交账 done).');
      if (input.end > doc.text.length)
        throw new Invalid('quote_outside', `The quote must lie inside the text (0..${doc.text.length}).`);
      const row = await store.insertItem(documentId, {
        status: 'accepted',
        kind: input.kind,
        section: sectionAt(headings(doc.text), input.start),
        indicator: input.indicator,
        measure: input.measure,
        value: input.value,
        value_max: input.valueMax,
        unit: input.unit,
        period: input.period,
        quote: doc.text.slice(input.start, input.end),
        start_offset: input.start,
        end_offset: input.end,
        rule: 'manual',
      });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'target',
        entityId: row.id,
        after: toItem(row, doc.text),
      });
      return toItem(row, doc.text);
    });
  }

  /**
   * The reviewed document as labelled data in the eval schema (../shared/eval/README.md), one JSON line
   * per accepted item, corrections and hand-added items included; proposed and dropped items are left out.
   */
  async labels(p: Principal, documentId: string, doc?: string): Promise<string> {
    const d = await readableDocument(this.store, p, documentId);
    const items = (await this.store.itemsOf(documentId)).filter((t) => t.status === 'accepted');
    return items
      .map((t) =>
        JSON.stringify({
          doc: doc ?? d.id,
          kind: t.kind,
          indicator: t.indicator,
          measure: t.measure,
          value: Number(t.value),
          value_max: t.value_max === null ? null : Number(t.value_max),
          unit: t.unit,
          period: t.period,
          quote: d.text.slice(t.start_offset, t.end_offset),
        }),
      )
      .map((line) => `${line}\n`)
      .join('');
  }

  async updateTarget(p: Principal, id: string, patch: TargetPatchT) {
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const before = await store.item(id);
      if (!before) throw new NotFound('target_not_found', 'No such target.');
      const doc = await readableDocument(store, p, before.document_id);
      requireOwnArea(p, doc);
      if (doc.closed_at)
        throw new Conflict('year_closed', 'The year of this document is closed (年底交账 done).');
      const after = await store.updateItem(id, {
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.indicator !== undefined && { indicator: patch.indicator }),
        ...(patch.measure !== undefined && { measure: patch.measure }),
        ...(patch.value !== undefined && { value: patch.value }),
        ...(patch.valueMax !== undefined && { value_max: patch.valueMax }),
        ...(patch.unit !== undefined && { unit: patch.unit }),
        ...(patch.period !== undefined && { period: patch.period }),
      });
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'target',
        entityId: id,
        before: toItem(before, doc.text),
        after: toItem(after, doc.text),
      });
      return toItem(after, doc.text);
    });
  }

  /** Accepts every proposed item of a document (the reviewer then drops or edits the odd one). */
  async acceptAll(p: Principal, documentId: string) {
    requireOwnArea(p, await readableDocument(this.store, p, documentId));
    return { accepted: await this.store.acceptProposed(documentId) };
  }

  /** 年底交账: every accepted target of the document against the latest value its tasks reported. */
  async yearEndAccount(p: Principal, documentId: string) {
    await readableDocument(this.store, p, documentId);
    const targets = await this.store.itemsOf(documentId, { status: 'accepted', kind: 'target' });
    const tasks = await this.store.tasksOf([documentId]);
    const reports = (await this.store.reportsOf(tasks.map((t) => t.id))).filter(
      (r) => r.actual_value !== null,
    );
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

  async closeYear(p: Principal, documentId: string): Promise<void> {
    const doc = await readableDocument(this.store, p, documentId);
    requireOwnArea(p, doc);
    if (doc.closed_at) throw new Conflict('year_closed', 'The year is closed already.');
    await this.db.transaction().execute(async (trx) => {
      await new TargetsStore(trx).closeDocument(documentId, this.clock());
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'target_document',
        entityId: documentId,
        after: { closed: true },
      });
    });
  }
}
