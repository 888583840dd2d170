import { describe, expect, it } from 'vitest';
import { gridCode, isValidAreaCode, levelOfCode, parentCode } from './area-code.js';

describe('area codes', () => {
  it('knows the level of each code length', () => {
    expect(levelOfCode('120101')).toBe('district');
    expect(levelOfCode('120101001')).toBe('street');
    expect(levelOfCode('120101001001')).toBe('community');
    expect(levelOfCode('120101001001007')).toBe('grid');
  });

  it('rejects malformed codes', () => {
    for (const bad of [
      '',
      '12010',
      '1201010',
      '12010100a',
      '120101000',
      '120101001000',
      '120101001001000',
      ' 120101',
    ]) {
      expect(isValidAreaCode(bad), bad).toBe(false);
      expect(levelOfCode(bad)).toBeNull();
    }
  });

  it('walks up to the parent', () => {
    expect(parentCode('120101001001007')).toBe('120101001001');
    expect(parentCode('120101001')).toBe('120101');
    expect(parentCode('120101')).toBeNull();
  });

  it('builds grid codes from a community and a sequence 1–999', () => {
    expect(gridCode('120101001001', 7)).toBe('120101001001007');
    expect(gridCode('120101001001', 999)).toBe('120101001001999');
    expect(() => gridCode('120101001001', 0)).toThrow(/1–999/);
    expect(() => gridCode('120101001001', 1000)).toThrow(/1–999/);
    expect(() => gridCode('120101001001', 1.5)).toThrow();
    expect(() => gridCode('120101001', 1)).toThrow(/not a community/);
  });
});
