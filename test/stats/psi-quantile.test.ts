// Reference values computed with scipy 1.17.1 and numpy 2.4.6 on the development machine; each
// row cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { populationStabilityIndex } from '../../src/stats/psi.js';
import { weightedQuantile } from '../../src/stats/weighted-quantile.js';
import { expectClose } from './close.js';

describe('populationStabilityIndex', () => {
  // [baseline counts, candidate counts, PSI] with a = 0.5 added to every bin:
  //   b = numpy.asarray(base) + 0.5; c = numpy.asarray(cand) + 0.5
  //   scipy.stats.entropy(c, b) + scipy.stats.entropy(b, c)
  const CASES: ReadonlyArray<readonly [number[], number[], number]> = [
    [[50, 30, 20], [30, 30, 40], 0.23352191933715846],
    [[100, 0, 0, 0], [90, 5, 5, 0], 0.2453630538815315],
    [[10, 10], [10, 10], 0],
    [[0, 3, 90, 7], [2, 10, 70, 18], 0.2532887204927478],
    [
      [1000, 200, 30, 5, 0, 0, 0, 0, 0, 1],
      [900, 250, 60, 20, 5, 2, 1, 0, 0, 0],
      0.06387934614467189,
    ],
  ];
  it.each(CASES)('%j vs %j → %f', (base, cand, psi) => {
    expectClose(populationStabilityIndex(base, cand), psi, 1e-12, 1e-15);
  });

  it('is symmetric and scale-free in the counts', () => {
    const a = [40, 25, 20, 15];
    const b = [20, 20, 30, 30];
    expectClose(populationStabilityIndex(a, b), populationStabilityIndex(b, a), 1e-14);
    // Doubling every count (and the pseudo-count) leaves the shares, so the index, unchanged.
    expectClose(
      populationStabilityIndex(
        a.map((x) => 2 * x),
        b.map((x) => 2 * x),
        1,
      ),
      populationStabilityIndex(a, b),
      1e-14,
    );
  });

  it('rejects mismatched or invalid histograms', () => {
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3])).toThrow(/2 baseline bins but 3/);
    expect(() => populationStabilityIndex([], [])).toThrow(/no bins/);
    expect(() => populationStabilityIndex([1, -1], [1, 1])).toThrow(/bin 1/);
    expect(() => populationStabilityIndex([1, 1], [1, 1], 0)).toThrow(/pseudoCount/);
  });
});

describe('weightedQuantile', () => {
  // [values, weights, p, numpy.quantile(numpy.repeat(values, weights), p)]
  const CASES: ReadonlyArray<readonly [number[], number[], number, number]> = [
    [[10, 20, 30], [1, 2, 1], 0.95, 28.499999999999996],
    [[5, 1, 3, 9, 7], [0, 3, 1, 2, 4], 0.95, 9],
    [[5, 1, 3, 9, 7], [0, 3, 1, 2, 4], 0.5, 7],
    [[5, 1, 3, 9, 7], [0, 3, 1, 2, 4], 0.05, 1],
    [[5, 1, 3, 9, 7], [0, 3, 1, 2, 4], 0, 1],
    [[5, 1, 3, 9, 7], [0, 3, 1, 2, 4], 1, 9],
    [[2.5], [7], 0.95, 2.5],
    [[1, 2, 3, 4], [1, 1, 1, 1], 0.3, 1.9],
  ];
  const orderOf = (v: number[]) =>
    Uint32Array.from(v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!));
  it.each(CASES)('%j × %j at %f → %f', (values, weights, p, q) => {
    expect(weightedQuantile(orderOf(values), values, weights, p)).toBe(q);
  });

  it('agrees with numpy-style quantiles of the repeated sample on random multisets', () => {
    // Cross-check against the plain definition (sort the repeated sample, type 7).
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let trial = 0; trial < 200; trial++) {
      const k = 1 + Math.floor(next() * 12);
      const values = Array.from({ length: k }, () => Math.round(next() * 1000) / 10);
      const weights = Array.from({ length: k }, () => Math.floor(next() * 4));
      if (!weights.some((w) => w > 0)) weights[0] = 1;
      const repeated = values
        .flatMap((v, i) => Array<number>(weights[i]!).fill(v))
        .sort((a, b) => a - b);
      for (const p of [0, 0.05, 0.3, 0.5, 0.77, 0.95, 0.99, 1]) {
        const h = (repeated.length - 1) * p;
        const lo = Math.floor(h);
        const a = repeated[lo]!;
        const b = repeated[Math.min(lo + 1, repeated.length - 1)]!;
        const g = h - lo;
        const want = a === b ? a : g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g;
        expect(weightedQuantile(orderOf(values), values, weights, p)).toBe(want);
      }
    }
  });

  it('reads only the listed entries, takes a known total, and is NaN without weight', () => {
    const values = [3, 1, 2];
    expect(weightedQuantile(Uint32Array.of(1, 0), values, [1, 1, 100], 1)).toBe(3);
    expect(weightedQuantile(Uint32Array.of(1, 2, 0), values, [1, 1, 1], 0.5, 3)).toBe(2);
    expect(weightedQuantile(Uint32Array.of(1, 2, 0), values, [0, 0, 0], 0.5)).toBeNaN();
    expect(() => weightedQuantile([0], [1], [1], 1.5)).toThrow(RangeError);
  });
});
