/**
 * The duty roster (值班表) as rules: what a shift is, when two overlap, who is on duty at a moment, and
 * which shift an outgoing one hands over to (交接班). Pure: no I/O, no clock.
 */

/** 带班领导 leader, 值班员 officer, 联络员 liaison. */
export const DUTY_ROLES = ['leader', 'officer', 'liaison'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];
export const DUTY_ROLE_ZH: Record<DutyRole, string> = {
  leader: '带班领导',
  officer: '值班员',
  liaison: '联络员',
};

export interface Shift {
  id: string;
  unitId: string;
  userId: string;
  role: DutyRole;
  startsAt: Date;
  endsAt: Date;
}

/** The longest shift a roster takes: a 24-hour duty (24小时值班) plus a handover hour, at most 7 days. */
export const MAX_SHIFT_MS = 7 * 24 * 3_600_000;

/** Half-open intervals [start, end): a shift ending at 08:00 and the next starting at 08:00 do not overlap. */
export function overlaps(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.startsAt.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.endsAt.getTime();
}

/** Why a shift cannot be rostered as it is, or null when it can. */
export function shiftProblem(s: { startsAt: Date; endsAt: Date }): 'empty' | 'too_long' | null {
  const ms = s.endsAt.getTime() - s.startsAt.getTime();
  if (ms <= 0) return 'empty';
  if (ms > MAX_SHIFT_MS) return 'too_long';
  return null;
}

/** The person's shifts that the new one would overlap (a person is on one duty at a time, whatever unit). */
export function clashes<T extends { startsAt: Date; endsAt: Date; userId: string; id: string }>(
  shift: { startsAt: Date; endsAt: Date; userId: string; id?: string },
  existing: readonly T[],
): T[] {
  return existing.filter((e) => e.userId === shift.userId && e.id !== shift.id && overlaps(e, shift));
}

/** The shifts on duty at `at`, by role (leader first), then earliest start. */
export function onDutyAt<T extends { startsAt: Date; endsAt: Date; role: DutyRole }>(
  shifts: readonly T[],
  at: Date,
): T[] {
  const t = at.getTime();
  return shifts
    .filter((s) => s.startsAt.getTime() <= t && t < s.endsAt.getTime())
    .sort(
      (a, b) =>
        DUTY_ROLES.indexOf(a.role) - DUTY_ROLES.indexOf(b.role) ||
        a.startsAt.getTime() - b.startsAt.getTime(),
    );
}

/**
 * 交接班: the shift that takes over from `from` — of the same unit and role, starting when `from` ends (or
 * already running then, within the hour before), the earliest such. Null when nobody is rostered next.
 */
export function nextShift<T extends Shift>(from: Shift, shifts: readonly T[]): T | null {
  const end = from.endsAt.getTime();
  const candidates = shifts.filter(
    (s) =>
      s.id !== from.id &&
      s.unitId === from.unitId &&
      s.role === from.role &&
      s.startsAt.getTime() <= end + 3_600_000 &&
      s.endsAt.getTime() > end,
  );
  candidates.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return candidates[0] ?? null;
}

/** A handover is made once the shift has begun, until 12 hours after it ends; not twice. */
export function handoverProblem(
  from: { startsAt: Date; endsAt: Date },
  at: Date,
  alreadyHandedOver: boolean,
): 'handed_over' | 'not_started' | 'too_late' | null {
  if (alreadyHandedOver) return 'handed_over';
  if (at.getTime() < from.startsAt.getTime()) return 'not_started';
  if (at.getTime() > from.endsAt.getTime() + 12 * 3_600_000) return 'too_late';
  return null;
}
