import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CalendarBook } from '../../platform/calendar/calendar-book.js';
import { parseHolidayNotice } from '../../platform/calendar/holiday-notice.js';
import { addTimeLimit, localDate } from '../../platform/calendar/working-time.js';
import { type Client, describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';

/** Today, as the issue has it: 2 December 2026, 10:00 in Beijing. Only Date is pinned; timers run. */
const TODAY = Date.parse('2026-12-02T02:00:00Z');

/** 2027's 元旦 and 春节 as an administrator pastes them from the notice. */
const NOTICE_2027 = `一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。
二、春节：2月6日（星期六）至14日（星期日）放假调休，共9天。2月20日（星期六）上班。`;

beforeAll(() => {
  vi.useFakeTimers({ now: TODAY, toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
});

describeApi('calendar API: holiday years, provisional deadlines, recounting, duty hours', (ctx) => {
  let admin: Client;
  let inspector: Client;
  let shiftLead: Client;
  let dispatcher: Client;
  let street: Client;
  let grid: { code: string; lon: number; lat: number };

  beforeAll(async () => {
    admin = await ctx().login('admin');
    inspector = await ctx().login('inspector');
    shiftLead = await ctx().login('shift_lead');
    dispatcher = await ctx().login('dispatcher');
    street = await ctx().login('street');
    grid = await wholeCellCentre(ctx().store.db, '120101001');
  });

  const detail = async (id: string) => (await shiftLead.get(`/api/cases/${id}`)).json;
  const step = async (c: Client, id: string, body: Record<string, unknown>) => {
    const { version } = await detail(id);
    const res = await c.post(`/api/cases/${id}/transitions`, { version, ...body });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  };
  /** A case in handling, its handling clock counted in working hours. */
  const handlingCase = async (title: string) => {
    const res = await inspector.post('/api/cases', {
      categoryCode: 'event.0102',
      title,
      description: '和平路口有一堆生活垃圾',
      lon: grid.lon,
      lat: grid.lat,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id: string = res.json.id;
    await step(shiftLead, id, { type: 'file' });
    await step(dispatcher, id, { type: 'dispatch', mode: 'auto' });
    await step(street, id, { type: 'sign' });
    return id;
  };
  const settingsAndEvents = async () => {
    const db = ctx().store.db;
    const settings = await db.selectFrom('settings').selectAll().orderBy('key').execute();
    const events = await db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .execute();
    return JSON.stringify({ settings, events });
  };

  it('says what it covers, and from 1 November that next year is missing', async () => {
    const res = await inspector.get('/api/calendar');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      coveredUntil: '2026-12-31',
      builtInUntil: '2026-12-31',
      nextYear: 2027,
      nextYearMissing: true,
      years: [],
      defaultDutyHours: ['08:30-12:00', '13:30-17:30'],
    });
  });

  it('counts a deadline across 元旦 and 春节 2027 once an administrator enters 2027; the case records it and its chain holds', async () => {
    const id = await handlingCase('跨年延期');
    const base = new Date((await detail(id)).dueAt);
    await step(street, id, {
      type: 'extend_request',
      limit: { value: 60, unit: 'work_day' },
      reason: '需协调多个部门',
    });
    await step(shiftLead, id, { type: 'extend_decide', approve: true });
    const before = await detail(id);
    const limit = { value: 60, unit: 'work_day' as const };
    const oldDue = addTimeLimit(base, limit, new CalendarBook().calendarFor(grid.code));
    expect(before.dueAt).toBe(oldDue.toISOString());
    expect(before.deadlineProvisional).toBe(true); // past 2026-12-31, holidays unknown
    const listed = (await shiftLead.get('/api/cases?q=跨年延期')).json.items;
    expect(listed).toEqual([expect.objectContaining({ id, deadlineProvisional: true })]);

    const parsed = await admin.post('/api/calendar/parse', {
      year: 2027,
      format: 'notice',
      text: NOTICE_2027,
    });
    expect(parsed.status, JSON.stringify(parsed.json)).toBe(200);
    expect(parsed.json.holidays).toHaveLength(12);
    expect(parsed.json.workdays).toEqual([{ date: '2027-02-20', name: '春节' }]);
    const put = await admin.request('PUT', '/api/calendar/years/2027', {
      holidays: parsed.json.holidays,
      workdays: parsed.json.workdays,
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json.moved).toBeGreaterThanOrEqual(1);
    expect(put.json.calendar).toMatchObject({ coveredUntil: '2027-12-31', nextYearMissing: false });

    const after = await detail(id);
    const book = new CalendarBook({ years: [parseHolidayNotice(NOTICE_2027, 2027)], dutyHours: {} });
    const truth = addTimeLimit(base, limit, book.calendarFor(grid.code));
    expect(after.dueAt).toBe(truth.toISOString());
    expect(truth.getTime() - oldDue.getTime()).toBeGreaterThan(5 * 86_400_000); // 元旦 Friday + 春节 weekdays − 2/20
    expect(after.deadlineProvisional).toBe(false);
    expect(after.version).toBe(before.version + 1);
    expect(after.events.at(-1)).toMatchObject({
      type: 'deadline_recount',
      actorRole: 'admin',
      note: '录入2027年节假日安排',
      payload: { previousDueAt: oldDue.toISOString(), dueAt: truth.toISOString(), provisional: false },
    });
    expect(after.chainValid).toBe(true);
    expect(
      (
        await ctx()
          .login('supervisor')
          .then((s) => s.get(`/api/cases/${id}/verify`))
      ).json.broken,
    ).toEqual([]);

    // The deadline jobs follow: at the old due time the case is not overdue yet; at the new one it is.
    const kinds = async () =>
      (await street.get('/api/notifications')).json
        .filter((n: { caseId: string }) => n.caseId === id)
        .map((n: { kind: string }) => n.kind)
        .sort();
    await ctx().server.runJobs(() => new Date(oldDue.getTime() + 60_000));
    expect(await kinds()).not.toContain('overdue');
    await ctx().server.runJobs(() => new Date(truth.getTime() + 60_000));
    expect(await kinds()).toContain('overdue');

    // The same schedule again changes nothing.
    const again = await admin.request('PUT', '/api/calendar/years/2027', {
      holidays: parsed.json.holidays,
      workdays: parsed.json.workdays,
    });
    expect([again.status, again.json.moved]).toEqual([200, 0]);
    expect((await detail(id)).version).toBe(after.version);
  });

  it('brings the deadline notices forward when a calendar edit moves a due time earlier', async () => {
    const id = await handlingCase('提前到期');
    const base = new Date((await detail(id)).dueAt);
    await step(street, id, {
      type: 'extend_request',
      limit: { value: 60, unit: 'work_day' },
      reason: '需协调多个部门',
    });
    await step(shiftLead, id, { type: 'extend_decide', approve: true });
    const limit = { value: 60, unit: 'work_day' as const };
    const oldDue = new Date((await detail(id)).dueAt);
    // 2027 without 春节 (a correction): the due time comes earlier.
    const only元旦 = parseHolidayNotice(NOTICE_2027.split('\n')[0] ?? '', 2027);
    const newDue = addTimeLimit(
      base,
      limit,
      new CalendarBook({ years: [only元旦], dutyHours: {} }).calendarFor(grid.code),
    );
    expect(newDue.getTime()).toBeLessThan(oldDue.getTime());
    const kinds = async () =>
      (await street.get('/api/notifications')).json
        .filter((n: { caseId: string }) => n.caseId === id)
        .map((n: { kind: string }) => n.kind);
    // The yellow warning has gone out; the overdue mark waits for the old due time.
    await ctx().server.runJobs(() => new Date(newDue.getTime() - 86_400_000));
    expect(await kinds()).toContain('warning');
    expect(await kinds()).not.toContain('overdue');

    const put = await admin.request('PUT', '/api/calendar/years/2027', {
      holidays: only元旦.holidays,
      workdays: only元旦.workdays,
      replace: true,
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect((await detail(id)).dueAt).toBe(newDue.toISOString());
    // Overdue at the new due time, not at the old one.
    await ctx().server.runJobs(() => new Date(newDue.getTime() + 60_000));
    expect(await kinds()).toContain('overdue');
  });

  it('moves open deadlines counted in working hours when a district changes its duty hours', async () => {
    const id = await handlingCase('值班时间调整');
    const before = await detail(id);
    const res = await admin.request('PUT', '/api/calendar/duty-hours/120101', {
      periods: ['09:00-12:00', '14:00-17:00'],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.calendar.dutyHours).toEqual([
      { district: '120101', periods: ['09:00-12:00', '14:00-17:00'] },
    ]);
    const after = await detail(id);
    expect(after.dueAt).not.toBe(before.dueAt);
    expect(after.events.at(-1)).toMatchObject({
      type: 'deadline_recount',
      payload: { previousDueAt: before.dueAt },
    });
    expect(after.chainValid).toBe(true);
    expect(localDate(new Date(after.dueAt)) >= localDate(new Date(before.dueAt))).toBe(true);
  });

  it('refuses contradictory or unusable input with a 400 that names the problem, and stores nothing', async () => {
    await handlingCase('坏输入');
    const unchanged = await settingsAndEvents();
    const put = (year: number, body: object) => admin.request('PUT', `/api/calendar/years/${year}`, body);
    const day = (date: string) => ({ date, name: '春节' });
    const cases: [
      Promise<{ status: number; json: { error: { code: string; details?: object } } }>,
      string,
      object?,
    ][] = [
      [
        put(2028, { holidays: [day('2028-01-29')], workdays: [day('2028-01-29')] }),
        'calendar_day_both',
        { date: '2028-01-29' },
      ],
      [
        put(2028, { holidays: [day('2029-01-01')], workdays: [] }),
        'calendar_date_outside_year',
        { date: '2029-01-01' },
      ],
      [
        put(2028, { holidays: [day('2028-02-30')], workdays: [] }),
        'calendar_date_invalid',
        { date: '2028-02-30' },
      ],
      [put(2028, { holidays: [day('2028-01-27'), day('2028-01-27')], workdays: [] }), 'calendar_day_twice'],
      [put(2028, { holidays: [], workdays: [] }), 'calendar_no_holidays'],
      [put(2027, { holidays: [day('2027-01-01')], workdays: [] }), 'calendar_year_conflict', { year: 2027 }],
      [
        admin.post('/api/calendar/parse', {
          year: 2028,
          format: 'ics',
          text: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20280301T090000Z\r\nSUMMARY:会议\r\nEND:VEVENT\r\nEND:VCALENDAR',
        }),
        'calendar_no_holidays',
      ],
      [
        admin.post('/api/calendar/parse', {
          year: 2028,
          format: 'notice',
          text: '一、春节：2027年2月6日至8日放假。',
        }),
        'calendar_date_outside_year',
      ],
      [
        admin.request('PUT', '/api/calendar/duty-hours/120101', { periods: ['09:00-12:00', '11:00-17:00'] }),
        'calendar_duty_hours',
      ],
      [
        admin.request('PUT', '/api/calendar/duty-hours/120101', { periods: ['18:00-09:00'] }),
        'calendar_duty_hours',
      ],
    ];
    for (const [res, code, details] of cases) {
      const r = await res;
      expect([r.status, r.json.error.code], JSON.stringify(r.json)).toEqual([400, code]);
      if (details) expect(r.json.error.details).toMatchObject(details);
    }
    const zh = await put(2028, { holidays: [day('2028-01-29')], workdays: [day('2028-01-29')] });
    expect(zh.json.error.message).toBe('2028-01-29 既是放假日又是调休上班日');
    expect(await settingsAndEvents()).toBe(unchanged);
  });

  it('lets only an administrator over everything change the calendar', async () => {
    expect(
      (await shiftLead.request('PUT', '/api/calendar/duty-hours/120101', { periods: ['09:00-17:00'] }))
        .status,
    ).toBe(403);
    expect(
      (await inspector.post('/api/calendar/parse', { year: 2027, format: 'notice', text: NOTICE_2027 }))
        .status,
    ).toBe(403);
  });
});
