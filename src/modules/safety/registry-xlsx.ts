/**
 * The registry's XLSX form (场所/企业台账): the columns, reading a workbook into rows with every problem of
 * every row, and writing one. No database: whether a grid exists or a code is taken is checked by the
 * service, which adds its problems to the same report.
 */
import type ExcelJS from 'exceljs';
import type { RiskGrade } from '../../platform/db/schema.js';
import { Invalid } from '../../platform/errors.js';
import { loadExcelJS } from '../../platform/lazy-libraries.js';
import { creditCodeProblem, normaliseCreditCode } from './credit-code.js';

export const REGISTRY_COLUMNS = [
  ['name', '名称 name'],
  ['credit_code', '统一社会信用代码 credit code'],
  ['address', '地址 address'],
  ['lon', '经度 longitude'],
  ['lat', '纬度 latitude'],
  ['area_code', '网格/区域编码 grid code'],
  ['industry', '行业 industry'],
  ['risk_grade', '风险等级 risk grade'],
  ['contact_name', '联系人 contact'],
  ['contact_phone', '联系电话 phone'],
  ['last_inspected_on', '最近检查日期 last inspected'],
] as const;
type Column = (typeof REGISTRY_COLUMNS)[number][0];

/** Risk grades as written in a sheet: the code or its Chinese name. */
const GRADE_NAMES: Record<string, RiskGrade> = {
  high: 'high',
  elevated: 'elevated',
  medium: 'medium',
  low: 'low',
  重大风险: 'high',
  重大: 'high',
  较大风险: 'elevated',
  较大: 'elevated',
  一般风险: 'medium',
  一般: 'medium',
  低风险: 'low',
  低: 'low',
};
export const GRADE_ZH: Record<RiskGrade, string> = {
  high: '重大风险',
  elevated: '较大风险',
  medium: '一般风险',
  low: '低风险',
};

export interface RegistryRow {
  row: number;
  name: string;
  creditCode: string | null;
  address: string;
  lon: number | null;
  lat: number | null;
  areaCode: string | null;
  industry: string;
  riskGrade: RiskGrade;
  contacts: { name: string; phone: string; role: string }[];
  lastInspectedOn: string | null;
}
export interface RowProblem {
  row: number;
  problems: string[];
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'text' in v) return String(v.text).trim();
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  return String(v).trim();
}

function validDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Reads every row and collects every problem of every row (the report), with the rows that passed. */
export async function readRegistryXlsx(
  bytes: Buffer,
): Promise<{ rows: RegistryRow[]; problems: RowProblem[] }> {
  const wb = new (await loadExcelJS()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new Invalid('xlsx_unreadable', 'The file is not a readable XLSX workbook.');
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.rowCount < 2) throw new Invalid('xlsx_empty', 'The workbook has no rows below the header.');
  const rows: RegistryRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (let n = 2; n <= ws.rowCount; n++) {
    const cells = REGISTRY_COLUMNS.map((_, i) => cellText(ws.getRow(n).getCell(i + 1).value));
    if (cells.every((c) => c === '')) continue;
    const get = (key: Column) => cells[REGISTRY_COLUMNS.findIndex(([k]) => k === key)] ?? '';
    const bad: string[] = [];
    const name = get('name');
    if (name.length < 2 || name.length > 200) bad.push('name: 2–200 characters');
    const rawCode = get('credit_code');
    const creditCode = rawCode ? normaliseCreditCode(rawCode) : null;
    if (creditCode) {
      const problem = creditCodeProblem(creditCode);
      if (problem) bad.push(`credit_code: invalid (${problem})`);
      const earlier = seen.get(creditCode);
      if (earlier) bad.push(`credit_code: same as row ${earlier}`);
      else seen.set(creditCode, n);
    }
    const num = (key: Column) => {
      const s = get(key);
      if (s === '') return null;
      const x = Number(s);
      if (!Number.isFinite(x)) bad.push(`${key}: not a number`);
      return Number.isFinite(x) ? x : null;
    };
    const lon = num('lon');
    const lat = num('lat');
    if ((lon === null) !== (lat === null)) bad.push('lon/lat: give both or neither');
    const areaCode = get('area_code') || null;
    if (areaCode && !/^\d{6,15}$/.test(areaCode)) bad.push('area_code: 6–15 digits');
    if (lon === null && !areaCode) bad.push('location: give lon/lat or a grid code');
    const industry = get('industry');
    if (!industry || industry.length > 50) bad.push('industry: required, at most 50 characters');
    const riskGrade = GRADE_NAMES[get('risk_grade')];
    if (!riskGrade)
      bad.push('risk_grade: one of 重大风险/较大风险/一般风险/低风险 (high/elevated/medium/low)');
    const lastInspectedOn = get('last_inspected_on') || null;
    if (lastInspectedOn && !validDay(lastInspectedOn)) bad.push('last_inspected_on: a date YYYY-MM-DD');
    const contactName = get('contact_name');
    if (bad.length) {
      problems.push({ row: n, problems: bad });
      continue;
    }
    rows.push({
      row: n,
      name,
      creditCode,
      address: get('address').slice(0, 300),
      lon,
      lat,
      areaCode,
      industry,
      riskGrade: riskGrade as RiskGrade,
      contacts: contactName
        ? [{ name: contactName.slice(0, 50), phone: get('contact_phone').slice(0, 30), role: '' }]
        : [],
      lastInspectedOn,
    });
  }
  return { rows, problems };
}

export interface ExportPlace {
  name: string;
  credit_code: string | null;
  address: string;
  lon: number | null;
  lat: number | null;
  area_code: string;
  industry: string;
  risk_grade: RiskGrade;
  contacts: { name: string; phone: string }[];
  last_inspected_on: string | null;
}

/** The registry as a workbook in the import's columns (so an export can be edited and imported back). Cells are text, never formulas. */
export async function registryToXlsx(rows: readonly ExportPlace[]): Promise<Buffer> {
  const wb = new (await loadExcelJS()).Workbook();
  const ws = wb.addWorksheet('registry');
  ws.addRow(REGISTRY_COLUMNS.map(([, h]) => h)).font = { bold: true };
  for (const r of rows)
    ws.addRow([
      r.name,
      r.credit_code ?? '',
      r.address,
      r.lon ?? '',
      r.lat ?? '',
      r.area_code,
      r.industry,
      GRADE_ZH[r.risk_grade],
      r.contacts[0]?.name ?? '',
      r.contacts[0]?.phone ?? '',
      r.last_inspected_on ?? '',
    ]);
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
