/**
 * The aggregates the big screen (大屏, evaluation module) reads from cases: counted in SQL by
 * `screen.store.ts`, visible to the caller exactly as the case list is — except the trends of an area
 * (district, street, community), which sum the roll-up counters ('received', 'closed'; rollup.ts) so that a
 * refresh does not count a year of case rows: they count the area's cases, as the bulletin does.
 * Evaluation never names the tables.
 */
import type { Db } from '../../platform/db/store.js';
import type { Viewer } from './cases.store.js';
import { chinaDay, METRIC_ID } from './rollup.js';
import { RollupsStore } from './rollups.store.js';
import { CaseScreenStore, type LiveFigure } from './screen.store.js';

/** YYYY-MM-DD of China day number `d`. */
const dayLabel = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

export interface AreaLoad {
  areaCode: string;
  open: number;
  overdue: number;
}
export interface StreetCategoryCount {
  street: string;
  categoryCode: string;
  name: string;
  nameEn: string;
  now: number;
  before: number;
}

export class CaseScreenReader {
  private readonly store: CaseScreenStore;
  private readonly rollups: RollupsStore;

  constructor(db: Db) {
    this.store = new CaseScreenStore(db);
    this.rollups = new RollupsStore(db);
  }

  async areaLoad(v: Viewer, area: string | null, now: Date): Promise<AreaLoad[]> {
    const rows = await this.store.areaLoad(v, area, now);
    return rows.map((r) => ({ areaCode: r.area_code, open: Number(r.open), overdue: Number(r.overdue) }));
  }

  /** Received and closed per civil day (YYYY-MM-DD in China's time) from `from` on. */
  async daily(v: Viewer, area: string | null, from: Date) {
    const prefix = area ?? v.scope;
    if (prefix.length <= 12) {
      const rows = await this.rollups.perDay(['received', 'closed'], prefix, chinaDay(from));
      const received = new Map<string, number>();
      const closed = new Map<string, number>();
      for (const r of rows) {
        const n = Number(r.n);
        if (n !== 0) (r.metric === METRIC_ID.get('received') ? received : closed).set(dayLabel(r.stamp), n);
      }
      return { received, closed };
    }
    const s = await this.store.daily(v, area, from);
    const toMap = (rows: { day: string; n: string | number }[]) =>
      new Map(rows.map((r) => [r.day, Number(r.n)]));
    return { received: toMap(s.received), closed: toMap(s.closed) };
  }

  async streetCategories(
    v: Viewer,
    area: string | null,
    spans: { from: Date; to: Date; beforeFrom: Date; beforeTo: Date },
  ): Promise<StreetCategoryCount[]> {
    const rows = await this.store.streetCategories(v, area, spans);
    return rows.map((r) => ({
      street: r.street,
      categoryCode: r.category_code,
      name: r.name,
      nameEn: r.name_en,
      now: Number(r.now),
      before: Number(r.before),
    }));
  }

  /**
   * The leader's live figures as of `now` (领导首页): each a count and the ids of at most `limit` of its cases
   * (the most urgent or newest), counted in SQL over the cases the viewer sees.
   */
  async live(v: Viewer, area: string | null, now: Date, today: Date, limit: number) {
    const at = { now, today, soon: new Date(now.getTime() + 24 * 3_600_000) };
    const figure = async (which: LiveFigure) => {
      const rows = await this.store.liveCases(v, area, which, at, limit);
      return {
        count: Number(rows[0]?.total ?? 0),
        caseIds: rows.map((r) => r.id),
        unreported: Number(rows[0]?.unreported ?? 0),
      };
    };
    const [intake, closed, overdue, nearly, whistles] = await Promise.all([
      figure('intake'),
      figure('closed'),
      figure('overdue'),
      figure('nearly'),
      figure('whistles'),
    ]);
    return { intake, closed, overdue, nearly, whistles };
  }

  async overdueCases(v: Viewer, area: string | null, now: Date, limit: number) {
    const rows = await this.store.overdueCases(v, area, now, limit);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      title: r.title,
      state: r.state,
      areaCode: r.area_code,
      unitId: r.assigned_unit_id,
      dueAt: r.due_at as Date,
      categoryName: r.category_name,
      categoryNameEn: r.category_name_en,
    }));
  }

  async openWhistles(v: Viewer, area: string | null, limit: number) {
    const rows = await this.store.openWhistles(v, area, limit);
    return {
      total: Number(rows[0]?.total ?? 0),
      rows: rows.map((r) => ({
        id: r.id,
        number: r.number,
        title: r.title,
        areaCode: r.area_code,
        createdAt: r.created_at,
        reportDueAt: r.whistle ? new Date(r.whistle.reportDueAt) : null,
        units: (r.whistle?.units ?? []).map((u) => ({
          unitId: u.unitId,
          lead: u.lead,
          reportedAt: u.reportedAt ? new Date(u.reportedAt) : null,
          late: u.late,
        })),
      })),
    };
  }
}
