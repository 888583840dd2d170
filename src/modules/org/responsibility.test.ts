import { describe, expect, it } from 'vitest';
import { findResponsibleRule, type ResponsibilityRule } from './responsibility.js';

const rule = (
  id: string,
  position: number,
  categoryPattern: string,
  areaPrefix: string,
): ResponsibilityRule => ({
  id,
  position,
  categoryPattern,
  areaPrefix,
  unitId: `unit-${id}`,
});

describe('findResponsibleRule', () => {
  const rules = [
    rule('fallback', 100, '*', ''),
    rule('heping-roads', 10, 'component.02', '120101'),
    rule('street-1-events', 20, 'event', '120101001'),
    rule('water', 10, 'event.0107', ''),
  ];

  it('takes the first rule by position that matches category and area', () => {
    expect(findResponsibleRule(rules, 'component.0201', '120101001001001')?.id).toBe('heping-roads');
    expect(findResponsibleRule(rules, 'event.0107', '120101001001001')?.id).toBe('water');
    expect(findResponsibleRule(rules, 'event.0101', '120101001001001')?.id).toBe('street-1-events');
  });

  it('falls back to the catch-all and returns null when nothing matches', () => {
    expect(findResponsibleRule(rules, 'event.0101', '120104001001001')?.id).toBe('fallback');
    expect(findResponsibleRule(rules.slice(1), 'event.0101', '120104001001001')).toBeNull();
  });

  it('breaks ties in position by the more specific area prefix', () => {
    const tied = [rule('district', 5, '*', '120101'), rule('street', 5, '*', '120101002')];
    expect(findResponsibleRule(tied, 'event.01', '120101002003004')?.id).toBe('street');
    expect(findResponsibleRule(tied, 'event.01', '120101001003004')?.id).toBe('district');
  });
});
