/**
 * The default category catalogue (立结案标准) a new installation starts with: the 6 component (部件) and
 * 6 event (事件) classes of the 数字城管 standard with their common minor classes, the 12345 request
 * types over common topics, petitions (《信访工作条例》: decide acceptance in 15 days, handle in 60),
 * proposals (reply within 3 months) and disputes. Every district edits its own copy in the console.
 */
import type { TimeLimit } from '../../platform/calendar/working-time.js';
import type { CategoryAttribute } from '../../platform/db/schema.js';
import type { CaseKind } from './workflow.js';

export interface CategoryDef {
  code: string;
  kind: CaseKind;
  majorCode: string;
  minorCode: string;
  majorName: string;
  majorNameEn: string;
  name: string;
  nameEn: string;
  filingCriterion: string;
  closingCriterion: string;
  fileLimit: TimeLimit;
  signLimit: TimeLimit;
  handleLimit: TimeLimit;
  urgency: 'normal' | 'urgent' | 'critical';
  /** rules = the responsibility rules table; street = 直派街乡, the street office of the place. */
  route: 'rules' | 'street';
  checkRequired: boolean;
  keywords: string;
  active: boolean;
  attributes: CategoryAttribute[];
  /** 公开范围 and point precision (0016); the cautious defaults for every default category. */
  publication: 'none' | 'status' | 'text';
  publishHotline: boolean;
  pointPrecision: 'exact' | 'grid';
}

const wh = (value: number): TimeLimit => ({ value, unit: 'work_hour' });
const wd = (value: number): TimeLimit => ({ value, unit: 'work_day' });
const nd = (value: number): TimeLimit => ({ value, unit: 'natural_day' });
const nh = (value: number): TimeLimit => ({ value, unit: 'natural_hour' });

type Minor = [
  name: string,
  nameEn: string,
  handle: TimeLimit,
  urgency?: CategoryDef['urgency'],
  keywords?: string,
];
type Major = [name: string, nameEn: string, minors: Minor[]];

const COMPONENTS: Major[] = [
  [
    '公用设施',
    'Public utilities',
    [
      ['上水井盖', 'Water supply manhole cover', wh(2), 'critical', '井盖 缺失 破损 移位'],
      ['污水井盖', 'Sewer manhole cover', wh(2), 'critical', '井盖 缺失 破损 冒水'],
      ['雨水井盖', 'Storm drain manhole cover', wh(2), 'critical', '井盖 缺失 破损'],
      ['雨水箅子', 'Storm drain grate', wh(4), 'urgent', '箅子 缺失 堵塞'],
      ['电力井盖', 'Power manhole cover', wh(2), 'critical', '井盖 电力'],
      ['通信井盖', 'Telecom manhole cover', wh(2), 'critical', '井盖 通信 电信'],
      ['燃气井盖', 'Gas manhole cover', wh(2), 'critical', '井盖 燃气'],
      ['热力井盖', 'Heating manhole cover', wh(2), 'critical', '井盖 热力 供热'],
      ['消防栓', 'Fire hydrant', wd(1), 'urgent', '消防栓 漏水 损坏'],
    ],
  ],
  [
    '道路交通',
    'Roads and traffic',
    [
      ['路灯', 'Street light', wd(3), 'normal', '路灯 不亮 损坏'],
      ['交通信号灯', 'Traffic signal', wh(4), 'urgent', '红绿灯 信号灯'],
      ['交通标志牌', 'Traffic sign', wd(3), 'normal', '标志牌 指示牌'],
      ['道路护栏', 'Road guardrail', wd(3), 'normal', '护栏 隔离栏'],
      ['公交站亭', 'Bus shelter', wd(3), 'normal', '公交 站亭 候车亭'],
    ],
  ],
  [
    '市容环境',
    'City appearance',
    [
      ['公共厕所', 'Public toilet', wd(1), 'normal', '公厕 厕所 异味'],
      ['垃圾箱', 'Litter bin', wd(2), 'normal', '垃圾箱 果皮箱 破损'],
      ['垃圾间', 'Refuse room', wd(2), 'normal', '垃圾楼 垃圾站'],
      ['广告牌匾', 'Signboard', wd(5), 'normal', '牌匾 广告牌'],
    ],
  ],
  [
    '园林绿化',
    'Greening',
    [
      ['行道树', 'Street tree', wd(5), 'normal', '树木 倒伏 枯死 修剪'],
      ['绿地', 'Green space', wd(5), 'normal', '绿地 草坪 破坏'],
      ['护树设施', 'Tree guard', wd(5), 'normal', '树池 护树'],
    ],
  ],
  [
    '房屋土地',
    'Buildings and land',
    [
      ['地下通道', 'Underpass', wd(3), 'normal', '地下通道'],
      ['过街天桥', 'Footbridge', wd(3), 'normal', '天桥'],
    ],
  ],
  [
    '其他设施',
    'Other facilities',
    [
      ['监控电子眼', 'Surveillance camera', wd(3), 'normal', '摄像头 监控'],
      ['健身设施', 'Fitness equipment', wd(3), 'normal', '健身器材'],
    ],
  ],
];

