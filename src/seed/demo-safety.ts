/**
 * The safety supervision demo (安全生产监管), so that its screens are not empty after `npm start`: eight
 * places in 劝业场街道 (names marked 演示, credit codes with a valid GB 32100 check character), one general
 * hazard being rectified and one 重大 hazard just registered, and a 双随机 plan drawn from a published seed
 * whose targets the demo inspector finds in the field app. Everything goes through the module's services,
 * so the rows are the ones the console would make.
 */
import type { Kysely } from 'kysely';
import { creditCodeCheckChar } from '../modules/safety/credit-code.js';
import type { Hazards } from '../modules/safety/hazards.service.js';
import type { Inspections } from '../modules/safety/inspections.service.js';
import type { Registry } from '../modules/safety/registry.service.js';
import type { RISK_GRADES } from '../modules/safety/safety.schemas.js';
import type { DB } from '../platform/db/schema.js';
import { wholeCellCentres } from '../testing/grid-cells.js';
import { principal } from './demo-cases.js';

const STREET = '120101001';

const PLACES: { name: string; industry: string; riskGrade: (typeof RISK_GRADES)[number] }[] = [
  { name: '演示·滨江道商场', industry: '商贸', riskGrade: 'high' },
  { name: '演示·和平路餐饮店', industry: '餐饮', riskGrade: 'elevated' },
  { name: '演示·劝业场宾馆', industry: '住宿', riskGrade: 'elevated' },
  { name: '演示·南京路加油站', industry: '危险化学品', riskGrade: 'high' },
  { name: '演示·山西路小学', industry: '教育', riskGrade: 'medium' },
  { name: '演示·辽宁路仓库', industry: '仓储', riskGrade: 'medium' },
  { name: '演示·福安大街影院', industry: '文化娱乐', riskGrade: 'elevated' },
  { name: '演示·新华路写字楼', industry: '商务楼宇', riskGrade: 'low' },
];

/** A valid unified social credit code for the n-th demo place: 91 + 和平区 + a demo body. */
function demoCreditCode(n: number): string {
  const first17 = `91120101MA0${String(1000 + n).padStart(6, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

/** Adds the demo when the registry is empty; answers how many places were made. */
export async function seedDemoSafety(
  db: Kysely<DB>,
  safety: { registry: Registry; hazards: Hazards; inspections: Inspections },
): Promise<number> {
  const existing = await db.selectFrom('safety_places').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const cells = await wholeCellCentres(db, STREET);
  if (cells.length === 0) return 0;
  const admin = await principal(db, 'admin');
  const places = [];
  for (const [i, p] of PLACES.entries()) {
    const cell = cells[(i * 7) % cells.length];
    places.push(
      await safety.registry.create(admin, {
        ...p,
        creditCode: demoCreditCode(i + 1),
        address: '天津市和平区（演示地址）',
        lon: cell?.lon ?? null,
        lat: cell?.lat ?? null,
        contacts: [{ name: '安全负责人（演示）', phone: '022-2700000' + i, role: '安全负责人' }],
        lastInspectedOn: null,
      }),
    );
  }
  const unit = await db
    .selectFrom('units')
    .select('id')
    .where('name', 'like', '%城管%')
    .orderBy('name')
    .executeTakeFirst();
  const general = await safety.hazards.register(admin, {
    placeId: places[1]?.id ?? '',
    class: '消防安全',
    grade: 'general',
    majorLevel: null,
    foundBy: 'inspection',
    description: '后厨燃气管道未安装泄漏报警装置（演示）',
    photos: [],
    measures: '加装燃气泄漏报警器并接入物联网平台',
    responsiblePerson: '安全负责人（演示）',
    limit: { value: 10, unit: 'work_day' },
    funds: 3000,
    listedLevel: null,
  });
  if (unit) {
    await safety.hazards.transition(admin, general.id, { type: 'assign', unitId: unit.id });
  }
  await safety.hazards.register(admin, {
    placeId: places[3]?.id ?? '',
    class: '危险化学品',
    grade: 'major',
    majorLevel: 3,
    foundBy: 'self_check',
    description: '储罐区防火堤局部开裂（演示）',
    photos: [],
    measures: '停用相邻储罐，修复防火堤后复查',
    responsiblePerson: '站长（演示）',
    limit: { value: 20, unit: 'work_day' },
    funds: 50000,
    listedLevel: 'district',
  });
  const plan = await safety.inspections.createPlan(admin, {
    title: '劝业场街道安全生产双随机抽查（演示）',
    areaCode: STREET,
    industries: [],
    grades: [],
    excludeInspectedMonths: 0,
    targetCount: 3,
    differentUnits: true,
    roster: [
      { id: 'inspector', name: '张伟', unit: '劝业场街道办事处', conflicts: [] },
      { id: 'street', name: '陈静', unit: '劝业场街道办事处', conflicts: [] },
      { id: 'handler', name: '刘洋', unit: '城管委', conflicts: [] },
      { id: 'unit_head', name: '吴涛', unit: '城管委', conflicts: [] },
    ],
    seed: 'wangge-demo-2026-safety',
  });
  await safety.inspections.draw(admin, plan.id);
  return places.length;
}
