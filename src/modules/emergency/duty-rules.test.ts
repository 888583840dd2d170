import { describe, expect, it } from 'vitest';
import { type AlarmRule, buildingKey, decideAlarm, type EarlierAlarm } from './alarm-rules.js';
import {
  clashes,
  handoverProblem,
  nextShift,
  onDutyAt,
  overlaps,
  type Shift,
  shiftProblem,
} from './roster.js';

const t = (hhmm: string, day = '2026-12-01') => new Date(`${day}T${hhmm}:00+08:00`);
const shift = (id: string, from: Date, to: Date, patch: Partial<Shift> = {}): Shift => ({
  id,
  unitId: 'u1',
  userId: 'p1',
  role: 'officer',
  startsAt: from,
  endsAt: to,
  ...patch,
});

describe('duty roster', () => {
  it('treats shifts as half-open: back to back is no overlap, any shared minute is', () => {
    const day = shift('a', t('08:00'), t('20:00'));
    expect(overlaps(day, shift('b', t('20:00'), t('08:00', '2026-12-02')))).toBe(false);
    expect(overlaps(day, shift('b', t('19:59'), t('21:00')))).toBe(true);
    expect(overlaps(day, shift('b', t('09:00'), t('10:00')))).toBe(true);
    expect(overlaps(day, shift('b', t('07:00'), t('21:00')))).toBe(true);
  });

  it('finds clashes of one person only, ignoring the shift itself', () => {
    const existing = [
      shift('a', t('08:00'), t('20:00')),
      shift('x', t('08:00'), t('20:00'), { userId: 'p2' }),
    ];
    expect(
      clashes({ userId: 'p1', startsAt: t('12:00'), endsAt: t('13:00') }, existing).map((s) => s.id),
    ).toEqual(['a']);
    expect(clashes({ id: 'a', userId: 'p1', startsAt: t('12:00'), endsAt: t('13:00') }, existing)).toEqual(
      [],
    );
    expect(clashes({ userId: 'p3', startsAt: t('12:00'), endsAt: t('13:00') }, existing)).toEqual([]);
  });

  it('refuses empty and over-long shifts', () => {
    expect(shiftProblem({ startsAt: t('08:00'), endsAt: t('08:00') })).toBe('empty');
    expect(shiftProblem({ startsAt: t('08:00'), endsAt: t('08:00', '2026-12-09') })).toBe('too_long');
    expect(shiftProblem({ startsAt: t('08:00'), endsAt: t('08:00', '2026-12-02') })).toBeNull();
  });

  it('says who is on duty at a moment, leader first', () => {
    const s = [
      shift('o', t('08:00'), t('08:00', '2026-12-02')),
      shift('l', t('08:00'), t('08:00', '2026-12-02'), { role: 'leader', userId: 'p9' }),
      shift('later', t('20:00'), t('23:00'), { userId: 'p3' }),
    ];
    expect(onDutyAt(s, t('12:00')).map((x) => x.id)).toEqual(['l', 'o']);
    expect(onDutyAt(s, t('08:00', '2026-12-02')).map((x) => x.id)).toEqual([]);
  });

  it('hands over to the next shift of the same unit and role', () => {
    const from = shift('a', t('08:00'), t('20:00'));
    const s = [
      from,
      shift('other-role', t('20:00'), t('23:00'), { role: 'leader' }),
      shift('other-unit', t('20:00'), t('23:00'), { unitId: 'u2' }),
      shift('next', t('20:00'), t('08:00', '2026-12-02'), { userId: 'p2' }),
      shift('much-later', t('23:30'), t('23:50'), { userId: 'p3' }),
    ];
    expect(nextShift(from, s)?.id).toBe('next');
    expect(nextShift(from, [from])).toBeNull();
    expect(handoverProblem(from, t('19:30'), false)).toBeNull();
    expect(handoverProblem(from, t('07:00'), false)).toBe('not_started');
    expect(handoverProblem(from, t('09:00', '2026-12-02'), false)).toBe('too_late');
    expect(handoverProblem(from, t('20:00'), true)).toBe('handed_over');
  });
});

