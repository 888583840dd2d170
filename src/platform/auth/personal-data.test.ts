import { describe, expect, it } from 'vitest';
import { maskEmail, maskName, maskPhone, maskReporter, reporterAccess } from './personal-data.js';

describe('masking personal data', () => {
  it('keeps the first three and last four digits of a phone, the first character of a name', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('022-2345 6789')).toBe('022****6789');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskName('王女士')).toBe('王**');
    expect(maskName('李')).toBe('*');
    expect(maskEmail('wang@example.com')).toBe('w***@example.com');
    expect(maskReporter({ name: '王女士', phone: '13812341234' })).toEqual({
      name: '王**',
      phone: '138****1234',
    });
  });
});

describe('who sees a reporter', () => {
  const unitA = 'unit-a';
  const event = { kind: 'event', areaCode: '120101001001', assignedUnitId: unitA, createdUnitId: 'hotline' };
  const petition = { ...event, kind: 'petition' };
  const who = (roles: string[], unitId: string | null = 'other', scope = '120101001') =>
    ({ roles, unitId, scope }) as Parameters<typeof reporterAccess>[0];

  it('lets intake roles of the area and the handling unit reveal; everyone else sees it masked', () => {
    expect(reporterAccess(who(['operator']), event)).toBe('reveal');
    expect(reporterAccess(who(['shift_lead']), event)).toBe('reveal');
    expect(reporterAccess(who(['operator'], 'other', '120101002'), event)).toBe('masked');
    expect(reporterAccess(who(['handler'], unitA), event)).toBe('reveal');
    for (const r of ['inspector', 'dispatcher', 'supervisor', 'leader', 'admin', 'handler'])
      expect(reporterAccess(who([r]), event), r).toBe('masked');
    expect(reporterAccess(who(['admin'], null, ''), event)).toBe('masked');
  });

  it("hides a petitioner's identity from all but the petition's handling and registering units", () => {
    expect(reporterAccess(who(['handler'], unitA), petition)).toBe('reveal');
    expect(reporterAccess(who(['operator'], 'hotline'), petition)).toBe('reveal');
    expect(reporterAccess(who(['operator']), petition)).toBe('hidden');
    expect(reporterAccess(who(['inspector'], unitA), petition)).toBe('hidden');
    expect(reporterAccess(who(['leader'], 'hotline'), petition)).toBe('hidden');
    expect(reporterAccess(who(['shift_lead', 'admin'], null, ''), petition)).toBe('hidden');
  });
});
