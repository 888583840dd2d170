/**
 * Case use cases: intake, transitions, lists, detail, duplicates, chain verification. The pure state
 * machine decides; this file loads the case, checks what needs the database (units, targets,
 * attachments), and writes the case row and its hash-chained event in one transaction, guarded by the
 * case version (optimistic concurrency).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import {
  addTimeLimit,
  createWorkingCalendar,
  localDate,
  type TimeLimit,
  type TimeUnit,
  type WorkingCalendar,
} from '../../platform/calendar/working-time.js';
import { withIdempotency } from '../../platform/db/idempotency.js';
import type { CasesTable, DB } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/files.js';
import { enqueueJobs } from '../../platform/jobs/jobs.js';
import { responsibleUnit } from '../org/org.service.js';
import type { Places } from '../places/places.service.js';
import { checkAttributes } from './attributes.js';
import type { CaseCreateT, CaseQueryT, CategoryT, TransitionT } from './cases.schemas.js';
import { listCategories, rulesOf } from './catalogue.service.js';
import { type DeadlineLevel, deadlineLevel, pointInStep, WARN_FRACTION } from './deadlines.js';
import { canonicalJson, eventHash, GENESIS_HASH, type HashedEvent, verifyChain } from './hash-chain.js';
import {
  type Actor,
  type ActorRole,
  availableActions,
  type CaseSnapshot,
  type CaseState,
  type Command,
  type DecideContext,
  type DecisionError,
  decide,
  FINAL_STATES,
  RULES,
  startClock,
} from './workflow.js';

type Db = Kysely<DB> | Transaction<DB>;
type CaseRow = Selectable<CasesTable>;

/** Escalation (升级) after this multiple of a step's time limit, unless the settings say otherwise. */
export const DEFAULT_ESCALATE_MULTIPLE = 2;
const CATALOGUE_TTL_MS = 5_000;
export type DeadlineMark = 'warning' | 'overdue' | 'escalate';
const TRACKING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * The `cases` installation setting (settings table, key `cases`), read at start:
 * `{"dutyHours": {"120101": ["08:30-12:00", "14:00-18:00"]}, "escalateMultiple": 3}`.
 */
export const CASES_SETTINGS_KEY = 'cases';
export async function loadCasesOptions(db: Kysely<DB>): Promise<CasesOptions> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', CASES_SETTINGS_KEY)
    .executeTakeFirst();
  const v = (row?.value ?? {}) as { dutyHours?: Record<string, string[]>; escalateMultiple?: number };
  if (v.escalateMultiple !== undefined && !(v.escalateMultiple > 1)) {
    throw new Error(`setting ${CASES_SETTINGS_KEY}.escalateMultiple must be a number above 1`);
  }
  return { dutyHoursByDistrict: v.dutyHours, escalateMultiple: v.escalateMultiple };
}

export interface CasesOptions {
  /** Duty hours per district code (per-district setting); others use the default. */
  dutyHoursByDistrict?: Readonly<Record<string, readonly string[]>>;
  escalateMultiple?: number;
  now?: () => Date;
}

export interface EventActor {
  userId: string | null;
  name: string;
  role: ActorRole;
  unitId: string | null;
}

export function actorOf(p: Principal): Actor {
  return { userId: p.userId, roles: p.roles, unitId: p.unitId, scope: p.scope };
}

function eventActorOf(p: Principal, role: ActorRole): EventActor {
  return { userId: p.userId, name: p.displayName, role, unitId: p.unitId };
}

export const SYSTEM_EVENT_ACTOR: EventActor = { userId: null, name: 'system', role: 'system', unitId: null };
export const SYSTEM_ACTOR: Actor = { userId: null, roles: ['system'], unitId: null, scope: '' };

export class Cases {
  private readonly calendars = new Map<string, WorkingCalendar>();
  private catalogue: { at: number; byCode: Promise<Map<string, CategoryT>> } | null = null;
  private readonly defaultCalendar = createWorkingCalendar();
  readonly escalateMultiple: number;
  readonly now: () => Date;

  constructor(
    readonly db: Kysely<DB>,
    private readonly places: Places,
    private readonly files: FileStore,
    opts: CasesOptions = {},
  ) {
    this.escalateMultiple = opts.escalateMultiple ?? DEFAULT_ESCALATE_MULTIPLE;
    this.now = opts.now ?? (() => new Date());
    // Build every district calendar now, so a malformed duty-hours setting stops the start, loudly.
    for (const [district, hours] of Object.entries(opts.dutyHoursByDistrict ?? {})) {
      this.calendars.set(district, createWorkingCalendar({ dutyHours: hours }));
    }
  }

