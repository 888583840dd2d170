/** The category catalogue's rules (立结案标准): row mapping, code check, the XLSX layout — no I/O. */
import type ExcelJS from 'exceljs';
import type { Insertable, Selectable } from 'kysely';
import type { CategoriesTable } from '../../platform/db/schema.js';
import { Invalid } from '../../platform/errors.js';
import { loadExcelJS } from '../../platform/lazy-libraries.js';
import { Category, type CategoryT } from './cases.schemas.js';
import type { CategoryRules } from './workflow.js';

type Row = Selectable<CategoriesTable>;

export function toCategory(r: Row): CategoryT {
  return {
    code: r.code,
    kind: r.kind as CategoryT['kind'],
    majorCode: r.major_code,
    minorCode: r.minor_code,
    majorName: r.major_name,
    majorNameEn: r.major_name_en,
    name: r.name,
    nameEn: r.name_en,
    filingCriterion: r.filing_criterion,
    closingCriterion: r.closing_criterion,
    fileLimit: { value: r.file_value, unit: r.file_unit },
    signLimit: { value: r.sign_value, unit: r.sign_unit },
    handleLimit: { value: r.handle_value, unit: r.handle_unit },
    urgency: r.urgency,
    route: r.route,
    checkRequired: r.check_required,
    keywords: r.keywords,
    active: r.active,
    attributes: r.attributes,
    publication: r.publication,
    publishHotline: r.publish_hotline,
    pointPrecision: r.point_precision,
  };
}

export function categoryToRow(c: CategoryT): Insertable<CategoriesTable> {
  return {
    code: c.code,
    kind: c.kind,
    major_code: c.majorCode,
    minor_code: c.minorCode,
    major_name: c.majorName,
    major_name_en: c.majorNameEn,
    name: c.name,
    name_en: c.nameEn,
    filing_criterion: c.filingCriterion,
    closing_criterion: c.closingCriterion,
    file_value: c.fileLimit.value,
    file_unit: c.fileLimit.unit,
    sign_value: c.signLimit.value,
    sign_unit: c.signLimit.unit,
    handle_value: c.handleLimit.value,
    handle_unit: c.handleLimit.unit,
    urgency: c.urgency,
    route: c.route,
    check_required: c.checkRequired,
    keywords: c.keywords,
    active: c.active,
    attributes: JSON.stringify(c.attributes),
    publication: c.publication,
    publish_hotline: c.publishHotline,
    point_precision: c.pointPrecision,
  };
}

/** The part of a category the state machine needs. */
export function rulesOf(c: CategoryT): CategoryRules {
  return {
    kind: c.kind,
    fileLimit: c.fileLimit,
    signLimit: c.signLimit,
    handleLimit: c.handleLimit,
    checkRequired: c.checkRequired,
  };
}

export function checkCodeParts(c: CategoryT): void {
  if (c.code !== `${c.kind}.${c.majorCode}${c.minorCode}`) {
    throw new Invalid(
      'category_code',
      `Code ${c.code} must be ${c.kind}.${c.majorCode}${c.minorCode} (kind.major minor).`,
    );
  }
}

// ---------- XLSX ----------

const COLUMNS: [keyof Row, string][] = [
  ['code', '编码 code'],
  ['kind', '类型 kind'],
  ['major_code', '大类 major'],
  ['major_name', '大类名称 major_name'],
  ['major_name_en', 'major_name_en'],
  ['minor_code', '小类 minor'],
  ['name', '名称 name'],
  ['name_en', 'name_en'],
  ['filing_criterion', '立案标准 filing_criterion'],
  ['closing_criterion', '结案标准 closing_criterion'],
  ['file_value', '立案时限 file_value'],
  ['file_unit', 'file_unit'],
  ['sign_value', '签收时限 sign_value'],
  ['sign_unit', 'sign_unit'],
  ['handle_value', '处置时限 handle_value'],
  ['handle_unit', 'handle_unit'],
  ['urgency', '紧急程度 urgency'],
  ['route', '派遣方式 route'],
  ['check_required', '需核查 check_required'],
  ['keywords', '关键词 keywords'],
  ['active', '启用 active'],
  ['attributes', '附加字段 attributes (JSON)'],
  ['publication', '公开范围 publication (none/status/text)'],
  ['publish_hotline', '公开热线诉求 publish_hotline'],
  ['point_precision', '公开位置精度 point_precision (exact/grid)'],
];

