import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { parseHolidayNotice } from './holiday-notice.js';
import { checkHolidayYear, type HolidayYear } from './holiday-year.js';
import { parseHolidayIcs } from './ics.js';

/** 国务院办公厅关于2026年部分节假日安排的通知 (the operative part, as published). */
const NOTICE_2026 = `一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。`;

/** What chinese-days knows of 2026, day by day, for the parsers to agree with. */
function chineseDays2026() {
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (let t = Date.parse('2026-01-01T00:00:00Z'); t <= Date.parse('2026-12-31T00:00:00Z'); t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    const wd = new Date(t).getUTCDay();
    const weekend = wd === 0 || wd === 6;
    if (chineseDays.isHoliday(d) && !weekend) holidays.push(d);
    if (chineseDays.isWorkday(d) && weekend) workdays.push(d);
  }
  return { holidays, workdays };
}

const weekdayDays = (y: HolidayYear) =>
  y.holidays
    .map((d) => d.date)
    .filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))
    .sort();

describe('the State Council notice, pasted as text', () => {
  it('reads the real 2026 notice into the days chinese-days has for 2026', () => {
    const y = parseHolidayNotice(NOTICE_2026, 2026);
    expect(checkHolidayYear(y)).toBeNull();
    const known = chineseDays2026();
    expect(weekdayDays(y)).toEqual(known.holidays);
    expect(y.workdays.map((d) => d.date).sort()).toEqual(known.workdays);
    expect(y.holidays).toHaveLength(33);
    expect(y.holidays.filter((d) => d.name === '春节')).toHaveLength(9);
    expect(y.workdays).toContainEqual({ date: '2026-02-14', name: '春节' });
    expect(y.holidays[0]).toEqual({ date: '2026-01-01', name: '元旦' });
  });

  it('reads the forms a notice uses: 星期, a range across months, full-width digits, a comma before 上班', () => {
    const y = parseHolidayNotice(
      `一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。
二、春节：2月6日（星期六）至2月14日（星期日）放假调休，共9天。2月20日（星期六）上班。
三、国庆节：９月30日至10月2日放假，10月9日（星期六）上班。`,
      2027,
    );
    expect(y.holidays.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      ...Array.from({ length: 9 }, (_, i) => `2027-02-${String(6 + i).padStart(2, '0')}`),
      '2027-09-30',
      '2027-10-01',
      '2027-10-02',
    ]);
    expect(y.workdays).toEqual([
      { date: '2027-02-20', name: '春节' },
      { date: '2027-10-09', name: '国庆节' },
    ]);
  });

  it('places a date the text puts in another year there, so the year check refuses it', () => {
    const y = parseHolidayNotice('一、元旦：2026年12月31日至2027年1月2日放假调休，共3天。', 2027);
    expect(y.holidays[0]?.date).toBe('2026-12-31');
    expect(checkHolidayYear(y)).toMatchObject({ code: 'calendar_date_outside_year', date: '2026-12-31' });
  });

  it('finds nothing in text that is not a notice', () => {
    const y = parseHolidayNotice('今天天气不错', 2027);
    expect(checkHolidayYear(y)).toMatchObject({ code: 'calendar_no_holidays' });
  });
});

describe('an .ics file of all-day events', () => {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('chinese-days/dist/chinese-days.json'));

  it("reads chinese-days' own 2026 calendar into the days it has for 2026", () => {
    const y = parseHolidayIcs(fs.readFileSync(path.join(dist, 'years/2026.ics'), 'utf8'), 2026);
    expect(checkHolidayYear(y)).toBeNull();
    const known = chineseDays2026();
    expect(weekdayDays(y)).toEqual(known.holidays);
    expect(y.workdays.map((d) => d.date).sort()).toEqual(known.workdays);
    expect(y.holidays.find((d) => d.date === '2026-02-16')?.name).toBe('春节');
  });

  it('takes one year of a multi-year file, folded lines, and Apple’s workday marker', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20261231',
      'DTEND;VALUE=DATE:20270102',
      'SUMMARY:元',
      ' 旦(休)',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20270220',
      'SUMMARY:春节',
      'X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART:20270301T090000Z',
      'SUMMARY:会议',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(parseHolidayIcs(ics, 2027)).toEqual({
      year: 2027,
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      workdays: [{ date: '2027-02-20', name: '春节' }],
    });
  });

  it('finds no holidays in a calendar without all-day events', () => {
    const y = parseHolidayIcs(
      'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20270301T090000Z\nEND:VEVENT\nEND:VCALENDAR',
      2027,
    );
    expect(checkHolidayYear(y)).toMatchObject({ code: 'calendar_no_holidays' });
  });
});

describe('checking a year', () => {
  const year = (holidays: string[], workdays: string[] = []): HolidayYear => ({
    year: 2027,
    holidays: holidays.map((date) => ({ date, name: '元旦' })),
    workdays: workdays.map((date) => ({ date, name: '元旦' })),
  });
  it('names the problem and the day', () => {
    expect(checkHolidayYear(year(['2027-02-30']))?.code).toBe('calendar_date_invalid');
    expect(checkHolidayYear(year(['2028-01-01']))?.code).toBe('calendar_date_outside_year');
    expect(checkHolidayYear(year(['2027-01-01', '2027-01-01']))?.code).toBe('calendar_day_twice');
    expect(checkHolidayYear(year(['2027-01-02'], ['2027-01-02']))).toMatchObject({
      code: 'calendar_day_both',
      date: '2027-01-02',
    });
    expect(checkHolidayYear(year(['2027-01-01'], ['2027-01-04']))?.code).toBe('calendar_workday_not_weekend');
    expect(checkHolidayYear(year([]))?.code).toBe('calendar_no_holidays');
    expect(checkHolidayYear(year(['2027-01-01'], ['2027-01-09']))).toBeNull();
  });
});
