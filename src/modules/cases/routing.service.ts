/**
 * Routing that learns (分拨建议): suggests the top 3 categories for a message with calibrated confidence
 * and the unit the responsibility rules give each, records what the person chose, and retrains from the
 * district's closed cases as a job (nightly, and after `retrainEvery` new closures), keeping the previous
 * model when the new one scores worse on the held-back recent cases. Before there is a model it trains one
 * from the catalogue's own words and keywords (cold start). The model itself is pure (router/model.ts).
 */
import type { Principal } from '../../platform/auth/roles.js';
import type { Db } from '../../platform/db/store.js';
import { Invalid, NotFound, TooMany } from '../../platform/errors.js';
import { enqueueJobs, type JobHandler, pendingJobs } from '../../platform/jobs/jobs.js';
import { responsibleUnit } from '../org/org.service.js';
import type { CaseEngine } from './case-engine.js';
import type { CategoryT } from './cases.schemas.js';
import { listCategories } from './catalogue.service.js';
import {
  type LoadedRouter,
  loadRouter,
  predictRoute,
  type RouterModel,
  type RouterOptions,
  scoreRouter,
  trainRouter,
} from './router/model.js';
import {
  caseExamples,
  catalogueExamples,
  dueForRetrain,
  holdBackRecent,
  judgeRetrain,
  nextNightly,
} from './router/training.js';
import { type RoutingModelSummary, type RoutingMonthRow, RoutingStore } from './routing.store.js';

export const ROUTING_RETRAIN_JOB = 'routing_retrain';
export const ROUTING_CHECK_JOB = 'routing_check';

export type SuggestChannel = 'hotline' | 'staff' | 'portal' | 'open311';

export interface RoutedSuggestion {
  categoryCode: string;
  name: string;
  majorName: string;
  confidence: number;
  unitId: string | null;
  unitName: string | null;
}

export interface SuggestResult {
  /** Send back with the choice (POST /api/cases/suggestions/:id/choice). */
  suggestionId: number;
  suggestions: RoutedSuggestion[];
  reason: string | null;
  modelId: number | null;
  modelSource: 'catalogue' | 'cases' | null;
}

export interface RoutingOptions {
  /** Retrain after this many new closures (default 200). */
  retrainEvery?: number;
  /** Closed cases read for training, newest first (default 20,000). */
  maxCases?: number;
  /** Learner options (tests make it small and fast). */
  learner?: Partial<RouterOptions>;
}

/** Public suggestions allowed per address and minute (a citizen typing asks about once a second at most). */
export const PUBLIC_PER_MINUTE = 60;

/** Cases too few to learn from: below this, the catalogue model stays. */
const MIN_CASES = 20;

export class CaseRouting {
  private cached: {
    id: number;
    router: LoadedRouter;
    source: 'catalogue' | 'cases';
    checkedAt: number;
  } | null = null;
  private readonly opts: Required<RoutingOptions>;
  /** Public suggestions per source address in the current minute (per process: a suggestion changes nothing). */
  private publicWindow = { startedAt: 0, counts: new Map<string, number>() };

  constructor(
    private readonly engine: CaseEngine,
    opts: RoutingOptions = {},
  ) {
    this.opts = { retrainEvery: 200, maxCases: 20_000, learner: {}, ...opts };
  }

  /** The active model, trained from the catalogue first when there is none yet. Cached for 10 s. */
  async active(
    db: Db = this.engine.db,
  ): Promise<{ id: number; router: LoadedRouter; source: 'catalogue' | 'cases' }> {
    if (this.cached && Date.now() - this.cached.checkedAt < 10_000) return this.cached;
    const store = new RoutingStore(db);
    let id = await store.activeModelId();
    if (id === null) id = await this.coldStart(db);
    if (this.cached?.id === id) {
      this.cached.checkedAt = Date.now();
      return this.cached;
    }
    const row = await store.modelRow(id);
    if (!row) throw new NotFound('routing_model_not_found', `There is no routing model ${id}.`);
    this.cached = {
      id,
      router: loadRouter(JSON.parse(row.model) as RouterModel),
      source: row.source,
      checkedAt: Date.now(),
    };
    return this.cached;
  }

  /** Forget the cached model (after a retrain in this process). */
  forget(): void {
    this.cached = null;
  }

  /** Trains the cold-start model from the catalogue alone and makes it active. */
  async coldStart(db: Db = this.engine.db): Promise<number> {
    const examples = catalogueExamples(await listCategories(db));
    const model = trainRouter(examples, this.opts.learner);
    const store = new RoutingStore(db);
    const id = await store.insertModel({
      source: 'catalogue',
      status: 'active',
      trained_on: examples.length,
      closed_cases: await store.closedCount(),
      held_out: 0,
      top1: null,
      previous_top1: null,
      reason: 'cold start from the catalogue',
      model: JSON.stringify(model),
    });
    await store.retireOthers(id);
    return id;
  }

