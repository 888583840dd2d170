/**
 * Periods (考核周期) in the district's time (Asia/Shanghai, UTC+8 all year): a year `2026`, a quarter
 * `2026-Q1`, a month `2026-03`, a day `2026-03-05`, or a range of days `from`..`to` (inclusive). Pure.
 */
import { Invalid } from '../../platform/errors.js';
import type { AsOf } from './indicators.js';

const OFFSET_MS = 8 * 3_600_000;
/** The longest range a figure may span. */
export const MAX_RANGE_DAYS = 366;

export interface NamedPeriod extends AsOf {
  label: string;
  kind: 'year' | 'quarter' | 'month' | 'day' | 'range';
}

/** Midnight in China of the given civil date. */
const civil = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d) - OFFSET_MS);
const bad = (field: string, message: string) => new Invalid('period_invalid', message, { field });

function parseDay(s: string, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw bad(field, `${field} must be a date YYYY-MM-DD.`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = civil(y, mo, d);
  const back = new Date(t.getTime() + OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    throw bad(field, `${field} is not a real date.`);
  return t;
}

/** The period named by `period`, or the range `from`..`to`; refuses the future and ranges too long. */
export function parsePeriod(q: { period?: string; from?: string; to?: string }, now: Date): NamedPeriod {
  let p: Omit<NamedPeriod, 'end'>;
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined)
      throw bad('period', 'Give either period or from/to, not both.');
    const s = q.period;
    const yearM = /^(\d{4})$/.exec(s);
    const quarterM = /^(\d{4})-Q([1-4])$/.exec(s);
    const monthM = /^(\d{4})-(\d{2})$/.exec(s);
    if (yearM) {
      const y = Number(yearM[1]);
      p = { kind: 'year', label: s, from: civil(y, 1, 1), to: civil(y + 1, 1, 1) };
    } else if (quarterM) {
      const [y, qn] = [Number(quarterM[1]), Number(quarterM[2])];
      p = { kind: 'quarter', label: s, from: civil(y, qn * 3 - 2, 1), to: civil(y, qn * 3 + 1, 1) };
    } else if (monthM) {
      const [y, mo] = [Number(monthM[1]), Number(monthM[2])];
      if (mo < 1 || mo > 12) throw bad('period', 'period month must be 01–12.');
      p = { kind: 'month', label: s, from: civil(y, mo, 1), to: civil(y, mo + 1, 1) };
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      const from = parseDay(s, 'period');
      p = { kind: 'day', label: s, from, to: new Date(from.getTime() + 86_400_000) };
    } else throw bad('period', 'period must be YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.');
    if (p.from.getFullYear() < 2000) throw bad('period', 'period is before 2000.');
  } else if (q.from !== undefined && q.to !== undefined) {
    const from = parseDay(q.from, 'from');
    const to = new Date(parseDay(q.to, 'to').getTime() + 86_400_000);
    if (to <= from) throw bad('to', 'to must not be before from.');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000)
      throw bad('to', `A range may span at most ${MAX_RANGE_DAYS} days.`);
    p = { kind: 'range', label: `${q.from}..${q.to}`, from, to };
  } else if (q.from !== undefined || q.to !== undefined) {
    throw bad(q.from === undefined ? 'from' : 'to', 'Give both from and to.');
  } else {
    p = monthOf(now);
  }
  if (p.from > now) throw bad(q.period !== undefined ? 'period' : 'from', 'The period lies in the future.');
  return { ...p, end: p.to < now ? p.to : now };
}

/** The month containing `t` (in China). */
export function monthOf(t: Date): Omit<NamedPeriod, 'end'> {
  const local = new Date(t.getTime() + OFFSET_MS);
  const [y, mo] = [local.getUTCFullYear(), local.getUTCMonth() + 1];
  return {
    kind: 'month',
    label: `${y}-${String(mo).padStart(2, '0')}`,
    from: civil(y, mo, 1),
    to: civil(y, mo + 1, 1),
  };
}

/**
 * The period just before: the previous month, quarter or year (calendar periods, so a year's comparison is
 * month-aligned and reads the monthly roll-ups too); for a day or a range, the same length just before.
 */
export function previousPeriod(p: NamedPeriod): NamedPeriod {
  if (p.kind === 'month') {
    const before = monthOf(new Date(p.from.getTime() - 1));
    return { ...before, end: before.to };
  }
  if (p.kind === 'year' || p.kind === 'quarter') {
    const local = new Date(p.from.getTime() + OFFSET_MS);
    const [y, mo] = [local.getUTCFullYear(), local.getUTCMonth() + 1];
    const before =
      p.kind === 'year'
        ? { label: String(y - 1), from: civil(y - 1, 1, 1), to: p.from }
        : {
            label: mo === 1 ? `${y - 1}-Q4` : `${y}-Q${(mo - 1) / 3}`,
            from: mo === 1 ? civil(y - 1, 10, 1) : civil(y, mo - 3, 1),
            to: p.from,
          };
    return { kind: p.kind, ...before, end: p.from };
  }
  const len = p.to.getTime() - p.from.getTime();
  const from = new Date(p.from.getTime() - len);
  return { kind: p.kind, label: `before ${p.label}`, from, to: p.from, end: p.from };
}

/** Today (in China) as a period up to now. */
export function todayOf(now: Date): NamedPeriod {
  const local = new Date(now.getTime() + OFFSET_MS);
  const from = civil(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
  return {
    kind: 'day',
    label: local.toISOString().slice(0, 10),
    from,
    to: new Date(from.getTime() + 86_400_000),
    end: now,
  };
}
