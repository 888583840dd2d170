/**
 * Intake (上报): one way in for every channel — console, hotline, inspector app, portal, Open311,
 * devices. Reads and checks first (category, extra fields, place, scope, evidence, suggested unit),
 * then writes the case row, its first event, its daily roll-up counters and its first deadline job in one
 * statement and its monthly counters in a second (intakes arriving together share both: group-commit.ts).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import { localDate } from '../../platform/calendar/working-time.js';
import { GroupCommit } from '../../platform/db/group-commit.js';
import {
  earlierAnswer,
  type IdempotencyCaller,
  idempotencyOwner,
  storeAnswers,
  withIdempotency,
} from '../../platform/db/idempotency.js';
import type { DB } from '../../platform/db/schema.js';
import { Forbidden, Invalid } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/files.js';
import { jobsInsert } from '../../platform/jobs/jobs.js';
import { responsibleUnit, unitOfType } from '../org/org.service.js';
import { findArea, type Places } from '../places/places.service.js';
import { checkAttributes } from './attributes.js';
import type { CaseEngine } from './case-engine.js';
import { eventRow } from './case-rows.js';
import type { CaseCreateT, CategoryT } from './cases.schemas.js';
import { CasesStore } from './cases.store.js';
import { canonicalJson, eventHash, GENESIS_HASH, type HashedEvent } from './hash-chain.js';
import { RollupsStore } from './rollups.store.js';
import { type ActorRole, startClock } from './workflow.js';

const TRACKING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** What a new case answers. */
export interface FiledCase {
  id: string;
  number: string;
  trackingCode: string;
  state: 'reported';
  version: number;
  areaCode: string;
  suggestedUnitId: string | null;
  dueAt: string | null;
}

export interface FileOptions {
  /** A resend with the same key (by the same caller) answers the first result and writes nothing. */
  idempotencyKey?: string;
  /**
   * Whose key it is, when the principal is shared by many callers (the portal's machine account files
   * every citizen's report): without it, the principal's user.
   */
  caller?: IdempotencyCaller;
  /**
   * Runs first inside the intake's transaction: a channel's limit is counted only by a case that is
   * really written — a refusal after it, or a failure, rolls the count back. Throwing refuses the case.
   */
  admit?: (trx: Transaction<DB>) => Promise<void>;
  /**
   * Runs inside the intake's transaction after the case is written: a channel records its own rows
   * (a device message) with the case, all or nothing. Throwing rolls the case back too.
   */
  onCreated?: (trx: Transaction<DB>, created: FiledCase) => Promise<void>;
  /** The place, when the channel has located the point already (so it is located once per request). */
  located?: LocatedPlace;
}

/** A point located to its grid (WGS84 after conversion). */
export interface LocatedPlace {
  grid: string;
  lon: number | null;
  lat: number | null;
}

type Prepared = Awaited<ReturnType<CaseIntake['prepare']>>;
type Made = ReturnType<CaseIntake['make']>;

/** An intake waiting for its group commit, with the idempotency key its answer is stored under. */
interface Queued {
  made: Made;
  claim: { owner: string; key: string; request: string } | null;
}

export class CaseIntake {
  /** Intakes without channel hooks arriving together share a transaction (group-commit.ts). */
  readonly commits: GroupCommit<Queued, FiledCase>;

  constructor(
    private readonly engine: CaseEngine,
    private readonly places: Places,
    private readonly files: FileStore,
  ) {
    this.commits = new GroupCommit(engine.db, async (trx, items) => {
      const filed = await this.write(
        trx,
        items.map((q) => q.made),
      );
      // The keys and answers of the batch in one statement; a key taken already rolls the batch back,
      // and each intake is then written alone (group-commit.ts), the taken one answering the stored result.
      await storeAnswers(
        trx,
        items.flatMap((q, i) => (q.claim ? [{ ...q.claim, response: filed[i] as FiledCase }] : [])),
      );
      return filed;
    });
  }

  /** Files a case for `p` (上报); `replayed` says a resend answered the first result. */
  async file(
    p: Principal,
    input: CaseCreateT,
    opts: FileOptions = {},
  ): Promise<FiledCase & { replayed: boolean }> {
    const owner = idempotencyOwner(opts.caller ?? { user: p.userId });
    const key = opts.idempotencyKey;
    const claim = key ? { owner, key, request: canonicalJson(input) } : null;
    // A resend after the first answer gets it, even if the case could not be made again now.
    const earlier = claim && (await earlierAnswer<FiledCase>(this.engine.db, claim));
    if (earlier) return { ...earlier, replayed: true };
    // Read before writing: the embedded store has a single connection.
    const made = this.make(await this.prepare(p, input, opts.located));
    if (!opts.admit && !opts.onCreated) {
      try {
        return { ...(await this.commits.submit({ made, claim })), replayed: false };
      } catch (err) {
        // A concurrent resend stored its answer first (this key was taken), or this one failed where the
        // first succeeded: the stored answer.
        const stored = claim && (await earlierAnswer<FiledCase>(this.engine.db, claim));
        if (stored) return { ...stored, replayed: true };
        throw err;
      }
    }
    const { result, replayed } = await withIdempotency(
      this.engine.db,
      { owner, key, request: claim?.request ?? '', order: 'last' },
      async (trx) => {
        if (opts.admit) await opts.admit(trx);
        const [created] = await this.write(trx, [made]);
        if (!created) throw new Error('intake wrote no case');
        if (opts.onCreated) await opts.onCreated(trx, created);
        return created;
      },
    );
    return { ...result, replayed };
  }

