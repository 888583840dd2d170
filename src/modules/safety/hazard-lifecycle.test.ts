import { describe, expect, it } from 'vitest';
import {
  deadlineAcceptable,
  deadlineLevel,
  decideHazard,
  HAZARD_STATES,
  type HazardCommand,
  type HazardState,
  hazardActions,
  rectifiedOnTime,
} from './hazard-lifecycle.js';

function run(cmds: HazardCommand[]): HazardState {
  let s: HazardState = 'registered';
  for (const c of cmds) {
    const d = decideHazard(s, c);
    if (!d.ok) throw new Error(`${c.type} refused in ${s}: ${d.message}`);
    s = d.to;
  }
  return s;
}

describe('hazard lifecycle (隐患整改 → 销号)', () => {
  it('walks registered → assigned → rectifying → applied → rechecked → closed', () => {
    expect(
      run([
        { type: 'assign', unitId: 'u1' },
        { type: 'start' },
        { type: 'apply', note: '已更换灭火器' },
        { type: 'recheck', passed: true, note: '复查合格' },
        { type: 'close' },
      ]),
    ).toBe('closed');
  });

  it('a failed re-check returns the hazard to rectifying', () => {
    const d = decideHazard('applied', { type: 'recheck', passed: false, note: '仍未整改到位' });
    expect(d).toMatchObject({ ok: true, to: 'rectifying', patch: { rectified: false } });
  });

  it('refuses closing a hazard that was not re-checked, from every state', () => {
    for (const s of HAZARD_STATES) {
      if (s === 'rechecked') continue;
      const d = decideHazard(s, { type: 'close' });
      expect(d.ok, s).toBe(false);
      if (!d.ok) expect(d.code).toBe(s === 'closed' ? 'wrong_state' : 'not_rechecked');
    }
  });

  it('every command is accepted in exactly one state', () => {
    const cmds: HazardCommand[] = [
      { type: 'assign', unitId: 'u' },
      { type: 'start' },
      { type: 'apply', note: 'x' },
      { type: 'recheck', passed: true, note: 'x' },
      { type: 'close' },
    ];
    for (const c of cmds) {
      const ok = HAZARD_STATES.filter((s) => decideHazard(s, c).ok);
      expect(ok, c.type).toHaveLength(1);
    }
    expect(hazardActions('closed')).toEqual([]);
    expect(hazardActions('applied')).toEqual(['recheck']);
  });

  it('needs a unit, a rectification note and a re-check finding', () => {
    expect(decideHazard('registered', { type: 'assign', unitId: '' })).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(decideHazard('rectifying', { type: 'apply', note: ' ' })).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(decideHazard('applied', { type: 'recheck', passed: true, note: '' })).toMatchObject({
      ok: false,
      code: 'invalid',
    });
  });
});

describe('deadlines and overdue (超期)', () => {
  const deadline = new Date('2026-12-10T09:30:00Z');
  it('warns at 80% of the time, is overdue after the deadline, done once rectified', () => {
    const open = { state: 'rectifying' as const, deadline, rectifiedAt: null };
    expect(deadlineLevel(open, new Date('2026-12-05T00:00:00Z'), 0.5)).toBe('ok');
    expect(deadlineLevel(open, new Date('2026-12-09T00:00:00Z'), 0.85)).toBe('warning');
    expect(deadlineLevel(open, new Date('2026-12-10T09:30:01Z'), 1.01)).toBe('overdue');
    expect(
      deadlineLevel(
        { state: 'applied', deadline, rectifiedAt: new Date('2026-12-11T00:00:00Z') },
        new Date('2026-12-12T00:00:00Z'),
        1.5,
      ),
    ).toBe('done');
  });

  it('on time means rectified no later than the deadline', () => {
    expect(rectifiedOnTime({ deadline, rectifiedAt: deadline })).toBe(true);
    expect(rectifiedOnTime({ deadline, rectifiedAt: new Date(deadline.getTime() + 1) })).toBe(false);
    expect(rectifiedOnTime({ deadline, rectifiedAt: null })).toBe(false);
  });

  it('refuses deadlines that are not in the future', () => {
    const now = new Date('2026-12-02T08:00:00Z');
    expect(deadlineAcceptable(new Date('2026-12-01T08:00:00Z'), now)).toBe(false);
    expect(deadlineAcceptable(now, now)).toBe(false);
    expect(deadlineAcceptable(new Date('invalid'), now)).toBe(false);
    expect(deadlineAcceptable(new Date('2026-12-03T08:00:00Z'), now)).toBe(true);
  });
});