  /**
   * The top 3 categories for a message (among those `allow` admits, all when absent), each with the unit
   * the responsibility rules give it (at the area when known). Writes nothing: `suggest` records it.
   */
  async rank(
    p: Principal | null,
    input: { subject?: string; text: string; areaCode?: string },
    allow?: (c: CategoryT) => boolean,
  ): Promise<Omit<SuggestResult, 'suggestionId'>> {
    const db = this.engine.db;
    const model = await this.active();
    const categories = new Map((await listCategories(db)).map((c) => [c.code, c]));
    const prediction = predictRoute(model.router, input, allow ? 12 : 6);
    const top = prediction.suggestions
      .filter((s) => {
        const c = categories.get(s.label);
        return c !== undefined && (!allow || allow(c));
      })
      .slice(0, 3);
    const area = input.areaCode ?? (p ? p.scope : '');
    const suggestions: RoutedSuggestion[] = [];
    for (const s of top) {
      const c = categories.get(s.label) as CategoryT;
      const unit = c.route === 'rules' ? await responsibleUnit(db, c.code, area) : null;
      suggestions.push({
        categoryCode: c.code,
        name: c.name,
        majorName: c.majorName,
        confidence: s.confidence,
        unitId: unit?.unitId ?? null,
        unitName: unit?.unitName ?? null,
      });
    }
    return { suggestions, reason: prediction.reason, modelId: model.id, modelSource: model.source };
  }

  /**
   * The top 3 categories for a message, each with the unit the responsibility rules give it (at the area
   * when known), recorded as a suggestion. Bad text answers no suggestions and a reason, never an error.
   */
  async suggest(
    p: Principal | null,
    input: { subject?: string; text: string; areaCode?: string },
    channel: SuggestChannel,
  ): Promise<SuggestResult> {
    const ranked = await this.rank(p, input);
    const suggestionId = await this.record(this.engine.db, p, channel, ranked);
    return { suggestionId, ...ranked };
  }

  /**
   * Records a ranking as a suggestion (in the caller's transaction when `db` is one), with the choice
   * already made when a channel files on it by itself (Open311 without a service_code).
   */
  async record(
    db: Db,
    p: Principal | null,
    channel: SuggestChannel,
    ranked: Omit<SuggestResult, 'suggestionId'>,
    choice?: { categoryCode: string; caseId: string | null },
  ): Promise<number> {
    const store = new RoutingStore(db);
    const id = await store.insertSuggestion({
      channel,
      user_id: p?.userId ?? null,
      model_id: ranked.modelId,
      suggested: ranked.suggestions.map((s) => s.categoryCode),
      confidence: ranked.suggestions.map((s) => s.confidence),
      reason: ranked.reason,
    });
    if (choice) {
      await store.recordChoice(id, {
        chosenCategory: choice.categoryCode,
        accepted: ranked.suggestions[0]?.categoryCode === choice.categoryCode,
        caseId: choice.caseId,
        at: this.engine.now(),
      });
    }
    return id;
  }

  /**
   * Records what the person filed under (and the case, once filed): accepted when it is the first
   * suggestion. In the caller's transaction when `db` is one (the portal records it with the report).
   */
  async recordChoice(
    p: Principal | null,
    id: number,
    choice: { categoryCode: string; caseId?: string | null },
    db: Db = this.engine.db,
  ): Promise<{ accepted: boolean }> {
    const store = new RoutingStore(db);
    const row = await store.suggestion(id);
    // Someone else's suggestion answers exactly like a missing one.
    if (!row || (p && row.user_id !== null && row.user_id !== p.userId) || (!p && row.user_id !== null)) {
      throw new NotFound('suggestion_not_found', `There is no suggestion ${id}.`);
    }
    await this.engine.category(choice.categoryCode).catch(() => {
      throw new Invalid('category_not_found', `There is no category ${choice.categoryCode}.`);
    });
    if (choice.caseId && !(await store.caseExists(choice.caseId))) {
      throw new NotFound('case_not_found', `There is no case ${choice.caseId}.`);
    }
    const accepted = row.suggested[0] === choice.categoryCode;
    await store.recordChoice(id, {
      chosenCategory: choice.categoryCode,
      accepted,
      caseId: choice.caseId ?? null,
      at: this.engine.now(),
    });
    return { accepted };
  }

  /**
   * The portal's choice, recorded with the report in its transaction: only on a public suggestion (no
   * user) not yet chosen, so a report cannot rewrite another's choice. A stale or unknown id is skipped
   * (false), never a reason to refuse a citizen's report.
   */
  async recordPublicChoice(
    db: Db,
    id: number,
    choice: { categoryCode: string; caseId: string },
  ): Promise<boolean> {
    const store = new RoutingStore(db);
    const row = await store.suggestion(id);
    if (!row || row.user_id !== null || row.chosen_category !== null) return false;
    await store.recordChoice(id, {
      chosenCategory: choice.categoryCode,
      accepted: row.suggested[0] === choice.categoryCode,
      caseId: choice.caseId,
      at: this.engine.now(),
    });
    return true;
  }

