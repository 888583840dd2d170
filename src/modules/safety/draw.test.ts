import { describe, expect, it } from 'vitest';
import {
  allocate,
  type Candidate,
  drawInspection,
  exclusionStart,
  type PoolPlace,
  poolOf,
  type RosterEntry,
  SeededStream,
} from './draw.js';

const id = (p: string, i: number) => `${p}${String(i).padStart(3, '0')}`;
const pool = (grade: PoolPlace['grade'], n: number, p = grade[0] as string): PoolPlace[] =>
  Array.from({ length: n }, (_, i) => ({ id: id(p, i), grade }));
const input = () => ({ roster, differentUnits: true });
const roster: RosterEntry[] = [
  { id: 'i1', name: '甲', unit: '应急局', conflicts: [] },
  { id: 'i2', name: '乙', unit: '应急局', conflicts: ['h000'] },
  { id: 'i3', name: '丙', unit: '消防救援大队', conflicts: [] },
  { id: 'i4', name: '丁', unit: '市场监管所', conflicts: [] },
];

describe('seeded stream (sha256-ctr-v1)', () => {
  it('is fixed by its seed', () => {
    const a = new SeededStream('2026-12-plan');
    const b = new SeededStream('2026-12-plan');
    const xs = Array.from({ length: 50 }, () => a.uniform(1000));
    expect(Array.from({ length: 50 }, () => b.uniform(1000))).toEqual(xs);
    expect(new SeededStream('other').uniform(1_000_000)).not.toBe(
      new SeededStream('2026-12-plan').uniform(1_000_000),
    );
  });
  it('pins the first values, so another implementation can check itself against them', () => {
    const s = new SeededStream('wangge');
    expect(Array.from({ length: 5 }, () => s.uniform(100))).toEqual([73, 25, 61, 49, 37]);
  });
});

