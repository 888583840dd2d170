/**
 * Reading cases: the visible row, lists and queues, the detail with its timeline and the actions the
 * caller may take now, the whistle board, possible duplicates, attachment access, chain verification —
 * and the few reads the channels need (a caller's history, the public timeline, Open311 requests).
 */

import DataLoader from 'dataloader';
import { recordAudit } from '../../platform/audit/audit.js';
import { maskReporter, reporterAccess } from '../../platform/auth/personal-data.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { TimeUnit } from '../../platform/calendar/working-time.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/files.js';
import { userNames } from '../org/members.service.js';
import { unitNames } from '../org/org.service.js';
import { areaNames } from '../places/places.service.js';
import { caseActorOf } from './case-actor.js';
import type { CaseEngine } from './case-engine.js';
import { CaseListStore } from './case-list.store.js';
import { snapshotOf, toHashed } from './case-rows.js';
import { type CaseQueryT, storeFilter } from './cases.schemas.js';
import { type CaseRow, CasesStore, type Viewer } from './cases.store.js';
import { ChannelReadsStore, type PublicCaseFilter } from './channel-reads.store.js';
import { type DeadlineLevel, deadlineLevel } from './deadlines.js';
import { boxAround, metresBetween } from './distance.js';
import { verifyChain } from './hash-chain.js';
import { availableActions } from './workflow.js';

function privacyOf(row: CaseRow) {
  return {
    kind: row.kind,
    areaCode: row.area_code,
    assignedUnitId: row.assigned_unit_id,
    createdUnitId: row.created_unit_id,
  };
}

