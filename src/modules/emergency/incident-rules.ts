/**
 * The rules of an incident (突发事件) that a district would argue about: its types and subtypes, the four
 * levels (Ⅰ 特别重大 … Ⅳ 一般) and their warning colours (红/橙/黄/蓝), what a level change is, and when an
 * incident may change at all. Pure: no I/O, no clock.
 */

/** 突发事件类别 (《突发事件应对法》): 自然灾害, 事故灾难, 公共卫生事件, 社会安全事件. */
export const INCIDENT_TYPES = ['natural_disaster', 'accident', 'public_health', 'social_security'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const INCIDENT_TYPE_ZH: Record<IncidentType, string> = {
  natural_disaster: '自然灾害',
  accident: '事故灾难',
  public_health: '公共卫生事件',
  social_security: '社会安全事件',
};

/** The subtypes each type admits; an incident's subtype must be one of its type's. */
export const INCIDENT_SUBTYPES: Record<IncidentType, readonly string[]> = {
  natural_disaster: ['flood', 'rainstorm', 'earthquake', 'geological', 'meteorological', 'wildfire', 'other'],
  accident: ['fire', 'traffic', 'gas', 'building_collapse', 'hazardous_chemicals', 'utility_outage', 'other'],
  public_health: [
    'infectious_disease',
    'food_poisoning',
    'occupational_poisoning',
    'animal_epidemic',
    'other',
  ],
  social_security: ['mass_gathering', 'stampede', 'terrorism', 'criminal', 'other'],
};

/** 事件级别: 1 = Ⅰ级 特别重大 (most severe) … 4 = Ⅳ级 一般. */
export const LEVELS = [1, 2, 3, 4] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NUMERAL: Record<Level, string> = { 1: 'Ⅰ', 2: 'Ⅱ', 3: 'Ⅲ', 4: 'Ⅳ' };

/** 预警颜色: 红 red, 橙 orange, 黄 yellow, 蓝 blue. */
export const COLOURS = ['red', 'orange', 'yellow', 'blue'] as const;
export type Colour = (typeof COLOURS)[number];
export const COLOUR_ZH: Record<Colour, string> = { red: '红', orange: '橙', yellow: '黄', blue: '蓝' };

/** The warning colour that goes with a level when none is given (Ⅰ红 Ⅱ橙 Ⅲ黄 Ⅳ蓝). */
export function colourOfLevel(level: Level): Colour {
  switch (level) {
    case 1:
      return 'red';
    case 2:
      return 'orange';
    case 3:
      return 'yellow';
    case 4:
      return 'blue';
    default: {
      const never: never = level;
      throw new Error(`unknown level ${String(never)}`);
    }
  }
}

export function isSubtypeOf(type: IncidentType, subtype: string): boolean {
  return INCIDENT_SUBTYPES[type].includes(subtype);
}

export type IncidentStatus = 'open' | 'closed';

export type LevelDecision =
  | { ok: true; event: 'escalated' | 'deescalated'; colour: Colour }
  | { ok: false; reason: 'closed' | 'same_level' };

/**
 * 升级 / 降级: a smaller level number is more severe, so going from Ⅲ to Ⅱ escalates. A closed incident
 * does not change; the same level is no change. The colour follows the new level.
 */
export function decideLevelChange(
  current: { status: IncidentStatus; level: Level },
  to: Level,
): LevelDecision {
  if (current.status === 'closed') return { ok: false, reason: 'closed' };
  if (to === current.level) return { ok: false, reason: 'same_level' };
  return { ok: true, event: to < current.level ? 'escalated' : 'deescalated', colour: colourOfLevel(to) };
}

/** The area level a plan (预案) is made at, from its area code: 区 district, 街道 street, 社区 community. */
export type PlanTier = 'district' | 'street' | 'community';
export function planTier(areaCode: string): PlanTier | null {
  if (/^\d{6}$/.test(areaCode)) return 'district';
  if (/^\d{9}$/.test(areaCode)) return 'street';
  if (/^\d{12}$/.test(areaCode)) return 'community';
  return null;
}

/** An incident's number: YJ + its Shanghai date + a 4-digit sequence of that day. */
export function incidentNumber(shanghaiDate: string, seq: number): string {
  return `YJ${shanghaiDate.replaceAll('-', '')}${String(seq).padStart(4, '0')}`;
}
