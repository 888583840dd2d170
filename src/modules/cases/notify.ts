/**
 * The one place the cases module tells a unit something (warnings, overdue, escalation, urging, late
 * report-in). It writes the notification in the caller's transaction; the notifications module takes
 * this over at merge.
 */
import type { Db } from '../../platform/db/store.js';
import { CasesStore } from './cases.store.js';

export async function notifyUnit(
  trx: Db,
  n: { unitId: string; caseId: string; kind: string; message: string },
): Promise<void> {
  await new CasesStore(trx).insertNotification(n);
}
