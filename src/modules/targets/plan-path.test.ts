import { describe, expect, it } from 'vitest';
import { expectedAt, latestActual, lowerIsBetter, type PlanLine, pathStatus } from './plan-path.js';

const people: PlanLine = {
  name: '常住人口',
  baseYear: 2020,
  baseValue: 120,
  targetYear: 2025,
  targetValue: 130,
};
const energy: PlanLine = {
  name: '单位地区生产总值能耗',
  baseYear: 2020,
  baseValue: 0.5,
  targetYear: 2025,
  targetValue: 0.4,
};
const growth: PlanLine = {
  name: '地区生产总值年均增长',
  baseYear: 2020,
  baseValue: null,
  targetYear: 2025,
  targetValue: 6,
};
const unemployment: PlanLine = {
  name: '城镇调查失业率',
  baseYear: 2020,
  baseValue: null,
  targetYear: 2025,
  targetValue: 5.5,
};

describe('expectedAt: the straight path from base to target', () => {
  it('interpolates a level year by year and clamps outside the plan', () => {
    expect(expectedAt(people, 2020)).toBe(120);
    expect(expectedAt(people, 2022)).toBe(124);
    expect(expectedAt(people, 2025)).toBe(130);
    expect(expectedAt(people, 2019)).toBe(120);
    expect(expectedAt(people, 2030)).toBe(130);
    expect(expectedAt(energy, 2021)).toBeCloseTo(0.48);
  });
  it('expects a rate at its target every year', () => {
    expect(expectedAt(growth, 2021)).toBe(6);
    expect(expectedAt(growth, 2024)).toBe(6);
  });
});

describe('pathStatus', () => {
  it('reads a rising level: ahead, on path, behind, already met', () => {
    // 2022: expected 124, tolerance 5% of 10 = 0.5
    expect(pathStatus(people, 2022, 125).status).toBe('ahead');
    expect(pathStatus(people, 2022, 124.4).status).toBe('on_path');
    expect(pathStatus(people, 2022, 123.6).status).toBe('on_path');
    expect(pathStatus(people, 2022, 123).status).toBe('behind');
    expect(pathStatus(people, 2022, 130).status).toBe('met');
    expect(pathStatus(people, 2022, 131).status).toBe('met');
    expect(pathStatus(people, 2022, 123)).toMatchObject({ expected: 124, gap: -1 });
  });
  it('reads a falling level the other way round (能耗 0.5 → 0.4)', () => {
    expect(lowerIsBetter(energy)).toBe(true);
    // 2022: expected 0.46, tolerance 0.005
    expect(pathStatus(energy, 2022, 0.45).status).toBe('ahead');
    expect(pathStatus(energy, 2022, 0.462).status).toBe('on_path');
    expect(pathStatus(energy, 2022, 0.47).status).toBe('behind');
    expect(pathStatus(energy, 2022, 0.4).status).toBe('met');
    expect(pathStatus(energy, 2022, 0.47).gap).toBeCloseTo(-0.01);
  });
  it('reads a rate against its target, never as met before the end', () => {
    expect(pathStatus(growth, 2021, 6.1).status).toBe('on_path');
    expect(pathStatus(growth, 2021, 7).status).toBe('ahead');
    expect(pathStatus(growth, 2021, 5).status).toBe('behind');
    // lower is better for an unemployment rate
    expect(lowerIsBetter(unemployment)).toBe(true);
    expect(pathStatus(unemployment, 2021, 5).status).toBe('ahead');
    expect(pathStatus(unemployment, 2021, 6).status).toBe('behind');
  });
  it('holds a level kept flat as on path while it holds, behind when it slips', () => {
    const flat: PlanLine = {
      name: '耕地保有量',
      baseYear: 2020,
      baseValue: 100,
      targetYear: 2025,
      targetValue: 100,
    };
    expect(pathStatus(flat, 2022, 100).status).toBe('on_path');
    expect(pathStatus(flat, 2022, 99).status).toBe('behind');
  });
});

describe('latestActual', () => {
  it('takes the latest year at or before the review year', () => {
    const rows = [{ year: 2021 }, { year: 2023 }, { year: 2022 }];
    expect(latestActual(rows, 2022)?.year).toBe(2022);
    expect(latestActual(rows, 2025)?.year).toBe(2023);
    expect(latestActual(rows, 2020)).toBeNull();
  });
});
