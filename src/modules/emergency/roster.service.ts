/**
 * The duty roster (值班表): shifts per unit and role, who is on duty now, handovers (交接班), and the alerts
 * to the people on duty — an in-app notice to each (`notify`, inside the caller's transaction) and an SMS
 * through the `SmsSender` after it commits. One person is never rostered on two overlapping shifts.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { type Principal, unitInScope } from '../../platform/auth/roles.js';
import { lockName } from '../../platform/db/locks.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import { renderNotification } from '../notifications/notification-texts.js';
import { type NotificationKind, notify } from '../notifications/notifications.service.js';
import { unitMembers, userNames } from '../org/members.service.js';
import type { ShiftCreateT } from './emergency.schemas.js';
import type { UnitDirectory } from './incidents.service.js';
import { clashes, type DutyRole, handoverProblem, nextShift, onDutyAt, shiftProblem } from './roster.js';
import { RosterStore, type ShiftRow } from './roster.store.js';
import type { SmsMessage, SmsSender } from './sms-sender.js';

/** Who may write the roster: the command centre's shift leads, leaders, administrators. */
const ROSTER_ROLES = ['shift_lead', 'leader', 'admin'] as const;

/** What an alert says: a notification kind with its params, and a ref so it is sent once per shift. */
export interface DutyAlert {
  kind: NotificationKind;
  params: Readonly<Record<string, string>>;
  ref: string;
  caseId?: null;
}

/** What other services of the module need of the roster: alert the people on duty of some units. */
export interface DutyAlerts {
  /** Writes the notices in `trx`; answers what to run once it has committed (the SMS). */
  alert(trx: Db, unitIds: readonly string[], alert: DutyAlert, at: Date): Promise<() => Promise<void>>;
}

function toShift(r: ShiftRow) {
  return {
    id: r.id,
    unitId: r.unit_id,
    userId: r.user_id,
    role: r.role as DutyRole,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
  };
}

