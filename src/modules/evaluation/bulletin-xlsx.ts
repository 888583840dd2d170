/** The monthly bulletin (通报) as an XLSX workbook: totals, one sheet of rankings per group, worst overdue cases. */

import type { z } from 'zod';
import { loadExcelJS } from '../../platform/lazy-libraries.js';
import type { BulletinOut } from './evaluation.schemas.js';

type Bulletin = z.infer<typeof BulletinOut>;
const GROUP_ZH = { street: '街道', department: '部门', person: '承办人' } as const;

/** Cells are numbers or strings, never formulas (names come from the database). */
export async function bulletinXlsx(b: Bulletin): Promise<Buffer> {
  const ExcelJS = await loadExcelJS();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Wangge';
  const totals = wb.addWorksheet('总体指标');
  totals.addRow([`${b.districtName} ${b.period.label} 运行情况通报`]);
  totals.addRow(['指标 Indicator', '分子', '分母', '本期', '上期', '变化']);
  for (const t of b.totals)
    totals.addRow([
      `${t.zh} ${t.en}`,
      t.numerator,
      t.denominator ?? '',
      t.denominator === null ? t.numerator : (t.rate ?? ''),
      t.previous ?? '',
      t.change ?? '',
    ]);
  totals.getColumn(1).width = 36;
  for (const group of ['street', 'department', 'person'] as const) {
    const ws = wb.addWorksheet(`${GROUP_ZH[group]}排名`);
    for (const r of b.rankings.filter((x) => x.group === group)) {
      ws.addRow([`${r.zh} ${r.en}`]);
      ws.addRow(['排名', '名称', '本期', '上期', '变化']);
      for (const row of r.rows)
        ws.addRow([row.rank ?? '', String(row.name), row.value ?? '', row.previous ?? '', row.change ?? '']);
      ws.addRow([]);
    }
    ws.getColumn(2).width = 30;
  }
  const od = wb.addWorksheet('超期案件');
  od.addRow(['类别', '单位', '案件编号', '标题', '超期小时']);
  for (const u of b.worstOverdue)
    for (const c of u.cases)
      od.addRow([GROUP_ZH[u.group], String(u.name), String(c.number), String(c.title), c.overdueHours]);
  od.getColumn(4).width = 40;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
