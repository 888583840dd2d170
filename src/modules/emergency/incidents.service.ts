/**
 * Incidents (突发事件): report, command roles, escalation and de-escalation (升级/降级, recorded and
 * notified), notes on the time line, case links, closing with a summary. Every change writes the
 * incident row (version compared) and its hash-chained event in one transaction.
 */
import type { Kysely } from 'kysely';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import { localDate } from '../../platform/calendar/working-time.js';
import { lockName } from '../../platform/db/locks.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { notify } from '../notifications/notifications.service.js';
import type { IncidentCreateT } from './emergency.schemas.js';
import { EmergencyStore, type IncidentRow } from './emergency.store.js';
import { GENESIS_HASH, incidentEventHash } from './incident-chain.js';
import {
  colourOfLevel,
  decideLevelChange,
  type IncidentStatus,
  incidentNumber,
  isSubtypeOf,
  LEVEL_NUMERAL,
  type Level,
} from './incident-rules.js';
import { incidentDetailView, incidentSummary, normaliseCommand } from './incident-view.js';
import { ResourcesStore } from './resources.store.js';
import type { DutyAlerts } from './roster.service.js';

/** What the incidents need of the places module (its service satisfies it). */
export interface PlaceLocator {
  locate(lon: number, lat: number): Promise<{ grid: { code: string } } | null>;
  areaExists(code: string): Promise<boolean>;
}
/** What they need of the org module. */
export interface UnitDirectory {
  activeUnits(ids: readonly string[]): Promise<{ id: string; name: string; areaCode: string }[]>;
  unitNames(ids: readonly string[]): Promise<Map<string, string>>;
}
/** What they need of the cases module (`cases.queries`): a case the caller sees, or 404. */
export interface CaseLookup {
  visibleRow(
    v: Pick<Principal, 'scope' | 'unitId' | 'roles'>,
    id: string,
  ): Promise<{ id: string; number: string; title: string; state: string }>;
}

type Actor = Pick<Principal, 'userId' | 'displayName'>;

/** Writes one event chained to the incident's last (the caller holds the incident row: version compared). */
export async function appendIncidentEvent(
  store: EmergencyStore,
  incidentId: string,
  actor: Actor | null,
  type: string,
  at: Date,
  note: string | null,
  payload: unknown,
): Promise<number> {
  const last = await store.lastEvent(incidentId);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content = {
    incidentId,
    seq,
    type,
    at,
    actorId: actor?.userId ?? null,
    actorName: actor?.displayName ?? 'system',
    note,
    payload: payload ?? {},
  };
  await store.insertEvent({ ...content, prevHash, hash: incidentEventHash(prevHash, content) });
  return seq;
}

