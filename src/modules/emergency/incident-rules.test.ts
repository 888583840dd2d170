import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, incidentEventHash, verifyIncidentChain } from './incident-chain.js';
import { colourOfLevel, decideLevelChange, incidentNumber, isSubtypeOf, planTier } from './incident-rules.js';
import { actionTasks, planFits } from './plan-activation.js';

describe('incident rules', () => {
  it('gives each level its warning colour', () => {
    expect([1, 2, 3, 4].map((l) => colourOfLevel(l as 1 | 2 | 3 | 4))).toEqual([
      'red',
      'orange',
      'yellow',
      'blue',
    ]);
  });
  it('calls a move to a smaller level number an escalation', () => {
    expect(decideLevelChange({ status: 'open', level: 4 }, 2)).toEqual({
      ok: true,
      event: 'escalated',
      colour: 'orange',
    });
    expect(decideLevelChange({ status: 'open', level: 2 }, 3)).toEqual({
      ok: true,
      event: 'deescalated',
      colour: 'yellow',
    });
    expect(decideLevelChange({ status: 'open', level: 3 }, 3)).toEqual({ ok: false, reason: 'same_level' });
    expect(decideLevelChange({ status: 'closed', level: 3 }, 1)).toEqual({ ok: false, reason: 'closed' });
  });
  it('checks subtypes against their type, plan tiers and numbers', () => {
    expect(isSubtypeOf('natural_disaster', 'flood')).toBe(true);
    expect(isSubtypeOf('public_health', 'flood')).toBe(false);
    expect(planTier('120101')).toBe('district');
    expect(planTier('120101001')).toBe('street');
    expect(planTier('120101001001')).toBe('community');
    expect(planTier('1201')).toBeNull();
    expect(incidentNumber('2026-07-01', 12)).toBe('YJ202607010012');
  });
});

describe('plan activation', () => {
  const at = new Date('2026-07-01T15:50:00Z'); // 23:50 in Shanghai: emergencies run on clock time
  it('makes one task per step due its minutes after activation, across midnight and holidays alike', () => {
    const tasks = actionTasks(
      [
        { title: '排水', unitId: 'u1', dueMinutes: 30, resources: [{ name: '抽水泵', quantity: 2 }] },
        { title: '疏散', unitId: 'u2', dueMinutes: 24 * 60, resources: [] },
      ],
      at,
    );
    expect(tasks).toEqual([
      {
        stepNo: 1,
        title: '排水',
        unitId: 'u1',
        dueAt: new Date('2026-07-01T16:20:00Z'),
        resources: [{ name: '抽水泵', quantity: 2 }],
      },
      { stepNo: 2, title: '疏散', unitId: 'u2', dueAt: new Date('2026-07-02T15:50:00Z'), resources: [] },
    ]);
  });
  it('fits a plan to incidents of its type, at its level or more severe, inside its area', () => {
    const plan = { type: 'accident', level: 3, areaCode: '120101' };
    expect(planFits(plan, { type: 'accident', level: 3, areaCode: '120101001001001' })).toBe(true);
    expect(planFits(plan, { type: 'accident', level: 1, areaCode: '120101001001001' })).toBe(true);
    expect(planFits(plan, { type: 'accident', level: 4, areaCode: '120101001001001' })).toBe(false);
    expect(planFits(plan, { type: 'public_health', level: 3, areaCode: '120101001001001' })).toBe(false);
    expect(planFits(plan, { type: 'accident', level: 3, areaCode: '120102001001001' })).toBe(false);
  });
});

describe('incident chain', () => {
  it('breaks when an event is changed', () => {
    const e1 = {
      incidentId: 'i',
      seq: 1,
      type: 'reported',
      at: new Date(0),
      actorId: null,
      actorName: 'a',
      note: null,
      payload: { level: 4 },
    };
    const h1 = incidentEventHash(GENESIS_HASH, e1);
    const e2 = { ...e1, seq: 2, type: 'escalated', payload: { from: 4, to: 2 } };
    const h2 = incidentEventHash(h1, e2);
    const chain = [
      { ...e1, prevHash: GENESIS_HASH, hash: h1 },
      { ...e2, prevHash: h1, hash: h2 },
    ];
    expect(verifyIncidentChain(chain)).toBeNull();
    expect(verifyIncidentChain([chain[0]!, { ...chain[1]!, payload: { from: 4, to: 1 } }])).toEqual({
      seq: 2,
      problem: 'hash',
    });
  });
});
