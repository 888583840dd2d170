/**
 * Tamper evidence for the audit log: re-computes the hash chain that the insert trigger of
 * `migrations/0010_audit.sql` builds. The canonical text is rebuilt here, in TypeScript, from the
 * stored values, so a changed database function cannot vouch for a changed row.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/store.js';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The stored values the hash covers, as the database prints them (timestamps in UTC with microseconds, jsonb as text). */
export interface AuditChainRow {
  id: number;
  at: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

/** A link that does not hold: which row, which field, what the chain expected and what the row holds. */
export interface BrokenLink {
  table: 'audit_log';
  id: number;
  field: 'prev_hash' | 'hash';
  expected: string;
  found: string;
}

function field(t: string | null): string {
  return t === null ? '~;' : `${Buffer.byteLength(t, 'utf8')}:${t};`;
}

/** Mirrors `audit_log_canonical` + `audit_log_hash` of the migration. */
export function auditRowHash(r: Omit<AuditChainRow, 'hash'>): string {
  const text = [
    r.prev_hash,
    String(r.id),
    r.at,
    r.actor_id,
    r.actor_name,
    r.action,
    r.entity,
    r.entity_id,
    r.before,
    r.after,
  ]
    .map(field)
    .join('');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Checks rows in id order, continuing from `prev`; answers the first broken link or null. */
export function firstBrokenLink(
  rows: readonly AuditChainRow[],
  prev = AUDIT_GENESIS_HASH,
): BrokenLink | null {
  for (const r of rows) {
    if (r.prev_hash !== prev)
      return { table: 'audit_log', id: r.id, field: 'prev_hash', expected: prev, found: r.prev_hash };
    const expected = auditRowHash(r);
    if (r.hash !== expected) return { table: 'audit_log', id: r.id, field: 'hash', expected, found: r.hash };
    prev = r.hash;
  }
  return null;
}

export interface AuditChainReport {
  checked: number;
  broken: BrokenLink | null;
  /** The last row of the chain: write it down elsewhere to detect a removed tail later. */
  head: { id: number; hash: string } | null;
}

const PAGE = 2000;

/**
 * Walks the whole audit chain in pages (memory stays flat); stops at the first broken link. The chain runs
 * through the archive (rows retention moved out of old month partitions, 0028) and on into the live table:
 * ids are one sequence, so id order over both is chain order, and a row missing from either breaks it.
 */
export async function verifyAuditChain(db: Db): Promise<AuditChainReport> {
  let prev = AUDIT_GENESIS_HASH;
  let after = -1;
  let checked = 0;
  let head: AuditChainReport['head'] = null;
  for (;;) {
    const page = await sql<AuditChainRow>`
      select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
        actor_id::text as actor_id, actor_name, action, entity, entity_id,
        before::text as before, after::text as after, prev_hash, hash
      from (select * from audit_log_archive union all select * from audit_log) a
      where id > ${after} order by id limit ${PAGE}`.execute(db);
    const broken = firstBrokenLink(page.rows, prev);
    if (broken) {
      checked += page.rows.findIndex((r) => r.id === broken.id) + 1;
      return { checked, broken, head };
    }
    checked += page.rows.length;
    const last = page.rows.at(-1);
    if (!last) return { checked, broken: null, head };
    prev = last.hash;
    after = last.id;
    head = { id: last.id, hash: last.hash };
  }
}