const EVENTS: Major[] = [
  [
    '市容环境',
    'City appearance',
    [
      ['私搭乱建', 'Illegal structure', wd(20), 'normal', '违建 违章建筑 私搭乱建'],
      ['暴露垃圾', 'Exposed rubbish', wh(4), 'normal', '垃圾 乱倒 堆放'],
      ['积存垃圾渣土', 'Accumulated rubbish and muck', wd(1), 'normal', '渣土 积存'],
      ['道路不洁', 'Dirty road', wh(2), 'normal', '道路 脏 不洁 清扫'],
      ['水域不洁', 'Dirty water body', wd(1), 'normal', '河道 漂浮物'],
      ['焚烧垃圾树叶', 'Burning rubbish', wh(1), 'urgent', '焚烧 冒烟'],
    ],
  ],
  [
    '宣传广告',
    'Advertising',
    [
      ['非法小广告', 'Illegal flyers', wd(1), 'normal', '小广告 张贴 涂写'],
      ['违规户外广告', 'Illegal outdoor advertising', wd(5), 'normal', '户外广告 横幅'],
      ['占道广告牌', 'Advertising board on the road', wh(4), 'normal', '广告牌 占道'],
    ],
  ],
  [
    '施工管理',
    'Construction',
    [
      ['施工扰民', 'Construction noise', wh(4), 'urgent', '施工 噪音 夜间 扰民'],
      ['施工占道', 'Construction blocking the road', wd(1), 'normal', '施工 占道 围挡'],
      ['渣土车遗撒', 'Muck truck spillage', wh(4), 'urgent', '渣土车 遗撒'],
      ['无证掘路', 'Unpermitted road digging', wd(1), 'urgent', '掘路 挖掘'],
    ],
  ],
  [
    '突发事件',
    'Emergencies',
    [
      ['路面塌陷', 'Road collapse', wh(2), 'critical', '塌陷 坑 路面'],
      ['道路积水', 'Flooded road', wh(2), 'urgent', '积水 内涝'],
      ['自来水管破裂', 'Burst water main', wh(2), 'critical', '跑水 爆管'],
      ['井盖缺失', 'Missing manhole cover', wh(1), 'critical', '井盖 缺失 丢失'],
    ],
  ],
  [
    '街面秩序',
    'Street order',
    [
      ['占道经营', 'Street vending on the road', wh(4), 'normal', '摆摊 占道 经营'],
      ['店外经营', 'Trading outside the shop', wh(4), 'normal', '店外 出店'],
      ['机动车乱停放', 'Illegal car parking', wh(2), 'normal', '停车 乱停'],
      ['非机动车乱停放', 'Illegal bicycle parking', wh(4), 'normal', '共享单车 乱停'],
      ['露天烧烤', 'Open-air barbecue', wh(2), 'urgent', '烧烤 油烟'],
    ],
  ],
  [
    '扩展事件',
    'Extended events',
    [
      ['违规设置地桩地锁', 'Illegal parking locks', wd(1), 'normal', '地锁 地桩'],
      ['群租房', 'Overcrowded rental', wd(5), 'normal', '群租'],
    ],
  ],
];

/** 12345/8890 request types × topics; answered by the street of the place (直派街乡). */
const REQUEST_TYPES: [string, string, TimeLimit][] = [
  ['咨询', 'Consultation', wd(1)],
  ['求助', 'Help', wd(3)],
  ['投诉', 'Complaint', wd(5)],
  ['举报', 'Report of wrongdoing', wd(10)],
  ['建议', 'Suggestion', wd(10)],
];
const REQUEST_TOPICS: [string, string][] = [
  ['市容环境', 'city appearance'],
  ['物业管理', 'property management'],
  ['供水供热', 'water and heating'],
  ['交通出行', 'transport'],
  ['噪声扰民', 'noise'],
  ['劳动社保', 'labour and social insurance'],
  ['市场监管', 'market regulation'],
];

const pad = (n: number) => String(n).padStart(2, '0');

const COVER_STATE: CategoryAttribute = {
  code: 'cover_state',
  datatype: 'singlevaluelist',
  required: true,
  description: '井盖状况 Cover state',
  values: [
    { key: 'missing', name: '缺失 missing' },
    { key: 'broken', name: '破损 broken' },
    { key: 'displaced', name: '移位 displaced' },
    { key: 'noisy', name: '异响 rattling' },
  ],
};

