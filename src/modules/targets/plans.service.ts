/**
 * 规划年度监测: import a five-year plan (its indicator table and its prose targets), record each year's
 * actual value with its source, and read every indicator against the straight path in a mid-term review
 * (中期评估). The arithmetic is pure (plan-path.ts); the table is read by plan-table.ts.
 */
import type { Kysely, Selectable } from 'kysely';
import type { z } from 'zod';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB, PlanActualsTable, PlanIndicatorsTable } from '../../platform/db/schema.js';
import { Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { loadMammoth } from '../../platform/lazy-libraries.js';
import { extractTargets } from './extract.js';
import { latestActual, type PlanLine, pathStatus } from './plan-path.js';
import { htmlToPlanText, PlanTableError, type PlanTableProblem, readPlanTable } from './plan-table.js';
import { headings } from './supervision.js';
import type { PlanActualBody, PlanCreateT } from './targets.schemas.js';
import {
  type AreaCheck,
  documentText,
  proposalRow,
  readableDocument,
  requireOwnArea,
} from './targets.service.js';
import { TargetsStore } from './targets.store.js';

type IndicatorRow = Selectable<PlanIndicatorsTable>;
type ActualRow = Selectable<PlanActualsTable>;

/** The message a person can act on for each way a plan table can be wrong. */
export function planTableMessage(p: PlanTableProblem): string {
  switch (p.code) {
    case 'plan_table_not_found':
      return 'No indicator table was found: the plan needs a table whose header names 指标, 单位, the base year, the target year and 属性 (约束性/预期性). Nothing was imported.';
    case 'plan_table_columns':
      return `The indicator table lacks columns: ${p.missing.join('、')}. Nothing was imported.`;
    case 'plan_table_rows':
      return `Rows of the indicator table are incomplete: ${p.rows
        .map((r) => `line ${r.line}: ${r.problem}`)
        .join('; ')}. Nothing was imported.`;
  }
}

/** Values for the zh-CN message of a plan table problem. */
function planTableDetails(p: PlanTableProblem): Record<string, string> {
  if (p.code === 'plan_table_columns') return { missing: p.missing.join('、') };
  if (p.code === 'plan_table_rows')
    return { rows: p.rows.map((r) => `第${r.line}行 ${r.problem}`).join('；') };
  return {};
}

/** Reads an uploaded plan: .docx through mammoth with its tables kept as tab-separated lines. */
export async function planText(bytes: Buffer, filename: string): Promise<string> {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip || filename.toLowerCase().endsWith('.docx')) {
    try {
      return htmlToPlanText((await (await loadMammoth()).convertToHtml({ buffer: bytes })).value);
    } catch {
      throw new Invalid('not_text', 'The file is not a readable .docx document.');
    }
  }
  return documentText(bytes, filename);
}

function lineOf(r: IndicatorRow): PlanLine {
  return {
    name: r.name,
    baseYear: r.base_year,
    baseValue: r.base_value === null ? null : Number(r.base_value),
    targetYear: r.target_year,
    targetValue: Number(r.target_value),
  };
}

function actualOf(a: ActualRow) {
  return {
    year: a.year,
    value: Number(a.value),
    source: a.source,
    sourceNote: a.source_note,
    recordedAt: a.recorded_at.toISOString(),
  };
}

