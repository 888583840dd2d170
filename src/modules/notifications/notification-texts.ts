/**
 * Notification texts (通知文案) in zh-CN and English, keyed by notification kind. A notification is stored
 * as its kind and params and rendered here in the reader's language when it is read (pure, no I/O).
 */
import type { Locale } from '../../platform/i18n/messages.js';

/** The kinds of notification, each a text key. A kind outside this list keeps its stored message. */
export const NOTIFICATION_KINDS = [
  'warning', // 即将超时: a step's clock reached 80 %
  'overdue', // 已超时
  'escalated', // 超时升级: sent to the command centre
  'whistle_late', // 吹哨报到超时: a summoned unit has not reported in
  'urged', // 督办 on a case
  'target_urged', // 督办 on a target task
  'progress_due', // 进度报送提醒
  'progress_late', // 进度报送逾期
  'assigned', // 分派到人: a unit head gave the reader a case
  'progress_missed', // 进度报送逾期: a monthly report was missed, the task turns yellow
  'target_task_red', // 任务转红: reports missed two months running
  'duty_incident', // 值班提醒: an incident opened in the unit's command (to the people on duty)
  'duty_level', // 值班提醒: an incident's level changed
  'alarm_check', // 报警待核查: a device alarm below every rule, for the unit to check
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Params a text may use; every value is text. */
export type NotificationParams = Readonly<Record<string, string>>;

export const NOTIFICATION_TEXTS: Record<Locale, Record<NotificationKind, string>> = {
  'zh-CN': {
    warning: '即将超时：{number} {title}',
    overdue: '已超时：{number} {title}',
    escalated: '超时升级：{number} {title}',
    whistle_late: '吹哨报到超时：{number} {title}',
    urged: '督办：{number} {note}',
    target_urged: '督办：{title} — {notice}',
    progress_due: '请于{dueOn}前报送进度：{title}',
    progress_late: '进度报送已逾期：{title}（{period}）',
    assigned: '分派给您：{number} {title}',
    progress_missed: '进度报送逾期，任务转黄：{title}（{period}）',
    target_task_red: '督办任务转红：{title}，已连续{count}个月未报送进度（{periods}）',
    duty_incident: '值班提醒：突发事件 {number}「{title}」（{level}级），请立即处置',
    duty_level: '值班提醒：突发事件 {number}「{title}」由{from}级调整为{to}级：{note}',
    alarm_check: '报警待核查：{device}（{alarmType}），{place}',
  },
  en: {
    warning: 'Due soon: {number} {title}',
    overdue: 'Overdue: {number} {title}',
    escalated: 'Escalated (overdue): {number} {title}',
    whistle_late: 'Summoned unit has not reported in: {number} {title}',
    urged: 'Urged: {number} {note}',
    target_urged: 'Urged: {title} — {notice}',
    progress_due: 'Please report progress by {dueOn}: {title}',
    progress_late: 'Progress report overdue: {title} ({period})',
    assigned: 'Assigned to you: {number} {title}',
    progress_missed: 'Progress report missed, the task turns yellow: {title} ({period})',
    target_task_red: 'Task turns red: {title}, no progress report for {count} months ({periods})',
    duty_incident: 'On duty: incident {number} "{title}" (level {level}) needs you now',
    duty_level: 'On duty: incident {number} "{title}" changed from level {from} to {to}: {note}',
    alarm_check: 'Alarm to check: {device} ({alarmType}), {place}',
  },
};

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/**
 * The text of a notification in a locale: the kind's template filled from its params, or `fallback`
 * (the stored message) for a kind without a template or a row written without params.
 */
export function renderNotification(
  kind: string,
  params: NotificationParams | null | undefined,
  locale: Locale,
  fallback: string,
): string {
  if (!params || !isNotificationKind(kind)) return fallback;
  return NOTIFICATION_TEXTS[locale][kind].replace(/\{(\w+)\}/g, (m, key: string) => params[key] ?? m);
}
