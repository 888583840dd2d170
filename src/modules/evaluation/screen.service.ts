/**
 * The big screen (大屏) of the command centre: live counts, grid load for the map, trends, top and rising
 * categories per street, the overdue list and open whistles — each counted in SQL by the cases module
 * (`cases.screen`), so one refresh stays a handful of grouped scans on a year of data — and the emergency
 * layer: open incidents from the emergency module (`ScreenIncidentSource`, passed in at composition).
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import type { CaseScreenReader } from '../cases/screen.service.js';
import { unitNames } from '../org/org.service.js';
import { areaNames } from '../places/places.service.js';
import type { Evaluation } from './evaluation.service.js';
import { byMonth, fillSeries, risingByStreet, screenWindows, topCategories } from './screen.js';
import type { ScreenOutT } from './screen.schemas.js';

export const SCREEN_REFRESH_SECONDS = 30;
const OVERDUE_ROWS = 12;
const WHISTLE_ROWS = 6;
const TOP_CATEGORIES = 8;
const RISING_PER_STREET = 2;
const INCIDENT_ROWS = 20;

/** The cases module's aggregates the screen reads. */
export type ScreenSource = Pick<
  CaseScreenReader,
  'areaLoad' | 'daily' | 'streetCategories' | 'overdueCases' | 'openWhistles'
>;

/** An open incident as the emergency module hands it to the screen (passed at composition in server.ts). */
export interface ScreenIncident {
  id: string;
  number: string;
  title: string;
  type: string;
  level: number;
  colour: 'red' | 'orange' | 'yellow' | 'blue';
  areaCode: string;
  lon: number | null;
  lat: number | null;
  createdAt: string;
}
/** The emergency module's open incidents under an area-code prefix, most severe first, and their count. */
export interface ScreenIncidentSource {
  openIncidents(scope: string, limit: number): Promise<{ total: number; rows: ScreenIncident[] }>;
}
const NO_INCIDENTS: ScreenIncidentSource = { openIncidents: async () => ({ total: 0, rows: [] }) };

export class Screen {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: ScreenSource,
    /** Resolves an asked area exactly as the other figures do (404 `area_not_found` outside the scope). */
    private readonly evaluation: Pick<Evaluation, 'resolveTarget'>,
    readonly now: () => Date = () => new Date(),
    private readonly emergency: ScreenIncidentSource = NO_INCIDENTS,
  ) {}

  async screen(p: Principal, q: { area?: string }): Promise<ScreenOutT> {
    const target = await this.evaluation.resolveTarget(p, { area: q.area });
    const area = target.area;
    const now = this.now();
    const w = screenWindows(now);
    const [load, daily, streetCats, overdue, whistles, incidents] = await Promise.all([
      this.cases.areaLoad(p, area, now),
      this.cases.daily(p, area, w.months),
      this.cases.streetCategories(p, area, w.month),
      this.cases.overdueCases(p, area, now, OVERDUE_ROWS),
      this.cases.openWhistles(p, area, WHISTLE_ROWS),
      this.emergency.openIncidents(area ?? p.scope, INCIDENT_ROWS),
    ]);
    const todayLabel = w.dayLabels[w.dayLabels.length - 1] ?? '';
    const counts = {
      intake: daily.received.get(todayLabel) ?? 0,
      closed: daily.closed.get(todayLabel) ?? 0,
      open: load.reduce((n, l) => n + l.open, 0),
      overdue: load.reduce((n, l) => n + l.overdue, 0),
    };
    const rising = risingByStreet(streetCats, RISING_PER_STREET);
    const shownArea = area ?? p.scope;
    const [areas, units] = await Promise.all([
      areaNames(this.db, [
        ...(shownArea ? [shownArea] : []),
        ...rising.map((r) => r.street),
        ...overdue.map((o) => o.areaCode),
        ...whistles.rows.map((r) => r.areaCode),
        ...incidents.rows.map((r) => r.areaCode),
      ]),
      unitNames(this.db, [
        ...overdue.map((o) => o.unitId),
        ...whistles.rows.flatMap((r) => r.units.map((u) => u.unitId)),
      ]),
    ]);
    const areaName = (code: string) => areas.get(code) ?? code;
    return {
      generatedAt: now.toISOString(),
      refreshSeconds: SCREEN_REFRESH_SECONDS,
      area: { code: shownArea, name: shownArea ? areaName(shownArea) : '' },
      month: w.month.label,
      today: counts,
      load: load.map((l) => ({ code: l.areaCode, open: l.open, overdue: l.overdue })),
      daily: fillSeries(w.dayLabels, daily.received, daily.closed),
      monthly: fillSeries(w.monthLabels, byMonth(daily.received), byMonth(daily.closed)),
      topCategories: topCategories(streetCats, TOP_CATEGORIES),
      rising: rising.map((r) => ({
        street: r.street,
        streetName: areaName(r.street),
        code: r.categoryCode,
        name: r.name,
        nameEn: r.nameEn,
        now: r.now,
        before: r.before,
        rise: r.rise,
      })),
      overdue: {
        count: counts.overdue,
        rows: overdue.map((o) => ({
          id: o.id,
          number: o.number,
          title: o.title,
          areaName: areaName(o.areaCode),
          unitName: o.unitId ? (units.get(o.unitId) ?? null) : null,
          category: o.categoryName,
          categoryEn: o.categoryNameEn,
          dueAt: o.dueAt.toISOString(),
          overdueHours: Math.max(0, Math.round(((now.getTime() - o.dueAt.getTime()) / 3_600_000) * 10) / 10),
        })),
      },
      whistles: {
        count: whistles.total,
        rows: whistles.rows.map((r) => ({
          id: r.id,
          number: r.number,
          title: r.title,
          areaName: areaName(r.areaCode),
          reportDueAt: r.reportDueAt?.toISOString() ?? null,
          reported: r.units.filter((u) => u.reportedAt).length,
          units: r.units.map((u) => ({
            unitId: u.unitId,
            name: units.get(u.unitId) ?? u.unitId,
            lead: u.lead,
            reportedAt: u.reportedAt?.toISOString() ?? null,
            late: u.late,
          })),
        })),
      },
      incidents: {
        count: incidents.total,
        rows: incidents.rows.map((r) => ({
          id: r.id,
          number: r.number,
          title: r.title,
          type: r.type,
          level: r.level,
          colour: r.colour,
          areaName: areaName(r.areaCode),
          lon: r.lon,
          lat: r.lat,
          reportedAt: r.createdAt,
        })),
      },
    };
  }
}