export class TargetPlans {
  private readonly store: TargetsStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly places: AreaCheck,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new TargetsStore(db);
  }

  /** Imports a plan: all of its table and its prose targets in one transaction, or nothing. */
  async importPlan(p: Principal, input: PlanCreateT) {
    const text = input.text.replace(/\r\n?/g, '\n');
    if (text.trim().length === 0) throw new Invalid('empty_document', 'The document has no text.');
    const areaCode = input.areaCode ?? p.scope;
    if (!areaCode) throw new Invalid('area_required', 'Say which district the plan belongs to (areaCode).');
    if (!areaCode.startsWith(p.scope))
      throw new Forbidden('scope_outside', `Area ${areaCode} is outside your scope.`);
    if (!(await this.places.areaExists(areaCode)))
      throw new Invalid('area_not_found', `There is no area ${areaCode}.`);
    let table: ReturnType<typeof readPlanTable>;
    try {
      table = readPlanTable(text, { baseYear: input.baseYear, targetYear: input.targetYear });
    } catch (e) {
      if (e instanceof PlanTableError)
        throw new Invalid(e.problem.code, planTableMessage(e.problem), planTableDetails(e.problem));
      throw e;
    }
    // Prose targets: the text with the table blanked out (offsets kept), read as a plan.
    const prose =
      text.slice(0, table.start) +
      text.slice(table.start, table.end).replace(/[^\n]/g, ' ') +
      text.slice(table.end);
    const outline = headings(text);
    const items = extractTargets(prose).map((i) => ({ ...i, quote: text.slice(i.start, i.end) }));
    const baseYear = table.rows[0]!.baseYear;
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const id = await store.insertDocument(
        {
          kind: 'five_year_plan',
          title: input.title,
          year: baseYear + 1,
          area_code: areaCode,
          text,
          created_by: p.userId,
        },
        items.map((i) => proposalRow(outline, i)),
      );
      await store.insertPlanIndicators(
        table.rows.map((r) => ({
          document_id: id,
          position: r.position,
          name: r.name,
          unit: r.unit,
          base_year: r.baseYear,
          base_value: r.baseValue,
          target_year: r.targetYear,
          target_value: r.targetValue,
          binding: r.binding,
          row_text: r.rowText,
        })),
      );
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'target_document',
        entityId: id,
        after: {
          title: input.title,
          kind: 'five_year_plan',
          indicators: table.rows.length,
          items: items.length,
        },
      });
      return this.reviewIn(store, p, id, undefined);
    });
  }

  /** 中期评估: each indicator's latest actual at or before `year` (default: this year) against its path. */
  review(p: Principal, documentId: string, year?: number) {
    return this.reviewIn(this.store, p, documentId, year);
  }

  private async reviewIn(store: TargetsStore, p: Principal, documentId: string, year: number | undefined) {
    const d = await readableDocument(store, p, documentId);
    if (d.kind !== 'five_year_plan')
      throw new NotFound('five_year_plan_not_found', 'This document is not a five-year plan.');
    const indicators = await store.planIndicators(documentId);
    const actuals = await store.planActualsOf(indicators.map((i) => i.id));
    const items = await store.itemsOf(documentId);
    const reviewYear = year ?? this.clock().getUTCFullYear();
    return {
      document: {
        id: d.id,
        kind: d.kind,
        title: d.title,
        year: d.year,
        areaCode: d.area_code,
        reportDay: d.report_day,
        closed: d.closed_at !== null,
        createdAt: d.created_at.toISOString(),
        items: items.length,
        accepted: items.filter((t) => t.status === 'accepted').length,
      },
      year: reviewYear,
      proseTargets: items.filter((t) => t.kind === 'target').length,
      indicators: indicators.map((r) => {
        const own = actuals.filter((a) => a.indicator_id === r.id);
        const line = lineOf(r);
        const last = latestActual(own, reviewYear);
        const reading = last ? pathStatus(line, last.year, Number(last.value)) : null;
        return {
          id: r.id,
          position: r.position,
          name: r.name,
          unit: r.unit,
          binding: r.binding,
          baseYear: r.base_year,
          baseValue: line.baseValue,
          targetYear: r.target_year,
          targetValue: line.targetValue,
          actuals: own.map(actualOf),
          latest: last && reading ? { year: last.year, value: Number(last.value), ...reading } : null,
        };
      }),
    };
  }

  /**
   * Records a year's actual value with its source (统计公报 or department figures). The year must lie in
   * the plan (after the base year, up to the target year) and be over: a year not yet ended has no actual.
   */
  async recordActual(p: Principal, indicatorId: string, year: number, body: z.infer<typeof PlanActualBody>) {
    return this.db.transaction().execute(async (trx) => {
      const store = new TargetsStore(trx);
      const indicator = await store.planIndicator(indicatorId);
      if (!indicator) throw new NotFound('plan_indicator_not_found', 'No such plan indicator.');
      const doc = await readableDocument(store, p, indicator.document_id);
      requireOwnArea(p, doc);
      if (year <= indicator.base_year || year > indicator.target_year)
        throw new Invalid(
          'plan_year_outside',
          `The plan runs from ${indicator.base_year + 1} to ${indicator.target_year}; ${year} is not one of its years.`,
          { year, from: indicator.base_year + 1, to: indicator.target_year },
        );
      const thisYear = this.clock().getUTCFullYear();
      if (year >= thisYear)
        throw new Invalid(
          'plan_year_not_due',
          `The actual of ${year} can be recorded once the year is over (from January ${year + 1}).`,
          { year },
        );
      const row = await store.upsertPlanActual(
        {
          indicator_id: indicatorId,
          year,
          value: body.value,
          source: body.source,
          source_note: body.sourceNote,
          recorded_by: p.userId,
        },
        this.clock(),
      );
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'plan_indicator',
        entityId: indicatorId,
        after: { year, value: body.value, source: body.source, sourceNote: body.sourceNote },
      });
      return actualOf(row);
    });
  }
}
