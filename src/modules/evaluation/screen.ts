/**
 * The big screen's rules (大屏, pure): the time windows it shows (today, 30 days, 12 months, this month
 * against the same stretch of last month), series with every day or month present, the top categories
 * and the categories rising fastest per street — the candidates for a 每月一题 theme.
 */
import { monthOf, todayOf } from './period.js';

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
export const TREND_DAYS = 30;
export const TREND_MONTHS = 12;
/** A category must have at least this many cases this month to count as rising (noise guard). */
export const RISING_MIN = 3;

export interface ScreenWindows {
  today: Date;
  /** First day of the 30-day trend (today included). */
  days: Date;
  dayLabels: string[];
  /** First month of the 12-month trend (this month included). */
  months: Date;
  monthLabels: string[];
  /**
   * This month to date, and last month over the same number of elapsed time from its start (so a rise
   * on the 10th compares 10 days with 10 days, never a partial month with a whole one).
   */
  month: { from: Date; to: Date; beforeFrom: Date; beforeTo: Date; label: string };
}

const dayLabel = (t: Date) => new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 10);

export function screenWindows(now: Date): ScreenWindows {
  const today = todayOf(now).from;
  const days = new Date(today.getTime() - (TREND_DAYS - 1) * DAY_MS);
  const dayLabels = Array.from({ length: TREND_DAYS }, (_, i) =>
    dayLabel(new Date(days.getTime() + i * DAY_MS)),
  );
  const thisMonth = monthOf(now);
  const monthList = [thisMonth];
  let first = thisMonth;
  for (let i = 1; i < TREND_MONTHS; i++) {
    first = monthOf(new Date(first.from.getTime() - 1));
    monthList.unshift(first);
  }
  const before = monthOf(new Date(thisMonth.from.getTime() - 1));
  const elapsed = now.getTime() - thisMonth.from.getTime();
  return {
    today,
    days,
    dayLabels,
    months: first.from,
    monthLabels: monthList.map((m) => m.label),
    month: {
      from: thisMonth.from,
      to: now,
      beforeFrom: before.from,
      beforeTo: new Date(Math.min(before.from.getTime() + elapsed, before.to.getTime())),
      label: thisMonth.label,
    },
  };
}

/** One row per label, counts missing from the database as 0. */
export function fillSeries(
  labels: readonly string[],
  received: ReadonlyMap<string, number>,
  closed: ReadonlyMap<string, number>,
) {
  return labels.map((bucket) => ({
    bucket,
    received: received.get(bucket) ?? 0,
    closed: closed.get(bucket) ?? 0,
  }));
}

/** Daily counts (YYYY-MM-DD) added up by month (YYYY-MM). */
export function byMonth(days: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [day, n] of days) out.set(day.slice(0, 7), (out.get(day.slice(0, 7)) ?? 0) + n);
  return out;
}

export interface StreetCategory {
  street: string;
  categoryCode: string;
  name: string;
  nameEn: string;
  now: number;
  before: number;
}

/** The categories with the most cases this month over the whole area (ties: by code). */
export function topCategories(rows: readonly StreetCategory[], limit: number) {
  const by = new Map<
    string,
    { code: string; name: string; nameEn: string; count: number; previous: number }
  >();
  for (const r of rows) {
    const c = by.get(r.categoryCode) ?? {
      code: r.categoryCode,
      name: r.name,
      nameEn: r.nameEn,
      count: 0,
      previous: 0,
    };
    c.count += r.now;
    c.previous += r.before;
    by.set(r.categoryCode, c);
  }
  return [...by.values()]
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, limit);
}

/**
 * Per street, the categories that rose most against the same stretch of last month: at least RISING_MIN
 * cases now and more than before; ordered by the rise, then the ratio (a new problem from 0 first), then
 * code. `perStreet` per street, streets in code order.
 */
export function risingByStreet(rows: readonly StreetCategory[], perStreet: number) {
  const byStreet = new Map<string, StreetCategory[]>();
  for (const r of rows) {
    if (r.now < RISING_MIN || r.now <= r.before) continue;
    byStreet.set(r.street, [...(byStreet.get(r.street) ?? []), r]);
  }
  const ratio = (r: StreetCategory) => (r.before === 0 ? Number.POSITIVE_INFINITY : r.now / r.before);
  return [...byStreet.keys()].sort().flatMap((street) =>
    (byStreet.get(street) ?? [])
      .sort(
        (a, b) =>
          b.now - b.before - (a.now - a.before) ||
          ratio(b) - ratio(a) ||
          a.categoryCode.localeCompare(b.categoryCode),
      )
      .slice(0, perStreet)
      .map((r) => ({ ...r, rise: r.now - r.before })),
  );
}
