import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../platform/calendar/working-time.js';
import {
  headings,
  missedReports,
  nextPeriod,
  plannedProgress,
  reportDeadline,
  reportingRecord,
  sectionAt,
  targetMet,
  taskStatus,
  worst,
} from './supervision.js';

const plan = {
  startsOn: '2026-01-01',
  deadline: '2026-12-31',
  milestones: [
    { due: '2026-03-31', progress: 20 },
    { due: '2026-06-30', progress: 50 },
    { due: '2026-09-30', progress: 80 },
  ],
};

describe('planned progress', () => {
  it('follows the milestones reached, and a straight line without them', () => {
    expect(plannedProgress(plan, '2026-03-30')).toBe(0);
    expect(plannedProgress(plan, '2026-03-31')).toBe(20);
    expect(plannedProgress(plan, '2026-08-01')).toBe(50);
    expect(plannedProgress(plan, '2026-12-31')).toBe(100);
    const linear = { startsOn: '2026-01-01', deadline: '2026-01-11', milestones: [] };
    expect(plannedProgress(linear, '2026-01-06')).toBe(50);
    expect(plannedProgress(linear, '2025-12-01')).toBe(0);
  });
});

describe('the traffic light (RAG)', () => {
  it('is green on plan with the month reported, yellow when a little behind or the report is late, red when far behind or overdue', () => {
    const july = [{ period: '2026-07', progress: 55 }];
    expect(taskStatus(plan, july, '2026-07-29', 28)).toMatchObject({
      status: 'green',
      reason: 'on_track',
      planned: 50,
    });
    expect(taskStatus(plan, [{ period: '2026-07', progress: 40 }], '2026-07-20', 28)).toMatchObject({
      status: 'yellow',
      reason: 'behind',
    });
    expect(taskStatus(plan, [{ period: '2026-07', progress: 25 }], '2026-07-20', 28)).toMatchObject({
      status: 'red',
      reason: 'behind',
    });
    // On plan, but August's report is not in by the 28th.
    expect(taskStatus(plan, july, '2026-08-29', 28)).toMatchObject({
      status: 'yellow',
      reason: 'report_late',
      reportLate: true,
    });
    expect(taskStatus(plan, july, '2026-08-27', 28)).toMatchObject({ status: 'green', reportLate: false });
    expect(taskStatus(plan, [{ period: '2026-12', progress: 90 }], '2027-01-05', 28)).toMatchObject({
      status: 'red',
      reason: 'overdue',
    });
    expect(taskStatus(plan, [{ period: '2026-05', progress: 100 }], '2027-01-05', 28)).toMatchObject({
      status: 'green',
      reason: 'done',
    });
    // January's report was due on the 28th (issue #21: a missed month is yellow by itself).
    expect(taskStatus(plan, [], '2026-01-20', 28)).toMatchObject({ status: 'green', actual: 0 });
    expect(taskStatus(plan, [], '2026-02-10', 28)).toMatchObject({
      status: 'yellow',
      reason: 'report_late',
      missedReports: 1,
    });
    expect(taskStatus(plan, [{ period: '2026-01', progress: 0 }], '2026-02-10', 28)).toMatchObject({
      status: 'green',
      actual: 0,
    });
  });

  it('rolls up to the worst light', () => {
    expect(worst(['green', 'yellow', 'green'])).toBe('yellow');
    expect(worst(['green', 'red', 'yellow'])).toBe('red');
    expect(worst([])).toBeNull();
  });
});

describe('year-end account (年底交账)', () => {
  it('meets growth targets from above and caps from below', () => {
    expect(targetMet({ measure: '增长', value: 8, value_max: null, quote: '地区生产总值增长8%' }, 8.2)).toBe(
      true,
    );
    expect(targetMet({ measure: '增长', value: 8, value_max: null, quote: '地区生产总值增长8%' }, 7.9)).toBe(
      false,
    );
    expect(
      targetMet(
        { measure: '控制在', value: 4.5, value_max: null, quote: '城镇登记失业率控制在4.5%以内' },
        3.9,
      ),
    ).toBe(true);
    expect(targetMet({ measure: '下降', value: 3, value_max: 5, quote: '能耗下降3至5%' }, 6)).toBe(false);
    expect(
      targetMet({ measure: '新增', value: 4, value_max: null, quote: '新增就业4万人' }, null),
    ).toBeNull();
  });
});

