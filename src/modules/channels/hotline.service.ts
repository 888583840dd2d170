/**
 * The hotline console (12345/8890 接诉): a caller's earlier cases, place search over area names and the
 * operators' gazetteer, and the knowledge base of answers for consultations. Cases themselves are
 * created and closed through the case API.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { maskPhone } from '../../platform/auth/personal-data.js';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import type { Cases } from '../cases/cases.service.js';
import { activeUnitAreas, unitNames } from '../org/org.service.js';
import { type Places, searchAreas } from '../places/places.service.js';
import type { GazetteerEntryCreateT, KbEntryCreateT } from './channels.schemas.js';
import { ChannelsStore } from './channels.store.js';

type GazetteerRow = Awaited<ReturnType<ChannelsStore['gazetteer']>>[number];

export class HotlineService {
  private readonly store: ChannelsStore;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
    private readonly places: Places,
  ) {
    this.store = new ChannelsStore(db);
  }

  /**
   * A caller's earlier cases, by the number they call from (inside the operator's scope). Who looked a
   * number up, when and from where goes to the audit trail (the number itself only masked).
   */
  async callerHistory(p: Principal, phone: string, from: { ip: string }) {
    const rows = await this.cases.queries.callerHistory(p.scope, phone);
    await recordAudit(this.db, p, {
      action: 'view_personal',
      entity: 'caller',
      entityId: maskPhone(phone),
      after: { cases: rows.map((r) => r.number), ip: from.ip },
    });
    return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }

  /** Places by name: gazetteer landmarks first, then streets, communities and grids. */
  async findPlaces(p: Principal, q: string) {
    const [landmarks, areas] = await Promise.all([
      this.store.searchGazetteer(p.scope, q),
      searchAreas(this.db, p.scope, q),
    ]);
    const centre = (b: number[] | null) =>
      b
        ? { lon: ((b[0] ?? 0) + (b[2] ?? 0)) / 2, lat: ((b[1] ?? 0) + (b[3] ?? 0)) / 2 }
        : { lon: null, lat: null };
    return [
      ...landmarks.map((g) => ({
        kind: 'landmark',
        name: g.name,
        detail: g.aliases,
        areaCode: g.area_code,
        lon: g.lon,
        lat: g.lat,
      })),
      ...areas.map((a) => ({
        kind: a.level,
        name: a.name,
        detail: a.code,
        areaCode: a.code,
        ...centre(a.bbox),
      })),
    ];
  }

  async gazetteer(p: Principal) {
    return (await this.store.gazetteer(p.scope)).map(presentLandmark);
  }

  /** Adds a landmark or address, located to its grid (inside the operator's scope). */
  async addLandmark(p: Principal, e: GazetteerEntryCreateT) {
    const hit = await this.places.locate(e.lon, e.lat);
    if (!hit)
      throw new Invalid('outside_grids', 'That point is in no grid; place the landmark inside the district.');
    if (!hit.grid.code.startsWith(p.scope))
      throw new Forbidden('scope_outside', `Grid ${hit.grid.code} is outside your scope.`);
    return this.db.transaction().execute(async (trx) => {
      const row = await new ChannelsStore(trx).insertGazetteer({
        ...e,
        areaCode: hit.grid.code,
        createdBy: p.userId,
      });
      await recordAudit(trx, p, { action: 'create', entity: 'gazetteer', entityId: row.id, after: row });
      return presentLandmark(row);
    });
  }

  /** Answers for consultations (咨询), with the owning unit's name and whether a review is due. */
  async searchKb(q: string) {
    const rows = await this.store.searchKb(q);
    const owners = await unitNames(
      this.db,
      rows.map((r) => r.owner_unit_id),
    );
    return rows.flatMap((r) => {
      const ownerUnitName = owners.get(r.owner_unit_id);
      return ownerUnitName === undefined
        ? []
        : [
            {
              id: r.id,
              question: r.question,
              answer: r.answer,
              tags: r.tags,
              reviewOn: r.review_on,
              ownerUnitName,
              sim: Number(r.sim),
              reviewDue: r.review_due,
            },
          ];
    });
  }

  async addKbEntry(p: Principal, e: KbEntryCreateT) {
    const owner = (await activeUnitAreas(this.db, [e.ownerUnitId])).get(e.ownerUnitId);
    if (owner === undefined) throw new NotFound('unit_not_found', 'No such unit.');
    if (!unitInScope(p.scope, owner))
      throw new Forbidden('scope_outside', `The owning unit is outside your scope ${p.scope}.`);
    return this.db.transaction().execute(async (trx) => {
      const row = await new ChannelsStore(trx).insertKb({ ...e, updatedBy: p.userId });
      await recordAudit(trx, p, { action: 'create', entity: 'kb_entry', entityId: row.id, after: e });
      return row;
    });
  }
}

function presentLandmark(r: GazetteerRow) {
  return { ...r, updated_at: r.updated_at.toISOString() };
}
