/**
 * The citizen portal (津心办-style): report with a place, photos and optional contact, get a tracking
 * code, follow a public timeline (no staff names, no personal data, no internal notes), rate the result.
 * No captcha: limits per address and per device, counted in the database so every process sees them.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Invalid, NotFound, TooMany } from '../../platform/errors.js';
import { type Cases, CITIZEN_CASE_ACTOR, FINAL_STATES } from '../cases/cases.service.js';
import { listCategories } from '../cases/catalogue.service.js';
import { principalOfUser } from '../org/org.service.js';
import type { PublicRatingT, PublicReportT, PublicTimelineT } from './channels.schemas.js';
import { ChannelsStore, type SubmissionKind } from './channels.store.js';
import { maskPersonalData, PUBLIC_KINDS } from './publication.js';

/** The portal's machine account: the cases citizens report are filed as it. */
export const PORTAL_USERNAME = 'portal';
/** Per hour: reports per address / per device, uploads per address. */
export const LIMITS = {
  report: { source: 10, device: 5 },
  upload: { source: 30, device: 20 },
  rating: { source: 20, device: 10 },
} as const satisfies Record<SubmissionKind, { source: number; device: number }>;

/** Public names of the steps; everything else a citizen sees is the time. */
const STEP_LABELS: Record<string, string> = {
  report: '已提交',
  verify_request: '核实中',
  verify_report: '已核实',
  file: '已受理',
  reject: '不予受理',
  merge: '与同类问题合并办理',
  dispatch: '已派单',
  sign: '处置单位已接单',
  return: '重新派单',
  feedback: '已处置',
  check: '已核查',
  close: '已办结',
  reopen: '重新办理',
  rate: '已评价',
  escalate: '已督办',
  urge: '已督办',
  extend_decide: '办理时限调整',
  suspend: '暂缓办理',
  resume: '恢复办理',
};

/** A citizen as the limits and idempotency keys know them: network address and the page's device id. */
export interface PublicCaller {
  source: string;
  device: string;
}

export class PortalService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
  ) {}

  /** What citizens can report, in plain words, and how much of a report the public will see (公开范围). */
  async services() {
    return (await listCategories(this.db))
      .filter((c) => PUBLIC_KINDS.includes(c.kind))
      .map((c) => ({
        code: c.code,
        name: c.name,
        nameEn: c.nameEn || c.name,
        group: c.majorName,
        groupEn: c.majorNameEn || c.majorName,
        kind: c.kind,
        publication: c.publication,
        pointPrecision: c.pointPrecision,
      }));
  }

  /**
   * Admits one submission in its own transaction: counted even if what follows is refused (an upload:
   * receiving the bytes was the cost).
   */
  async admit(kind: SubmissionKind, caller: PublicCaller): Promise<void> {
    await this.db.transaction().execute((trx) => this.admitIn(trx, kind, caller));
  }

  /**
   * Counts this address's and device's submissions of a kind in the last hour; refuses past the
   * limit, else records one — in the caller's transaction, so a submission that is then refused or
   * fails leaves no count. Exact under parallel requests: the address and the device are locked until
   * the transaction ends.
   */
  private async admitIn(trx: Transaction<DB>, kind: SubmissionKind, { source, device }: PublicCaller) {
    const now = new Date();
    const since = new Date(now.getTime() - 3_600_000);
    const store = new ChannelsStore(trx);
    await store.lockSubmissions(kind, source, device);
    if (
      (await store.countSubmissions(kind, { column: 'source', value: source }, since)) >=
        LIMITS[kind].source ||
      (await store.countSubmissions(kind, { column: 'device', value: device }, since)) >= LIMITS[kind].device
    ) {
      throw new TooMany(
        'too_many_submissions',
        'Too many submissions from here in the last hour; please try again later or call 12345.',
      );
    }
    await store.recordSubmission(kind, source, device, now);
  }

  async portalPrincipal(): Promise<Principal> {
    const p = await principalOfUser(this.db, { username: PORTAL_USERNAME, activeOnly: true }, '市民（网上）');
    if (!p) throw new NotFound('portal_closed', 'The citizen portal is not set up here (no portal account).');
    return p;
  }

  /**
   * Files a citizen's report. Counted against the hourly limits only if the case is written; the
   * Idempotency-Key is this caller's own (address + device), never another citizen's.
   */
  async submitReport(input: PublicReportT, caller: PublicCaller, idempotencyKey: string | undefined) {
    const category = await this.cases.category(input.serviceCode).catch(() => null);
    if (!category?.active || !PUBLIC_KINDS.includes(category.kind)) {
      throw new Invalid('unknown_category', `There is no service ${input.serviceCode} on the portal.`);
    }
    const created = await this.cases.intake.file(
      await this.portalPrincipal(),
      {
        categoryCode: category.code,
        title: input.description.slice(0, 40),
        description: input.description,
        lon: input.lon,
        lat: input.lat,
        crs: input.crs,
        address: '',
        evidence: input.photos,
        attributes: {},
        source: 'portal',
        ...(input.contact?.name || input.contact?.phone ? { reporter: input.contact } : {}),
      },
      {
        idempotencyKey,
        caller,
        admit: (trx) => this.admitIn(trx, 'report', caller),
        // What the citizen filed under after a suggestion (分拨建议), with the case, in the same transaction.
        ...(input.suggestionId !== undefined && {
          onCreated: async (trx, made) => {
            await this.cases.routing.recordPublicChoice(trx, input.suggestionId as number, {
              categoryCode: category.code,
              caseId: made.id,
            });
          },
        }),
      },
    );
    return { trackingCode: created.trackingCode, number: created.number, replayed: created.replayed };
  }

  /**
   * The public timeline of a report. The tracking code is the reporter's receipt, not a listing, so it
   * answers whatever the category's publication level — but only with what `status` shows (steps and
   * times, never the text or the point) and the public replies (公开答复), masked; staff notes never.
   */
  async track(code: string): Promise<PublicTimelineT> {
    const c = await this.cases.queries.byTrackingCode(code);
    if (!c || !PUBLIC_KINDS.includes(c.kind))
      throw new NotFound('tracking_not_found', 'No report with this tracking code.');
    return {
      trackingCode: code,
      number: c.number,
      service: c.categoryName,
      state: c.state,
      closed: (FINAL_STATES as readonly string[]).includes(c.state),
      canRate: c.state === 'closed' && c.rating === null,
      rating: c.rating,
      createdAt: c.createdAt.toISOString(),
      timeline: c.events
        .filter((e) => STEP_LABELS[e.type])
        .map((e) => ({
          step: e.type,
          label: STEP_LABELS[e.type] as string,
          at: e.at.toISOString(),
          reply: e.publicReply ? maskPersonalData(e.publicReply) : null,
        })),
    };
  }

  /** A citizen rates a closed report; unsatisfied sends it back for rework (重办). */
  async rate(code: string, input: PublicRatingT, caller: PublicCaller): Promise<PublicTimelineT> {
    const row = await this.cases.queries.rowByTrackingCode(code);
    if (!row || !PUBLIC_KINDS.includes(row.kind))
      throw new NotFound('tracking_not_found', 'No report with this tracking code.');
    await this.db.transaction().execute(async (trx) => {
      await this.admitIn(trx, 'rating', caller);
      await this.cases.transitions.apply(
        trx,
        row,
        { type: 'rate', rating: input.rating, comment: input.comment },
        CITIZEN_CASE_ACTOR,
      );
    });
    return this.track(code);
  }
}
