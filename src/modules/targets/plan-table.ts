/**
 * Reads a five-year plan's indicator table (主要指标表) from its text (pure). A table is a run of lines
 * whose cells are separated by tabs, `|` / `｜` or two or more spaces (a .docx table is turned into such
 * lines first). Its header names the columns: 指标 (name), 单位 (unit), a base year (2020年 / 基期),
 * a target year (2025年 / 目标), and 属性 (约束性 / 预期性); 序号 and 类别 columns are passed over.
 * Every row must be complete, or the whole table is refused: nothing is half-read.
 */

export interface PlanIndicatorRow {
  position: number;
  name: string;
  unit: string;
  baseYear: number;
  /** null when the base cell has no figure (a rate such as 年均增长 has none: —). */
  baseValue: number | null;
  targetYear: number;
  targetValue: number;
  /** 约束性 (binding) or 预期性 (expected). */
  binding: boolean;
  rowText: string;
}

export interface PlanTable {
  rows: PlanIndicatorRow[];
  /** Line offsets [start, end) of the table in the text, so prose can be read without it. */
  start: number;
  end: number;
}

export type PlanTableProblem =
  | { code: 'plan_table_not_found' }
  | { code: 'plan_table_columns'; missing: string[] }
  | { code: 'plan_table_rows'; rows: Array<{ line: number; problem: string }> };

export class PlanTableError extends Error {
  constructor(readonly problem: PlanTableProblem) {
    super(problem.code);
  }
}

const CELL_SPLIT = /\t|\s*[|｜]\s*|\s{2,}|\u3000{1,}/;
const YEAR_CELL = /^(?:[^0-9]*?)((?:19|20)[0-9]{2})\s*年?/;
const NUMBER = /[-−]?[0-9]+(?:\.[0-9]+)?/;

function cellsOf(line: string): string[] {
  return line
    .replace(/^\s*[|｜]|[|｜]\s*$/g, '')
    .split(CELL_SPLIT)
    .map((c) => c.trim());
}

interface Columns {
  name: number;
  unit: number;
  base: number;
  target: number;
  attribute: number;
  baseYear: number | null;
  targetYear: number | null;
}

function columnsOf(cells: string[]): { columns: Partial<Columns>; missing: string[] } {
  const columns: Partial<Columns> = {};
  const years: Array<{ at: number; year: number | null; role: 'base' | 'target' | null }> = [];
  cells.forEach((cell, at) => {
    const c = cell.replace(/\s/g, '');
    if (/^(?:序号|类别|领域|类型)$/.test(c)) return;
    if (/属性/.test(c)) columns.attribute = at;
    else if (/单位/.test(c)) columns.unit = at;
    else if (/指标/.test(c) && columns.name === undefined) columns.name = at;
    else {
      const year = YEAR_CELL.exec(c);
      const role = /基期|基数|现状|实际/.test(c) ? 'base' : /目标|规划|预期/.test(c) ? 'target' : null;
      if (year || role) years.push({ at, year: year ? Number(year[1]) : null, role });
    }
  });
  const base = years.find((y) => y.role === 'base') ?? years.find((y) => y.role === null);
  const target = years.find((y) => y !== base && y.role !== 'base');
  if (base) {
    columns.base = base.at;
    columns.baseYear = base.year;
  }
  if (target) {
    columns.target = target.at;
    columns.targetYear = target.year;
  }
  const missing: string[] = [];
  if (columns.name === undefined) missing.push('指标');
  if (columns.unit === undefined) missing.push('单位');
  if (columns.base === undefined) missing.push('基期值');
  if (columns.target === undefined) missing.push('目标值');
  if (columns.attribute === undefined) missing.push('属性');
  return { columns, missing };
}

/** A header: a line with at least three cells, one naming 指标, and at least one year or 属性. */
function isHeader(cells: string[]): boolean {
  return (
    cells.length >= 3 &&
    cells.some((c) => /指标/.test(c)) &&
    cells.some((c) => /属性|单位|(?:19|20)[0-9]{2}年?|基期|目标/.test(c))
  );
}

