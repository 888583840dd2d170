import { describe, expect, it } from 'vitest';
import { htmlToPlanText, PlanTableError, type PlanTableProblem, readPlanTable } from './plan-table.js';

const YEARS = { baseYear: 2020, targetYear: 2025 };

const PLAN = [
  '和平区国民经济和社会发展第十四个五年规划纲要',
  '专栏1 “十四五”时期经济社会发展主要指标',
  '序号\t指标\t单位\t2020年\t2025年\t属性',
  '1\t地区生产总值年均增长\t%\t—\t6\t预期性',
  '2\t常住人口\t万人\t35.5\t36\t预期性',
  '3\t单位地区生产总值能耗降低\t%\t—\t〔15〕\t约束性',
  '4\t每千人口拥有执业（助理）医师数\t人\t4.2\t5.1\t预期性',
  '',
  '到2025年，全区新增就业岗位5万个。',
].join('\n');

function problem(fn: () => unknown): PlanTableProblem {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanTableError) return e.problem;
    throw e;
  }
  throw new Error('expected a PlanTableError');
}

describe('readPlanTable', () => {
  it('reads every row: name, unit, base and target values and years, 约束性/预期性', () => {
    const t = readPlanTable(PLAN, { baseYear: 2000, targetYear: 2001 });
    expect(t.rows).toHaveLength(4);
    expect(t.rows[0]).toMatchObject({
      position: 1,
      name: '地区生产总值年均增长',
      unit: '%',
      baseYear: 2020,
      baseValue: null,
      targetYear: 2025,
      targetValue: 6,
      binding: false,
    });
    expect(t.rows[1]).toMatchObject({ name: '常住人口', unit: '万人', baseValue: 35.5, targetValue: 36 });
    expect(t.rows[2]).toMatchObject({ targetValue: 15, binding: true });
    expect(PLAN.slice(t.start, t.end)).toContain('每千人口');
    expect(PLAN.slice(t.end)).toContain('新增就业岗位');
  });

  it('reads tables written with bars or wide spaces, and years named 基期/目标 from the plan', () => {
    const bars = ['| 指标 | 单位 | 基期值 | 目标值 | 属性 |', '| 森林覆盖率 | % | 12.1 | 13 | 约束性 |'].join(
      '\n',
    );
    expect(readPlanTable(bars, YEARS).rows[0]).toMatchObject({
      name: '森林覆盖率',
      baseYear: 2020,
      baseValue: 12.1,
      targetYear: 2025,
      targetValue: 13,
      binding: true,
    });
    const spaces = [
      '指标名称    单位    2020年    2025年    指标属性',
      '城镇调查失业率    %    5.2    <5.5    预期性',
    ].join('\n');
    expect(readPlanTable(spaces, YEARS).rows[0]).toMatchObject({ baseValue: 5.2, targetValue: 5.5 });
  });

  it('refuses a table with missing columns, naming them', () => {
    const noAttribute = ['指标\t单位\t2020年\t2025年', '常住人口\t万人\t35.5\t36'].join('\n');
    expect(problem(() => readPlanTable(noAttribute, YEARS))).toEqual({
      code: 'plan_table_columns',
      missing: ['属性'],
    });
    const noYears = ['指标\t属性\t单位', '常住人口\t预期性\t万人'].join('\n');
    expect(problem(() => readPlanTable(noYears, YEARS))).toEqual({
      code: 'plan_table_columns',
      missing: ['基期值', '目标值'],
    });
  });

  it('refuses the whole table when one row is incomplete, with the line and what is wrong', () => {
    const broken = [
      '指标\t单位\t2020年\t2025年\t属性',
      '常住人口\t万人\t35.5\t36\t预期性',
      '森林覆盖率\t%\t12\t\t',
    ].join('\n');
    const p = problem(() => readPlanTable(broken, YEARS));
    expect(p.code).toBe('plan_table_rows');
    expect(p.code === 'plan_table_rows' && p.rows).toEqual([
      { line: 3, problem: expect.stringContaining('目标值缺失') },
    ]);
  });

  it('refuses years outside 2000–2100 and figures beyond any indicator', () => {
    const old = ['指标\t单位\t1990年\t1995年\t属性', '常住人口\t万人\t35\t40\t预期性'].join('\n');
    expect(problem(() => readPlanTable(old, YEARS)).code).toBe('plan_table_columns');
    const huge = ['指标\t单位\t2020年\t2025年\t属性', `常住人口\t万人\t35\t${'9'.repeat(400)}\t预期性`].join(
      '\n',
    );
    expect(problem(() => readPlanTable(huge, YEARS)).code).toBe('plan_table_rows');
  });

  it('says when there is no table at all', () => {
    expect(problem(() => readPlanTable('到2025年，地区生产总值年均增长6%。', YEARS))).toEqual({
      code: 'plan_table_not_found',
    });
  });
});

describe('htmlToPlanText', () => {
  it('turns each table row of a .docx into one tab-separated line', () => {
    const html =
      '<h1>规划</h1><table><tr><td><p>指标</p></td><td>单位</td><td>2020年</td><td>2025年</td><td>属性</td></tr>' +
      '<tr><td>常住人口</td><td>万人</td><td>35.5</td><td>36</td><td>预期性</td></tr></table><p>到2025年&amp;以后</p>';
    const text = htmlToPlanText(html);
    expect(text).toBe(
      '规划\n指标\t单位\t2020年\t2025年\t属性\n常住人口\t万人\t35.5\t36\t预期性\n\n到2025年&以后',
    );
    expect(readPlanTable(text, YEARS).rows[0]).toMatchObject({ name: '常住人口', targetValue: 36 });
  });
});
