// Reference values computed with scipy 1.17.1 and statsmodels 0.15.0 on the development machine;
// each row cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { binomialSurvival } from '../../src/stats/binomial-survival.js';
import { holmAdjust } from '../../src/stats/holm.js';
import { mcnemarExact } from '../../src/stats/mcnemar-exact.js';
import { expectClose } from './close.js';

describe('holmAdjust', () => {
  // [raw p-values, statsmodels.stats.multitest.multipletests(p, method='holm')[1]]
  const CASES: ReadonlyArray<readonly [number[], number[]]> = [
    [
      [0.01, 0.04, 0.03],
      [0.03, 0.06, 0.06],
    ],
    [
      [0.001, 0.2, 0.015, 0.04, 0.5, 0.0001, 0.03],
      [0.006, 0.4, 0.075, 0.12, 0.5, 0.0007, 0.12],
    ],
    [[0.05], [0.05]],
    [
      [0.5, 0.5, 0.01],
      [1, 1, 0.03],
    ],
    [
      [0.02, 0.02, 0.02],
      [0.06, 0.06, 0.06],
    ],
  ];
  it.each(CASES)('%j → %j', (raw, adjusted) => {
    const got = holmAdjust(raw);
    expect(got).toHaveLength(adjusted.length);
    got.forEach((p, i) => {
      expectClose(p, adjusted[i]!, 1e-12, 1e-15);
    });
  });

  it('is empty for no tests and rejects p-values outside [0, 1]', () => {
    expect(holmAdjust([])).toEqual([]);
    expect(() => holmAdjust([0.1, 1.2])).toThrow(/pValues\[1\] must be in \[0, 1\]/);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });

  it('never lowers a p-value and keeps the order of the raw ones', () => {
    const raw = [0.3, 0.001, 0.07, 0.02, 0.9, 0.004];
    const adj = holmAdjust(raw);
    raw.forEach((p, i) => {
      expect(adj[i]!).toBeGreaterThanOrEqual(p);
    });
    const byRaw = raw.map((p, i) => [p, adj[i]!] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < byRaw.length; i++)
      expect(byRaw[i]![1]).toBeGreaterThanOrEqual(byRaw[i - 1]![1]);
  });
});

describe('mcnemarExact', () => {
  // [b, c, scipy.stats.binomtest(b, b + c, 0.5, alternative='greater').pvalue]
  const CASES: ReadonlyArray<readonly [number, number, number]> = [
    [3, 0, 0.125],
    [10, 2, 0.019287109375],
    [5, 5, 0.623046875],
    [0, 4, 1],
    [25, 11, 0.014408359827939423],
    [1, 0, 0.5],
    [7, 19, 0.9953223466873169],
  ];
  it.each(CASES)('b = %d, c = %d → %f', (b, c, p) => {
    expectClose(mcnemarExact(b, c), p, 1e-12);
  });

  it('is 1 with no discordant pair and rejects non-integers', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
  });

  // The margin form the pass-rate check uses: P(X >= b), X ~ Binomial(m, θ0).
  // [b, m, θ0, scipy.stats.binomtest(b, m, θ0, alternative='greater').pvalue]
  it.each([
    [12, 15, 0.6, 0.09050190240153597],
    [8, 10, 0.75, 0.5255928039550781],
    [30, 50, 0.55, 0.2861696097466866],
  ])('conditional test with a margin: b = %d of %d at θ0 = %f', (b, m, theta, p) => {
    expectClose(binomialSurvival(b - 1, m, theta), p, 1e-12);
  });
});