  /**
   * A category by code, from a catalogue cached for a few seconds (every intake and transition needs one).
   * Edits through this process clear it at once (`forgetCatalogue`); other processes see them within the TTL.
   */
  async category(code: string, db: Db = this.db): Promise<CategoryT> {
    if (!this.catalogue || Date.now() - this.catalogue.at > CATALOGUE_TTL_MS) {
      // Inside a transaction, read through it: the embedded store has a single connection.
      const byCode = listCategories(db, { includeInactive: true }).then(
        (all) => new Map(all.map((c) => [c.code, c])),
      );
      this.catalogue = { at: Date.now(), byCode };
      byCode.catch(() => this.forgetCatalogue());
    }
    const found = (await this.catalogue.byCode).get(code);
    if (!found) throw new NotFound('category_not_found', `There is no category ${code}.`);
    return found;
  }

  forgetCatalogue(): void {
    this.catalogue = null;
  }

  calendarFor(areaCode: string): WorkingCalendar {
    return this.calendars.get(areaCode.slice(0, 6)) ?? this.defaultCalendar;
  }

  private context(areaCode: string, category: CategoryT, now: Date): DecideContext {
    const cal = this.calendarFor(areaCode);
    return { now, category: rulesOf(category), addLimit: (start, limit) => addTimeLimit(start, limit, cal) };
  }

  // ---------- intake ----------

  async create(p: Principal, input: CaseCreateT, idempotencyKey?: string) {
    const intake = await this.prepareIntake(p, input);
    const { result, replayed } = await withIdempotency(
      this.db,
      { owner: p.userId, key: idempotencyKey, request: canonicalJson(input), order: 'last' },
      (trx) => this.insertIntake(trx, intake),
    );
    return { ...result, replayed };
  }

  /**
   * Everything about a new case that needs reading, checked before any write: the category and its
   * extra fields, the place and its grid, the caller's scope, the evidence, the suggested unit.
   * (Outside the writing transaction: the embedded store has a single connection.)
   */
  async prepareIntake(p: Principal, input: CaseCreateT) {
    const category = await this.category(input.categoryCode).catch(() => {
      throw new Invalid(
        'unknown_category',
        `There is no category ${input.categoryCode}; see GET /api/categories.`,
      );
    });
    if (!category.active)
      throw new Invalid('unknown_category', `Category ${category.code} is no longer in use.`);
    const answers = checkAttributes(category.attributes, input.attributes ?? {});
    if (!answers.ok) throw new Invalid('invalid_attribute', answers.message, { attribute: answers.code });
    const place = await this.placeOf(input);
    if (!place.grid.startsWith(p.scope)) {
      throw new Forbidden('scope_outside', `This place (${place.grid}) is outside your scope ${p.scope}.`);
    }
    const missing = await this.files.missing(input.evidence);
    if (missing.length)
      throw new Invalid('unknown_attachment', `Upload the files first: ${missing.join(', ')}.`);
    const suggested = await this.suggestUnit(category, place.grid);
    const source =
      input.source ??
      (p.roles.includes('inspector') ? 'inspector' : p.roles.includes('operator') ? 'hotline' : 'staff');
    const role: ActorRole = p.roles.includes('inspector') ? 'inspector' : (p.roles[0] ?? 'operator');
    return { p, input, category, answers: answers.values, place, suggested, source, role };
  }

  /** Writes a prepared case and its first event in the caller's transaction. */
  async insertIntake(trx: Transaction<DB>, intake: Awaited<ReturnType<Cases['prepareIntake']>>) {
    const { p, input, category, place, suggested, source, role, answers } = intake;
    const now = this.now();
    const clock = startClock(this.context(place.grid, category, now), category.fileLimit);
    const id = randomUUID();
    const event: HashedEvent = {
      caseId: id,
      seq: 1,
      type: 'report',
      fromState: null,
      toState: 'reported',
      at: now,
      actorId: p.userId,
      actorName: p.displayName,
      actorRole: role,
      actorUnitId: p.unitId,
      lon: place.lon,
      lat: place.lat,
      note: null,
      evidence: input.evidence,
      payload: {
        categoryCode: category.code,
        title: input.title,
        description: input.description,
        address: input.address,
        areaCode: place.grid,
        source,
        suggestedUnitId: suggested,
        dueAt: clock.dueAt?.toISOString() ?? null,
        attributes: answers,
        mediaUrl: input.mediaUrl ?? null,
      },
    };
    const hash = eventHash(GENESIS_HASH, event);
    // Case number {district}{yyyymmdd}{seq}: drawn from a sequence inside the insert, no extra round trip.
    const day = localDate(now).replaceAll('-', '');
    const row = await trx
      .insertInto('cases')
      .values({
        id,
        number: sql<string>`${`${place.grid.slice(0, 6)}${day}`} || lpad(nextval('case_number_seq')::text, 6, '0')`,
        tracking_code: trackingCode(),
        kind: category.kind,
        category_code: category.code,
        state: 'reported',
        source,
        title: input.title,
        description: input.description,
        address: input.address,
        lon: place.lon,
        lat: place.lat,
        area_code: place.grid,
        suggested_unit_id: suggested,
        due_at: clock.dueAt,
        step_started_at: clock.stepStartedAt,
        step_unit: clock.stepUnit,
        reporter: input.reporter ? JSON.stringify(input.reporter) : null,
        created_by: p.userId,
        created_unit_id: p.unitId,
        attributes: JSON.stringify(answers),
        media_url: input.mediaUrl ?? null,
        created_at: now,
        updated_at: now,
        last_hash: hash,
      })
      .returning(['number', 'tracking_code'])
      .executeTakeFirstOrThrow();
    await insertEvent(trx, event, GENESIS_HASH, hash);
    await this.scheduleClock(trx, id, place.grid, clock);
    return {
      id,
      number: row.number,
      trackingCode: row.tracking_code,
      state: 'reported',
      version: 1,
      areaCode: place.grid,
      suggestedUnitId: suggested,
      dueAt: clock.dueAt?.toISOString() ?? null,
    };
  }

