/** `wangge verify`: every hash chain of the installation — each case's events and the audit log. */
import type { CaseQueries } from '../modules/cases/queries.service.js';
import { type AuditChainReport, verifyAuditChain } from '../platform/audit/audit-chain.js';
import type { Db } from '../platform/db/store.js';

export interface VerifyReport {
  cases: Awaited<ReturnType<CaseQueries['verifyChains']>>;
  audit: AuditChainReport;
  ok: boolean;
}

/** Re-computes both chains; the case chains through the cases service (its own verification). */
export async function verifyEverything(
  db: Db,
  cases: Pick<CaseQueries, 'verifyChains'>,
): Promise<VerifyReport> {
  const caseReport = await cases.verifyChains();
  const audit = await verifyAuditChain(db);
  return { cases: caseReport, audit, ok: caseReport.broken.length === 0 && audit.broken === null };
}

/** The lines the command prints: broken links first (table, row, expected vs found), then a summary. */
export function describeVerify(r: VerifyReport): { errors: string[]; summary: string[] } {
  const errors: string[] = [];
  for (const b of r.cases.broken)
    errors.push(
      `case_events: case ${b.number} (${b.caseId}) event seq ${b.seq}: ${b.problem} does not match`,
    );
  const a = r.audit.broken;
  if (a) errors.push(`audit_log: row id ${a.id}: ${a.field} expected ${a.expected}, found ${a.found}`);
  const summary = [
    `case_events: checked ${r.cases.checked} case(s): ${r.cases.broken.length ? `${r.cases.broken.length} broken chain(s)` : 'all chains hold'}`,
    `audit_log: checked ${r.audit.checked} row(s): ${a ? 'chain broken' : 'chain holds'}${
      r.audit.head && !a ? `; head id ${r.audit.head.id} hash ${r.audit.head.hash}` : ''
    }`,
  ];
  return { errors, summary };
}
