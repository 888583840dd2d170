/**
 * Tamper evidence for an incident's time line (时间线), the same scheme as the case timeline
 * (cases/hash-chain.ts): each event's sha256 covers its canonical content and the previous event's hash.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from '../cases/hash-chain.js';

export { GENESIS_HASH };

/** What an incident event's hash covers: everything it says, nothing the store adds (its row id). */
export interface IncidentEventContent {
  incidentId: string;
  seq: number;
  type: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  note: string | null;
  payload: unknown;
}

export function incidentEventHash(prevHash: string, e: IncidentEventContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(e)).digest('hex');
}

/** Checks one incident's events in seq order; the first broken seq, or null when the chain holds. */
export function verifyIncidentChain(
  events: readonly (IncidentEventContent & { prevHash: string; hash: string })[],
): { seq: number; problem: 'gap' | 'prev_hash' | 'hash' } | null {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) return { seq: e.seq, problem: 'gap' };
    if (e.prevHash !== prev) return { seq: e.seq, problem: 'prev_hash' };
    const { prevHash: _p, hash, ...content } = e;
    if (incidentEventHash(prev, content) !== hash) return { seq: e.seq, problem: 'hash' };
    prev = hash;
  }
  return null;
}