  private async placeOf(
    input: CaseCreateT,
  ): Promise<{ grid: string; lon: number | null; lat: number | null }> {
    if (input.lon !== undefined && input.lat !== undefined) {
      const hit = await this.places.locate(input.lon, input.lat, input.crs);
      if (!hit) {
        throw new Invalid(
          'outside_grids',
          `(${input.lon}, ${input.lat}) is in no grid of this installation; pick a place inside the district.`,
        );
      }
      return { grid: hit.grid.code, lon: hit.point.lon, lat: hit.point.lat };
    }
    const area = await this.db
      .selectFrom('areas')
      .select(['code', 'level', 'bbox'])
      .where('code', '=', input.areaCode ?? '')
      .executeTakeFirst();
    if (area?.level !== 'grid') throw new Invalid('unknown_grid', `There is no grid ${input.areaCode}.`);
    const b = area.bbox;
    return b
      ? { grid: area.code, lon: ((b[0] ?? 0) + (b[2] ?? 0)) / 2, lat: ((b[1] ?? 0) + (b[3] ?? 0)) / 2 }
      : { grid: area.code, lon: null, lat: null };
  }

  /** 直派街乡 for requests; otherwise the responsibility rules table. */
  private async suggestUnit(category: CategoryT, grid: string): Promise<string | null> {
    if (category.route === 'street') {
      const street = await this.db
        .selectFrom('units')
        .select('id')
        .where('type', '=', 'street_office')
        .where('area_code', '=', grid.slice(0, 9))
        .where('active', '=', true)
        .executeTakeFirst();
      if (street) return street.id;
    }
    return (await responsibleUnit(this.db, category.code, grid))?.unitId ?? null;
  }

  // ---------- transitions ----------

  async transition(
    p: Principal,
    caseId: string,
    body: TransitionT & { version: number; lon?: number; lat?: number },
    idempotencyKey?: string,
  ) {
    const row = await this.visibleRow(this.db, p, caseId);
    if (body.version !== row.version) {
      throw new Conflict(
        'version_conflict',
        `The case has changed since you loaded it (now version ${row.version}); reload and try again.`,
        {
          version: row.version,
        },
      );
    }
    const command = await this.resolveCommand(p, row, body);
    const role = roleFor(p, command.type);
    const place = body.lon !== undefined && body.lat !== undefined ? { lon: body.lon, lat: body.lat } : null;
    const { result, replayed } = await withIdempotency(
      this.db,
      { owner: p.userId, key: idempotencyKey, request: canonicalJson({ caseId, body }) },
      (trx) => this.apply(trx, row, command, actorOf(p), eventActorOf(p, role), place),
    );
    return { ...result, replayed };
  }

