/**
 * Evaluation (考核评价): indicators over the case facts of a period and an area or unit, the assessment scheme
 * a district edits, composite scores per street and department and the monthly bulletin (the leader's
 * dashboard is dashboard.service.ts). Reads cases only through `CaseFactsSource` (the cases module's facts
 * reader).
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { type Principal, seesByUnitOnly, unitInScope } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import type {
  CaseFacts,
  FactFilter,
  OverdueOpen,
  RollupCount,
  RollupFilter,
} from '../cases/cases.service.js';
import { chinaDay, dayStart } from '../cases/cases.service.js';
import { userNames } from '../org/members.service.js';
import { activeUnitAreas, unitNames } from '../org/org.service.js';
import { areaNames, findArea } from '../places/places.service.js';
import type { FigureQueryT, SchemeT } from './evaluation.schemas.js';
import { Scheme } from './evaluation.schemas.js';
import { EvaluationStore } from './evaluation.store.js';
import {
  type AsOf,
  computeAll,
  type Figure,
  INDICATORS,
  type IndicatorKey,
  isOverdue,
  UNAVAILABLE,
} from './indicators.js';
import { type NamedPeriod, parsePeriod, previousPeriod } from './period.js';
import { rank } from './ranking.js';
import { addToBag, type CountBag, countsCounter, emptyBag, figuresFromCounts } from './rollup-figures.js';
import {
  compositeScore,
  DEFAULT_SCHEME,
  factsCounter,
  type Group,
  type PerCaseCounter,
  type ScoreItem,
} from './scheme.js';

/** The reads evaluation needs from cases (`cases.facts`): case facts, and the roll-up counts. */
export interface CaseFactsSource {
  facts(v: Pick<Principal, 'scope' | 'unitId' | 'roles'>, f: FactFilter): Promise<CaseFacts[]>;
  counts(f: RollupFilter): Promise<RollupCount[]>;
  overdueOpen(
    v: Pick<Principal, 'scope' | 'unitId' | 'roles'>,
    areaPrefix: string,
    before: Date,
    perGroup: number,
  ): Promise<OverdueOpen[]>;
}

/** Whether a period can be read from the per-day roll-ups: it ends at a day boundary (not a running day). */
export const countable = (p: AsOf) => dayStart(chinaDay(p.end)).getTime() === p.end.getTime();

export const DEFINITIONS = [
  '应结案: filed cases closed in the period, or open at its end with their handling deadline inside it; cases deferred (缓办) at the end are left out.',
  '按期: handling finished (反馈) before the deadline (working time from 签收, approved extensions added, suspended time left out).',
  '满意率: satisfied or basically satisfied among the rated cases closed in the period; unrated cases are left out of the denominator.',
  'Departments are credited with the cases last dispatched to them; streets with the cases inside them.',
  'A rate with no cases behind it earns the rule its full points.',
];

export interface UnitScoreOut {
  group: Group;
  id: string;
  name: string;
  score: number;
  grade: { label: string; colour: SchemeT['grades'][number]['colour'] };
  items: ScoreItem[];
  figures: Record<string, { rate: number | null; numerator: number; denominator: number | null }>;
  /** Not in the API answer: for rankings and overdue lists (facts only when read from facts). */
  all: Record<IndicatorKey, Figure>;
  facts: CaseFacts[] | null;
}

export const periodOut = (p: NamedPeriod) => ({
  label: p.label,
  kind: p.kind,
  from: p.from.toISOString(),
  to: p.to.toISOString(),
  asOf: p.end.toISOString(),
});

export function figureOut(key: IndicatorKey, f: Figure) {
  const d = INDICATORS.find((x) => x.key === key);
  if (!d) throw new Error(`unknown indicator ${key}`);
  return { key, family: d.family, zh: d.zh, en: d.en, better: d.better, ...f };
}