  /**
   * Trains on the district's closed cases (plus the catalogue's words, so categories with no history can
   * still be suggested) and keeps the new model only if it scores at least as well as the active one on
   * the held-back most recent cases. Answers the stored row.
   */
  async retrain(db: Db, reason: string): Promise<RoutingModelSummary> {
    const store = new RoutingStore(db);
    const closed = await store.closedCases(this.opts.maxCases);
    const closedCount = await store.closedCount();
    if (closed.length < MIN_CASES) {
      const id = (await store.activeModelId()) ?? (await this.coldStart(db));
      const [row] = (await store.models(50)).filter((m) => m.id === id);
      return row as RoutingModelSummary;
    }
    const { train, held } = holdBackRecent(closed);
    const catalogue = catalogueExamples(await listCategories(db));
    const toExample = (c: { title: string; description: string; category_code: string }) => ({
      title: c.title,
      description: c.description,
      categoryCode: c.category_code,
    });
    const examples = [...catalogue, ...caseExamples(train.map(toExample))];
    const next = loadRouter(trainRouter(examples, this.opts.learner));
    const heldExamples = caseExamples(held.map(toExample));
    const nextTop1 = held.length ? scoreRouter(next, heldExamples).top1 : null;
    const previous = await this.active(db);
    const previousTop1 = held.length ? scoreRouter(previous.router, heldExamples).top1 : null;
    const verdict = judgeRetrain(nextTop1, previousTop1);
    const id = await store.insertModel({
      source: 'cases',
      status: verdict.keep === 'new' ? 'active' : 'rejected',
      trained_on: examples.length,
      closed_cases: closedCount,
      held_out: held.length,
      top1: nextTop1,
      previous_top1: previousTop1,
      reason: `${reason}: ${verdict.reason}`,
      model: JSON.stringify(next.model),
    });
    if (verdict.keep === 'new') await store.retireOthers(id);
    this.forget();
    const [row] = (await store.models(50)).filter((m) => m.id === id);
    return row as RoutingModelSummary;
  }

  /** Retrains now, in its own transaction. */
  retrainNow(): Promise<RoutingModelSummary> {
    return this.engine.db.transaction().execute((trx) => this.retrain(trx, 'requested'));
  }

  /** At most `PUBLIC_PER_MINUTE` public suggestions per address and minute (429 `suggest_limited`). */
  admitPublic(source: string): void {
    const now = Date.now();
    if (now - this.publicWindow.startedAt > 60_000) this.publicWindow = { startedAt: now, counts: new Map() };
    const n = (this.publicWindow.counts.get(source) ?? 0) + 1;
    if (n > PUBLIC_PER_MINUTE) {
      throw new TooMany('suggest_limited', 'Too many suggestions asked from this address; wait a minute.');
    }
    this.publicWindow.counts.set(source, n);
  }

  models(): Promise<RoutingModelSummary[]> {
    return new RoutingStore(this.engine.db).models(50);
  }

  /** Per month: how often the first suggestion was taken, and 退单 after a suggestion against none. */
  async stats(p: Principal, months = 12): Promise<RoutingMonthRow[]> {
    const now = this.engine.now();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months + 1, 1) - 8 * 3_600_000);
    return new RoutingStore(this.engine.db).months(p.scope, from);
  }

  /** Puts the nightly retrain and the hourly closure check in the queue unless they are there already. */
  async schedule(db: Db = this.engine.db): Promise<void> {
    const now = this.engine.now();
    if ((await pendingJobs(db, ROUTING_RETRAIN_JOB, {})).length === 0) {
      await enqueueJobs(db, [
        { type: ROUTING_RETRAIN_JOB, runAt: nextNightly(now), payload: { nightly: true } },
      ]);
    }
    if ((await pendingJobs(db, ROUTING_CHECK_JOB, {})).length === 0) {
      await enqueueJobs(db, [
        { type: ROUTING_CHECK_JOB, runAt: new Date(now.getTime() + 3_600_000), payload: {} },
      ]);
    }
  }

  jobHandlers(): Record<string, JobHandler> {
    return {
      [ROUTING_RETRAIN_JOB]: async (trx, payload, now) => {
        await this.retrain(trx, payload.nightly ? 'nightly' : 'requested');
        if (payload.nightly) {
          await enqueueJobs(trx, [
            { type: ROUTING_RETRAIN_JOB, runAt: nextNightly(now), payload: { nightly: true } },
          ]);
        }
      },
      [ROUTING_CHECK_JOB]: async (trx, _payload, now) => {
        const store = new RoutingStore(trx);
        const id = await store.activeModelId();
        const active = id === null ? undefined : await store.modelRow(id);
        const closedNow = await store.closedCount();
        if (dueForRetrain(closedNow, active?.closed_cases ?? 0, this.opts.retrainEvery)) {
          await this.retrain(trx, `${this.opts.retrainEvery} new closures`);
        }
        await enqueueJobs(trx, [
          { type: ROUTING_CHECK_JOB, runAt: new Date(now.getTime() + 3_600_000), payload: {} },
        ]);
      },
    };
  }
}