  /** Turns what the client sent into a command, checking what only the database knows. */
  private async resolveCommand(p: Principal, row: CaseRow, body: TransitionT): Promise<Command> {
    switch (body.type) {
      case 'dispatch': {
        const unitId = body.mode === 'auto' ? row.suggested_unit_id : body.unitId;
        if (!unitId) {
          throw new Invalid(
            body.mode === 'auto' ? 'no_suggested_unit' : 'unit_required',
            'No responsible unit is known; choose one (manual dispatch).',
          );
        }
        await this.requireUnits([unitId]);
        return { type: 'dispatch', unitId, mode: body.mode, note: body.note };
      }
      case 'whistle':
        await this.requireUnits(body.unitIds);
        return body;
      case 'merge': {
        const target = await this.visibleRow(this.db, p, body.intoCaseId).catch(() => {
          throw new Invalid(
            'merge_target',
            'The case to merge into does not exist or is outside your scope.',
          );
        });
        if ((FINAL_STATES as readonly string[]).includes(target.state)) {
          throw new Invalid(
            'merge_target',
            `Case ${target.number} is ${target.state}; merge into an open case.`,
          );
        }
        return body;
      }
      case 'feedback':
      case 'check': {
        const missing = await this.files.missing(body.evidence ?? []);
        if (missing.length)
          throw new Invalid('unknown_attachment', `Upload the files first: ${missing.join(', ')}.`);
        return body;
      }
      default:
        return body;
    }
  }

  private async requireUnits(ids: readonly string[]): Promise<void> {
    const found = await this.db
      .selectFrom('units')
      .select('id')
      .where('id', 'in', ids)
      .where('active', '=', true)
      .execute();
    if (found.length !== new Set(ids).size)
      throw new Invalid('unit_not_found', 'A named unit does not exist or is inactive.');
  }

  /** Decides and writes one transition inside `trx`; used by the API and by the jobs (escalation). */
  async apply(
    trx: Transaction<DB>,
    row: CaseRow,
    command: Command,
    actor: Actor,
    by: EventActor,
    place: { lon: number; lat: number } | null = null,
    now = this.now(),
  ) {
    const category = await this.category(row.category_code, trx);
    const decision = decide(snapshotOf(row), command, actor, this.context(row.area_code, category, now));
    if (!decision.ok) throw toDomainError(decision.error);
    const { event, patch } = decision;
    const version = row.version + 1;
    const { payload, note, evidence } = splitPayload(event.payload);
    const hashed: HashedEvent = {
      caseId: row.id,
      seq: version,
      type: event.type,
      fromState: event.from,
      toState: event.to,
      at: now,
      actorId: by.userId,
      actorName: by.name,
      actorRole: by.role,
      actorUnitId: by.unitId,
      lon: place?.lon ?? null,
      lat: place?.lat ?? null,
      note,
      evidence,
      payload,
    };
    const hash = eventHash(row.last_hash, hashed);
    const updated = await trx
      .updateTable('cases')
      .set({
        ...patchColumns(patch),
        ...(command.type === 'merge' ? { merged_into: command.intoCaseId } : {}),
        ...(event.to === 'closed' && event.from !== 'closed' ? { closed_at: now } : {}),
        version,
        last_hash: hash,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new Conflict(
        'version_conflict',
        'Someone else changed this case at the same moment; reload and try again.',
      );
    }
    await insertEvent(trx, hashed, row.last_hash, hash);
    if (command.type === 'merge') {
      // 合并: the surviving case's timeline records what joined it; both timelines stay whole.
      await this.appendRecord(
        trx,
        command.intoCaseId,
        { type: 'merge_in', by, payload: { mergedCaseId: row.id, mergedNumber: row.number } },
        now,
      );
    }
    if (patch.stepStartedAt && patch.dueAt && patch.stepUnit) {
      await this.scheduleClock(trx, row.id, row.area_code, {
        dueAt: patch.dueAt,
        stepStartedAt: patch.stepStartedAt,
        stepUnit: patch.stepUnit,
      });
    }
    if (patch.whistle && command.type === 'whistle') {
      await enqueueJobs(trx, [
        { type: 'whistle_due', runAt: new Date(patch.whistle.reportDueAt), payload: { caseId: row.id } },
      ]);
    }
    if (command.type === 'urge' && row.assigned_unit_id) {
      await notify(trx, row.assigned_unit_id, row.id, 'urged', `督办：${row.number} ${command.note}`);
    }
    return {
      id: row.id,
      number: row.number,
      state: event.to,
      version,
      event: { seq: version, type: event.type },
    };
  }

  /**
   * Appends a record to a case's timeline without moving it through the loop — a case merged into it
   * (合并), a repeated device alarm — hash-chained and versioned like every event.
   */
  async appendRecord(
    trx: Transaction<DB>,
    caseId: string,
    record: {
      type: string;
      by: EventActor;
      note?: string | null;
      payload: Record<string, unknown>;
      place?: { lon: number; lat: number } | null;
    },
    now = this.now(),
  ): Promise<void> {
    const target = await trx
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', caseId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const e: HashedEvent = {
      caseId: target.id,
      seq: target.version + 1,
      type: record.type,
      fromState: target.state,
      toState: target.state,
      at: now,
      actorId: record.by.userId,
      actorName: record.by.name,
      actorRole: record.by.role,
      actorUnitId: record.by.unitId,
      lon: record.place?.lon ?? null,
      lat: record.place?.lat ?? null,
      note: record.note ?? null,
      evidence: [],
      payload: record.payload,
    };
    const hash = await insertEvent(trx, e, target.last_hash);
    await trx
      .updateTable('cases')
      .set({ version: e.seq, last_hash: hash, updated_at: now })
      .where('id', '=', target.id)
      .execute();
  }