describe('alarm rules', () => {
  const rule = (patch: Partial<AlarmRule> = {}): AlarmRule => ({
    id: 'r-two',
    deviceType: 'smoke_detector',
    alarmType: 'smoke',
    groupBy: 'building',
    threshold: 2,
    windowMinutes: 5,
    highRiseOnly: false,
    incidentType: 'accident',
    incidentSubtype: 'fire',
    level: 4,
    unitId: 'centre',
    active: true,
    ...patch,
  });
  const highRise = rule({ id: 'r-high', groupBy: 'device', threshold: 1, highRiseOnly: true, level: 3 });
  const at = t('10:00');
  const alarm = (patch: Partial<EarlierAlarm> = {}) => ({
    deviceId: 'd1',
    deviceType: 'smoke_detector',
    alarmType: 'smoke',
    buildingKey: '3号楼',
    areaCode: '120101001001001',
    highRise: false,
    receivedAt: at,
    ...patch,
  });
  const earlier = (minutesAgo: number, patch: Partial<EarlierAlarm> = {}): EarlierAlarm => ({
    ...alarm({ deviceId: 'd2', receivedAt: new Date(at.getTime() - minutesAgo * 60_000) }),
    id: `e${minutesAgo}`,
    status: 'to_check',
    incidentId: null,
    ...patch,
  });

  it('keeps a single alarm as one to check, and has no rule for other types', () => {
    expect(decideAlarm(alarm(), [rule(), highRise], [], new Set())).toEqual({
      outcome: 'check',
      rule: rule(),
    });
    expect(decideAlarm(alarm({ alarmType: 'battery_low' }), [rule()], [], new Set())).toEqual({
      outcome: 'no_rule',
    });
    expect(decideAlarm(alarm(), [rule({ active: false })], [], new Set())).toEqual({ outcome: 'no_rule' });
  });

  it('opens an incident on the second alarm of a building within 5 minutes, not after', () => {
    expect(decideAlarm(alarm(), [rule()], [earlier(4)], new Set())).toEqual({
      outcome: 'open',
      rule: rule(),
      together: ['e4'],
    });
    expect(decideAlarm(alarm(), [rule()], [earlier(6)], new Set()).outcome).toBe('check');
    // Another building, a false alarm, or another alarm type does not count.
    expect(decideAlarm(alarm(), [rule()], [earlier(1, { buildingKey: '4号楼' })], new Set()).outcome).toBe(
      'check',
    );
    expect(decideAlarm(alarm(), [rule()], [earlier(1, { status: 'false_alarm' })], new Set()).outcome).toBe(
      'check',
    );
    expect(decideAlarm(alarm(), [rule()], [earlier(1, { alarmType: 'heat' })], new Set()).outcome).toBe(
      'check',
    );
  });

  it('opens at once, at the more severe level, for a high-rise device', () => {
    const d = decideAlarm(alarm({ highRise: true }), [rule(), highRise], [], new Set());
    expect(d).toEqual({ outcome: 'open', rule: highRise, together: [] });
  });

  it('joins the open incident of its group, however long ago it opened; a closed one no more', () => {
    const old = earlier(120, { status: 'incident', incidentId: 'i1' });
    expect(decideAlarm(alarm(), [rule()], [old], new Set(['i1']))).toEqual({
      outcome: 'join',
      incidentId: 'i1',
      rule: rule(),
    });
    expect(decideAlarm(alarm(), [rule()], [old], new Set()).outcome).toBe('check');
  });

  it('counts a building as its grid when the device names none', () => {
    expect(buildingKey(null, '120101001001001')).toBe('grid:120101001001001');
    expect(buildingKey(' 3号楼 ', '120101001001001')).toBe('3号楼');
  });
});
