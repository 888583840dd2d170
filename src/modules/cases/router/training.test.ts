import { describe, expect, it } from 'vitest';
import {
  catalogueExamples,
  dueForRetrain,
  holdBackRecent,
  judgeRetrain,
  keywordsOf,
  nextNightly,
} from './training.js';

describe('routing training rules', () => {
  it('cold start learns from the catalogue words of active categories only, keywords weighted double', () => {
    const ex = catalogueExamples([
      {
        code: 'c.0101',
        name: '路灯',
        majorName: '公用设施',
        filingCriterion: '路灯不亮',
        keywords: '不亮，损坏',
        active: true,
      },
      {
        code: 'c.0102',
        name: '旧类',
        majorName: '公用设施',
        filingCriterion: '',
        keywords: '',
        active: false,
      },
    ]);
    expect(ex.every((e) => e.label === 'c.0101')).toBe(true);
    expect(ex.map((e) => e.text)).toEqual(['公用设施路灯', '路灯', '路灯不亮', '路灯不亮', '路灯损坏']);
    expect(ex.filter((e) => e.weight === 2)).toHaveLength(2);
    expect(keywordsOf(' 井盖、缺失;破损  移位 ')).toEqual(['井盖', '缺失', '破损', '移位']);
  });

  it('holds back the newest cases, and none when too few', () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const { train, held } = holdBackRecent(rows);
    expect(held).toEqual(rows.slice(80));
    expect(train).toEqual(rows.slice(0, 80));
    expect(holdBackRecent(rows.slice(0, 40)).held).toEqual([]);
  });

  it('keeps the previous model only when the new one scores worse', () => {
    expect(judgeRetrain(0.8, 0.9).keep).toBe('previous');
    expect(judgeRetrain(0.9, 0.9).keep).toBe('new');
    expect(judgeRetrain(0.95, 0.9).keep).toBe('new');
    expect(judgeRetrain(null, 0.9).keep).toBe('new');
    expect(judgeRetrain(0.5, null).keep).toBe('new');
  });

  it('retrains after enough closures, and nightly at 02:00 Beijing time', () => {
    expect(dueForRetrain(399, 200, 200)).toBe(false);
    expect(dueForRetrain(400, 200, 200)).toBe(true);
    expect(nextNightly(new Date('2026-03-10T10:00:00Z')).toISOString()).toBe('2026-03-10T18:00:00.000Z');
    expect(nextNightly(new Date('2026-03-10T18:00:00Z')).toISOString()).toBe('2026-03-11T18:00:00.000Z');
  });
});