export class Roster implements DutyAlerts {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly units: UnitDirectory,
    private readonly sms: SmsSender,
    private readonly clock: () => Date = () => new Date(),
    private readonly log: (err: unknown) => void = () => {},
  ) {}

  /** The shifts meeting [from, to) of the units the caller sees (inside the scope or above it). */
  async list(p: Principal, from: Date, to: Date, unitId?: string) {
    if (to.getTime() <= from.getTime()) throw new Invalid('invalid_period', '"to" must be after "from".');
    if (to.getTime() - from.getTime() > 62 * 86_400_000)
      throw new Invalid('invalid_period', 'Ask for at most 62 days at a time.');
    const rows = await new RosterStore(this.db).shiftsBetween(p.scope, from, to, unitId ? [unitId] : null);
    return this.present(rows);
  }

  /** 当前值班: who is on duty now in the units the caller sees (or one unit). */
  async onDutyNow(p: Principal, unitId?: string) {
    const now = this.clock();
    const rows = await new RosterStore(this.db).shiftsBetween(
      p.scope,
      now,
      new Date(now.getTime() + 1),
      unitId ? [unitId] : null,
    );
    const order = onDutyAt(rows.map(toShift), now).map((s) => s.id);
    return this.present(order.flatMap((id) => rows.filter((r) => r.id === id)));
  }

  /** 排班: one shift of one member of a unit; a shift overlapping another of the same person is refused. */
  async create(p: Principal, input: ShiftCreateT) {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    const problem = shiftProblem({ startsAt, endsAt });
    if (problem === 'empty') throw new Invalid('invalid_shift', 'A shift must end after it starts.');
    if (problem === 'too_long') throw new Invalid('invalid_shift', 'A shift lasts at most 7 days.');
    const [unit] = await this.units.activeUnits([input.unitId]);
    if (!unit) throw new Invalid('unknown_unit', 'The unit does not exist.', { unitId: input.unitId });
    if (!unitInScope(p.scope, unit.areaCode))
      throw new Forbidden('scope_outside', 'The unit is outside your scope.');
    const members = await unitMembers(this.db, unit.id);
    if (!members.some((m) => m.id === input.userId))
      throw new Invalid('not_unit_member', 'The person is not an active member of the unit.', {
        userId: input.userId,
      });
    const row = await this.db.transaction().execute(async (trx) => {
      const store = new RosterStore(trx);
      // Two rosters written at once for one person are decided one after the other.
      await lockName(trx, 'emergency_shift_user', input.userId);
      const existing = await store.userShiftsBetween(input.userId, startsAt, endsAt);
      const clash = clashes({ startsAt, endsAt, userId: input.userId }, existing.map(toShift));
      if (clash.length)
        throw new Conflict('shift_overlap', 'The person is already on duty at that time.', {
          shifts: clash.map((c) => ({
            id: c.id,
            startsAt: c.startsAt.toISOString(),
            endsAt: c.endsAt.toISOString(),
          })),
        });
      const inserted = await store.insertShift({
        unitId: unit.id,
        areaCode: unit.areaCode,
        userId: input.userId,
        role: input.role,
        startsAt,
        endsAt,
        phone: input.phone,
      });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'emergency_shift',
        entityId: inserted.id,
        after: { ...input },
      });
      return inserted;
    });
    const [shift] = await this.present([row]);
    return shift as NonNullable<typeof shift>;
  }

  /** 交接班: the person on the shift (or a shift lead) hands over to the next shift of its unit and role. */
  async handover(p: Principal, shiftId: string, note: string) {
    const store = new RosterStore(this.db);
    const shift = await store.shiftById(shiftId);
    if (!shift || !unitInScope(p.scope, shift.area_code))
      throw new NotFound('shift_not_found', 'The shift does not exist or is outside your scope.');
    const commands = p.roles.some((r) => (ROSTER_ROLES as readonly string[]).includes(r));
    if (shift.user_id !== p.userId && !commands)
      throw new Forbidden('forbidden', 'Only the person on the shift or a shift lead hands it over.');
    const at = this.clock();
    const already = (await store.handoversOf([shift.id])).some((h) => h.from_shift_id === shift.id);
    const problem = handoverProblem({ startsAt: shift.starts_at, endsAt: shift.ends_at }, at, already);
    if (problem === 'handed_over') throw new Conflict('handed_over', 'The shift was handed over already.');
    if (problem === 'not_started') throw new Conflict('shift_not_started', 'The shift has not begun.');
    if (problem === 'too_late')
      throw new Conflict('handover_too_late', 'The shift ended more than 12 hours ago.');
    const next = nextShift(
      toShift(shift),
      (await store.successors(shift.unit_id, shift.role, shift.ends_at)).map(toShift),
    );
    await this.db.transaction().execute(async (trx) => {
      if (
        !(await new RosterStore(trx).insertHandover({
          fromShiftId: shift.id,
          toShiftId: next?.id ?? null,
          note,
          at,
          by: p.userId,
        }))
      )
        throw new Conflict('handed_over', 'The shift was handed over already.');
      await recordAudit(trx, p, {
        action: 'update',
        entity: 'emergency_shift',
        entityId: shift.id,
        after: { handover: note, to: next?.id ?? null },
      });
    });
    const [presented] = await this.present([shift]);
    return presented as NonNullable<typeof presented>;
  }

  async alert(trx: Db, unitIds: readonly string[], alert: DutyAlert, at: Date): Promise<() => Promise<void>> {
    const rows = await new RosterStore(trx).onDuty([...new Set(unitIds)], at);
    const on = onDutyAt(
      rows.map((r) => ({ ...toShift(r), phone: r.phone })),
      at,
    );
    if (!on.length) return async () => {};
    await notify(
      trx,
      on.map((s) => ({
        unitId: s.unitId,
        userId: s.userId,
        kind: alert.kind,
        params: alert.params,
        ref: `${alert.ref}:${s.id}`,
      })),
    );
    const text = renderNotification(alert.kind, alert.params, 'zh-CN', alert.kind);
    const messages: SmsMessage[] = [...new Set(on.map((s) => s.phone).filter(Boolean))].map((to) => ({
      to,
      text,
    }));
    return async () => {
      for (const m of messages) await this.sms.send(m).catch((err: unknown) => this.log(err));
    };
  }

  private async present(rows: readonly ShiftRow[]) {
    const now = this.clock();
    const [names, units, handovers] = await Promise.all([
      userNames(
        this.db,
        rows.map((r) => r.user_id),
      ),
      this.units.unitNames(rows.map((r) => r.unit_id)),
      new RosterStore(this.db).handoversOf(rows.map((r) => r.id)),
    ]);
    const by = await userNames(
      this.db,
      handovers.map((h) => h.handed_over_by),
    );
    return rows.map((r) => {
      const h = handovers.find((x) => x.from_shift_id === r.id);
      return {
        id: r.id,
        unitId: r.unit_id,
        unitName: units.get(r.unit_id) ?? r.unit_id,
        userId: r.user_id,
        userName: names.get(r.user_id) ?? r.user_id,
        role: r.role as DutyRole,
        startsAt: r.starts_at.toISOString(),
        endsAt: r.ends_at.toISOString(),
        phone: r.phone,
        onDuty: r.starts_at.getTime() <= now.getTime() && now.getTime() < r.ends_at.getTime(),
        handover: h
          ? {
              note: h.note,
              at: h.handed_over_at.toISOString(),
              toShiftId: h.to_shift_id,
              byName: by.get(h.handed_over_by) ?? '',
            }
          : null,
      };
    });
  }
}
