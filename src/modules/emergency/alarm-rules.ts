/**
 * Alarm rules (报警研判): what a device alarm becomes. Alarms are counted per group — one building (楼栋),
 * one grid, or one device — of the same device type and alarm type; when `threshold` of them (this one
 * included) fall within `windowMinutes`, the rule opens an incident of its type, subtype and level
 * ("two smoke alarms in one building within 5 minutes"; "one alarm from a high-rise"). An alarm of a group
 * whose incident is still open joins it. Below every rule it stays an alarm to check (核查). Pure.
 */
import type { IncidentType, Level } from './incident-rules.js';

export const ALARM_GROUPS = ['building', 'grid', 'device'] as const;
export type AlarmGroup = (typeof ALARM_GROUPS)[number];

export interface AlarmRule {
  id: string;
  deviceType: string;
  alarmType: string;
  groupBy: AlarmGroup;
  threshold: number;
  windowMinutes: number;
  highRiseOnly: boolean;
  incidentType: IncidentType;
  incidentSubtype: string;
  level: Level;
  unitId: string | null;
  active: boolean;
}

/** What the rules look at of an alarm. */
export interface AlarmFacts {
  deviceId: string;
  deviceType: string;
  alarmType: string;
  buildingKey: string;
  areaCode: string;
  highRise: boolean;
  receivedAt: Date;
}

/** An earlier alarm, as stored. Checked false alarms, alarms of no rule and old alarm cases never count. */
export interface EarlierAlarm extends AlarmFacts {
  id: string;
  status: 'incident' | 'to_check' | 'confirmed' | 'false_alarm' | 'no_rule' | 'case';
  incidentId: string | null;
}

export type AlarmDecision =
  | { outcome: 'no_rule' }
  | { outcome: 'join'; incidentId: string; rule: AlarmRule }
  | { outcome: 'open'; rule: AlarmRule; together: string[] }
  | { outcome: 'check'; rule: AlarmRule };

const COUNTED: ReadonlySet<EarlierAlarm['status']> = new Set(['to_check', 'confirmed', 'incident']);

/** The building an alarm counts in: the device's building, or its grid when it names none. */
export function buildingKey(building: string | null, areaCode: string): string {
  return building?.trim() ? building.trim() : `grid:${areaCode}`;
}

export function sameGroup(groupBy: AlarmGroup, a: AlarmFacts, b: AlarmFacts): boolean {
  switch (groupBy) {
    case 'building':
      return a.buildingKey === b.buildingKey;
    case 'grid':
      return a.areaCode === b.areaCode;
    case 'device':
      return a.deviceId === b.deviceId;
    default: {
      const never: never = groupBy;
      throw new Error(`unknown group ${String(never)}`);
    }
  }
}

export function ruleApplies(rule: AlarmRule, a: AlarmFacts): boolean {
  return (
    rule.active &&
    rule.deviceType === a.deviceType &&
    rule.alarmType === a.alarmType &&
    (!rule.highRiseOnly || a.highRise)
  );
}

/** Most severe first (Ⅰ before Ⅳ), then the rule that needs fewer alarms, then by id: one order, always. */
function bySeverity(a: AlarmRule, b: AlarmRule): number {
  return a.level - b.level || a.threshold - b.threshold || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Decides what `alarm` becomes, given the rules, the earlier alarms of the same type (any group: this
 * function picks the group) and which incidents are still open.
 */
export function decideAlarm(
  alarm: AlarmFacts,
  rules: readonly AlarmRule[],
  earlier: readonly EarlierAlarm[],
  openIncidents: ReadonlySet<string>,
): AlarmDecision {
  const applicable = rules.filter((r) => ruleApplies(r, alarm)).sort(bySeverity);
  const [first] = applicable;
  if (!first) return { outcome: 'no_rule' };
  const sameType = earlier.filter(
    (e) => e.alarmType === alarm.alarmType && e.deviceType === alarm.deviceType,
  );
  // An open incident of the group joins first: its alarms belong to one event.
  for (const rule of applicable) {
    const joined = sameType
      .filter((e) => e.incidentId && openIncidents.has(e.incidentId) && sameGroup(rule.groupBy, e, alarm))
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())[0];
    if (joined?.incidentId) return { outcome: 'join', incidentId: joined.incidentId, rule };
  }
  for (const rule of applicable) {
    const since = alarm.receivedAt.getTime() - rule.windowMinutes * 60_000;
    const together = sameType.filter(
      (e) =>
        COUNTED.has(e.status) &&
        sameGroup(rule.groupBy, e, alarm) &&
        e.receivedAt.getTime() >= since &&
        e.receivedAt.getTime() <= alarm.receivedAt.getTime(),
    );
    if (together.length + 1 >= rule.threshold)
      return { outcome: 'open', rule, together: together.map((e) => e.id) };
  }
  return { outcome: 'check', rule: first };
}

/** The widest window of the rules that apply: how far back the service must read earlier alarms. */
export function lookBackMinutes(rules: readonly AlarmRule[], alarm: AlarmFacts): number {
  return Math.max(0, ...rules.filter((r) => ruleApplies(r, alarm)).map((r) => r.windowMinutes));
}