/** The first figure of a cell, or null (none, or beyond any real indicator's size). */
function numberIn(cell: string): number | null {
  const m = NUMBER.exec(cell.replace(/，/g, ''));
  const n = m ? Number(m[0].replace('−', '-')) : null;
  return n !== null && Number.isFinite(n) && Math.abs(n) < 1e15 ? n : null;
}

/**
 * The indicator table of a plan, with the base and target years from its header, or from the
 * `fallback` years when the header says only 基期/目标.
 */
export function readPlanTable(
  text: string,
  fallback: { baseYear?: number | undefined; targetYear?: number | undefined },
): PlanTable {
  const lines: Array<{ text: string; start: number; end: number; index: number }> = [];
  let at = 0;
  text.split('\n').forEach((line, index) => {
    lines.push({ text: line, start: at, end: at + line.length, index });
    at += line.length + 1;
  });
  const headerAt = lines.findIndex((l) => isHeader(cellsOf(l.text)));
  if (headerAt < 0) throw new PlanTableError({ code: 'plan_table_not_found' });
  const header = lines[headerAt]!;
  const headerCells = cellsOf(header.text);
  const { columns, missing } = columnsOf(headerCells);
  if (missing.length) throw new PlanTableError({ code: 'plan_table_columns', missing });
  const c = columns as Columns;
  const baseYear = c.baseYear ?? fallback.baseYear ?? Number.NaN;
  const targetYear = c.targetYear ?? fallback.targetYear ?? Number.NaN;
  const rows: PlanIndicatorRow[] = [];
  const problems: Array<{ line: number; problem: string }> = [];
  let end = header.end;
  for (const line of lines.slice(headerAt + 1)) {
    if (line.text.trim() === '') {
      if (rows.length || problems.length) break;
      continue;
    }
    const cells = cellsOf(line.text);
    if (cells.length < 3) break;
    end = line.end;
    const name = cells[c.name] ?? '';
    const unit = cells[c.unit] ?? '';
    const attribute = (cells[c.attribute] ?? '').replace(/\s/g, '');
    const baseValue = numberIn(cells[c.base] ?? '');
    const targetValue = numberIn(cells[c.target] ?? '');
    const lineProblems: string[] = [];
    if (!name || (numberIn(name) !== null && /^[-−]?[0-9.]+$/.test(name))) lineProblems.push('指标名称缺失');
    if (targetValue === null) lineProblems.push('目标值缺失');
    if (!/^(?:约束性|预期性)$/.test(attribute)) lineProblems.push('属性应为“约束性”或“预期性”');
    if (cells.length < headerCells.length - 1) lineProblems.push('列数不足');
    if (lineProblems.length) {
      problems.push({ line: line.index + 1, problem: lineProblems.join('；') });
      continue;
    }
    rows.push({
      position: rows.length + 1,
      name,
      unit: unit === '—' || unit === '-' ? '' : unit,
      baseYear,
      baseValue,
      targetYear,
      targetValue: targetValue as number,
      binding: attribute === '约束性',
      rowText: line.text.trim(),
    });
  }
  if (problems.length) throw new PlanTableError({ code: 'plan_table_rows', rows: problems });
  if (rows.length === 0) throw new PlanTableError({ code: 'plan_table_not_found' });
  if (!Number.isInteger(baseYear) || !Number.isInteger(targetYear))
    throw new PlanTableError({ code: 'plan_table_columns', missing: ['基期年份', '目标年份'] });
  if (baseYear < 2000 || targetYear > 2100)
    throw new PlanTableError({ code: 'plan_table_columns', missing: ['2000—2100年之间的基期和目标年份'] });
  if (targetYear <= baseYear)
    throw new PlanTableError({ code: 'plan_table_columns', missing: ['目标年份（应晚于基期年份）'] });
  return { rows, start: header.start, end };
}

/** A .docx's HTML (mammoth) with each table row turned into one tab-separated line, as plain text. */
export function htmlToPlanText(html: string): string {
  const decode = (s: string) =>
    s
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim();
  return html
    .replace(/<tr[^>]*>([\s\S]*?)<\/tr>/g, (_, row: string) => {
      const cells = [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map(
        (m) => decode(m[1] ?? '') || '—',
      );
      return `${cells.join('\t')}\n`;
    })
    .replace(/<\/(?:p|h[1-6]|li|table)>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