/** The extra fields some categories ask at intake (Open311 service attributes). */
const ATTRIBUTES: Record<string, CategoryAttribute[]> = {
  ...Object.fromEntries(
    ['上水井盖', '污水井盖', '雨水井盖', '电力井盖', '通信井盖', '燃气井盖', '热力井盖'].map((n) => [
      n,
      [COVER_STATE],
    ]),
  ),
  路灯: [
    {
      code: 'fault',
      datatype: 'singlevaluelist',
      required: false,
      description: '故障 Fault',
      values: [
        { key: 'dark', name: '不亮 not lit' },
        { key: 'flicker', name: '闪烁 flickering' },
        { key: 'daytime', name: '白天亮灯 lit by day' },
        { key: 'damaged', name: '灯杆损坏 pole damaged' },
      ],
    },
    { code: 'pole_number', datatype: 'string', required: false, description: '灯杆编号 Pole number' },
  ],
  道路积水: [
    { code: 'depth_cm', datatype: 'number', required: false, description: '积水深度（厘米） Depth (cm)' },
  ],
  施工扰民: [
    { code: 'observed_at', datatype: 'datetime', required: false, description: '发生时间 When it happened' },
  ],
};

function rows(
  kind: CaseKind,
  majors: Major[],
  base: Pick<CategoryDef, 'fileLimit' | 'signLimit' | 'route' | 'checkRequired'>,
  criteria: (minor: string) => [string, string],
): CategoryDef[] {
  return majors.flatMap(([majorName, majorNameEn, minors], i) =>
    minors.map(([name, nameEn, handleLimit, urgency = 'normal', keywords = ''], j) => {
      const [filingCriterion, closingCriterion] = criteria(name);
      return {
        code: `${kind}.${pad(i + 1)}${pad(j + 1)}`,
        kind,
        majorCode: pad(i + 1),
        minorCode: pad(j + 1),
        majorName,
        majorNameEn,
        name,
        nameEn,
        filingCriterion,
        closingCriterion,
        handleLimit,
        urgency,
        keywords,
        active: true,
        attributes: ATTRIBUTES[name] ?? [],
        publication: 'status' as const,
        publishHotline: false,
        pointPrecision: 'grid' as const,
        ...base,
      };
    }),
  );
}

const CITY = { fileLimit: wh(1), signLimit: wh(0.5), route: 'rules', checkRequired: true } as const;

export function defaultCatalogue(): CategoryDef[] {
  return [
    ...rows('component', COMPONENTS, CITY, (n) => [
      `${n}缺失、破损、移位或功能异常`,
      `${n}修复或更换完好，功能恢复`,
    ]),
    ...rows('event', EVENTS, CITY, (n) => [`发现${n}，经核实属实`, `${n}已消除，现场恢复正常`]),
    ...rows(
      'request',
      REQUEST_TYPES.map(([t, en, limit]) => [
        t,
        en,
        REQUEST_TOPICS.map(
          ([topic, topicEn]): Minor => [`${topic}${t}`, `${en}: ${topicEn}`, limit, 'normal', topic],
        ),
      ]),
      { fileLimit: wh(1), signLimit: wh(2), route: 'street', checkRequired: false },
      () => ['诉求明确、属于本区职责范围', '已答复诉求人并回访'],
    ),
    ...rows(
      'petition',
      [
        [
          '信访事项',
          'Petitions',
          [
            ['来信', 'Letter', nd(60)],
            ['来访', 'Visit', nd(60)],
            ['网上信访', 'Online petition', nd(60)],
          ],
        ],
      ],
      { fileLimit: nd(15), signLimit: wd(1), route: 'rules', checkRequired: false },
      () => ['15日内决定是否受理并告知信访人', '60日内办结并出具处理意见书，可延长不超过30日'],
    ),
    ...rows(
      'proposal',
      [
        [
          '建议提案',
          'Proposals',
          [
            ['人大代表建议', "Deputies' proposal", nd(90)],
            ['政协委员提案', 'CPPCC proposal', nd(90)],
          ],
        ],
      ],
      { fileLimit: wd(5), signLimit: wd(3), route: 'rules', checkRequired: false },
      () => ['交办后确定主办、协办单位', '3个月内书面办复，并征询代表委员满意度'],
    ),
    ...rows(
      'incident',
      [
        [
          '突发事件预警',
          'Emergency alerts',
          [
            ['火灾报警', 'Fire alarm', nh(2), 'critical', '烟感 火灾 报警'],
            ['水位超限', 'High water level', nh(4), 'urgent', '水位 积水 内涝'],
          ],
        ],
      ],
      { fileLimit: nh(0.25), signLimit: nh(0.25), route: 'rules', checkRequired: true },
      () => ['物联感知设备报警或群众报告，经核实属实', '险情消除，现场恢复安全'],
    ),
    ...rows(
      'dispute',
      [
        [
          '矛盾纠纷',
          'Disputes',
          [
            ['邻里纠纷', 'Neighbour dispute', nd(30)],
            ['婚姻家庭纠纷', 'Family dispute', nd(30)],
            ['物业纠纷', 'Property management dispute', nd(30)],
            ['劳资纠纷', 'Wage dispute', nd(30), 'urgent'],
          ],
        ],
      ],
      { fileLimit: wd(1), signLimit: wd(1), route: 'rules', checkRequired: false },
      () => ['当事人申请或排查发现，属于调解范围', '达成调解协议或依法引导至其他途径'],
    ),
  ];
}