  /**
   * A step's clock has three marks — yellow warning at 80%, red at the due time, escalation at the
   * multiple — worked as one chain of jobs: each mark's job enqueues the next, so a step costs one row
   * at intake and a step that ends early leaves at most one stale job (which then does nothing).
   */
  private async scheduleClock(
    trx: Transaction<DB>,
    caseId: string,
    areaCode: string,
    clock: { dueAt: Date | null; stepStartedAt: Date | null; stepUnit: TimeUnit | null },
  ) {
    const mark = this.nextMark(areaCode, clock, null);
    if (mark && clock.stepStartedAt) {
      await enqueueJobs(trx, [
        {
          type: 'deadline',
          runAt: mark.at,
          payload: { caseId, stepStartedAt: clock.stepStartedAt.toISOString(), mark: mark.mark },
        },
      ]);
    }
  }

  /** The clock mark after `after` (null: the first), and when it falls. */
  nextMark(
    areaCode: string,
    clock: { dueAt: Date | null; stepStartedAt: Date | null; stepUnit: TimeUnit | null },
    after: DeadlineMark | null,
  ): { mark: DeadlineMark; at: Date } | null {
    const { dueAt, stepStartedAt, stepUnit } = clock;
    if (!dueAt || !stepStartedAt || !stepUnit) return null;
    const running = { startedAt: stepStartedAt, dueAt, unit: stepUnit };
    const cal = this.calendarFor(areaCode);
    switch (after) {
      case null:
        return { mark: 'warning', at: pointInStep(running, WARN_FRACTION, cal) };
      case 'warning':
        return { mark: 'overdue', at: dueAt };
      case 'overdue':
        return { mark: 'escalate', at: pointInStep(running, this.escalateMultiple, cal) };
      default:
        return null;
    }
  }

  // ---------- reading ----------

  async visibleRow(db: Db, p: Pick<Principal, 'scope' | 'unitId'>, id: string): Promise<CaseRow> {
    const row = await visible(
      db.selectFrom('cases as c').selectAll('c').where('c.id', '=', id),
      p,
    ).executeTakeFirst();
    if (!row) throw new NotFound('case_not_found', 'The case does not exist or is outside your scope.');
    return row;
  }

