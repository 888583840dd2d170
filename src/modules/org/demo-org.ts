/** The organisation of a typical Tianjin district, for the demo: departments, street offices, communities, rules. */
import type { UnitType } from '../../platform/db/schema.js';

export interface DemoUnit {
  code: string;
  name: string;
  nameEn: string;
  type: UnitType;
  areaCode: string;
  parentCode: string | null;
}

/** Departments every district has (code suffix, zh, en). */
const DEPARTMENTS: [string, string, string][] = [
  ['cgw', '城市管理委员会', 'Urban Management Commission'],
  ['zjw', '住房和建设委员会', 'Housing and Construction Commission'],
  ['scjg', '市场监督管理局', 'Market Regulation Bureau'],
  ['sthj', '生态环境局', 'Ecology and Environment Bureau'],
  ['sw', '水务局', 'Water Affairs Bureau'],
  ['yjgl', '应急管理局', 'Emergency Management Bureau'],
  ['gafj', '公安分局', 'Public Security Sub-bureau'],
  ['xfb', '信访办', 'Letters and Visits Office'],
  ['wjw', '卫生健康委员会', 'Health Commission'],
  ['mzj', '民政局', 'Civil Affairs Bureau'],
  ['ghzy', '规划和自然资源分局', 'Planning and Natural Resources Sub-bureau'],
  ['jtzd', '交通管理支队', 'Traffic Management Detachment'],
];

export function demoUnits(
  districts: { code: string; name: string }[],
  streets: { code: string; name: string }[],
  communities: { code: string; name: string }[],
): DemoUnit[] {
  const units: DemoUnit[] = [];
  for (const d of districts) {
    const center = `${d.code}-zhzx`;
    units.push({
      code: center,
      name: `${d.name}城市管理指挥中心`,
      nameEn: `${d.code} Command Centre`,
      type: 'command_center',
      areaCode: d.code,
      parentCode: null,
    });
    units.push({
      code: `${d.code}-12345`,
      name: `${d.name}12345便民服务热线分中心`,
      nameEn: `${d.code} 12345 Hotline Centre`,
      type: 'hotline_center',
      areaCode: d.code,
      parentCode: center,
    });
    for (const [suffix, zh, en] of DEPARTMENTS) {
      units.push({
        code: `${d.code}-${suffix}`,
        name: `${d.name}${zh}`,
        nameEn: en,
        type: 'department',
        areaCode: d.code,
        parentCode: null,
      });
    }
  }
  for (const s of streets) {
    units.push({
      code: s.code,
      name: `${s.name}办事处`,
      nameEn: `Street Office ${s.code}`,
      type: 'street_office',
      areaCode: s.code,
      parentCode: null,
    });
  }
  for (const c of communities) {
    units.push({
      code: c.code,
      name: c.name,
      nameEn: `Community ${c.code}`,
      type: 'community',
      areaCode: c.code,
      parentCode: c.code.slice(0, 9),
    });
  }
  return units;
}

export interface DemoRule {
  position: number;
  categoryPattern: string;
  areaPrefix: string;
  unitCode: string;
  note: string;
}

/** Default responsibility rules per district: specific classes to departments, street matters to streets. */
export function demoRules(districts: { code: string }[], streets: { code: string }[]): DemoRule[] {
  const rules: DemoRule[] = [];
  for (const d of districts) {
    const at = (position: number, categoryPattern: string, suffix: string, note: string) =>
      rules.push({ position, categoryPattern, areaPrefix: d.code, unitCode: `${d.code}-${suffix}`, note });
    at(100, 'component', 'cgw', '部件 → 城市管理委员会');
    at(110, 'event.02', 'cgw', '宣传广告 → 城市管理委员会');
    at(120, 'event.03', 'zjw', '施工管理 → 住房和建设委员会');
    at(130, 'event.04', 'yjgl', '突发事件 → 应急管理局');
    at(135, 'incident', 'yjgl', '突发事件预警 → 应急管理局');
    at(140, 'petition', 'xfb', '信访 → 信访办');
    at(900, '*', 'zhzx', '兜底 → 指挥中心');
  }
  for (const s of streets) {
    for (const [pattern, note] of [
      ['event.01', '市容环境 → 属地街道'],
      ['event.05', '街面秩序 → 属地街道'],
      ['request', '12345 诉求直派街乡'],
      ['dispute', '矛盾纠纷 → 属地街道'],
    ] as const) {
      rules.push({ position: 200, categoryPattern: pattern, areaPrefix: s.code, unitCode: s.code, note });
    }
  }
  return rules;
}

/** One demo user per role in 和平区 (and an administrator over everything). */
export const DEMO_USERS = [
  { username: 'admin', displayName: '系统管理员', roles: ['admin'], unitCode: '120101-zhzx', scope: '' },
  {
    username: 'dispatcher',
    displayName: '派遣员 王芳',
    roles: ['dispatcher'],
    unitCode: '120101-zhzx',
    scope: '120101',
  },
  {
    username: 'shift_lead',
    displayName: '值班长 李强',
    roles: ['shift_lead'],
    unitCode: '120101-zhzx',
    scope: '120101',
  },
  {
    username: 'operator',
    displayName: '受理员 赵敏',
    roles: ['operator'],
    unitCode: '120101-12345',
    scope: '120101',
  },
  {
    username: 'inspector',
    displayName: '网格员 张伟',
    roles: ['inspector'],
    unitCode: '120101001001',
    scope: '120101001',
  },
  {
    username: 'handler',
    displayName: '城管委 刘洋',
    roles: ['handler'],
    unitCode: '120101-cgw',
    scope: '120101',
  },
  {
    // 单位负责人: shares out the unit's cases to its people (分派到人), and handles cases too.
    username: 'unit_head',
    displayName: '城管委科长 吴涛',
    roles: ['handler'],
    unitCode: '120101-cgw',
    scope: '120101',
    unitHead: true,
  },
  {
    username: 'street',
    displayName: '劝业场街道 陈静',
    roles: ['handler', 'dispatcher'],
    unitCode: '120101001',
    scope: '120101001',
  },
  {
    username: 'supervisor',
    displayName: '督办员 孙磊',
    roles: ['supervisor'],
    unitCode: '120101-zhzx',
    scope: '120101',
  },
  {
    username: 'leader',
    displayName: '区领导 周军',
    roles: ['leader'],
    unitCode: '120101-zhzx',
    scope: '120101',
  },
] as const;