/** Whether an open case of `category` that `v` sees lies within `radius` metres of the point. */
interface NearQuery {
  v: Viewer;
  category: string;
  lon: number;
  lat: number;
  radius: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CaseQueries {
  private readonly store: CasesStore;
  private readonly channelReads: ChannelReadsStore;

  constructor(
    private readonly engine: CaseEngine,
    private readonly files: FileStore,
  ) {
    this.store = new CasesStore(engine.db);
    this.channelReads = new ChannelReadsStore(engine.db);
  }

  /** The case if the viewer may see it; otherwise 404, exactly like a missing one. */
  async visibleRow(v: Viewer, id: string): Promise<CaseRow> {
    const row = await this.store.visibleCase(v, id);
    if (!row) throw new NotFound('case_not_found', 'The case does not exist or is outside your scope.');
    return row;
  }

  async list(p: Principal, q: CaseQueryT) {
    const now = this.engine.now();
    const { total, rows } = await new CaseListStore(this.engine.db).listCases(p, storeFilter(q), now);
    const [areas, units, users] = await Promise.all([
      areaNames(
        this.engine.db,
        rows.map((r) => r.area_code),
      ),
      unitNames(
        this.engine.db,
        rows.map((r) => r.assigned_unit_id),
      ),
      userNames(
        this.engine.db,
        rows.map((r) => r.assigned_user_id),
      ),
    ]);
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        number: r.number,
        kind: r.kind,
        categoryCode: r.category_code,
        categoryName: r.category_name,
        state: r.state,
        version: r.version,
        title: r.title,
        address: r.address,
        areaCode: r.area_code,
        areaName: areas.get(r.area_code) ?? r.area_code,
        lon: r.lon,
        lat: r.lat,
        assignedUnitId: r.assigned_unit_id,
        assignedUnitName: r.assigned_unit_id ? (units.get(r.assigned_unit_id) ?? null) : null,
        assignedUserId: r.assigned_user_id,
        assignedUserName: r.assigned_user_id ? (users.get(r.assigned_user_id) ?? null) : null,
        dueAt: r.due_at?.toISOString() ?? null,
        deadline: this.level(r, now),
        deadlineProvisional: this.engine.calendar.isProvisional(r.due_at, r.step_unit),
        urgency: r.urgency,
        createdAt: r.created_at.toISOString(),
        whistle: r.whistle,
      })),
    };
  }

  level(
    r: Pick<CaseRow, 'due_at' | 'step_started_at' | 'step_unit' | 'area_code'>,
    now: Date,
  ): DeadlineLevel {
    return deadlineLevel(
      { startedAt: r.step_started_at, dueAt: r.due_at, unit: r.step_unit as TimeUnit | null },
      now,
      this.engine.calendarFor(r.area_code),
    );
  }

  /** The case by id or public number (编号); 404 when missing or outside the caller's sight. */
  async detail(p: Principal, idOrNumber: string) {
    const row = UUID.test(idOrNumber)
      ? await this.visibleRow(p, idOrNumber)
      : await this.store.visibleCaseByNumber(p, idOrNumber).then((r) => {
          if (!r) throw new NotFound('case_not_found', 'The case does not exist or is outside your scope.');
          return r;
        });
    const id = row.id;
    const now = this.engine.now();
    const category = await this.engine.category(row.category_code);
    const events = await this.store.events(id);
    const names = await unitNames(this.engine.db, [
      row.assigned_unit_id,
      row.suggested_unit_id,
      ...(row.whistle?.units.map((u) => u.unitId) ?? []),
      ...events.map((e) => e.actor_unit_id),
    ]);
    const areas = await areaNames(this.engine.db, [row.area_code]);
    const users = await userNames(this.engine.db, [row.assigned_user_id]);
    const merged = await this.store.mergedInto(id);
    // The server sends only what the caller may see: a reporter masked, or (petitions) not at all.
    const access = reporterAccess(p, privacyOf(row));
    return {
      id: row.id,
      number: row.number,
      trackingCode: row.tracking_code,
      kind: row.kind,
      categoryCode: row.category_code,
      categoryName: category.name,
      state: row.state,
      version: row.version,
      title: row.title,
      description: row.description,
      address: row.address,
      source: row.source,
      areaCode: row.area_code,
      areaName: areas.get(row.area_code) ?? row.area_code,
      lon: row.lon,
      lat: row.lat,
      suggestedUnitId: row.suggested_unit_id,
      suggestedUnitName: names.get(row.suggested_unit_id ?? '') ?? null,
      assignedUnitId: row.assigned_unit_id,
      assignedUnitName: names.get(row.assigned_unit_id ?? '') ?? null,
      assignedUserId: row.assigned_user_id,
      assignedUserName: users.get(row.assigned_user_id ?? '') ?? null,
      dispatchMode: row.dispatch_mode,
      dueAt: row.due_at?.toISOString() ?? null,
      stepStartedAt: row.step_started_at?.toISOString() ?? null,
      deadline: this.level(row, now),
      deadlineProvisional: this.engine.calendar.isProvisional(row.due_at, row.step_unit),
      urgency: category.urgency,
      checked: row.checked,
      reworkCount: row.rework_count,
      reopenCount: row.reopen_count,
      extensionRequested: row.extension_requested,
      rating: row.rating,
      whistle: namedWhistle(row.whistle, names),
      mergedInto: row.merged_into,
      merged,
      reporter: access !== 'hidden' && row.reporter ? maskReporter(row.reporter) : null,
      reporterHidden: access === 'hidden' && row.reporter !== null,
      reporterRevealable: access === 'reveal' && row.reporter !== null,
      createdAt: row.created_at.toISOString(),
      category,
      attributes: row.attributes,
      mediaUrl: row.media_url,
      events: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        fromState: e.from_state,
        toState: e.to_state,
        at: e.at.toISOString(),
        actorName: e.actor_name,
        actorRole: e.actor_role,
        actorUnitName: e.actor_unit_id ? (names.get(e.actor_unit_id) ?? null) : null,
        note: e.note,
        evidence: e.evidence,
        payload: e.payload,
        hash: e.hash,
      })),
      actions: availableActions(
        snapshotOf(row),
        caseActorOf(p, p.roles[0] ?? 'operator'),
        this.engine.decideContext(row.area_code, category, now),
      ),
      chainValid: verifyChain(events.map(toHashed)) === null,
    };
  }

  /** 吹哨报到 board: open cases with a whistle, each summoned unit with its name and report-in state. */
  async whistleBoard(p: Principal) {
    const { items } = await this.list(p, { queue: 'whistle', limit: 200, offset: 0 });
    const names = await unitNames(
      this.engine.db,
      items.flatMap((c) => c.whistle?.units.map((u) => u.unitId) ?? []),
    );
    return items.map((c) => ({ ...c, whistle: namedWhistle(c.whistle, names) }));
  }

  /** Open cases of the same category near the point (and similar text a little further out). */
  async duplicates(
    p: Principal,
    q: { category: string; lon: number; lat: number; text: string; radius: number },
  ) {
    const rows = await this.store.nearbyOpenCases(p, {
      category: q.category,
      text: q.text,
      box: boxAround(q.lon, q.lat, q.radius * 10),
    });
    return rows
      .map((r) => ({
        id: r.id,
        number: r.number,
        title: r.title,
        state: r.state,
        distanceM:
          r.lon === null || r.lat === null ? null : Math.round(metresBetween(q.lon, q.lat, r.lon, r.lat)),
        similarity: Math.round(Number(r.sim) * 100) / 100,
      }))
      .filter((r) => r.distanceM !== null && (r.distanceM <= q.radius || (q.text && r.similarity >= 0.3)))
      .sort((a, b) => b.similarity - a.similarity || (a.distanceM ?? 0) - (b.distanceM ?? 0))
      .slice(0, 10);
  }

  /**
   * Whether an open case of `category` that `p` may see lies within `radius` metres: the question a
   * channel asks to defer its answer (a likely duplicate), without ranking candidates as `duplicates` does.
   */
  openCaseWithin(p: Principal, q: Omit<NearQuery, 'v'>): Promise<boolean> {
    return this.nearChecks.load({ v: p, ...q });
  }

  /**
   * Checks arriving together (under load, many in one turn of the event loop) are answered by one
   * statement per viewer instead of one each: a round trip costs the server more than the read.
   */
  private readonly nearChecks = new DataLoader<NearQuery, boolean>((qs) => this.openCasesWithin(qs), {
    cache: false,
    batchScheduleFn: (run) => setImmediate(run),
    maxBatchSize: 64,
  });

  private async openCasesWithin(qs: readonly NearQuery[]): Promise<boolean[]> {
    const found = qs.map(() => false);
    const byViewer = new Map<string, { q: NearQuery; at: number }[]>();
    for (const [at, q] of qs.entries()) {
      const key = `${q.v.scope}|${q.v.unitId}|${q.v.roles?.join(',')}`;
      const group = byViewer.get(key) ?? [];
      group.push({ q, at });
      byViewer.set(key, group);
    }
    await Promise.all(
      [...byViewer.values()].map(async (group) => {
        const boxes = group.map(({ q }) => ({
          category: q.category,
          box: boxAround(q.lon, q.lat, q.radius),
        }));
        const v = group[0]?.q.v as Viewer;
        for (const r of await this.store.openCasePointsInBoxes(v, boxes)) {
          const { q, at } = group[r.i] as { q: NearQuery; at: number };
          if (r.lon !== null && r.lat !== null && metresBetween(q.lon, q.lat, r.lon, r.lat) <= q.radius)
            found[at] = true;
        }
      }),
    );
    return found;
  }

  /** A file may be read by who uploaded it, or by whoever can see a case whose timeline carries it. */
  async requireAttachmentVisible(p: Principal, hash: string): Promise<void> {
    if (await this.files.uploadedBy(hash, p.userId)) return;
    if (!(await this.store.attachmentOnVisibleCase(p, hash)))
      throw new NotFound('file_not_found', 'No such file, or it belongs to a case outside your scope.');
  }

  /** Re-computes every event hash of the given case (or all cases); returns the broken chains. */
  async verifyChains(caseId?: string): Promise<{
    checked: number;
    broken: { caseId: string; number: string; seq: number; problem: string }[];
  }> {
    const cases = await this.store.caseHeads(caseId);
    const broken = [];
    for (const c of cases) {
      const problem = verifyChain((await this.store.events(c.id)).map(toHashed));
      if (problem) broken.push({ caseId: c.id, number: c.number, ...problem });
    }
    return { checked: cases.length, broken };
  }

  // ---------- reads for the channels ----------

  /** A caller's earlier cases by phone (hotline 来电历史), inside the operator's scope, petitions excluded. */
  /**
   * The reporter in clear, for who needs it to take the call or call back (`reporterAccess`); every such
   * view is written to the audit trail: who, when, which case, from which address.
   */
  async revealReporter(p: Principal, id: string, from: { ip: string }) {
    const row = await this.visibleRow(p, id);
    if (reporterAccess(p, privacyOf(row)) !== 'reveal') {
      throw new Forbidden(
        'personal_data_forbidden',
        "Your role does not need this reporter's personal data.",
      );
    }
    await recordAudit(this.engine.db, p, {
      action: 'view_personal',
      entity: 'case',
      entityId: row.id,
      after: { fields: Object.keys(row.reporter ?? {}), number: row.number, ip: from.ip },
    });
    return { reporter: row.reporter };
  }

  async callerHistory(scope: string, phone: string) {
    const rows = await this.channelReads.casesByReporterPhone(phone, scope);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      title: r.title,
      state: r.state,
      createdAt: r.created_at,
      categoryName: r.category_name,
    }));
  }

  /** A case by its tracking code with its category name and its events' types, times and public replies, or null. */
  async byTrackingCode(code: string) {
    const c = await this.channelReads.caseWithCategoryByTrackingCode(code);
    if (!c) return null;
    const events = (await this.store.events(c.id)).map((e) => ({
      type: e.type,
      at: e.at,
      // 公开答复 only: an event's note is the staff's and never leaves the console.
      publicReply: typeof e.payload.publicReply === 'string' ? e.payload.publicReply : null,
    }));
    return {
      id: c.id,
      number: c.number,
      trackingCode: c.tracking_code,
      kind: c.kind,
      state: c.state,
      rating: c.rating,
      createdAt: c.created_at,
      categoryName: c.name,
      events,
    };
  }

  /** The full row by tracking code (for a citizen's rating), or undefined. */
  async rowByTrackingCode(code: string): Promise<CaseRow | undefined> {
    const c = await this.channelReads.caseWithCategoryByTrackingCode(code);
    return c && this.store.caseById(c.id);
  }

  /**
   * A stamp of what public lists show: it changes when a case changes (its updated_at) or the catalogue is
   * reloaded. Rendered lists are kept while it holds (one index probe instead of the page).
   */
  async publicStamp(): Promise<string> {
    return `${this.engine.catalogueVersion}/${await this.channelReads.lastUpdate()}`;
  }

  /**
   * Public requests (Open311): only what the publication policy may list, with their assigned unit's name,
   * the category's publication policy (the cached catalogue) and the public reply (公开答复) of the last
   * close or reject — null when reopened since. Staff notes and reasons are not read: never published.
   */
  async publicRequests(f: PublicCaseFilter) {
    const catalogue = await this.engine.categories();
    const listed = catalogue.filter((c) => c.publication !== 'none');
    const categories = new Map(listed.map((c) => [c.code, c]));
    const rows = await this.channelReads.publicCases({
      ...f,
      published: {
        codes: listed.map((c) => c.code),
        hotlineCodes: listed.filter((c) => c.publishHotline).map((c) => c.code),
      },
    });
    const units = await unitNames(
      this.engine.db,
      rows.map((r) => r.assigned_unit_id),
    );
    return rows.flatMap((r) => {
      const category = categories.get(r.category_code);
      if (!category) return [];
      const steps = r.replies ?? [];
      const reply = steps.at(-1)?.reply;
      return {
        id: r.id,
        version: r.version,
        number: r.number,
        state: r.state,
        kind: r.kind,
        source: r.source,
        categoryCode: r.category_code,
        categoryName: category.name,
        publication: category.publication,
        publishHotline: category.publishHotline,
        pointPrecision: category.pointPrecision,
        description: r.description,
        title: r.title,
        unitName: r.assigned_unit_id ? (units.get(r.assigned_unit_id) ?? null) : null,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        dueAt: r.due_at,
        address: r.address,
        areaCode: r.area_code,
        lon: r.lon,
        lat: r.lat,
        mediaUrl: r.media_url,
        publicReply: typeof reply === 'string' ? reply : null,
        /** Every public reply (公开答复) given, oldest first, unmasked: the channel masks what it shows. */
        publicNotes: steps.flatMap((n) =>
          typeof n.reply === 'string' ? [{ at: new Date(n.at), text: n.reply }] : [],
        ),
      };
    });
  }

  /** The steps of public cases for Open311's updates feed (the channel applies the publication policy). */
  publicEvents(f: Parameters<ChannelReadsStore['publicEvents']>[0]) {
    return this.channelReads.publicEvents(f);
  }

  /** Of the given case ids (in the caller's order of preference), the first still open. */
  async firstOpen(ids: readonly string[]): Promise<string | null> {
    const open = await this.store.openCaseIds(ids);
    return ids.find((id) => open.has(id)) ?? null;
  }
}

function namedWhistle(w: CaseRow['whistle'], names: Map<string, string>) {
  return w && { ...w, units: w.units.map((u) => ({ ...u, unitName: names.get(u.unitId) ?? null })) };
}
