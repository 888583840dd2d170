/** Parses a divisions CSV (`code,name,level,parent_code`, 12-digit statistical codes) into area rows; pure. */

export interface DivisionRow {
  /** 6 (district), 9 (street) or 12 (community) digits. */
  code: string;
  name: string;
  level: 'district' | 'street' | 'community';
  parentCode: string | null;
}

export interface CsvError {
  line: number;
  message: string;
}

const SHORT_LENGTH = { district: 6, street: 9, community: 12 } as const;

/** 12-digit statistical code → the 6/9/12-digit area code of its level (trailing zero groups dropped). */
function shorten(code12: string, level: DivisionRow['level']): string {
  return code12.slice(0, SHORT_LENGTH[level]);
}

/**
 * Reads the rows of district, street and community level (province/city rows are skipped).
 * Every problem is reported with its line number; the caller imports nothing unless `errors` is empty.
 */
export function parseDivisionsCsv(text: string): { rows: DivisionRow[]; errors: CsvError[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: CsvError[] = [];
  const rows: DivisionRow[] = [];
  const header = lines[0]?.trim();
  if (header !== 'code,name,level,parent_code') {
    return {
      rows,
      errors: [{ line: 1, message: 'the header must be exactly: code,name,level,parent_code' }],
    };
  }
  const seen = new Map<string, number>();
  const levels = new Map<string, DivisionRow['level']>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? '';
    const line = i + 1;
    if (raw === '') continue;
    const cells = raw.split(',');
    if (cells.length !== 4) {
      errors.push({ line, message: `expected 4 comma-separated fields, found ${cells.length}` });
      continue;
    }
    const [code = '', name = '', level = '', parent = ''] = cells.map((c) => c.trim());
    if (level === 'province' || level === 'city') continue;
    if (level !== 'district' && level !== 'street' && level !== 'community') {
      errors.push({ line, message: `unknown level "${level}" (district, street or community)` });
      continue;
    }
    if (!/^\d{12}$/.test(code)) {
      errors.push({ line, message: `code "${code}" is not a 12-digit statistical code` });
      continue;
    }
    const short = shorten(code, level);
    if (
      code !== short.padEnd(12, '0') ||
      /^0+$/.test(code.slice(SHORT_LENGTH[level] - 3, SHORT_LENGTH[level]))
    ) {
      errors.push({ line, message: `code ${code} does not have the shape of a ${level} code` });
      continue;
    }
    if (name === '' || name.length > 60 || /[<>]/.test(name)) {
      errors.push({ line, message: 'name is empty, longer than 60 characters or contains < >' });
      continue;
    }
    if (seen.has(short)) {
      errors.push({ line, message: `code ${code} repeats line ${seen.get(short)}` });
      continue;
    }
    seen.set(short, line);
    levels.set(code, level);
    let parentCode: string | null = null;
    if (level !== 'district') {
      const parentLevel = level === 'street' ? 'district' : 'street';
      if (
        !/^\d{12}$/.test(parent) ||
        shorten(parent, parentLevel) !== short.slice(0, SHORT_LENGTH[parentLevel])
      ) {
        errors.push({
          line,
          message: `parent_code "${parent}" is not the ${parentLevel} that contains ${code}`,
        });
        continue;
      }
      parentCode = shorten(parent, parentLevel);
    }
    rows.push({ code: short, name, level, parentCode });
  }
  // Parents must be present in the file (or, for districts, nothing is required).
  const codes = new Set(rows.map((r) => r.code));
  for (const r of rows) {
    if (r.parentCode && !codes.has(r.parentCode)) {
      errors.push({
        line: seen.get(r.code) ?? 0,
        message: `parent ${r.parentCode} of ${r.code} is not in the file`,
      });
    }
  }
  if (rows.length === 0 && errors.length === 0)
    errors.push({ line: 1, message: 'no district, street or community rows' });
  return { rows, errors };
}
