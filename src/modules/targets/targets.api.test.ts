import { expect, it } from 'vitest';
import { localDate } from '../../platform/calendar/working-time.js';
import { type Client, describeApi, multipart } from '../../testing/api.js';

const REPORT = [
  '2025年区政府工作报告',
  '一、2024年工作回顾',
  '地区生产总值增长6.5%，新增就业2.1万人。',
  '二、2025年主要目标任务',
  '地区生产总值增长6%左右，新增就业2万人，改造老旧小区12个，PM2.5浓度控制在40微克/立方米以内。',
  '服务热线8890受理量不作考核。',
].join('\n');

function dayOffset(days: number): string {
  return localDate(new Date(Date.now() + days * 86_400_000));
}

describeApi('targets API: documents, items, tasks, progress, board', (ctx) => {
  let supervisor: Client;
  let handler: Client;
  let street: Client;
  let documentId: string;
  let taskId: string;

  it('imports a report and proposes its quantified items with their sections, leaving out hotline numbers', async () => {
    supervisor = await ctx().login('supervisor');
    handler = await ctx().login('handler');
    street = await ctx().login('street');
    const res = await supervisor.post('/api/targets/documents', {
      title: '2025年政府工作报告',
      year: 2025,
      text: REPORT,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    documentId = res.json.id;
    const items = res.json.targets as {
      value: number;
      unit: string;
      kind: string;
      section: string;
      quote: string;
      status: string;
    }[];
    expect(items.map((i) => `${i.kind}:${i.value}${i.unit}`)).toEqual([
      'result:6.5%',
      'result:2.1万人',
      'target:6%',
      'target:2万人',
      'target:12个',
      'target:40微克/立方米',
    ]);
    expect(items[2]?.section).toBe('二、2025年主要目标任务');
    expect(items.every((i) => i.status === 'proposed' && REPORT.includes(i.quote))).toBe(true);
  });

  it('refuses empty, binary and oversize documents, and nothing is stored', async () => {
    const before = (await supervisor.get('/api/targets/documents')).json.length;
    expect(
      (await supervisor.post('/api/targets/documents', { title: '空文档', year: 2025, text: '   ' })).json
        .error.code,
    ).toBe('empty_document');
    const binary = multipart('report.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]), 'text/plain');
    const b = await supervisor.request(
      'POST',
      '/api/targets/documents/upload',
      binary.payload,
      binary.headers,
    );
    expect([b.status, b.json.error.code]).toEqual([400, 'not_text']);
    const huge = await supervisor.post('/api/targets/documents', {
      title: '超长',
      year: 2025,
      text: '增'.repeat(600_000),
    });
    expect(huge.status).toBe(413);
    expect(
      (await handler.post('/api/targets/documents', { title: '越权', year: 2025, text: REPORT })).status,
    ).toBe(403);
    expect((await supervisor.get('/api/targets/documents')).json.length).toBe(before);
  });

  it('reads an uploaded UTF-8 text file', async () => {
    const file = multipart('区政府工作报告.txt', Buffer.from(REPORT, 'utf8'), 'text/plain');
    const res = await supervisor.request('POST', '/api/targets/documents/upload', file.payload, file.headers);
    expect(res.status).toBe(201);
    expect(res.json.title).toBe('区政府工作报告');
    expect(res.json.targets).toHaveLength(6);
  });

  it('accepts, edits and drops items; a number without a unit is refused', async () => {
    const doc = (await supervisor.get(`/api/targets/documents/${documentId}`)).json;
    const [first] = doc.targets;
    expect(
      (await supervisor.patch(`/api/targets/items/${first.id}`, { status: 'dropped' })).json.status,
    ).toBe('dropped');
    expect((await supervisor.patch(`/api/targets/items/${first.id}`, { unit: '' })).status).toBe(400);
    expect((await supervisor.post(`/api/targets/documents/${documentId}/accept-all`)).json.accepted).toBe(5);
    const edited = await supervisor.patch(`/api/targets/items/${doc.targets[4].id}`, {
      indicator: '老旧小区改造',
    });
    expect(edited.json).toMatchObject({ indicator: '老旧小区改造', status: 'accepted' });
  });

  it('assigns a task to a unit; only that unit files progress; the board turns green when it is on plan', async () => {
    const doc = (await supervisor.get(`/api/targets/documents/${documentId}`)).json;
    const units = (await supervisor.get('/api/units')).json as { id: string; name: string }[];
    const cgw = units.find((u) => u.name === '和平区城市管理委员会')?.id;
    const target = doc.targets.find((t: { unit: string }) => t.unit === '个');
    const created = await supervisor.post('/api/targets/tasks', {
      documentId,
      title: '改造老旧小区12个',
      targetIds: [target.id],
      leadUnitId: cgw,
      leader: '区领导 周军',
      startsOn: dayOffset(-60),
      deadline: dayOffset(30),
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    taskId = created.json.id;
    const before = (await supervisor.get(`/api/targets/board?documentId=${documentId}`)).json;
    expect(before.tasks[0]).toMatchObject({
      status: 'red',
      reason: 'behind',
      actual: 0,
      section: '二、2025年主要目标任务',
    });
    const month = localDate(new Date()).slice(0, 7);
    const notMine = await street.post(`/api/targets/tasks/${taskId}/progress`, {
      period: month,
      progress: 70,
      narrative: '冒名报送',
    });
    expect([notMine.status, notMine.json.error.code]).toEqual([403, 'not_task_unit']);
    const ghost = await handler.post(`/api/targets/tasks/${taskId}/progress`, {
      period: month,
      progress: 70,
      narrative: '凭证未上传',
      evidence: ['f'.repeat(64)],
    });
    expect([ghost.status, ghost.json.error.code]).toEqual([400, 'unknown_attachment']);
    const future = await handler.post(`/api/targets/tasks/${taskId}/progress`, {
      period: '2099-01',
      progress: 70,
      narrative: '未来',
    });
    expect(future.status).toBe(400);
    const filed = await handler.post(`/api/targets/tasks/${taskId}/progress`, {
      period: month,
      progress: 70,
      actualValue: 9,
      narrative: '已完成9个小区改造',
    });
    expect(filed.status, JSON.stringify(filed.json)).toBe(201);
    const after = (await handler.get(`/api/targets/board?documentId=${documentId}`)).json;
    expect(after.tasks[0]).toMatchObject({ status: 'green', actual: 70 });
    expect(after.byUnit).toEqual([
      {
        name: '和平区城市管理委员会',
        status: 'green',
        green: 1,
        yellow: 0,
        red: 0,
        // The reporting record depends on today's date against the task's months (see supervision.test.ts).
        dueReports: expect.any(Number),
        onTime: expect.any(Number),
        onTimeRate: expect.toBeOneOf([null, expect.any(Number)]),
        unevidencedDone: 0,
      },
    ]);
    expect((await street.get(`/api/targets/board?documentId=${documentId}`)).json.tasks).toEqual([]);
    const xlsx = await supervisor.request('GET', `/api/targets/board.xlsx?documentId=${documentId}`);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
  });

  it('urges a task, the unit answers; the year-end account compares each target with its outcome', async () => {
    const urged = await supervisor.post(`/api/targets/tasks/${taskId}/urge`, { notice: '请加快进度' });
    expect(urged.status).toBe(201);
    const notes = (await handler.get('/api/notifications')).json as { kind: string }[];
    expect(notes.some((n) => n.kind === 'target_urged')).toBe(true);
    expect(
      (await street.post(`/api/targets/urgings/${urged.json.id}/respond`, { response: '收到' })).status,
    ).toBe(403);
    expect(
      (await handler.post(`/api/targets/urgings/${urged.json.id}/respond`, { response: '已加派施工队' }))
        .status,
    ).toBe(200);
    const account = (await supervisor.get(`/api/targets/documents/${documentId}/account`)).json as {
      unit: string;
      outcome: number | null;
      met: boolean | null;
    }[];
    expect(account.find((a) => a.unit === '个')).toMatchObject({ outcome: 9, met: false });
    expect(account.find((a) => a.unit === '万人')).toMatchObject({ outcome: null, met: null });
  });

  it('reminds the unit once before its monthly report is due', async () => {
    const db = ctx().store.db;
    await db.deleteFrom('progress_reports').where('task_id', '=', taskId).execute();
    const month = localDate(new Date()).slice(0, 7);
    const eve = new Date(`${month}-27T02:00:00Z`);
    expect(await ctx().server.targetTasks.sendProgressReminders(eve)).toBe(1);
    expect(await ctx().server.targetTasks.sendProgressReminders(eve)).toBe(0);
  });

  it('closes the year: no more progress', async () => {
    expect((await supervisor.post(`/api/targets/documents/${documentId}/close`)).status).toBe(204);
    const month = localDate(new Date()).slice(0, 7);
    const late = await handler.post(`/api/targets/tasks/${taskId}/progress`, {
      period: month,
      progress: 90,
      narrative: '补报',
    });
    expect([late.status, late.json.error.code]).toEqual([409, 'year_closed']);
  });
});