export class Incidents {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly places: PlaceLocator,
    private readonly units: UnitDirectory,
    private readonly cases: CaseLookup,
    private readonly clock: () => Date = () => new Date(),
    private readonly alerts: DutyAlerts | null = null,
  ) {}

  now(): Date {
    return this.clock();
  }

  /** The incident if the caller sees it; 404 otherwise, exactly like a missing one. */
  async visible(p: Pick<Principal, 'scope' | 'unitId'>, id: string, db: Db = this.db): Promise<IncidentRow> {
    const row = await new EmergencyStore(db).visibleIncident(p, id);
    if (!row)
      throw new NotFound('incident_not_found', 'The incident does not exist or is outside your scope.');
    return row;
  }

  list(p: Principal, status?: 'open' | 'closed') {
    return new EmergencyStore(this.db)
      .listIncidents(p, status ?? null, 500)
      .then((rows) => rows.map(incidentSummary));
  }

  /**
   * The open incidents under an area-code prefix for the big screen's emergency layer: most severe level
   * first, then newest, and how many there are in all.
   */
  async openIncidents(scope: string, limit: number) {
    const rows = await new EmergencyStore(this.db).listIncidents({ scope, unitId: null }, 'open', 500);
    const sorted = rows
      .map(incidentSummary)
      .sort((a, b) => a.level - b.level || b.createdAt.localeCompare(a.createdAt));
    return { total: rows.length, rows: sorted.slice(0, limit) };
  }

  /** 接报: records a new incident at its place (a point is located to its grid) with its first event. */
  async report(p: Principal, input: IncidentCreateT) {
    if (!isSubtypeOf(input.type, input.subtype))
      throw new Invalid('unknown_subtype', `"${input.subtype}" is not a subtype of ${input.type}.`, {
        type: input.type,
        subtype: input.subtype,
      });
    let areaCode: string;
    if (input.lon !== undefined && input.lat !== undefined) {
      const located = await this.places.locate(input.lon, input.lat);
      if (!located) throw new Invalid('outside_grids', 'The place is in no grid.');
      areaCode = located.grid.code;
    } else {
      areaCode = input.areaCode ?? '';
      if (!(await this.places.areaExists(areaCode)))
        throw new NotFound('area_not_found', 'The area does not exist.');
    }
    if (!areaCode.startsWith(p.scope))
      throw new Forbidden('scope_outside', 'The place is outside your scope.');
    for (const g of input.affectedGrids) {
      if (!g.startsWith(p.scope)) throw new Forbidden('scope_outside', `Grid ${g} is outside your scope.`);
      if (!(await this.places.areaExists(g))) throw new Invalid('unknown_grid', `Grid ${g} does not exist.`);
    }
    const unitId = input.unitId ?? p.unitId;
    if (!unitId) throw new Invalid('unit_required', 'Name the commanding unit (you belong to none).');
    const [unit] = await this.units.activeUnits([unitId]);
    if (!unit) throw new Invalid('unknown_unit', 'The commanding unit does not exist.', { unitId });
    if (!unitInScope(p.scope, unit.areaCode))
      throw new Forbidden('scope_outside', 'The commanding unit is outside your scope.');
    const at = this.clock();
    let after = async () => {};
    const row = await this.db.transaction().execute(async (trx) => {
      const opened = await this.open(
        trx,
        p,
        {
          title: input.title,
          type: input.type,
          subtype: input.subtype,
          level: input.level as Level,
          colour: input.colour ?? null,
          lon: input.lon ?? null,
          lat: input.lat ?? null,
          areaCode,
          affectedGrids: input.affectedGrids,
          reporter: input.reporter ?? p.displayName,
          unitId: unit.id,
          command: input.command,
          description: input.description,
        },
        at,
        null,
      );
      after = opened.after;
      return opened.row;
    });
    await after();
    return this.detail(p, row.id);
  }

  /**
   * Writes a new incident and its first event in the caller's transaction (接报, or an alarm rule), and
   * alerts the people on duty of its commanding unit: answers the row and what to run after the commit.
   */
  async open(
    trx: Db,
    actor: Actor | null,
    f: {
      title: string;
      type: IncidentCreateT['type'];
      subtype: string;
      level: Level;
      colour: IncidentCreateT['colour'] | null;
      lon: number | null;
      lat: number | null;
      areaCode: string;
      affectedGrids: readonly string[];
      reporter: string;
      unitId: string;
      command: Parameters<typeof normaliseCommand>[0];
      description: string;
    },
    at: Date,
    payload: Record<string, unknown> | null,
  ): Promise<{ row: IncidentRow; after: () => Promise<void> }> {
    const store = new EmergencyStore(trx);
    const prefix = incidentNumber(localDate(at), 0).slice(0, -4);
    await lockName(trx, 'emergency_number', prefix);
    const number = incidentNumber(localDate(at), (await store.countNumbered(prefix)) + 1);
    const inserted = await store.insertIncident({
      number,
      title: f.title,
      type: f.type,
      subtype: f.subtype,
      level: f.level,
      colour: f.colour ?? colourOfLevel(f.level),
      lon: f.lon,
      lat: f.lat,
      area_code: f.areaCode,
      affected_grids: [...new Set([...(f.areaCode.length === 15 ? [f.areaCode] : []), ...f.affectedGrids])],
      reporter: f.reporter,
      unit_id: f.unitId,
      command: JSON.stringify(normaliseCommand(f.command)),
      description: f.description,
      created_at: at,
      updated_at: at,
    });
    await appendIncidentEvent(store, inserted.id, actor, 'reported', at, null, {
      type: f.type,
      subtype: f.subtype,
      level: f.level,
      colour: inserted.colour,
      areaCode: f.areaCode,
      ...payload,
    });
    const after = this.alerts
      ? await this.alerts.alert(
          trx,
          [inserted.unit_id],
          {
            kind: 'duty_incident',
            params: { number, title: f.title, level: LEVEL_NUMERAL[f.level] },
            ref: `incident:${inserted.id}:reported`,
          },
          at,
        )
      : async () => {};
    return { row: inserted, after };
  }

  /** 升级 / 降级: the level (and its colour) changes, the time line says so, the units involved hear of it. */
  async changeLevel(p: Principal, id: string, to: number, note: string) {
    await this.mutate(p, id, async (store, trx, row, at) => {
      const d = decideLevelChange(
        { status: row.status as IncidentStatus, level: row.level as Level },
        to as Level,
      );
      if (!d.ok)
        throw d.reason === 'closed'
          ? new Conflict('incident_closed', 'The incident is closed.')
          : new Invalid('same_level', 'The incident is at that level already.');
      await bump(store, row, { level: to, colour: d.colour }, at);
      const seq = await appendIncidentEvent(store, row.id, p, d.event, at, note, {
        from: row.level,
        to,
        colour: d.colour,
      });
      const taskUnits = (await store.tasks(row.id)).map((t) => t.unit_id);
      const verb = d.event === 'escalated' ? '升级' : '降级';
      await notify(
        trx,
        [...new Set([row.unit_id, ...taskUnits])].map((unitId) => ({
          unitId,
          kind: `incident_${d.event}`,
          message: `突发事件 ${row.number}「${row.title}」由${LEVEL_NUMERAL[row.level as Level]}级${verb}为${LEVEL_NUMERAL[to as Level]}级：${note}`,
          ref: `incident:${row.id}:${seq}`,
        })),
      );
      if (!this.alerts) return;
      return this.alerts.alert(
        trx,
        [row.unit_id],
        {
          kind: 'duty_level',
          params: {
            number: row.number,
            title: row.title,
            from: LEVEL_NUMERAL[row.level as Level],
            to: LEVEL_NUMERAL[to as Level],
            note,
          },
          ref: `incident:${row.id}:${seq}`,
        },
        at,
      );
    });
    return this.detail(p, id);
  }

  /** 指挥体系: sets the command roles (总指挥, 现场指挥, 联络员). */
  async setCommand(p: Principal, id: string, command: Parameters<typeof normaliseCommand>[0]) {
    await this.mutate(p, id, async (store, _trx, row, at) => {
      requireOpen(row);
      const next = { ...normaliseCommand(row.command), ...normaliseCommand(command, true) };
      await bump(store, row, { command: JSON.stringify(next) }, at);
      await appendIncidentEvent(store, row.id, p, 'command_set', at, null, next);
    });
    return this.detail(p, id);
  }

  /** A line on the time line: what happened or what was done (续报). */
  async addNote(p: Principal, id: string, note: string) {
    await this.mutate(p, id, async (store, _trx, row, at) => {
      requireOpen(row);
      await bump(store, row, {}, at);
      await appendIncidentEvent(store, row.id, p, 'note', at, note, {});
    });
    return this.detail(p, id);
  }

  /** Links a case the caller sees (a complaint or report the incident caused); again is no change. */
  async linkCase(p: Principal, id: string, caseId: string) {
    const c = await this.cases.visibleRow(p, caseId);
    await this.mutate(p, id, async (store, _trx, row, at) => {
      requireOpen(row);
      if (!(await store.linkCase(row.id, c.id, at))) return;
      await bump(store, row, {}, at);
      await appendIncidentEvent(store, row.id, p, 'case_linked', at, null, {
        caseId: c.id,
        number: c.number,
      });
    });
    return this.detail(p, id);
  }

  /** 信息发布: sets (or, with null, withdraws) the notice the citizen portal shows of the incident. */
  async publish(p: Principal, id: string, notice: string | null) {
    await this.mutate(p, id, async (store, _trx, row, at) => {
      if (notice === null && row.public_notice === null) return;
      await bump(store, row, { public_notice: notice, published_at: notice === null ? null : at }, at);
      await appendIncidentEvent(
        store,
        row.id,
        p,
        notice === null ? 'unpublished' : 'published',
        at,
        notice,
        {},
      );
    });
    return this.detail(p, id);
  }

  /** What the public reads: incidents with a notice, their kind and level and the notice, nothing internal. */
  async publicNotices() {
    const rows = await new EmergencyStore(this.db).publicNotices(50);
    return rows.map((r) => ({
      number: r.number,
      title: r.title,
      type: r.type as IncidentCreateT['type'],
      subtype: r.subtype,
      level: r.level,
      colour: r.colour as 'red' | 'orange' | 'yellow' | 'blue',
      status: r.status as IncidentStatus,
      notice: r.public_notice ?? '',
      publishedAt: (r.published_at ?? new Date(0)).toISOString(),
      closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    }));
  }

  /** 结束: closes the incident with its summary (总结); its open tasks stay visible as not done. */
  async close(p: Principal, id: string, summary: string) {
    await this.mutate(p, id, async (store, trx, row, at) => {
      requireOpen(row);
      await bump(store, row, { status: 'closed', summary, closed_at: at }, at);
      await appendIncidentEvent(store, row.id, p, 'closed', at, summary, {});
      await notify(trx, [
        {
          unitId: row.unit_id,
          kind: 'incident_closed',
          message: `突发事件 ${row.number}「${row.title}」已结束`,
          ref: `incident:${row.id}:closed`,
        },
      ]);
    });
    return this.detail(p, id);
  }

  /** The incident with its time line, linked cases, plan activations and action tasks. */
  async detail(p: Principal, id: string) {
    const row = await this.visible(p, id);
    const store = new EmergencyStore(this.db);
    const [events, links, activations, tasks, dispatches] = await Promise.all([
      store.events(row.id),
      store.linkedCases(row.id),
      store.activations(row.id),
      store.tasks(row.id),
      new ResourcesStore(this.db).dispatches(row.id),
    ]);
    const cases = [];
    for (const l of links) {
      // A linked case outside the caller's sight is left out, not revealed.
      const c = await this.cases.visibleRow(p, l.case_id).catch(() => null);
      if (c) cases.push({ id: c.id, number: c.number, title: c.title, state: c.state });
    }
    const names = await this.units.unitNames(tasks.map((t) => t.unit_id));
    return incidentDetailView(row, { events, cases, activations, tasks, dispatches }, names, this.clock());
  }

  /**
   * Runs a change on the incident the caller sees, in one transaction; the row is re-read inside it and
   * every write compares its version, so of two racing changes the loser gets 409 with nothing changed.
   */
  async mutate(
    p: Principal,
    id: string,
    change: (
      store: EmergencyStore,
      trx: Db,
      row: IncidentRow,
      at: Date,
    ) => Promise<void | (() => Promise<void>)>,
  ): Promise<void> {
    await this.visible(p, id);
    const after = await this.db.transaction().execute(async (trx) => {
      const row = await this.visible(p, id, trx);
      return change(new EmergencyStore(trx), trx, row, this.clock());
    });
    // What waits for the commit (SMS to the people on duty) runs once the change is there to stay.
    if (after) await after();
  }
}

/** Writes the patch if the row is still at the version read; 409 with nothing changed otherwise. */
export async function bump(
  store: EmergencyStore,
  row: IncidentRow,
  patch: Parameters<EmergencyStore['updateIncident']>[2],
  at: Date,
): Promise<IncidentRow> {
  const r = await store.updateIncident(row.id, row.version, patch, at);
  if (!r)
    throw new Conflict('incident_version_conflict', 'The incident changed meanwhile; reload and retry.');
  return r;
}

export function requireOpen(row: IncidentRow): void {
  if (row.status === 'closed') throw new Conflict('incident_closed', 'The incident is closed.');
}
