/**
 * The registry of places and enterprises under safety supervision (场所/企业台账): register one, import
 * and export XLSX (a file with any bad row is refused whole, with every bad row and why), search.
 */
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB, SafetyPlacesTable } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { creditCodeProblem, normaliseCreditCode } from './credit-code.js';
import { type RowProblem, readRegistryXlsx, registryToXlsx } from './registry-xlsx.js';
import type { PlaceCreateT } from './safety.schemas.js';
import { type PlaceFilter, SafetyStore } from './safety.store.js';

/** What safety needs from places: locate a point to its grid, and whether an area exists. */
export interface GridLocator {
  locate(lon: number, lat: number): Promise<{ grid: { code: string } } | null>;
  areaExists(code: string): Promise<boolean>;
}

type PlaceRow = Selectable<SafetyPlacesTable> & { open_hazards?: number | string | null };

export function presentPlace(r: PlaceRow) {
  return {
    id: r.id,
    name: r.name,
    creditCode: r.credit_code,
    address: r.address,
    lon: r.lon,
    lat: r.lat,
    areaCode: r.area_code,
    industry: r.industry,
    riskGrade: r.risk_grade,
    contacts: r.contacts,
    lastInspectedOn: r.last_inspected_on,
    openHazards: Number(r.open_hazards ?? 0),
  };
}

export class Registry {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly places: GridLocator,
  ) {}

  /** The area a place belongs to: the grid of its location, else the code given; inside the caller's scope. */
  private async placeArea(
    p: Pick<Principal, 'scope'>,
    r: { lon: number | null; lat: number | null; areaCode?: string | null | undefined },
  ): Promise<{ areaCode: string } | { problem: string; code: string }> {
    let areaCode = r.areaCode ?? null;
    if (r.lon !== null && r.lat !== null) {
      try {
        const loc = await this.places.locate(r.lon, r.lat);
        if (!loc) return { code: 'outside_grids', problem: 'location: not inside any grid' };
        areaCode = loc.grid.code;
      } catch {
        return { code: 'outside_china', problem: 'location: not in China (longitude first, then latitude)' };
      }
    }
    if (!areaCode) return { code: 'location_required', problem: 'location: give lon/lat or a grid code' };
    if (!(await this.places.areaExists(areaCode)))
      return { code: 'area_not_found', problem: `area_code: no area ${areaCode}` };
    if (!areaCode.startsWith(p.scope))
      return { code: 'scope_outside', problem: `area_code: ${areaCode} is outside your scope` };
    return { areaCode };
  }

  async create(p: Principal, input: PlaceCreateT) {
    const creditCode = input.creditCode ? normaliseCreditCode(input.creditCode) : null;
    if (creditCode) {
      const problem = creditCodeProblem(creditCode);
      if (problem)
        throw new Invalid(
          'credit_code_invalid',
          `${creditCode} is not a valid unified social credit code (${problem}).`,
          {
            problem,
          },
        );
    }
    const area = await this.placeArea(p, { lon: input.lon, lat: input.lat, areaCode: input.areaCode });
    if ('problem' in area) {
      if (area.code === 'scope_outside') throw new Forbidden('scope_outside', area.problem);
      throw new Invalid(area.code, area.problem);
    }
    return this.db.transaction().execute(async (trx) => {
      const store = new SafetyStore(trx);
      if (creditCode && (await store.takenCreditCodes([creditCode])).size)
        throw new Conflict('credit_code_taken', `${creditCode} is registered already.`);
      const [id] = await store.insertPlaces([
        {
          name: input.name,
          credit_code: creditCode,
          address: input.address,
          lon: input.lon,
          lat: input.lat,
          area_code: area.areaCode,
          industry: input.industry,
          risk_grade: input.riskGrade,
          contacts: JSON.stringify(input.contacts),
          last_inspected_on: input.lastInspectedOn,
        },
      ]);
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'safety_place',
        entityId: id as string,
        after: input,
      });
      return presentPlace((await store.place('', id as string)) as PlaceRow);
    });
  }

  async get(p: Pick<Principal, 'scope'>, id: string) {
    const row = await new SafetyStore(this.db).place(p.scope, id);
    if (!row) throw new NotFound('place_not_found', 'No such place in your scope.');
    return presentPlace(row);
  }

  async list(p: Pick<Principal, 'scope'>, q: Omit<PlaceFilter, 'scope'>) {
    return (await new SafetyStore(this.db).places({ ...q, scope: p.scope })).map(presentPlace);
  }

  async exportXlsx(
    p: Pick<Principal, 'scope'>,
    q: Omit<PlaceFilter, 'scope' | 'limit' | 'offset'>,
  ): Promise<Buffer> {
    const rows = await new SafetyStore(this.db).places({ ...q, scope: p.scope, limit: 100_000, offset: 0 });
    return registryToXlsx(rows);
  }

  /**
   * Imports a workbook. Nothing is half-imported: when any row is bad the whole file is refused (400
   * `xlsx_rows`) and the report names every bad row and each of its problems.
   */
  async importXlsx(p: Principal, bytes: Buffer): Promise<{ imported: number }> {
    const { rows, problems } = await readRegistryXlsx(bytes);
    const report: RowProblem[] = [...problems];
    const located: { row: (typeof rows)[number]; areaCode: string }[] = [];
    for (const r of rows) {
      const area = await this.placeArea(p, r);
      if ('problem' in area) report.push({ row: r.row, problems: [area.problem] });
      else located.push({ row: r, areaCode: area.areaCode });
    }
    const codes = rows.flatMap((r) => (r.creditCode ? [r.creditCode] : []));
    const taken = await new SafetyStore(this.db).takenCreditCodes(codes);
    for (const r of rows)
      if (r.creditCode && taken.has(r.creditCode)) {
        const entry = report.find((x) => x.row === r.row);
        const problem = `credit_code: ${r.creditCode} is registered already`;
        if (entry) entry.problems.push(problem);
        else report.push({ row: r.row, problems: [problem] });
      }
    if (report.length) {
      report.sort((a, b) => a.row - b.row);
      throw new Invalid('xlsx_rows', `${report.length} row(s) refused; nothing was imported.`, {
        count: report.length,
        rows: report,
      });
    }
    if (located.length === 0) throw new Invalid('xlsx_empty', 'The workbook has no rows below the header.');
    await this.db.transaction().execute(async (trx) => {
      const store = new SafetyStore(trx);
      // A code registered meanwhile by another request fails the unique index: the whole file rolls back.
      await store.insertPlaces(
        located.map(({ row: r, areaCode }) => ({
          name: r.name,
          credit_code: r.creditCode,
          address: r.address,
          lon: r.lon,
          lat: r.lat,
          area_code: areaCode,
          industry: r.industry,
          risk_grade: r.riskGrade,
          contacts: JSON.stringify(r.contacts),
          last_inspected_on: r.lastInspectedOn,
        })),
      );
      await recordAudit(trx, p, {
        action: 'import',
        entity: 'safety_place',
        entityId: '*',
        after: { count: located.length },
      });
    });
    return { imported: located.length };
  }
}