  async list(p: Principal, q: CaseQueryT) {
    const now = this.now();
    let query = visible(
      this.db
        .selectFrom('cases as c')
        .innerJoin('categories as cat', 'cat.code', 'c.category_code')
        .innerJoin('areas as a', 'a.code', 'c.area_code')
        .leftJoin('units as u', 'u.id', 'c.assigned_unit_id'),
      p,
    );
    if (q.state) query = query.where('c.state', 'in', q.state.split(','));
    if (q.category) query = query.where('c.category_code', 'like', `${q.category}%`);
    if (q.area) query = query.where('c.area_code', 'like', `${q.area}%`);
    if (q.unit) query = query.where('c.assigned_unit_id', '=', q.unit);
    if (q.overdue) query = query.where('c.due_at', '<', now);
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      query = query.where((eb) =>
        eb.or([eb('c.number', '=', q.q ?? ''), eb('c.title', 'like', like), eb('c.address', 'like', like)]),
      );
    }
    switch (q.queue) {
      case 'mine':
        query = query.where('c.created_by', '=', p.userId);
        break;
      case 'file':
        query = query.where('c.state', 'in', ['reported', 'verifying']);
        break;
      case 'verify':
        query = query.where('c.state', '=', 'verifying');
        break;
      case 'dispatch':
        query = query.where('c.state', '=', 'filed');
        break;
      case 'inbox':
        query = query
          .where('c.assigned_unit_id', '=', p.unitId)
          .where('c.state', 'in', ['dispatched', 'handling', 'suspended']);
        break;
      case 'check':
        query = query
          .where('c.state', '=', 'handled')
          .where('c.checked', '=', false)
          .where('cat.check_required', '=', true);
        break;
      case 'whistle':
        query = query
          .where('c.whistle', 'is not', null)
          .where('c.state', 'not in', FINAL_STATES as CaseState[]);
        break;
      case 'close':
        query = query
          .where('c.state', '=', 'handled')
          .where((eb) => eb.or([eb('c.checked', '=', true), eb('cat.check_required', '=', false)]));
        break;
    }
    const [{ total } = { total: 0 }] = await query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .execute();
    const rows = await query
      .select([
        'c.id',
        'c.number',
        'c.kind',
        'c.category_code',
        'cat.name as category_name',
        'cat.urgency',
        'c.state',
        'c.version',
        'c.title',
        'c.address',
        'c.area_code',
        'a.name as area_name',
        'c.lon',
        'c.lat',
        'c.assigned_unit_id',
        'u.name as unit_name',
        'c.due_at',
        'c.step_started_at',
        'c.step_unit',
        'c.created_at',
        'c.whistle',
      ])
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return {
      total: Number(total),
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
        areaName: r.area_name,
        lon: r.lon,
        lat: r.lat,
        assignedUnitId: r.assigned_unit_id,
        assignedUnitName: r.unit_name,
        dueAt: r.due_at?.toISOString() ?? null,
        deadline: this.level(r, now),
        urgency: r.urgency,
        createdAt: r.created_at.toISOString(),
        whistle: r.whistle,
      })),
    };
  }

  private level(
    r: Pick<CaseRow, 'due_at' | 'step_started_at' | 'step_unit' | 'area_code'>,
    now: Date,
  ): DeadlineLevel {
    return deadlineLevel(
      { startedAt: r.step_started_at, dueAt: r.due_at, unit: r.step_unit as TimeUnit | null },
      now,
      this.calendarFor(r.area_code),
    );
  }

  async detail(p: Principal, id: string) {
    const row = await this.visibleRow(this.db, p, id);
    const now = this.now();
    const category = await this.category(row.category_code);
    const events = await this.db
      .selectFrom('case_events as e')
      .leftJoin('units as u', 'u.id', 'e.actor_unit_id')
      .selectAll('e')
      .select('u.name as unit_name')
      .where('e.case_id', '=', id)
      .orderBy('e.seq')
      .execute();
    const names = await this.unitNames([
      row.assigned_unit_id,
      row.suggested_unit_id,
      ...(row.whistle?.units.map((u) => u.unitId) ?? []),
    ]);
    const area = await this.db
      .selectFrom('areas')
      .select('name')
      .where('code', '=', row.area_code)
      .executeTakeFirst();
    const merged = await this.db
      .selectFrom('cases')
      .select(['id', 'number', 'title'])
      .where('merged_into', '=', id)
      .execute();
    const reporterVisible =
      row.kind !== 'petition' ||
      (!!p.unitId && [row.created_unit_id, row.assigned_unit_id].includes(p.unitId));
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
      areaName: area?.name ?? row.area_code,
      lon: row.lon,
      lat: row.lat,
      suggestedUnitId: row.suggested_unit_id,
      suggestedUnitName: names.get(row.suggested_unit_id ?? '') ?? null,
      assignedUnitId: row.assigned_unit_id,
      assignedUnitName: names.get(row.assigned_unit_id ?? '') ?? null,
      dispatchMode: row.dispatch_mode,
      dueAt: row.due_at?.toISOString() ?? null,
      stepStartedAt: row.step_started_at?.toISOString() ?? null,
      deadline: this.level(row, now),
      urgency: category.urgency,
      checked: row.checked,
      reworkCount: row.rework_count,
      reopenCount: row.reopen_count,
      extensionRequested: row.extension_requested,
      rating: row.rating,
      whistle: namedWhistle(row.whistle, names),
      mergedInto: row.merged_into,
      merged,
      reporter: reporterVisible ? row.reporter : null,
      reporterHidden: !reporterVisible && row.reporter !== null,
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
        actorUnitName: e.unit_name,
        note: e.note,
        evidence: e.evidence,
        payload: e.payload,
        hash: e.hash,
      })),
      actions: availableActions(snapshotOf(row), actorOf(p), this.context(row.area_code, category, now)),
      chainValid: verifyChain(events.map(toHashed)) === null,
    };
  }

  /** 吹哨报到 board: open cases with a whistle, each summoned unit with its name and report-in state. */
  async whistleBoard(p: Principal) {
    const { items } = await this.list(p, { queue: 'whistle', limit: 200, offset: 0 });
    const names = await this.unitNames(items.flatMap((c) => c.whistle?.units.map((u) => u.unitId) ?? []));
    return items.map((c) => ({ ...c, whistle: namedWhistle(c.whistle, names) }));
  }

  private async unitNames(ids: (string | null)[]): Promise<Map<string, string>> {
    const wanted = ids.filter((x): x is string => !!x);
    if (!wanted.length) return new Map();
    const rows = await this.db.selectFrom('units').select(['id', 'name']).where('id', 'in', wanted).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Open cases of the same category near the point (and similar text a little further out). */
  async duplicates(
    p: Principal,
    q: { category: string; lon: number; lat: number; text: string; radius: number },
  ) {
    const far = q.radius * 10;
    const dLat = far / 111_320;
    const dLon = far / (111_320 * Math.cos((q.lat * Math.PI) / 180));
    const rows = await visible(
      this.db
        .selectFrom('cases as c')
        .select(['c.id', 'c.number', 'c.title', 'c.state', 'c.lon', 'c.lat'])
        .select(sql<number>`similarity(c.title || ' ' || c.description, ${q.text})`.as('sim'))
        .where('c.category_code', '=', q.category)
        .where('c.state', 'not in', FINAL_STATES as CaseState[])
        .where('c.lon', '>=', q.lon - dLon)
        .where('c.lon', '<=', q.lon + dLon)
        .where('c.lat', '>=', q.lat - dLat)
        .where('c.lat', '<=', q.lat + dLat),
      p,
    )
      .limit(200)
      .execute();
    return rows
      .map((r) => ({
        id: r.id,
        number: r.number,
        title: r.title,
        state: r.state,
        distanceM: r.lon === null || r.lat === null ? null : Math.round(metres(q.lon, q.lat, r.lon, r.lat)),
        similarity: Math.round(Number(r.sim) * 100) / 100,
      }))
      .filter((r) => r.distanceM !== null && (r.distanceM <= q.radius || (q.text && r.similarity >= 0.3)))
      .sort((a, b) => b.similarity - a.similarity || (a.distanceM ?? 0) - (b.distanceM ?? 0))
      .slice(0, 10);
  }

  /** A file may be read by who uploaded it, or by whoever can see a case whose timeline carries it. */
  async requireAttachmentVisible(p: Principal, hash: string): Promise<void> {
    const own = await this.db
      .selectFrom('attachments')
      .select('hash')
      .where('hash', '=', hash)
      .where('created_by', '=', p.userId)
      .executeTakeFirst();
    if (own) return;
    const linked = await visible(
      this.db
        .selectFrom('case_events as e')
        .innerJoin('cases as c', 'c.id', 'e.case_id')
        .select('e.id')
        .where(sql<boolean>`${hash} = any(e.evidence)`),
      p,
    ).executeTakeFirst();
    if (!linked)
      throw new NotFound('file_not_found', 'No such file, or it belongs to a case outside your scope.');
  }

  /** Re-computes every event hash of the given case (or all cases); returns the broken chains. */
  async verifyChains(caseId?: string): Promise<{
    checked: number;
    broken: { caseId: string; number: string; seq: number; problem: string }[];
  }> {
    let q = this.db.selectFrom('cases').select(['id', 'number']).orderBy('created_at');
    if (caseId) q = q.where('id', '=', caseId);
    const cases = await q.execute();
    const broken = [];
    for (const c of cases) {
      const events = await this.db
        .selectFrom('case_events')
        .selectAll()
        .where('case_id', '=', c.id)
        .orderBy('seq')
        .execute();
      const problem = verifyChain(events.map(toHashed));
      if (problem) broken.push({ caseId: c.id, number: c.number, ...problem });
    }
    return { checked: cases.length, broken };
  }
}