  private async prepare(p: Principal, input: CaseCreateT, located?: LocatedPlace) {
    const category = await this.engine.category(input.categoryCode).catch(() => {
      throw new Invalid(
        'unknown_category',
        `There is no category ${input.categoryCode}; see GET /api/categories.`,
      );
    });
    if (!category.active)
      throw new Invalid('unknown_category', `Category ${category.code} is no longer in use.`);
    const answers = checkAttributes(category.attributes, input.attributes ?? {});
    if (!answers.ok) throw new Invalid('invalid_attribute', answers.message, { attribute: answers.code });
    const place = located ?? (await this.placeOf(input));
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

  /**
   * Writes made cases in the caller's transaction, in one statement for all of them: each case row with its
   * first event, their daily roll-up counters folded, their first deadline jobs; then their monthly counters
   * (after the daily ones, see `RollupsStore.halves`). Answers one FiledCase per case, in order.
   */
  private async write(trx: Transaction<DB>, made: readonly Made[]): Promise<FiledCase[]> {
    const deltas = made.flatMap((m) => m.deltas);
    const counters = await new RollupsStore(trx).halves(deltas);
    const jobs = made.flatMap((m) => m.jobs);
    const rows = await new CasesStore(trx).insertCasesWithEvents(
      made.map((m) => m.caseRow),
      made.map((m) => m.eventRow),
      [...(counters.daily ? [counters.daily] : []), ...(jobs.length ? [jobsInsert(trx, jobs)] : [])],
    );
    await counters.addMonthly();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return made.map(({ filed }): FiledCase => {
      const row = byId.get(filed.id);
      if (!row) throw new Error(`case ${filed.id} was not written`);
      return { ...filed, number: row.number, trackingCode: row.tracking_code };
    });
  }

  /**
   * Everything a prepared case writes, made before it queues for its batch (so a batch's transaction runs
   * no per-case work): its row, its first event (上报) hash-chained from the genesis at the engine's now,
   * its roll-up deltas and its first deadline job.
   */
  private make(prepared: Prepared) {
    const { event, clock, caseRow } = this.firstEvent(prepared);
    const { category, place, input } = prepared;
    const deltas = this.engine.rollupDeltas(
      {
        id: event.caseId,
        number: '',
        kind: category.kind,
        categoryCode: category.code,
        areaCode: place.grid,
        title: input.title,
        assignedUnitId: null,
        createdAt: event.at,
      },
      category,
      [],
      event,
    );
    const filed = {
      id: event.caseId,
      state: 'reported' as const,
      version: 1,
      areaCode: place.grid,
      suggestedUnitId: prepared.suggested,
      dueAt: clock.dueAt?.toISOString() ?? null,
    };
    return {
      caseRow,
      eventRow: eventRow(event, GENESIS_HASH, caseRow.values.last_hash),
      deltas,
      jobs: this.engine.clockJobs([{ caseId: event.caseId, areaCode: place.grid, clock }]),
      filed,
    };
  }

  /** A prepared case's row, its first event (上报) and its step clock, at the engine's now. */
  private firstEvent(prepared: Prepared) {
    const { p, input, category, place, suggested, source, role, answers } = prepared;
    const now = this.engine.now();
    const clock = startClock(this.engine.decideContext(place.grid, category, now), category.fileLimit);
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
    const caseRow = {
      // Case number {district}{yyyymmdd}{seq}: the seq is drawn from a sequence inside the insert.
      numberPrefix: `${place.grid.slice(0, 6)}${localDate(now).replaceAll('-', '')}`,
      values: {
        id,
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
        last_hash: eventHash(GENESIS_HASH, event),
      },
    };
    return { event, clock, caseRow };
  }

  private async placeOf(input: CaseCreateT): Promise<LocatedPlace> {
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
    const area = await findArea(this.engine.db, input.areaCode ?? '');
    if (area?.level !== 'grid') throw new Invalid('unknown_grid', `There is no grid ${input.areaCode}.`);
    const b = area.bbox;
    return b
      ? { grid: area.code, lon: ((b[0] ?? 0) + (b[2] ?? 0)) / 2, lat: ((b[1] ?? 0) + (b[3] ?? 0)) / 2 }
      : { grid: area.code, lon: null, lat: null };
  }

  /** 直派街乡 for requests; otherwise the responsibility rules table. */
  private async suggestUnit(category: CategoryT, grid: string): Promise<string | null> {
    if (category.route === 'street') {
      const street = await unitOfType(this.engine.db, 'street_office', grid.slice(0, 9), {
        activeOnly: true,
      });
      if (street) return street;
    }
    return (await responsibleUnit(this.engine.db, category.code, grid))?.unitId ?? null;
  }
}

function trackingCode(): string {
  return Array.from({ length: 10 }, () => TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]).join('');
}
