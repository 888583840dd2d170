/** UI strings of the working calendar (工作日历), zh-CN default and English, added under `calendar`. */
import i18n from '../../app/i18n';

const zh = {
  coveredUntil: '节假日已知至',
  builtInUntil: '内置数据（chinese-days）至',
  nextYearMissing:
    '尚未录入 {{year}} 年的节假日安排：{{coveredUntil}} 之后按工作日计算的时限均为暂定。请在“工作日历”中录入或导入国务院办公厅的放假通知。',
  open: '去录入',
  explain:
    '按工作日或工作时计算的办理时限依据此日历。录入或修改后，所有在办案件的时限会重新计算，并在案件记录中留痕。',
  years: '节假日安排',
  year: '年份',
  holidays: '放假日',
  workdays: '调休上班日',
  days: '天',
  add: '录入 / 导入年份',
  remove: '删除',
  removeConfirm: '删除该年的安排后，相关时限将重新计算，确定吗？',
  source: '来源',
  sources: { notice: '粘贴放假通知', ics: '导入 .ics 文件', manual: '逐日录入' },
  noticeHint: '粘贴国务院办公厅放假通知的正文，例如：一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。',
  icsHint: '选择全天事件的 iCalendar 文件；摘要带“(休)”为放假，带“(班)”为调休上班。',
  pickFile: '选择 .ics 文件',
  manualHolidays: '放假日（每行一天：日期 节日名，如 2027-01-01 元旦）',
  manualWorkdays: '调休上班日（每行一天，如 2027-02-20 春节）',
  read: '识别',
  preview: '识别结果',
  kind: '类别',
  date: '日期',
  name: '节日',
  replace: '覆盖已录入的同年安排',
  save: '保存并重新计算时限',
  saved: '已保存：检查了 {{checked}} 件在办案件，{{moved}} 件时限已调整',
  dutyHours: '值班时间（按区）',
  district: '区划代码',
  periods: '每日值班时段',
  periodsHint: '例如 09:00-12:00, 13:30-17:30',
  defaultHours: '未设置的区使用默认值班时间：{{hours}}',
  setHours: '设置值班时间',
};
const en: typeof zh = {
  coveredUntil: 'Holidays known until',
  builtInUntil: 'Built-in data (chinese-days) until',
  nextYearMissing:
    "{{year}}'s holidays are not entered yet: every working-day deadline after {{coveredUntil}} is provisional. Enter or import the State Council notice under Working calendar.",
  open: 'Enter them',
  explain:
    'Deadlines counted in working days or hours follow this calendar. After a change every open deadline is counted again and the change is recorded on the case.',
  years: 'Holiday schedules',
  year: 'Year',
  holidays: 'Days off',
  workdays: 'Make-up working days',
  days: 'days',
  add: 'Enter / import a year',
  remove: 'Remove',
  removeConfirm: 'Deadlines will be counted again without this year. Remove it?',
  source: 'Source',
  sources: { notice: 'Paste the notice', ics: 'Import an .ics file', manual: 'Day by day' },
  noticeHint:
    'Paste the text of the State Council notice, e.g. 一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。',
  icsHint:
    'An iCalendar file of all-day events; "(休)" in the summary means a day off, "(班)" a make-up working day.',
  pickFile: 'Choose an .ics file',
  manualHolidays: 'Days off (one a line: date and festival, e.g. 2027-01-01 元旦)',
  manualWorkdays: 'Make-up working days (one a line, e.g. 2027-02-20 春节)',
  read: 'Read',
  preview: 'What was read',
  kind: 'Kind',
  date: 'Date',
  name: 'Festival',
  replace: 'Replace the schedule already entered for this year',
  save: 'Save and count deadlines again',
  saved: 'Saved: {{checked}} open cases checked, {{moved}} deadlines moved',
  dutyHours: 'Duty hours (per district)',
  district: 'District code',
  periods: 'Daily duty periods',
  periodsHint: 'e.g. 09:00-12:00, 13:30-17:30',
  defaultHours: 'Districts without their own use the default duty hours: {{hours}}',
  setHours: 'Set duty hours',
};

i18n.addResourceBundle('zh-CN', 'translation', { calendar: zh }, true, false);
i18n.addResourceBundle('en', 'translation', { calendar: en }, true, false);