/** The catalogue as an XLSX workbook, one row per category. */
export async function catalogueToXlsx(rows: readonly Row[]): Promise<Buffer> {
  const wb = new (await loadExcelJS()).Workbook();
  const ws = wb.addWorksheet('categories');
  ws.addRow(COLUMNS.map(([, header]) => header)).font = { bold: true };
  for (const r of rows)
    ws.addRow(COLUMNS.map(([key]) => (key === 'attributes' ? JSON.stringify(r.attributes) : r[key])));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads every row first and names the first bad one; writes nothing unless all are valid. */
export async function parseCatalogueXlsx(bytes: Buffer): Promise<CategoryT[]> {
  const wb = new (await loadExcelJS()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new Invalid('xlsx_unreadable', 'The file is not a readable XLSX workbook.');
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.rowCount < 2)
    throw new Invalid('xlsx_empty', 'The workbook has no category rows below the header.');
  const parsed: CategoryT[] = [];
  for (let n = 2; n <= ws.rowCount; n++) {
    const cells = COLUMNS.map((_, i) => cellText(ws.getRow(n).getCell(i + 1).value));
    if (cells.every((c) => c === '')) continue;
    const get = (key: keyof Row) => cells[COLUMNS.findIndex(([k]) => k === key)] ?? '';
    const limit = (v: keyof Row, u: keyof Row) => ({ value: Number(get(v)), unit: get(u) });
    const candidate = {
      code: get('code'),
      kind: get('kind'),
      majorCode: get('major_code').padStart(2, '0'),
      minorCode: get('minor_code').padStart(2, '0'),
      majorName: get('major_name'),
      majorNameEn: get('major_name_en'),
      name: get('name'),
      nameEn: get('name_en'),
      filingCriterion: get('filing_criterion'),
      closingCriterion: get('closing_criterion'),
      fileLimit: limit('file_value', 'file_unit'),
      signLimit: limit('sign_value', 'sign_unit'),
      handleLimit: limit('handle_value', 'handle_unit'),
      urgency: get('urgency') || 'normal',
      route: get('route') || 'rules',
      checkRequired: bool(get('check_required'), true),
      keywords: get('keywords'),
      active: bool(get('active'), true),
      attributes: jsonCell(get('attributes'), n),
      // Workbooks exported before 0016 have no publication columns: the cautious defaults apply.
      publication: get('publication') || 'status',
      publishHotline: bool(get('publish_hotline'), false),
      pointPrecision: get('point_precision') || 'grid',
    };
    const result = Category.safeParse(candidate);
    if (!result.success) {
      const issue = result.error.issues[0];
      const problem = `${issue?.path.join('.')}: ${issue?.message}`;
      throw new Invalid('xlsx_row', `Row ${n}: ${problem}`, { row: n, problem });
    }
    try {
      checkCodeParts(result.data);
    } catch (err) {
      const problem = (err as Error).message;
      throw new Invalid('xlsx_row', `Row ${n}: ${problem}`, { row: n, problem });
    }
    parsed.push(result.data);
  }
  const codes = parsed.map((c) => c.code);
  const dup = codes.find((c, i) => codes.indexOf(c) !== i);
  if (dup) {
    const problem = `category ${dup} appears twice`;
    throw new Invalid('xlsx_row', `Row ${codes.lastIndexOf(dup) + 2}: ${problem}`, {
      row: codes.lastIndexOf(dup) + 2,
      problem,
    });
  }
  return parsed;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  return String(v).trim();
}

function jsonCell(s: string, row: number): unknown {
  if (s === '') return [];
  try {
    return JSON.parse(s);
  } catch {
    throw new Invalid('xlsx_row', `Row ${row}: attributes is not valid JSON`, {
      row,
      problem: 'attributes is not valid JSON',
    });
  }
}

function bool(s: string, fallback: boolean): boolean {
  if (s === '') return fallback;
  return ['true', '1', 'yes', '是', 'y'].includes(s.toLowerCase());
}
