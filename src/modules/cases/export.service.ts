/**
 * Case exports (案件导出): the case list as CSV or XLSX, with the list's filters, the caller's scope and the
 * reporter masked as in the case answers, and the first time each case reached each state. Rows are read
 * in keyset pages and written as they come, so a district-year export never holds its rows in memory.
 */
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { maskReporter, reporterAccess } from '../../platform/auth/personal-data.js';
import type { Principal } from '../../platform/auth/roles.js';
import { loadExcelJS } from '../../platform/lazy-libraries.js';
import { userNames } from '../org/members.service.js';
import { unitNames } from '../org/org.service.js';
import { areaNames } from '../places/places.service.js';
import type { CaseEngine } from './case-engine.js';
import { CaseListStore, type ExportCursor } from './case-list.store.js';
import { type CaseFilterT, type ExportQueryT, storeFilter } from './cases.schemas.js';
import { STATES } from './workflow.js';

export type ExportFormat = 'csv' | 'xlsx';
/** One exported case: the cells in column order (text, or a time). */
export type ExportRow = (string | Date | null)[];

const STATE_ZH: Record<(typeof STATES)[number], string> = {
  reported: '上报',
  verifying: '核实',
  filed: '立案',
  dispatched: '派遣',
  handling: '处置',
  suspended: '挂账',
  handled: '反馈',
  closed: '结案',
  rejected: '不予立案',
  merged: '合并',
};

/** The columns, zh-CN first and English beside it (one header row). */
export const EXPORT_COLUMNS: readonly string[] = [
  '案件编号 Number',
  '标题 Title',
  '类型 Kind',
  '类别代码 Category code',
  '类别 Category',
  '状态 State',
  '来源 Source',
  '地址 Address',
  '网格代码 Grid code',
  '区域 Area',
  '处置单位 Unit',
  '承办人 Assignee',
  '紧急程度 Urgency',
  '期限 Due at',
  '上报时间 Created at',
  '结案时间 Closed at',
  '评价 Rating',
  '上报人 Reporter name',
  '联系电话 Reporter phone',
  ...STATES.map((s) => `首次${STATE_ZH[s]} First ${s}`),
];

/** Rows per page read from the database. */
export const EXPORT_PAGE_SIZE = 500;

type PageRow = Awaited<ReturnType<CaseListStore['exportPage']>>[number];

/** A CSV cell: quoted when needed, and text that a spreadsheet would run as a formula made inert. */
export function csvCell(v: string | Date | null): string {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString() : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class CaseExports {
  constructor(private readonly engine: CaseEngine) {}

  /**
   * The export as a stream of bytes. The first page is read before answering, so a refusal is still an
   * ordinary error answer; later pages are read as the client takes the bytes.
   */
  async stream(
    p: Principal,
    q: ExportQueryT,
    format: ExportFormat,
    opts: { pageSize?: number } = {},
  ): Promise<Readable> {
    const pages = this.pages(p, storeFilter(q), opts.pageSize ?? EXPORT_PAGE_SIZE);
    const first = await pages.next();
    async function* all(): AsyncGenerator<ExportRow[]> {
      if (first.done) return;
      yield first.value;
      yield* pages;
    }
    return format === 'csv' ? csvStream(all()) : xlsxStream(all());
  }

  /** The visible cases matching the filters, newest first, one page of mapped rows at a time. */
  async *pages(p: Principal, f: CaseFilterT, pageSize: number): AsyncGenerator<ExportRow[]> {
    const store = new CaseListStore(this.engine.db);
    const now = this.engine.now();
    let cursor: ExportCursor | null = null;
    for (;;) {
      const rows = await store.exportPage(p, f, now, cursor, pageSize);
      if (rows.length === 0) return;
      yield await this.mapPage(p, store, rows);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1] as PageRow;
      cursor = { createdAt: last.created_at, id: last.id };
    }
  }

  private async mapPage(p: Principal, store: CaseListStore, rows: PageRow[]): Promise<ExportRow[]> {
    const db = this.engine.db;
    const [times, areas, units, users] = await Promise.all([
      store.firstStateTimes(rows.map((r) => r.id)),
      areaNames(
        db,
        rows.map((r) => r.area_code),
      ),
      unitNames(
        db,
        rows.map((r) => r.assigned_unit_id),
      ),
      userNames(
        db,
        rows.map((r) => r.assigned_user_id),
      ),
    ]);
    const reached = new Map<string, Date>();
    for (const t of times) reached.set(`${t.case_id}:${t.to_state}`, new Date(t.first_at as Date | string));
    return rows.map((r) => {
      // Exactly as the case answers: masked, or (a petitioner, for who may not know them) not at all.
      const access = reporterAccess(p, {
        kind: r.kind,
        areaCode: r.area_code,
        assignedUnitId: r.assigned_unit_id,
        createdUnitId: r.created_unit_id,
      });
      const reporter = access !== 'hidden' && r.reporter ? maskReporter(r.reporter) : null;
      return [
        r.number,
        r.title,
        r.kind,
        r.category_code,
        r.category_name,
        r.state,
        r.source,
        r.address,
        r.area_code,
        areas.get(r.area_code) ?? r.area_code,
        r.assigned_unit_id ? (units.get(r.assigned_unit_id) ?? null) : null,
        r.assigned_user_id ? (users.get(r.assigned_user_id) ?? null) : null,
        r.urgency,
        r.due_at,
        r.created_at,
        r.closed_at,
        r.rating,
        reporter?.name ?? null,
        reporter?.phone ?? null,
        ...STATES.map((s) => reached.get(`${r.id}:${s}`) ?? null),
      ];
    });
  }
}

function csvStream(pages: AsyncIterable<ExportRow[]>): Readable {
  async function* chunks(): AsyncGenerator<string> {
    // The byte-order mark makes spreadsheet programs read the file as UTF-8.
    yield `\uFEFF${EXPORT_COLUMNS.map(csvCell).join(',')}\r\n`;
    for await (const page of pages) {
      yield page.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
    }
  }
  return Readable.from(chunks());
}

function xlsxStream(pages: AsyncIterable<ExportRow[]>): Readable {
  const out = new PassThrough();
  (async () => {
    const ExcelJS = await loadExcelJS();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    const ws = wb.addWorksheet('cases');
    ws.addRow([...EXPORT_COLUMNS]).commit();
    for await (const page of pages) {
      // Text stays text (a cell never becomes a formula); times are real date cells.
      for (const row of page) ws.addRow(row).commit();
      if (out.destroyed) return; // the client went away: read no more pages
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
    ws.commit();
    await wb.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
