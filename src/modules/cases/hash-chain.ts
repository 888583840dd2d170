/**
 * Tamper evidence for the case timeline: each event's hash covers its content and the previous
 * event's hash, so changing, removing or reordering any stored event breaks every hash after it.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: everything it says, nothing the store adds (its row id). */
export interface HashedEvent {
  caseId: string;
  seq: number;
  type: string;
  fromState: string | null;
  toState: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  actorUnitId: string | null;
  lon: number | null;
  lat: number | null;
  note: string | null;
  evidence: readonly string[];
  payload: unknown;
}

/** JSON with object keys sorted at every level, so the same content always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(prevHash: string, e: HashedEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(e)).digest('hex');
}

export type ChainProblem = { seq: number; problem: 'gap' | 'prev_hash' | 'hash' };

/** Checks one case's events in seq order; returns the first problem, or null when the chain holds. */
export function verifyChain(
  events: readonly (HashedEvent & { prevHash: string; hash: string })[],
): ChainProblem | null {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) return { seq: e.seq, problem: 'gap' };
    if (e.prevHash !== prev) return { seq: e.seq, problem: 'prev_hash' };
    const { prevHash: _p, hash, ...content } = e;
    if (eventHash(prev, content) !== hash) return { seq: e.seq, problem: 'hash' };
    prev = hash;
  }
  return null;
}
