import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, GENESIS_HASH, type HashedEvent, verifyChain } from './hash-chain.js';

const base: HashedEvent = {
  caseId: 'c1',
  seq: 1,
  type: 'report',
  fromState: null,
  toState: 'reported',
  at: new Date('2026-03-10T02:00:00Z'),
  actorId: 'u1',
  actorName: '网格员 张伟',
  actorRole: 'inspector',
  actorUnitId: null,
  lon: 117.2,
  lat: 39.12,
  note: null,
  evidence: [],
  payload: { b: 1, a: { d: [1, 2], c: '垃圾' } },
};

function chain(n: number) {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = { ...base, seq: i + 1, note: `step ${i + 1}` };
    const hash = eventHash(prev, e);
    const row = { ...e, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

describe('hash chain', () => {
  it('hashes the same content the same way whatever the key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(eventHash(GENESIS_HASH, base)).toBe(
      eventHash(GENESIS_HASH, { ...base, payload: { a: { c: '垃圾', d: [1, 2] }, b: 1 } }),
    );
  });

  it('holds for an untouched chain and finds a changed, removed or reordered event', () => {
    const events = chain(4);
    expect(verifyChain(events)).toBeNull();
    expect(verifyChain(events.map((e, i) => (i === 2 ? { ...e, note: 'edited' } : e)))).toEqual({
      seq: 3,
      problem: 'hash',
    });
    expect(verifyChain([events[0], events[2], events[3]].filter((e) => e !== undefined))).toEqual({
      seq: 3,
      problem: 'gap',
    });
    const swapped = events.map((e, i) => (i === 1 ? { ...e, payload: { tampered: true } } : e));
    expect(verifyChain(swapped)?.seq).toBe(2);
  });
});