// ---------- helpers ----------

/** Cases a staff user may see: inside their scope, assigned to their unit, or their unit summoned (吹哨). */
// biome-ignore lint/suspicious/noExplicitAny: the helper works on any select over `cases as c`
function visible<Q extends { where: (...args: any[]) => Q }>(
  q: Q,
  p: Pick<Principal, 'scope' | 'unitId'>,
): Q {
  if (p.scope === '') return q;
  const unitId = p.unitId;
  // biome-ignore lint/suspicious/noExplicitAny: expression builder of the caller's query
  return q.where((eb: any) =>
    eb.or([
      eb('c.area_code', 'like', `${p.scope}%`),
      ...(unitId
        ? [
            eb('c.assigned_unit_id', '=', unitId),
            sql<boolean>`c.whistle -> 'units' @> ${JSON.stringify([{ unitId }])}::jsonb`,
          ]
        : []),
    ]),
  );
}

function namedWhistle(w: CaseRow['whistle'], names: Map<string, string>) {
  return w && { ...w, units: w.units.map((u) => ({ ...u, unitName: names.get(u.unitId) ?? null })) };
}

function snapshotOf(r: CaseRow): CaseSnapshot {
  return {
    id: r.id,
    kind: r.kind as CaseSnapshot['kind'],
    state: r.state as CaseState,
    areaCode: r.area_code,
    assignedUnitId: r.assigned_unit_id,
    dispatchMode: r.dispatch_mode as CaseSnapshot['dispatchMode'],
    dueAt: r.due_at,
    stepStartedAt: r.step_started_at,
    stepUnit: r.step_unit as TimeUnit | null,
    suspendedAt: r.suspended_at,
    checked: r.checked,
    reworkCount: r.rework_count,
    reopenCount: r.reopen_count,
    extendedDays: Number(r.extended_days),
    extensionRequested: r.extension_requested as { limit: TimeLimit; reason: string } | null,
    rating: r.rating as CaseSnapshot['rating'],
    whistle: r.whistle,
  };
}

