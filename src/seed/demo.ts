/** Seeds an empty store with the demo: real divisions and district boundaries, generated grids, units, users, rules. */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { seedCatalogue } from '../modules/cases/catalogue.service.js';
import { ApiKeys, OPEN311_USERNAME } from '../modules/org/api-keys.service.js';
import { DEMO_USERS, demoRules, demoUnits } from '../modules/org/demo-org.js';
import { type DivisionRow, parseDivisionsCsv } from '../modules/places/divisions-csv.js';
import { bboxOf, generateGrids } from '../modules/places/grid-generator.js';
import {
  type AreaInsert,
  bumpGridVersion,
  firstGridUnder,
  gridName,
  upsertAreas,
} from '../modules/places/places.service.js';
import { recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.js';
import { hashPassword, newSecret } from '../platform/auth/secrets.js';
import { projectRoot } from '../platform/config.js';
import type { DB, GeoJsonGeometry } from '../platform/db/schema.js';

export const DIVISIONS_FILE = path.join(
  projectRoot,
  'data/divisions/tianjin_heping_hexi_nankai_divisions.csv',
);
export const BOUNDARIES_FILE = path.join(
  projectRoot,
  'data/boundaries/heping_hexi_nankai_wgs84_converted.geojson',
);
export const DEMO_PASSWORD = process.env.WANGGE_DEMO_PASSWORD || 'wangge-demo-2026';

export interface SeedReport {
  districts: number;
  streets: number;
  communities: number;
  grids: number;
  units: number;
  users: { username: string; displayName: string; roles: readonly string[] }[];
  password: string;
  /** The installation's Open311 api_key, made at random now: shown this once, stored only hashed. */
  open311Key: string | null;
  /** The demo devices' signing secrets, made at random now: shown this once (admins can rotate them). */
  deviceSecrets: { id: string; secret: string }[];
}

type Progress = (step: string, done: number, total: number) => void;

/** Seeds only when the store has no areas; returns null when there was something already. */
export async function seedDemoIfEmpty(
  db: Kysely<DB>,
  opts: { districts?: string[]; onProgress?: Progress } = {},
): Promise<SeedReport | null> {
  if (await demoSeeded(db)) return null;
  return seedDemo(db, opts);
}

/** Whether the store has areas already (the demo, or an installation's own divisions). */
export async function demoSeeded(db: Kysely<DB>): Promise<boolean> {
  return (await db.selectFrom('areas').select('code').limit(1).executeTakeFirst()) !== undefined;
}

export async function seedDemo(
  db: Kysely<DB>,
  opts: { districts?: string[]; onProgress?: Progress } = {},
): Promise<SeedReport> {
  const progress = opts.onProgress ?? (() => undefined);
  const parsed = parseDivisionsCsv(fs.readFileSync(DIVISIONS_FILE, 'utf8'));
  if (parsed.errors.length) throw new Error(`divisions file: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  const wanted = opts.districts;
  const rows = parsed.rows.filter((r) => !wanted || wanted.some((d) => r.code.startsWith(d)));
  const of = (level: DivisionRow['level']) => rows.filter((r) => r.level === level);
  const districts = of('district');
  const streets = of('street');
  const communities = of('community');

  const boundaries = JSON.parse(fs.readFileSync(BOUNDARIES_FILE, 'utf8')) as {
    features: { properties: { adcode: number }; geometry: GeoJsonGeometry }[];
  };
  const areas: AreaInsert[] = [];
  const names = new Map(rows.map((r) => [r.code, r.name]));
  for (const [i, d] of districts.entries()) {
    progress('grids', i, districts.length);
    const boundary = boundaries.features.find((f) => String(f.properties.adcode) === d.code)?.geometry;
    if (!boundary) throw new Error(`no boundary for district ${d.code}`);
    areas.push({
      ...d,
      geometry: boundary,
      bbox: bboxOf(boundary),
      synthetic: false,
      source: 'DataV.GeoAtlas boundary (demo data, licence unknown)',
    });
    const generated = generateGrids({
      district: { code: d.code, boundary },
      streets: streets.filter((s) => s.parentCode === d.code),
      communities: communities
        .filter((c) => c.code.startsWith(d.code))
        .map((c) => ({ code: c.code, name: c.name, streetCode: c.parentCode ?? '' })),
    });
    const synthetic = { synthetic: true, source: 'generated: 100 m cells clipped to the district boundary' };
    for (const s of generated.streets) {
      areas.push({
        code: s.code,
        name: names.get(s.code) ?? s.code,
        level: 'street',
        parentCode: d.code,
        geometry: s.geometry,
        bbox: s.bbox,
        ...synthetic,
      });
    }
    for (const c of generated.communities) {
      areas.push({
        code: c.code,
        name: names.get(c.code) ?? c.code,
        level: 'community',
        parentCode: c.code.slice(0, 9),
        geometry: c.geometry,
        bbox: c.bbox,
        ...synthetic,
      });
    }
    for (const g of generated.grids) {
      areas.push({
        code: g.code,
        name: gridName(names.get(g.communityCode) ?? '', g.code),
        level: 'grid',
        parentCode: g.communityCode,
        geometry: g.geometry,
        bbox: g.bbox,
        ...synthetic,
      });
    }
  }
  progress('grids', districts.length, districts.length);
  // Streets/communities without generated cells still belong in the tree.
  const placed = new Set(areas.map((a) => a.code));
  for (const r of [...streets, ...communities]) {
    if (!placed.has(r.code))
      areas.push({ ...r, geometry: null, bbox: null, synthetic: false, source: 'divisions csv' });
  }
  const order = { district: 0, street: 1, community: 2, grid: 3 } as const;
  areas.sort((a, b) => order[a.level] - order[b.level] || a.code.localeCompare(b.code));

  const units = demoUnits(districts, streets, communities);
  const rules = demoRules(districts, streets);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let deviceSecrets: SeedReport['deviceSecrets'] = [];

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < areas.length; i += 2000) {
      progress('areas', i, areas.length);
      await upsertAreas(trx, areas.slice(i, i + 2000));
    }
    progress('areas', areas.length, areas.length);
    await bumpGridVersion(trx);
    const ids = new Map<string, string>();
    for (const u of units) {
      const row = await trx
        .insertInto('units')
        .values({
          code: u.code,
          name: u.name,
          name_en: u.nameEn,
          type: u.type,
          area_code: u.areaCode,
          parent_id: u.parentCode ? (ids.get(u.parentCode) ?? null) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(u.code, row.id);
    }
    if (rules.length) {
      await trx
        .insertInto('responsibility_rules')
        .values(
          rules.map((r) => ({
            position: r.position,
            category_pattern: r.categoryPattern,
            area_prefix: r.areaPrefix,
            unit_id: ids.get(r.unitCode) ?? '',
            note: r.note,
          })),
        )
        .execute();
    }
    for (const u of DEMO_USERS) {
      const unitId = ids.get(u.unitCode);
      if (!unitId) continue; // the demo district was not seeded
      await trx
        .insertInto('users')
        .values({
          username: u.username,
          display_name: u.displayName,
          password_hash: passwordHash,
          roles: [...u.roles],
          unit_id: unitId,
          scope: u.scope,
          unit_head: 'unitHead' in u && u.unitHead,
        })
        .execute();
    }
    // A machine user for the Open311 channel (津心办 and other systems); its key is made below, at random.
    const hotline = ids.get('120101-12345');
    if (hotline) {
      await trx
        .insertInto('users')
        .values({
          username: OPEN311_USERNAME,
          display_name: 'Open311 接口',
          password_hash: await hashPassword(newSecret()),
          roles: ['operator'],
          unit_id: hotline,
          scope: '120101',
        })
        .execute();
    }
    await seedCatalogue(trx);
    deviceSecrets = await seedDevices(trx, ids);
    await seedEmergency(trx, ids);
    await seedKnowledgeBase(trx, ids);
    if (hotline) {
      // The citizen portal's machine account (reports from the public are filed as it).
      await trx
        .insertInto('users')
        .values({
          username: 'portal',
          display_name: '市民网上反映',
          password_hash: await hashPassword(newSecret()),
          roles: ['operator'],
          unit_id: hotline,
          scope: '',
        })
        .execute();
    }
    await recordAudit(trx, SYSTEM_ACTOR, {
      action: 'seed',
      entity: 'installation',
      entityId: 'demo',
      after: { areas: areas.length, units: units.length, rules: rules.length },
    });
  });
  const jurisdiction = districts.find((d) => d.code === '120101')?.code ?? districts[0]?.code;
  const open311Key = jurisdiction ? await new ApiKeys(db).ensureInstallationKey(jurisdiction) : null;
  const seededUsers = DEMO_USERS.filter((u) => units.some((x) => x.code === u.unitCode));
  return {
    districts: districts.length,
    streets: streets.length,
    communities: communities.length,
    grids: areas.filter((a) => a.level === 'grid').length,
    units: units.length,
    users: seededUsers.map((u) => ({ username: u.username, displayName: u.displayName, roles: u.roles })),
    password: DEMO_PASSWORD,
    open311Key,
    deviceSecrets,
  };
}

/** Demo alarm rules, a machine account for devices, and two devices in 劝业场街道 with random secrets. */
async function seedDevices(trx: Kysely<DB>, ids: Map<string, string>): Promise<SeedReport['deviceSecrets']> {
  const centre = ids.get('120101-zhzx');
  const grid = await firstGridUnder(trx, '120101001');
  if (!centre || !grid) return [];
  // Alarm rules (报警研判): two smoke alarms of one building within 5 minutes, or one from a high-rise,
  // open a fire incident; one smoke alarm elsewhere is an alarm to check. High water twice in a grid
  // within 30 minutes opens a flood incident.
  await trx
    .insertInto('emergency_alarm_rules')
    .values([
      {
        name: '同一楼栋5分钟内两次烟感报警',
        device_type: 'smoke_detector',
        alarm_type: 'smoke',
        group_by: 'building',
        threshold: 2,
        window_minutes: 5,
        incident_type: 'accident',
        incident_subtype: 'fire',
        level: 4,
        unit_id: centre,
      },
      {
        name: '高层建筑烟感报警',
        device_type: 'smoke_detector',
        alarm_type: 'smoke',
        group_by: 'device',
        threshold: 1,
        window_minutes: 5,
        high_rise_only: true,
        incident_type: 'accident',
        incident_subtype: 'fire',
        level: 3,
        unit_id: centre,
      },
      {
        name: '同一网格30分钟内两次高水位报警',
        device_type: 'water_level',
        alarm_type: 'high_water',
        group_by: 'grid',
        threshold: 2,
        window_minutes: 30,
        incident_type: 'natural_disaster',
        incident_subtype: 'flood',
        level: 4,
        unit_id: centre,
      },
    ])
    .execute();
  const { id: userId } = await trx
    .insertInto('users')
    .values({
      username: 'iot',
      display_name: '物联感知接入',
      password_hash: await hashPassword(newSecret()),
      roles: ['operator'],
      unit_id: centre,
      scope: '120101',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const [w, s, e, n] = (grid.bbox ?? [0, 0, 0, 0]) as [number, number, number, number];
  const devices = [
    {
      id: 'SMK-HP-0001',
      type: 'smoke_detector',
      name: '劝业场街道老旧小区烟感',
      secret: newSecret('whsec_'),
      building: '和平里小区3号楼',
      high_rise: false,
    },
    {
      id: 'SMK-HP-0002',
      type: 'smoke_detector',
      name: '劝业场街道老旧小区烟感（二单元）',
      secret: newSecret('whsec_'),
      building: '和平里小区3号楼',
      high_rise: false,
    },
    {
      id: 'SMK-HR-0101',
      type: 'smoke_detector',
      name: '滨江道商务楼烟感（高层）',
      secret: newSecret('whsec_'),
      building: '滨江道商务楼',
      high_rise: true,
    },
    {
      id: 'WL-HP-0001',
      type: 'water_level',
      name: '劝业场街道下穿通道水位计',
      secret: newSecret('whsec_'),
      building: null,
      high_rise: false,
    },
  ];
  await trx
    .insertInto('devices')
    .values(
      devices.map(({ id, type, name, secret, building, high_rise }) => ({
        id,
        type,
        name,
        secret,
        building,
        high_rise,
        area_code: grid.code,
        lon: (w + e) / 2,
        lat: (s + n) / 2,
        user_id: userId,
      })),
    )
    .execute();
  return devices.map(({ id, secret }) => ({ id, secret }));
}

/**
 * The emergency command's demo: two plans (预案) of 和平区, resources near 劝业场街道 (a stockpile, a team, a
 * shelter) and a week of 24-hour duty at the command centre (带班领导 and 值班员), from yesterday 08:00.
 */
async function seedEmergency(trx: Kysely<DB>, ids: Map<string, string>): Promise<void> {
  const centre = ids.get('120101-zhzx');
  const yjgl = ids.get('120101-yjgl');
  const street = ids.get('120101001');
  const civil = ids.get('120101-mzj');
  const grid = await firstGridUnder(trx, '120101001');
  if (!centre || !yjgl || !street || !civil || !grid) return;
  const step = (title: string, unitId: string, dueMinutes: number, resources: [string, number][] = []) => ({
    title,
    unitId,
    dueMinutes,
    resources: resources.map(([name, quantity]) => ({ name, quantity })),
  });
  await trx
    .insertInto('emergency_plans')
    .values([
      {
        code: 'DEMO-FIRE',
        version: 1,
        name: '和平区火灾事故应急预案',
        area_code: '120101',
        type: 'accident',
        level: 4,
        steps: JSON.stringify([
          step('核实火情并报告指挥中心', street, 10),
          step('调派应急救援队伍到场', yjgl, 20, [['综合应急救援队', 12]]),
          step('疏散群众并开放避难场所', civil, 60, [['避难场所', 200]]),
        ]),
      },
      {
        code: 'DEMO-FLOOD',
        version: 1,
        name: '和平区防汛应急预案',
        area_code: '120101',
        type: 'natural_disaster',
        level: 4,
        steps: JSON.stringify([
          step('封闭积水路段', street, 15),
          step('调派抽水泵排水', yjgl, 30, [['移动排水泵', 4]]),
        ]),
      },
    ])
    .execute();
  const [w, s, e, n] = (grid.bbox ?? [0, 0, 0, 0]) as [number, number, number, number];
  const at = (fx: number, fy: number) => ({ lon: w + (e - w) * fx, lat: s + (n - s) * fy });
  await trx
    .insertInto('emergency_resources')
    .values(
      [
        {
          kind: 'stockpile',
          name: '劝业场街道防汛物资库',
          category: '移动排水泵',
          quantity: 8,
          available: 8,
          measure: '台',
          ...at(0.3, 0.3),
        },
        {
          kind: 'stockpile',
          name: '劝业场街道防汛物资库',
          category: '沙袋',
          quantity: 2000,
          available: 2000,
          measure: '袋',
          ...at(0.3, 0.3),
        },
        {
          kind: 'team',
          name: '和平区应急救援队',
          category: '综合应急救援队',
          quantity: 30,
          available: 30,
          measure: '人',
          skills: ['灭火', '破拆', '水域救援'],
          ...at(0.7, 0.4),
        },
        {
          kind: 'shelter',
          name: '劝业场街道应急避难场所',
          category: '避难场所',
          quantity: 500,
          available: 500,
          measure: '人',
          ...at(0.5, 0.8),
        },
      ].map((r) => ({ ...r, area_code: grid.code })),
    )
    .execute();
  const users = await trx
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', ['leader', 'dispatcher', 'shift_lead'])
    .execute();
  const user = (name: string) => users.find((u) => u.username === name)?.id;
  const leader = user('leader');
  const dispatcher = user('dispatcher');
  const shiftLead = user('shift_lead');
  if (!leader || !dispatcher || !shiftLead) return;
  // Shanghai 08:00 yesterday, in UTC: 00:00 UTC.
  const start = new Date(`${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
  const day = 86_400_000;
  const shifts = [];
  for (let i = 0; i < 8; i++) {
    const startsAt = new Date(start.getTime() + i * day);
    const endsAt = new Date(startsAt.getTime() + day);
    shifts.push({
      user_id: leader,
      role: 'leader',
      phone: '13800000001',
      starts_at: startsAt,
      ends_at: endsAt,
    });
    // The officers take turns: the dispatcher one day, the shift lead the next.
    shifts.push({
      user_id: i % 2 === 0 ? dispatcher : shiftLead,
      role: 'officer',
      phone: i % 2 === 0 ? '13800000002' : '13800000003',
      starts_at: startsAt,
      ends_at: endsAt,
    });
  }
  await trx
    .insertInto('emergency_shifts')
    .values(shifts.map((x) => ({ ...x, unit_id: centre, area_code: '120101' })))
    .execute();
}

/** A few answers the hotline gives every day (咨询), owned by the units that know them. */
async function seedKnowledgeBase(trx: Kysely<DB>, ids: Map<string, string>): Promise<void> {
  const entries: [string, string, string, string][] = [
    [
      '垃圾分类投放时间',
      '居民小区生活垃圾定时定点投放：每日 7:00–9:00、18:00–20:00；厨余垃圾请沥干后投放。',
      '垃圾分类 投放 时间',
      '120101-cgw',
    ],
    [
      '供暖期是哪天到哪天',
      '天津市供热期为每年11月1日至次年3月31日，遇极端天气可提前或延长。',
      '供暖 供热 暖气',
      '120101-zjw',
    ],
    [
      '占道停车如何投诉',
      '可拨打12345或在“津心办”反映，请说明具体位置、车牌号和时间，交管部门将依法处理。',
      '停车 占道 投诉',
      '120101-jtzd',
    ],
  ];
  const rows = entries.flatMap(([question, answer, tags, unit]) => {
    const owner = ids.get(unit);
    return owner ? [{ question, answer, tags, owner_unit_id: owner, review_on: '2027-06-30' }] : [];
  });
  if (rows.length) await trx.insertInto('kb_entries').values(rows).execute();
}