export class Evaluation {
  private readonly store: EvaluationStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: CaseFactsSource,
    readonly now: () => Date = () => new Date(),
  ) {
    this.store = new EvaluationStore(db);
  }

  /** The area and unit asked for, checked: unknown or outside the caller's scope answers 404 naming the field. */
  async resolveTarget(
    p: Principal,
    q: { area?: string; unit?: string },
  ): Promise<{ area: string | null; unit: string | null }> {
    let area: string | null = null;
    if (q.area !== undefined) {
      const found = await findArea(this.db, q.area);
      const visible = !seesByUnitOnly(p.roles) && q.area.startsWith(p.scope);
      if (!found || !visible)
        throw new NotFound('area_not_found', `There is no area ${q.area} in your scope.`, { field: 'area' });
      area = q.area;
    }
    let unit: string | null = null;
    if (q.unit !== undefined) {
      const areas = await activeUnitAreas(this.db, [q.unit]);
      const unitArea = areas.get(q.unit);
      const visible = seesByUnitOnly(p.roles)
        ? p.unitId === q.unit
        : unitArea !== undefined && unitInScope(p.scope, unitArea);
      if (unitArea === undefined || !visible)
        throw new NotFound('unit_not_found', `There is no unit ${q.unit} in your scope.`, { field: 'unit' });
      unit = q.unit;
    }
    return { area, unit };
  }

  private facts(p: Principal, period: AsOf, target: { area: string | null; unit: string | null }) {
    return this.cases.facts(p, {
      from: period.from,
      to: period.to,
      ...(target.area ? { areaPrefix: target.area } : {}),
      ...(target.unit ? { unitId: target.unit } : {}),
    });
  }

  /** Every indicator for a period and an area or unit, each with the cases behind it. */
  async indicators(p: Principal, q: FigureQueryT) {
    const period = parsePeriod(q, this.now());
    const target = await this.resolveTarget(p, q);
    const figures = computeAll(await this.facts(p, period, target), period);
    return {
      period: periodOut(period),
      area: target.area,
      unit: target.unit,
      figures: INDICATORS.map((d) => figureOut(d.key, figures[d.key])),
      unavailable: [...UNAVAILABLE],
      definitions: DEFINITIONS,
    };
  }

  /**
   * Every indicator over the cases of the caller's scope (a handler: their unit's counters) for a period
   * of whole days, from the roll-ups.
   */
  async scopeFigures(p: Principal, period: NamedPeriod): Promise<Record<IndicatorKey, Figure>> {
    if (!countable(period)) throw new Error(`scopeFigures needs whole days, not ${period.label}`);
    const byUnit = seesByUnitOnly(p.roles);
    const bag = emptyBag();
    if (byUnit && !p.unitId) return figuresFromCounts(bag);
    const counts = await this.cases.counts({
      fromDay: chinaDay(period.from),
      endDay: chinaDay(period.end),
      areaPrefix: byUnit ? '' : p.scope,
      ...(byUnit && p.unitId ? { unitId: p.unitId } : {}),
    });
    for (const c of counts) addToBag(bag, c);
    return figuresFromCounts(bag);
  }

  // ---------- schemes ----------

  private requireDistrict(p: Principal, district: string, write: boolean): void {
    const ok = write
      ? district.startsWith(p.scope)
      : district.startsWith(p.scope) || p.scope.startsWith(district);
    if (!ok)
      throw write && p.scope.startsWith(district)
        ? new Forbidden('scope_outside', `Only a district-wide user edits district ${district}'s scheme.`, {
            field: 'district',
          })
        : new NotFound('area_not_found', `There is no district ${district} in your scope.`, {
            field: 'district',
          });
  }

  /** The scheme in force for a district's month (the saved one, or the built-in default). */
  async scheme(p: Principal, district: string, period: string) {
    this.requireDistrict(p, district, false);
    return this.schemeInForce(district, period);
  }

  private async schemeInForce(district: string, period: string) {
    const row = await this.store.schemeInForce(district, period);
    if (!row)
      return { district, period: null, source: 'default' as const, scheme: DEFAULT_SCHEME, updatedAt: null };
    // Stored schemes were validated when saved; parse again so a hand-edited row cannot break scoring.
    const parsed = Scheme.safeParse(row.scheme);
    return {
      district,
      period: row.period,
      source: 'stored' as const,
      scheme: parsed.success ? parsed.data : DEFAULT_SCHEME,
      updatedAt: row.updated_at.toISOString(),
    };
  }

  /** Saves a district's scheme from a month on (validated by the route's schema), audited. */
  async saveScheme(p: Principal, input: { district: string; period: string; scheme: SchemeT }) {
    this.requireDistrict(p, input.district, true);
    if (!(await findArea(this.db, input.district)))
      throw new NotFound('area_not_found', `There is no district ${input.district}.`, { field: 'district' });
    const at = this.now();
    const saved = await this.db.transaction().execute(async (trx) => {
      const row = await new EvaluationStore(trx).saveScheme(
        input.district,
        input.period,
        input.scheme,
        p.userId,
        at,
      );
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'evaluation_scheme',
        entityId: `${input.district}/${input.period}`,
        after: input.scheme,
      });
      return row;
    });
    return {
      district: saved.district,
      period: saved.period,
      source: 'stored' as const,
      scheme: input.scheme,
      updatedAt: saved.updated_at.toISOString(),
    };
  }

  // ---------- scores ----------

  /**
   * Streets, departments and people of an area with their figures and composite score under the scheme in
   * force. Read from the roll-ups when the period ends at a day boundary and the area is a district, street
   * or community (`source: 'rollups'`); otherwise from the case facts (a running day, a grid).
   */
  async scoreUnits(p: Principal, area: string, period: NamedPeriod, opts: { facts?: boolean } = {}) {
    const district = area.slice(0, 6);
    const target = await this.resolveTarget(p, { area });
    const scheme = await this.schemeInForce(district, period.label.slice(0, 7));
    const fromCounts = !opts.facts && countable(period) && area.length <= 12;
    type Data = { all: Record<IndicatorKey, Figure>; perCase: PerCaseCounter; facts: CaseFacts[] | null };
    const groups = {
      street: new Map<string, Data>(),
      department: new Map<string, Data>(),
      person: new Map<string, Data>(),
    };
    let totals: Data;
    if (fromCounts) {
      const counts = await this.cases.counts({
        fromDay: chinaDay(period.from),
        endDay: chinaDay(period.end),
        areaPrefix: area,
      });
      const total = emptyBag();
      const bags = {
        street: new Map<string, CountBag>(),
        department: new Map<string, CountBag>(),
        person: new Map<string, CountBag>(),
      };
      const into = (m: Map<string, CountBag>, k: string, c: RollupCount) => {
        const b = m.get(k) ?? emptyBag();
        m.set(k, b);
        addToBag(b, c);
      };
      for (const c of counts) {
        addToBag(total, c);
        into(bags.street, c.street, c);
        if (c.unitId) into(bags.department, c.unitId, c);
        if (c.userId) into(bags.person, c.userId, c);
      }
      const data = (b: CountBag): Data => ({
        all: figuresFromCounts(b),
        perCase: countsCounter(b),
        facts: null,
      });
      totals = data(total);
      for (const g of ['street', 'department', 'person'] as const)
        for (const [k, b] of bags[g]) groups[g].set(k, data(b));
    } else {
      const facts = await this.facts(p, period, target);
      const lists = {
        street: new Map<string, CaseFacts[]>(),
        department: new Map<string, CaseFacts[]>(),
        person: new Map<string, CaseFacts[]>(),
      };
      const push = (m: Map<string, CaseFacts[]>, k: string, f: CaseFacts) => {
        const list = m.get(k);
        if (list) list.push(f);
        else m.set(k, [f]);
      };
      for (const f of facts) {
        push(lists.street, f.areaCode.slice(0, 9), f);
        if (f.unitId) push(lists.department, f.unitId, f);
        if (f.userId) push(lists.person, f.userId, f);
      }
      const data = (list: CaseFacts[]): Data => ({
        all: computeAll(list, period),
        perCase: factsCounter(list, period),
        facts: list,
      });
      totals = data(facts);
      for (const g of ['street', 'department', 'person'] as const)
        for (const [k, list] of lists[g]) groups[g].set(k, data(list));
    }
    const [streetNames, deptNames, personNames] = await Promise.all([
      areaNames(this.db, [...groups.street.keys()]),
      unitNames(this.db, [...groups.department.keys()]),
      userNames(this.db, [...groups.person.keys()]),
    ]);
    const score = (group: Group, id: string, name: string, d: Data): UnitScoreOut => {
      const c = compositeScore(scheme.scheme, group, d.all, d.perCase);
      const figures: UnitScoreOut['figures'] = {};
      for (const x of INDICATORS)
        figures[x.key] = {
          rate: d.all[x.key].rate,
          numerator: d.all[x.key].numerator,
          denominator: d.all[x.key].denominator,
        };
      return { group, id, name, ...c, figures, all: d.all, facts: d.facts };
    };
    const byScore = (a: UnitScoreOut, b: UnitScoreOut) => b.score - a.score || a.name.localeCompare(b.name);
    const list = (g: Group, names: Map<string, string>) =>
      [...groups[g]].map(([id, d]) => score(g, id, names.get(id) ?? id, d)).sort(byScore);
    return {
      scheme,
      source: fromCounts ? ('rollups' as const) : ('facts' as const),
      totals: totals.all,
      facts: totals.facts,
      streets: list('street', streetNames),
      departments: list('department', deptNames),
      people: list('person', personNames),
    };
  }

  async scores(p: Principal, q: { period: string; district: string }) {
    const period = parsePeriod({ period: q.period }, this.now());
    const s = await this.scoreUnits(p, q.district, period);
    const strip = ({ all: _a, facts: _f, ...rest }: UnitScoreOut) => rest;
    return {
      period: periodOut(period),
      district: q.district,
      scheme: { name: s.scheme.scheme.name, source: s.scheme.source, period: s.scheme.period },
      streets: s.streets.map(strip),
      departments: s.departments.map(strip),
      people: s.people.map(strip),
    };
  }

  // ---------- bulletin 通报 ----------

  async bulletin(p: Principal, q: { period: string; district: string }) {
    const period = parsePeriod({ period: q.period }, this.now());
    const before = previousPeriod(period);
    const [now, prev, names] = await Promise.all([
      this.scoreUnits(p, q.district, period),
      this.scoreUnits(p, q.district, before),
      areaNames(this.db, [q.district]),
    ]);
    const totalsNow = now.totals;
    const totalsPrev = prev.totals;
    const change = (a: number | null, b: number | null) =>
      a === null || b === null ? null : Math.round((a - b) * 100) / 100;
    const value = (f: Figure) => (f.denominator === null ? f.numerator : f.rate);
    const groupOf = (s: typeof now, group: Group) =>
      group === 'street' ? s.streets : group === 'department' ? s.departments : s.people;
    const rankings = (['street', 'department', 'person'] as const).flatMap((group) => {
      const list = groupOf(now, group);
      const prevById = new Map(groupOf(prev, group).map((u) => [u.id, u]));
      const metrics = [
        {
          key: 'composite',
          zh: '综合得分',
          en: 'Composite score',
          better: 'higher' as const,
          of: (u: UnitScoreOut) => u.score,
        },
        ...INDICATORS.map((d) => ({
          key: d.key,
          zh: d.zh,
          en: d.en,
          better: d.better,
          of: (u: UnitScoreOut) => value(u.all[d.key]),
        })),
      ];
      return metrics.map((m) => ({
        group,
        key: m.key,
        zh: m.zh,
        en: m.en,
        rows: rank(list, m.of, m.better).map((r) => {
          const before = prevById.get(r.item.id);
          const previous = before ? m.of(before) : null;
          return {
            id: r.item.id,
            name: r.item.name,
            value: r.value,
            rank: r.rank,
            previous,
            change: change(r.value, previous),
          };
        }),
      }));
    });
    // From facts: the cases overdue at the period's end. From roll-ups (no case ids): the cases still open
    // now whose running deadline passed before the period's end, five per street and per unit.
    const stillOpen = now.facts ? [] : await this.cases.overdueOpen(p, q.district, period.end, 5);
    const worstOverdue = [...now.streets, ...now.departments].map((u) => ({
      group: u.group,
      id: u.id,
      name: u.name,
      cases: (u.facts
        ? u.facts
            .filter((f) => isOverdue(f, period))
            .map((f) => ({
              id: f.id,
              number: f.number,
              title: f.title,
              overdueHours: overdueHours(f, period),
            }))
        : stillOpen
            .filter((c) => (u.group === 'street' ? c.areaCode.startsWith(u.id) : c.unitId === u.id))
            .map((c) => ({
              id: c.id,
              number: c.number,
              title: c.title,
              overdueHours: Math.round(((period.end.getTime() - c.dueAt.getTime()) / 3_600_000) * 10) / 10,
            }))
      )
        .sort((a, b) => b.overdueHours - a.overdueHours)
        .slice(0, 5),
    }));
    return {
      period: periodOut(period),
      previousPeriod: periodOut(before),
      district: q.district,
      districtName: names.get(q.district) ?? q.district,
      totals: INDICATORS.map((d) => ({
        ...figureOut(d.key, totalsNow[d.key]),
        previous: value(totalsPrev[d.key]),
        change: change(value(totalsNow[d.key]), value(totalsPrev[d.key])),
      })),
      rankings,
      worstOverdue,
    };
  }
}

/** Hours past the running step's deadline at the period's end. */
function overdueHours(f: CaseFacts, p: AsOf): number {
  const d = f.dispatches[f.dispatches.length - 1];
  const due = f.handleDueAt ?? d?.signDueAt ?? f.fileDueAt;
  return Math.max(0, Math.round(((p.end.getTime() - due.getTime()) / 3_600_000) * 10) / 10);
}
