/** 职责规则: which unit is responsible for a category in an area — first matching rule by position wins. */

export interface ResponsibilityRule {
  id: string;
  position: number;
  /** '*' for any category, else a category code prefix ('event.01', 'component.0101'). */
  categoryPattern: string;
  /** '' for anywhere, else an area code prefix. */
  areaPrefix: string;
  unitId: string;
}

export function ruleMatches(rule: ResponsibilityRule, categoryCode: string, areaCode: string): boolean {
  const categoryOk = rule.categoryPattern === '*' || categoryCode.startsWith(rule.categoryPattern);
  return categoryOk && areaCode.startsWith(rule.areaPrefix);
}

/**
 * The responsible rule for a case. Rules are tried in `position` order; among equal positions the
 * more specific one (longer area prefix, then longer category pattern) wins so the order is total.
 */
export function findResponsibleRule<R extends ResponsibilityRule>(
  rules: readonly R[],
  categoryCode: string,
  areaCode: string,
): R | null {
  const ordered = [...rules].sort(
    (a, b) =>
      a.position - b.position ||
      b.areaPrefix.length - a.areaPrefix.length ||
      patternLength(b) - patternLength(a) ||
      a.id.localeCompare(b.id),
  );
  return ordered.find((r) => ruleMatches(r, categoryCode, areaCode)) ?? null;
}

function patternLength(r: ResponsibilityRule): number {
  return r.categoryPattern === '*' ? 0 : r.categoryPattern.length;
}