describe('the draw (双随机)', () => {
  const input = {
    seed: 'seed-1',
    pool: [...pool('high', 5), ...pool('medium', 10), ...pool('low', 5)],
    roster,
    targetCount: 8,
    differentUnits: true,
  };

  it('is reproducible from its inputs, whatever order they come in', () => {
    const a = drawInspection(input);
    const b = drawInspection({ ...input, pool: [...input.pool].reverse(), roster: [...roster].reverse() });
    expect(a).toEqual(b);
    expect(drawInspection({ ...input, seed: 'seed-2' })).not.toEqual(a);
  });

  it('shares targets across strata in proportion, two different inspectors from different units', () => {
    const r = drawInspection(input);
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.result.strata.map((s) => s.drawn)).toEqual([2, 0, 4, 2]);
    expect(new Set(r.result.targets.map((t) => t.placeId)).size).toBe(8);
    const unit = new Map(roster.map((x) => [x.id, x.unit]));
    for (const t of r.result.targets) {
      const [a, b] = t.inspectorIds;
      expect(a).not.toBe(b);
      expect(unit.get(a)).not.toBe(unit.get(b));
    }
  });

  it('never sends an inspector to a place they must avoid (回避)', () => {
    for (let s = 0; s < 200; s++) {
      const r = drawInspection({ ...input, seed: `c${s}`, pool: pool('high', 3), targetCount: 3 });
      if (!r.ok) throw new Error(r.problem.message);
      const t = r.result.targets.find((x) => x.placeId === 'h000');
      expect(t?.inspectorIds).not.toContain('i2');
    }
  });

  it('names the problem: empty pool, too many targets, roster too small', () => {
    expect(drawInspection({ ...input, pool: [] })).toMatchObject({
      ok: false,
      problem: { code: 'pool_empty' },
    });
    expect(drawInspection({ ...input, targetCount: 21 })).toMatchObject({
      ok: false,
      problem: { code: 'too_many_targets', poolSize: 20 },
    });
    expect(drawInspection({ ...input, roster: roster.slice(0, 1) })).toMatchObject({
      ok: false,
      problem: { code: 'roster_too_small' },
    });
    // two inspectors of one unit, different units required
    expect(
      drawInspection({ ...input, roster: roster.slice(0, 2), pool: pool('low', 3), targetCount: 1 }),
    ).toMatchObject({
      ok: false,
      problem: { code: 'roster_too_small' },
    });
  });

  it('is uniform within a stratum (χ² with a fixed seed family, tolerance p = 0.001)', () => {
    // 20 places in one stratum, 5 drawn per run, 4000 runs: each place expects 1000 draws.
    const places = pool('medium', 20);
    const counts = new Map<string, number>();
    const runs = 4000;
    for (let s = 0; s < runs; s++) {
      const r = drawInspection({ ...input, seed: `uniform-${s}`, pool: places, targetCount: 5 });
      if (!r.ok) throw new Error(r.problem.message);
      for (const t of r.result.targets) counts.set(t.placeId, (counts.get(t.placeId) ?? 0) + 1);
    }
    const expected = (runs * 5) / 20;
    const chi2 = places.reduce((sum, p) => sum + ((counts.get(p.id) ?? 0) - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 0.999 quantile of χ² is 43.82.
    expect(chi2).toBeLessThan(43.82);
    for (const p of places)
      expect(Math.abs((counts.get(p.id) ?? 0) - expected) / expected).toBeLessThan(0.12);
  });
});

describe('uniform within each stratum when there are several (χ², fixed seeds, p = 0.001)', () => {
  it('draws each place of a stratum equally often, strata keeping their allocation', () => {
    // 6 high + 14 medium, 5 targets: largest remainder gives 2 high and 3 medium every run.
    const places = [...pool('high', 6), ...pool('medium', 14)];
    const runs = 3000;
    const counts = new Map<string, number>();
    for (let s = 0; s < runs; s++) {
      const r = drawInspection({ ...input(), seed: `strata-${s}`, pool: places, targetCount: 5 });
      if (!r.ok) throw new Error(r.problem.message);
      expect(r.result.strata.map((x) => x.drawn)).toEqual([2, 0, 3, 0]);
      for (const t of r.result.targets) counts.set(t.placeId, (counts.get(t.placeId) ?? 0) + 1);
    }
    // χ² 0.999 quantiles: 5 degrees of freedom 20.52, 13 degrees of freedom 34.53.
    for (const [grade, size, drawn, limit] of [
      ['high', 6, 2, 20.52],
      ['medium', 14, 3, 34.53],
    ] as const) {
      const expected = (runs * drawn) / size;
      const stratum = places.filter((p) => p.grade === grade);
      const chi2 = stratum.reduce((sum, p) => sum + ((counts.get(p.id) ?? 0) - expected) ** 2 / expected, 0);
      expect(chi2, `${grade}: χ² ${chi2.toFixed(2)}`).toBeLessThan(limit);
    }
  });
});

describe('allocation and pool', () => {
  it('allocates by largest remainder and never more than a stratum has', () => {
    expect(allocate([5, 0, 10, 5], 8)).toEqual([2, 0, 4, 2]);
    expect(allocate([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(allocate([3, 7], 10)).toEqual([3, 7]);
  });

  it('filters by area, industry, grade and excludes places inspected in the last N months', () => {
    const c = (id: string, over: Partial<Candidate> = {}): Candidate => ({
      id,
      industry: '餐饮',
      riskGrade: 'medium',
      areaCode: '120101001001',
      lastInspectedOn: null,
      ...over,
    });
    const candidates = [
      c('a'),
      c('b', { industry: '危化品' }),
      c('c', { riskGrade: 'low' }),
      c('d', { areaCode: '120101002001' }),
      c('e', { lastInspectedOn: '2026-09-02' }), // inside 3 months of 2026-12-02
      c('f', { lastInspectedOn: '2026-09-01' }), // just outside
    ];
    const f = {
      industries: ['餐饮'],
      grades: ['medium' as const],
      areaCode: '120101001',
      excludeInspectedMonths: 3,
    };
    expect(poolOf(candidates, f, '2026-12-02').map((p) => p.id)).toEqual(['a', 'f']);
    expect(
      poolOf(candidates, { ...f, industries: [], grades: [], excludeInspectedMonths: 0 }, '2026-12-02'),
    ).toHaveLength(5);
    expect(exclusionStart('2026-05-31', 3)).toBe('2026-02-28');
  });
});
