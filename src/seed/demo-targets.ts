/**
 * A supervision board that is not empty on first start (督查督办演示): the district's own work report
 * (和平区, the part that sets the goals, page chrome removed; see data/SOURCES.md) imported through the
 * targets service, its items confirmed, tasks assigned to demo units and a few months of progress filed
 * by those units — one task ahead, one done, one behind its plan (yellow, last report missing) and one
 * far behind (red, urged by the supervisor). Everything goes through `Targets` / `TargetTasks`, so the
 * rows are ones the rules themselves produce.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { TargetTasks } from '../modules/targets/target-tasks.service.js';
import type { Targets } from '../modules/targets/targets.service.js';
import { localDate } from '../platform/calendar/working-time.js';
import { projectRoot } from '../platform/config.js';
import type { DB } from '../platform/db/schema.js';
import { principal } from './demo-cases.js';

export const DEMO_REPORT_FILE = path.join(projectRoot, 'data/reports/heping_2017_work_report.txt');

/** Months of a demo task: it started this many whole months ago and runs this many months in all. */
const MONTHS_DONE = 4;
const MONTHS_TOTAL = 12;

type Pace = 'ahead' | 'done' | 'behind' | 'far_behind';

/** The demo tasks: which items they serve (by a piece of the quote), who leads and files, how they go. */
const PLAN: {
  title: string;
  quotes: string[];
  lead: string; // unit code (a unit with a demo user, who files its reports)
  by: string; // username of the filer
  co: string[];
  leader: string;
  pace: Pace;
  narrative: string;
}[] = [
  {
    title: '道路机扫水洗全覆盖，提升绿化',
    quotes: ['道路机扫、水洗率保持100%', '提升绿化10万平方米'],
    lead: '120101-cgw',
    by: 'handler',
    co: ['120101-sthj'],
    leader: '副区长 王海',
    pace: 'ahead',
    narrative: '机扫、水洗作业按计划推进，绿化提升工程完成阶段任务。',
  },
  {
    title: '早餐网点和便民菜店提升改造',
    quotes: ['15个早餐网点', '5个便民菜店'],
    lead: '120101001',
    by: 'street',
    co: ['120101-scjg'],
    leader: '副区长 李明',
    pace: 'done',
    narrative: '早餐网点、便民菜店改造已完成并验收。',
  },
  {
    title: '改造排水管网，治理积水片',
    quotes: ['改造排水管网1.6公里'],
    lead: '120101-cgw',
    by: 'handler',
    co: ['120101-sw'],
    leader: '副区长 王海',
    pace: 'behind',
    narrative: '管网改造施工中，受交通导改影响进度略有滞后。',
  },
  {
    title: '伙楼院安装独立式感烟火灾探测报警器',
    quotes: ['安装5000个独立式感烟火灾探测报警器'],
    lead: '120101001',
    by: 'street',
    co: ['120101-yjgl'],
    leader: '副区长 张华',
    pace: 'far_behind',
    narrative: '设备采购尚在招标，已入户摸排伙楼院底数。',
  },
];

function monthOf(day: string, plus: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + plus;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** Planned progress at the end of the k-th month of a task (k = 1 … MONTHS_TOTAL). */
function milestone(k: number): number {
  return Math.round((100 * k) / MONTHS_TOTAL);
}

/** Progress a task of this pace reports for its k-th month. */
function progressAt(pace: Pace, k: number): number {
  switch (pace) {
    case 'ahead':
      return milestone(k + 1);
    case 'done':
      return k === MONTHS_DONE ? 100 : milestone(k + 2);
    case 'behind':
      return Math.max(0, milestone(k) - 2);
    case 'far_behind':
      return Math.max(0, milestone(k) - 25);
  }
}

/**
 * Seeds the demo supervision document when the demo district has none; answers how many tasks were
 * made (0 when there is nothing to do: documents exist already, or the demo users are missing).
 */
export async function seedDemoTargets(
  db: Kysely<DB>,
  targets: Targets,
  tasks: TargetTasks,
  now: Date = new Date(),
): Promise<number> {
  const supervisorRow = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'supervisor')
    .executeTakeFirst();
  if (!supervisorRow) return 0;
  const supervisor = await principal(db, 'supervisor');
  if ((await targets.listDocuments(supervisor)).length > 0) return 0;
  const units = new Map(
    (await db.selectFrom('units').select(['id', 'code']).where('code', 'like', '120101%').execute()).map(
      (u) => [u.code, u.id],
    ),
  );
  const today = localDate(now);
  const text = fs.readFileSync(DEMO_REPORT_FILE, 'utf8');
  const doc = await targets.createDocument(supervisor, {
    kind: 'work_report',
    title: '和平区政府工作报告（今后五年奋斗目标及年度任务，演示）',
    year: Number(today.slice(0, 4)),
    text,
    reportDay: 28,
    areaCode: '120101',
  });
  await targets.acceptAll(supervisor, doc.id);

  const first = monthOf(today, -MONTHS_DONE);
  const months = Array.from({ length: MONTHS_TOTAL }, (_, i) => monthOf(first, i));
  const milestones = months.map((m, i) => ({ due: lastDay(m), progress: milestone(i + 1) }));
  let made = 0;
  for (const t of PLAN) {
    const targetIds = t.quotes.flatMap((q) => doc.targets.filter((i) => i.quote.includes(q)).slice(0, 1));
    const lead = units.get(t.lead);
    if (!lead || targetIds.length === 0) continue;
    const { id } = await tasks.createTask(supervisor, {
      documentId: doc.id,
      title: t.title,
      targetIds: targetIds.map((i) => i.id),
      leadUnitId: lead,
      coUnitIds: t.co.flatMap((c) => units.get(c) ?? []),
      leader: t.leader,
      startsOn: `${first}-01`,
      deadline: lastDay(months.at(-1) ?? first),
      milestones,
    });
    made++;
    const filer = await principal(db, t.by);
    // Months already over; the slow task's last one was never reported.
    const reported = t.pace === 'behind' ? MONTHS_DONE - 1 : MONTHS_DONE;
    for (let k = 1; k <= reported; k++) {
      const progress = progressAt(t.pace, k);
      const value = targetIds[0]?.value ?? null;
      await tasks.fileProgress(
        filer,
        id,
        {
          period: months[k - 1] ?? first,
          progress,
          actualValue: value === null ? null : Math.round(value * progress) / 100,
          narrative: `${months[k - 1]}：${t.narrative}`,
          evidence: [],
        },
        new Date(`${months[k - 1]}-25T10:00:00+08:00`),
      );
      if (progress >= 100) break;
    }
    if (t.pace === 'far_behind')
      await tasks.urge(supervisor, id, '进度严重滞后，请于本周内报送整改措施和时间表。');
  }
  return made;
}
