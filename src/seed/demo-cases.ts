/**
 * A morning's worth of demo cases in 和平区 so a fresh console has something in every queue:
 * each case goes through the real service as its demo user would move it.
 */
import type { Kysely } from 'kysely';
import type { TransitionT } from '../modules/cases/cases.schemas.js';
import type { Cases } from '../modules/cases/cases.service.js';
import type { Principal, Role } from '../platform/auth/roles.js';
import type { DB } from '../platform/db/schema.js';

type Step = [username: string, command: TransitionT];

const PLAN: {
  category: string;
  title: string;
  by: string;
  steps: Step[];
  attributes?: Record<string, string>;
}[] = [
  { category: 'event.0102', title: '小区门口暴露垃圾', by: 'inspector', steps: [] },
  {
    category: 'event.0104',
    title: '人行道油污道路不洁',
    by: 'inspector',
    steps: [['shift_lead', { type: 'file' }]],
  },
  {
    category: 'component.0101',
    title: '上水井盖破损',
    by: 'inspector',
    attributes: { cover_state: 'broken' },
    steps: [['shift_lead', { type: 'file' }]],
  },
  {
    category: 'event.0501',
    title: '早市占道经营',
    by: 'inspector',
    steps: [
      ['shift_lead', { type: 'file' }],
      ['dispatcher', { type: 'dispatch', mode: 'auto' }],
    ],
  },
  {
    category: 'event.0201',
    title: '电线杆张贴非法小广告',
    by: 'inspector',
    steps: [
      ['shift_lead', { type: 'file' }],
      ['dispatcher', { type: 'dispatch', mode: 'auto' }],
      ['handler', { type: 'sign', note: '已安排执法队员' }], // 宣传广告 → 城市管理委员会 by the rules
    ],
  },
  { category: 'request.0305', title: '夜间装修噪声投诉', by: 'operator', steps: [] },
  {
    category: 'request.0101',
    title: '咨询垃圾分类投放时间',
    by: 'operator',
    steps: [['operator', { type: 'close', answeredOnCall: true, note: '已当场答复' }]],
  },
];

export async function principal(db: Kysely<DB>, username: string): Promise<Principal> {
  const u = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    roles: u.roles as Role[],
    unitId: u.unit_id,
    scope: u.scope,
    via: 'session',
    csrfToken: null,
    sessionId: null,
  };
}

/** Adds the demo cases when there are no cases yet; answers how many were made. */
export async function seedDemoCases(db: Kysely<DB>, cases: Cases): Promise<number> {
  const existing = await db.selectFrom('cases').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const grids = await db
    .selectFrom('areas')
    .select('code')
    .where('level', '=', 'grid')
    .where('code', 'like', '120101001%')
    .orderBy('code')
    .limit(40)
    .execute();
  if (grids.length === 0) return 0;
  let made = 0;
  for (const [i, plan] of PLAN.entries()) {
    const grid = grids[(i * 5) % grids.length]?.code;
    const created = await cases.intake.file(await principal(db, plan.by), {
      categoryCode: plan.category,
      title: plan.title,
      description: '演示数据',
      areaCode: grid,
      crs: 'wgs84',
      address: '',
      evidence: [],
      attributes: plan.attributes ?? {},
    });
    let version = created.version;
    for (const [username, command] of plan.steps) {
      version = (
        await cases.transitions.transition(await principal(db, username), created.id, { ...command, version })
      ).version;
    }
    made++;
  }
  return made;
}
