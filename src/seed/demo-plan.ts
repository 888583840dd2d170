/**
 * The demo district's five-year goals as a plan under 规划年度监测: the goals the 和平区 2017 work report
 * sets for the next five years (今后五年的奋斗目标, base year 2016, target year 2021; see
 * data/reports/heping_2017_work_report.txt), laid out as an indicator table, plus two years of actual
 * values. The report calls every figure a 预期目标, so every row is 预期性; "区级财政收入翻一番" is the
 * index row (2016 = 100 → 200). The actual values are demo figures, not statistics, and say so in their
 * source note. Everything goes through `TargetPlans`, so the rows are the ones an import produces.
 */
import type { Kysely } from 'kysely';
import type { TargetPlans } from '../modules/targets/plans.service.js';
import type { Targets } from '../modules/targets/targets.service.js';
import type { DB } from '../platform/db/schema.js';
import { principal } from './demo-cases.js';

export const DEMO_PLAN_TITLE = '和平区今后五年奋斗目标（2017—2021年，演示）';

export const DEMO_PLAN_TEXT = [
  DEMO_PLAN_TITLE,
  '一、今后五年的奋斗目标',
  '主要预期目标是:地区生产总值年均增长8%,区级财政收入年均增长15%,力争实现“两年迈入、五年倍增”的目标任务,即:2018年末,地区生产总值突破1000亿元,人均GDP突破4万美元,迈入千亿地区生产总值的经济强区;到2021年末,区级财政收入同比力争实现翻一番。',
  '',
  '二、主要指标',
  '序号\t指标\t单位\t2016年\t2021年\t属性',
  '1\t地区生产总值年均增长\t%\t—\t8\t预期性',
  '2\t区级财政收入年均增长\t%\t—\t15\t预期性',
  '3\t区级财政收入（2016年=100）\t指数\t100\t200\t预期性',
  '4\t城市居民人均可支配收入年均增长\t%\t—\t8.5\t预期性',
  '5\t城镇登记失业率\t%\t—\t3.0\t预期性',
  '',
].join('\n');

/** Demo actuals by indicator position: [2017, 2018]. */
const ACTUALS: Record<number, [number, number]> = {
  1: [8.2, 7.1],
  2: [16, 12],
  3: [116, 142],
  4: [9, 8.6],
  5: [2.9, 2.8],
};
const NOTE = '演示数值，非统计数据';

/** Imports the demo plan with two years of actuals, once; returns how many indicators it made. */
export async function seedDemoPlan(db: Kysely<DB>, targets: Targets, plans: TargetPlans): Promise<number> {
  const exists = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'supervisor')
    .executeTakeFirst();
  if (!exists) return 0;
  const supervisor = await principal(db, 'supervisor');
  if ((await targets.listDocuments(supervisor)).some((d) => d.kind === 'five_year_plan')) return 0;
  const plan = await plans.importPlan(supervisor, {
    title: DEMO_PLAN_TITLE,
    text: DEMO_PLAN_TEXT,
    areaCode: '120101',
  });
  await targets.acceptAll(supervisor, plan.document.id);
  for (const indicator of plan.indicators) {
    const values = ACTUALS[indicator.position];
    if (!values) continue;
    for (const [i, value] of values.entries())
      await plans.recordActual(supervisor, indicator.id, 2017 + i, {
        value,
        source: i === 0 ? 'statistical_bulletin' : 'department',
        sourceNote: NOTE,
      });
  }
  return plan.indicators.length;
}
