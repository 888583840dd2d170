import { expect, it } from 'vitest';
import { principal } from '../../seed/demo-cases.js';
import { describeApi } from '../../testing/api.js';
import { documentText } from './targets.service.js';

const at = (s: string) => new Date(`${s}+08:00`);

describeApi('monthly reporting duty as jobs (issue #21)', (ctx) => {
  it('escalates a missed report over the National Day holiday: reminder, yellow after it, red a month on', async () => {
    const { store, server } = ctx();
    const db = store.db;
    const supervisor = await principal(db, 'supervisor');
    const handler = await principal(db, 'handler'); // 城市管理委员会
    const doc = await server.targets.createDocument(supervisor, {
      kind: 'work_report',
      title: '2026年工作安排（测试）',
      year: 2026,
      text: '二、2026年工作安排\n修缮公产房屋50万平方米。',
      reportDay: 5,
    });
    await server.targets.acceptAll(supervisor, doc.id);
    const { id } = await server.targetTasks.createTask(supervisor, {
      documentId: doc.id,
      title: '修缮公产房屋',
      targetIds: [doc.targets[0]!.id],
      leadUnitId: handler.unitId!,
      coUnitIds: [],
      leader: '副区长',
      startsOn: '2026-09-01',
      deadline: '2027-06-30',
      milestones: [],
    });
    await server.targetTasks.fileProgress(
      handler,
      id,
      { period: '2026-09', progress: 30, actualValue: null, narrative: '九月进度', evidence: [] },
      at('2026-09-04T10:00:00'),
    );
    const inbox = async () =>
      (
        await db
          .selectFrom('notifications')
          .select(['unit_id', 'kind'])
          .where('ref', 'like', `${id}:%`)
          .orderBy('id')
          .execute()
      ).map(
        (n) =>
          `${n.unit_id === handler.unitId ? 'lead' : n.unit_id === supervisor.unitId ? 'supervisor' : n.unit_id}:${n.kind}`,
      );
    const light = async (now: string) =>
      (await server.targetTasks.board(supervisor, doc.id, at(now))).tasks[0];

    // During the holiday: October's report (due on the 5th, moved to the 8th) is only reminded.
    await server.runJobs(() => at('2026-10-07T12:00:00'));
    expect(await inbox()).toEqual(['lead:progress_due']);
    await server.runJobs(() => at('2026-10-08T23:00:00'));
    expect(await inbox()).toEqual(['lead:progress_due']);
    expect(await light('2026-10-08T23:00:00')).toMatchObject({ status: 'green', missedReports: 0 });

    // The deadline has passed: the lead unit and the supervisor are told, the task is yellow.
    await server.runJobs(() => at('2026-10-09T08:00:00'));
    expect(await inbox()).toEqual([
      'lead:progress_due',
      'lead:progress_missed',
      'supervisor:progress_missed',
    ]);
    expect(await light('2026-10-09T08:00:00')).toMatchObject({ status: 'yellow', reason: 'report_late' });

    // A second month missed: red, both told again; running the jobs again sends nothing twice.
    await server.runJobs(() => at('2026-11-03T10:00:00')); // two working days before the 5th
    await server.runJobs(() => at('2026-11-06T08:00:00'));
    await server.runJobs(() => at('2026-11-06T09:00:00'));
    expect((await inbox()).slice(3)).toEqual([
      'lead:progress_due',
      'lead:target_task_red',
      'supervisor:target_task_red',
    ]);
    expect(await light('2026-11-06T08:00:00')).toMatchObject({
      status: 'red',
      reason: 'reports_missed',
      missedReports: 2,
    });
  });

  it('refuses bad input with a clear message and imports nothing', async () => {
    const { store, server } = ctx();
    const supervisor = await principal(store.db, 'supervisor');
    const before = (await server.targets.listDocuments(supervisor)).length;
    await expect(
      server.targets.createDocument(supervisor, {
        kind: 'work_report',
        title: '无指标',
        year: 2026,
        text: '二、今年工作安排\n深入推进各项工作，确保取得实效。',
        reportDay: 28,
      }),
    ).rejects.toMatchObject({ code: 'no_targets' });
    expect(await server.targets.listDocuments(supervisor)).toHaveLength(before);
    await expect(documentText(Buffer.from('%PDF-1.7\n%\xe2\xe3'), 'scan.pdf')).rejects.toMatchObject({
      code: 'pdf_not_supported',
    });

    const handler = await principal(store.db, 'handler');
    const doc = await server.targets.createDocument(supervisor, {
      kind: 'work_report',
      title: '倒退测试',
      year: 2026,
      text: '二、2026年工作安排\n改造排水管网3公里。',
      reportDay: 28,
    });
    await server.targets.acceptAll(supervisor, doc.id);
    const { id } = await server.targetTasks.createTask(supervisor, {
      documentId: doc.id,
      title: '排水管网',
      targetIds: [doc.targets[0]!.id],
      leadUnitId: handler.unitId!,
      coUnitIds: [],
      leader: '副区长',
      startsOn: '2026-01-01',
      deadline: '2026-12-31',
      milestones: [],
    });
    const file = (period: string, progress: number, now: string) =>
      server.targetTasks.fileProgress(
        handler,
        id,
        { period, progress, actualValue: null, narrative: '进度', evidence: [] },
        at(now),
      );
    await file('2026-03', 40, '2026-03-20T10:00:00');
    await expect(file('2026-04', 30, '2026-04-20T10:00:00')).rejects.toMatchObject({
      code: 'progress_backwards',
    });
    await expect(file('2026-05', 50, '2026-04-20T10:00:00')).rejects.toMatchObject({ code: 'future_period' });
    await file('2026-04', 45, '2026-04-20T10:00:00');
  });
});