function patchColumns(patch: Partial<CaseSnapshot>) {
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  return {
    ...(patch.state !== undefined && { state: patch.state }),
    ...(patch.assignedUnitId !== undefined && { assigned_unit_id: patch.assignedUnitId }),
    ...(patch.dispatchMode !== undefined && { dispatch_mode: patch.dispatchMode }),
    ...(patch.dueAt !== undefined && { due_at: patch.dueAt }),
    ...(patch.stepStartedAt !== undefined && { step_started_at: patch.stepStartedAt }),
    ...(patch.stepUnit !== undefined && { step_unit: patch.stepUnit }),
    ...(patch.suspendedAt !== undefined && { suspended_at: patch.suspendedAt }),
    ...(patch.checked !== undefined && { checked: patch.checked }),
    ...(patch.reworkCount !== undefined && { rework_count: patch.reworkCount }),
    ...(patch.reopenCount !== undefined && { reopen_count: patch.reopenCount }),
    ...(patch.extendedDays !== undefined && { extended_days: patch.extendedDays }),
    ...(patch.extensionRequested !== undefined && { extension_requested: json(patch.extensionRequested) }),
    ...(patch.rating !== undefined && { rating: patch.rating }),
    ...(patch.whistle !== undefined && { whistle: json(patch.whistle) }),
  };
}

/** The event row keeps note and evidence in their own columns; the rest of the payload stays as is. */
function splitPayload(all: Record<string, unknown>) {
  const { note, evidence, ...payload } = all;
  return {
    payload,
    note: typeof note === 'string' ? note : null,
    evidence: Array.isArray(evidence) ? (evidence as string[]) : [],
  };
}

async function insertEvent(
  trx: Transaction<DB>,
  e: HashedEvent,
  prevHash: string,
  known?: string,
): Promise<string> {
  const hash = known ?? eventHash(prevHash, e);
  await trx
    .insertInto('case_events')
    .values({
      case_id: e.caseId,
      seq: e.seq,
      type: e.type,
      from_state: e.fromState,
      to_state: e.toState,
      at: e.at,
      actor_id: e.actorId,
      actor_name: e.actorName,
      actor_role: e.actorRole,
      actor_unit_id: e.actorUnitId,
      lon: e.lon,
      lat: e.lat,
      note: e.note,
      evidence: [...e.evidence],
      payload: JSON.stringify(e.payload),
      prev_hash: prevHash,
      hash,
    })
    .execute();
  return hash;
}

function toHashed(e: Selectable<DB['case_events']>): HashedEvent & { prevHash: string; hash: string } {
  return {
    caseId: e.case_id,
    seq: e.seq,
    type: e.type,
    fromState: e.from_state,
    toState: e.to_state,
    at: e.at,
    actorId: e.actor_id,
    actorName: e.actor_name,
    actorRole: e.actor_role,
    actorUnitId: e.actor_unit_id,
    lon: e.lon,
    lat: e.lat,
    note: e.note,
    evidence: e.evidence,
    payload: e.payload,
    prevHash: e.prev_hash,
    hash: e.hash,
  };
}

export async function notify(
  db: Db,
  unitId: string,
  caseId: string,
  kind: string,
  message: string,
): Promise<void> {
  await db.insertInto('notifications').values({ unit_id: unitId, case_id: caseId, kind, message }).execute();
}

function toDomainError(e: DecisionError) {
  switch (e.code) {
    case 'invalid':
      return new Invalid(e.messageKey, e.message);
    case 'wrong_state':
      return new Conflict(e.messageKey === 'wrong_state' ? 'wrong_state' : e.messageKey, e.message);
    default:
      return new Forbidden(e.messageKey === 'out_of_scope' ? 'scope_outside' : e.messageKey, e.message);
  }
}

/** The role a person acts in for a command: the first of their roles the command admits. */
function roleFor(p: Principal, type: Command['type']): ActorRole {
  const admitted: readonly ActorRole[] = RULES[type].roles;
  return p.roles.find((r) => admitted.includes(r)) ?? p.roles[0] ?? 'operator';
}

function trackingCode(): string {
  return Array.from({ length: 10 }, () => TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]).join('');
}

function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 6_371_008 * 2 * Math.asin(Math.sqrt(a));
}