describe('report sections', () => {
  it('finds the top-level heading a figure stands in', () => {
    const text =
      '前言\n一、2017年工作回顾\n地区生产总值增长8%。\n二、2018年主要任务\n（一）稳增长\n新增就业4万人。';
    const outline = headings(text);
    expect(outline.map((h) => h.title)).toEqual(['一、2017年工作回顾', '二、2018年主要任务']);
    expect(sectionAt(outline, text.indexOf('增长8%'))).toBe('一、2017年工作回顾');
    expect(sectionAt(outline, text.indexOf('4万人'))).toBe('二、2018年主要任务');
    expect(sectionAt(outline, 0)).toBe('');
  });
});

describe('monthly reporting duty in working days (issue #21)', () => {
  const cal = createWorkingCalendar();
  const working = (d: string) => cal.isWorkingDay(d);
  const task = { startsOn: '2026-09-01', deadline: '2027-06-30', milestones: [] };

  it('moves a deadline that falls on a holiday to the next working day', () => {
    expect(reportDeadline('2026-10', 5)).toBe('2026-10-05');
    expect(reportDeadline('2026-10', 5, working)).toBe('2026-10-08'); // 国庆 1–7 October
    expect(reportDeadline('2026-09', 5, working)).toBe('2026-09-07'); // Saturday 5th → Monday
    expect(nextPeriod('2026-12')).toBe('2027-01');
  });

  it('escalates a missed report over the National Day holiday: nothing during it, yellow after it, red a month on', () => {
    const sept = [{ period: '2026-09', progress: 30 }];
    // October's report is due on the 5th, a holiday: nothing is missed until the 8th has passed.
    expect(missedReports(task, sept, '2026-10-08', 5, working)).toEqual([]);
    expect(taskStatus(task, sept, '2026-10-08', 5, working)).toMatchObject({ status: 'green' });
    // By calendar days alone it would have been late on the 6th.
    expect(missedReports(task, sept, '2026-10-06', 5)).toEqual(['2026-10']);
    expect(taskStatus(task, sept, '2026-10-09', 5, working)).toMatchObject({
      status: 'yellow',
      reason: 'report_late',
      missedReports: 1,
    });
    expect(taskStatus(task, sept, '2026-11-06', 5, working)).toMatchObject({
      status: 'red',
      reason: 'reports_missed',
      missedReports: 2,
    });
    // A report for November (filed late) brings it back: the unit reports again.
    const nov = [...sept, { period: '2026-11', progress: 35 }];
    expect(taskStatus(task, nov, '2026-11-06', 5, working)).toMatchObject({ missedReports: 0 });
  });
});

describe('on-time reporting rate (按时报送率)', () => {
  it('counts months past their deadline, on time when filed by it, and flags 100% without evidence', () => {
    const task = { plan: { startsOn: '2026-01-01', deadline: '2026-12-31' }, reportDay: 28 };
    const r = (period: string, progress: number, filedOn: string, evidence: string[] = []) => ({
      taskIndex: 0,
      period,
      progress,
      filedOn,
      evidence,
    });
    const reports = [
      r('2026-01', 20, '2026-01-27'),
      r('2026-02', 40, '2026-03-02'),
      r('2026-04', 60, '2026-04-10'),
    ];
    // Jan on time, Feb late, Mar missing, Apr on time (filed early); May not yet due on 05-10.
    expect(reportingRecord([task], reports, '2026-05-10')).toEqual({
      due: 4,
      onTime: 2,
      onTimeRate: 0.5,
      unevidencedDone: 0,
    });
    const done = [r('2026-01', 100, '2026-01-20'), r('2026-02', 100, '2026-02-20', ['a'.repeat(64)])];
    expect(reportingRecord([task], done, '2026-06-01')).toMatchObject({
      due: 1,
      onTime: 1,
      unevidencedDone: 1,
    });
    expect(reportingRecord([], [], '2026-06-01').onTimeRate).toBeNull();
  });
});
