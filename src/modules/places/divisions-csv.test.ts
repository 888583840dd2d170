import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../platform/config.js';
import { parseDivisionsCsv } from './divisions-csv.js';

const header = 'code,name,level,parent_code';

describe('parseDivisionsCsv', () => {
  it('reads the shipped Tianjin divisions: 3 districts, 32 streets, 384 communities', () => {
    const text = fs.readFileSync(
      path.join(projectRoot, 'data/divisions/tianjin_heping_hexi_nankai_divisions.csv'),
      'utf8',
    );
    const { rows, errors } = parseDivisionsCsv(text);
    expect(errors).toEqual([]);
    const count = (level: string) => rows.filter((r) => r.level === level).length;
    expect([count('district'), count('street'), count('community')]).toEqual([3, 32, 384]);
    expect(rows.find((r) => r.name === '和平区')?.code).toBe('120101');
    expect(rows.find((r) => r.code === '120101001')?.parentCode).toBe('120101');
    expect(rows.find((r) => r.code === '120101001001')?.parentCode).toBe('120101001');
  });

  it('names the line of each malformed row', () => {
    const text = [
      header,
      '120101000000,和平区,district,120100000000',
      '120101001000,劝业场街道,street', // 3 fields
      '12010100200,小白楼街道,street,120101000000', // 11 digits
      '120101003000,<script>,street,120101000000',
      '120101004000,某街道,village,120101000000',
      '120101005000,某街道,street,120103000000', // wrong parent
    ].join('\n');
    const { errors } = parseDivisionsCsv(text);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it('rejects an unknown parent, a duplicate and a wrong header', () => {
    const missingParent = parseDivisionsCsv(
      [header, '120101001000,劝业场街道,street,120101000000'].join('\n'),
    );
    expect(missingParent.errors[0]?.message).toMatch(/parent 120101 .* not in the file/);
    const dup = parseDivisionsCsv(
      [header, '120101000000,和平区,district,120100000000', '120101000000,和平区,district,120100000000'].join(
        '\n',
      ),
    );
    expect(dup.errors).toEqual([{ line: 3, message: 'code 120101000000 repeats line 2' }]);
    expect(parseDivisionsCsv('a,b,c\n1,2,3').errors[0]?.line).toBe(1);
  });
});
