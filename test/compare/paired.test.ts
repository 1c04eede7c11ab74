// Reference values computed with scipy 1.17.1 and statsmodels 0.15.0 on the development machine;
// each cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { clusterIndex } from '../../src/compare/clusters.js';
import { compareErrorCeiling } from '../../src/compare/error-ceiling.js';
import { compareDiscordant } from '../../src/compare/paired-binary.js';
import { comparePairedMeans } from '../../src/compare/paired-mean.js';
import { createRng } from '../../src/stats/rng.js';
import { expectClose } from '../stats/close.js';

const ones = (n: number) => new Array<number>(n).fill(1);

/** n pairs: `losses` go 1 → 0, `wins` go 0 → 1, the rest stay 1 → 1. */
function binary(n: number, losses: number, wins: number): [number[], number[]] {
  const b = ones(n);
  const c = ones(n);
  for (let i = 0; i < losses; i++) c[i] = 0;
  for (let i = losses; i < losses + wins; i++) b[i] = 0;
  return [b, c];
}

describe('compareDiscordant (exact McNemar with a margin)', () => {
  it('matches scipy on 12 losses and 3 wins of 200 against a 2-pt budget', () => {
    const c = compareDiscordant({ losses: 12, wins: 3, n: 200 }, 0.985, 0.94, 0.02, 0.95);
    // p: scipy.stats.binomtest(12, 15, (1 + 0.02·200/15)/2, alternative='greater').pvalue
    expectClose(c.p_value!, 0.1408953982789831, 1e-10);
    // θ bounds: scipy.stats.beta.ppf(0.05, 12, 4), scipy.stats.beta.ppf(0.95, 13, 3);
    // regression = (15/200)(2θ − 1).
    expectClose(c.regression![0], 0.009032334602766595, 1e-9);
    expectClose(c.regression![1], 0.06647296986146298, 1e-9);
    expect(c.delta).toBeCloseTo(-9 / 200, 15);
    expect(c).toMatchObject({ method: 'exact McNemar', note: '15 discordant pairs', n: 200 });
  });

  it('is McNemar itself with a zero budget, and certain of no change without discordant pairs', () => {
    // scipy.stats.binomtest(3, 3, 0.5, alternative='greater').pvalue = 0.125
    expectClose(
      compareDiscordant({ losses: 3, wins: 0, n: 1000 }, 1, 0.997, 0, 0.95).p_value!,
      0.125,
      1e-12,
    );
    expect(compareDiscordant({ losses: 0, wins: 0, n: 50 }, 1, 1, 0, 0.95)).toMatchObject({
      delta: 0,
      ci: [0, 0],
      regression: [0, 0],
      p_value: 1,
    });
    // Even 4 losses of 4 cannot drop 400 pairs by more than 1 pt: no evidence past a 2-pt budget.
    expect(compareDiscordant({ losses: 4, wins: 0, n: 400 }, 1, 0.99, 0.02, 0.95).p_value).toBe(1);
  });
});

describe('comparePairedMeans: which interval', () => {
  it('yes/no scores with few discordant pairs: exact McNemar and t, the more cautious of each', () => {
    const [b, c] = binary(200, 12, 3);
    const r = comparePairedMeans(b, c, 0.02, 0.95);
    expect(r.method).toBe('exact McNemar + t');
    expect(r.note).toBe('15 discordant pairs');
    // t: scipy.stats.ttest_1samp(diffs, -0.02, alternative='less').pvalue = 0.0966…; exact 0.1409.
    expectClose(r.p_value!, 0.1408953982789831, 1e-10);
    // Optimistic: the exact bound (0.0090) is below t's (0.0134); pessimistic: t's 0.0766 wins.
    expectClose(r.regression![0], 0.009032334602766595, 1e-9);
    expectClose(r.regression![1], 0.07664566796225562, 1e-9);
    expect(r.ci).toEqual([-r.regression![1], -r.regression![0]]);
  });

  it('does not let three losses "prove" a drop: t alone says p = 0.042, McNemar 0.125', () => {
    const [b, c] = binary(1000, 3, 0);
    // scipy.stats.ttest_1samp(diffs, 0, alternative='less').pvalue = 0.04163…
    const r = comparePairedMeans(b, c, 0, 0.95);
    expectClose(r.p_value!, 0.125, 1e-12);
    expect(r.regression![0]).toBeLessThanOrEqual(0); // not a fail
  });

  it('uses the t interval from 25 discordant pairs on, and for graded scores', () => {
    const [b, c] = binary(400, 20, 5);
    expect(comparePairedMeans(b, c, 0.02, 0.95).method).toBe('paired t');
    const g = Array.from({ length: 50 }, (_, i) => (i % 10) / 10);
    expect(
      comparePairedMeans(
        g,
        g.map((x) => x * 0.9),
        0.02,
        0.95,
      ).method,
    ).toBe('paired t');
  });

  it('uses the studentized bootstrap below 30 pairs when given a random source', () => {
    const b = Array.from({ length: 20 }, (_, i) => (i % 7) / 7);
    const c = b.map((x, i) => Math.max(0, x - (i % 3) * 0.05));
    const withRng = comparePairedMeans(b, c, 0.02, 0.95, { rng: createRng(3) });
    expect(withRng).toMatchObject({ method: 'bootstrap-t + t', note: '20 pairs', n: 20 });
    const again = comparePairedMeans(b, c, 0.02, 0.95, { rng: createRng(3) });
    expect({ ...again, optimisticAt: withRng.optimisticAt }).toEqual(withRng);
    expect(again.optimisticAt!(0.99)).toBe(withRng.optimisticAt!(0.99));
    expect(comparePairedMeans(b, c, 0.02, 0.95).method).toBe('paired t');
  });

  it('mostly tied differences below 30 pairs: the t interval, not an infinite bootstrap-t end', () => {
    // 24 of 25 answers drop from 1 to 0.7: a third of the resamples have no spread, so the
    // bootstrap-t's upper end was +∞ and a 29-point drop never blocked a 5-point budget.
    const b = new Float64Array(25).fill(1);
    const c = Float64Array.from({ length: 25 }, (_, i) => (i === 0 ? 1 : 0.7));
    const clear = comparePairedMeans(b, c, 0.05, 0.95, { rng: createRng(1) });
    expect(clear).toMatchObject({
      method: 'paired t',
      note: '25 pairs, too many of them tied for bootstrap-t',
    });
    expect(clear.ci!.every(Number.isFinite)).toBe(true);
    expect(clear.regression![0]).toBeGreaterThan(0.25); // fails a 5-point budget
    // Two answers of 25 drop by 0.1: the interval's lower end was −∞ (never a pass).
    const tiny = Float64Array.from({ length: 25 }, (_, i) => (i < 2 ? 0.9 : 1));
    const small = comparePairedMeans(b, tiny, 0.05, 0.95, { rng: createRng(1) });
    expect(small.ci!.every(Number.isFinite)).toBe(true);
    expect(small.regression![1]).toBeLessThan(0.05); // passes a 5-point budget
  });

  it('uses cluster-robust bounds when cases share clusters (statsmodels reference)', () => {
    const x = [0.1, 0.3, -0.2, 0, 0.4, 0.1, -0.3, -0.1];
    const base = x.map(() => 0.5);
    const r = comparePairedMeans(
      base,
      x.map((d) => 0.5 + d),
      0.05,
      0.95,
      {
        clusters: Uint32Array.of(0, 0, 1, 1, 2, 2, 3, 3),
      },
    );
    expect(r).toMatchObject({ method: 'cluster-robust t', note: '4 clusters', clusters: 4, df: 3 });
    // statsmodels OLS(x, 1).fit(cov_type='cluster', groups=g).bse[0]
    expectClose(r.se!, 0.11063265039459792, 1e-10);
    // scipy.stats.t.cdf((mean + 0.05) / se, 3)
    expectClose(r.p_value!, 0.7566209233999882, 1e-10);
    expectClose(r.sd!, r.se! * Math.sqrt(8), 1e-12);
  });

  it('cannot estimate a spread from one cluster', () => {
    const r = comparePairedMeans([1, 0, 1], [0, 0, 1], 0, 0.95, {
      clusters: Uint32Array.of(0, 0, 0),
    });
    expect(r.regression).toBeNull();
    expect(r.insufficient).toMatch(/one cluster/);
  });

  it('reports the standard error on every path, for power', () => {
    const [b, c] = binary(300, 30, 10);
    const r = comparePairedMeans(b, c, 0.02, 0.95);
    expect(r.se).toBeGreaterThan(0);
    expect(r.df).toBe(299);
    expectClose(r.se!, r.sd! / Math.sqrt(300), 1e-12);
  });
});

describe('clusterIndex', () => {
  it('maps labels to dense indices, gives unlabelled cases their own, and skips all-singletons', () => {
    const r = clusterIndex(['a', undefined, 'b', 'a', undefined, 'b'])!;
    expect([...r.groups]).toEqual([0, 1, 2, 0, 3, 2]);
    expect(r.count).toBe(4);
    expect(clusterIndex(['a', 'b', undefined])).toBeUndefined();
  });
});

describe('compareErrorCeiling: the paired view', () => {
  it('notes new and fixed errors with an exact McNemar p-value', () => {
    const c = compareErrorCeiling(1, 200, 8, 200, 0.05, 0.95, { newErrors: 8, fixedErrors: 1 });
    // scipy.stats.binomtest(8, 9, 0.5, alternative='greater').pvalue = 0.01953125
    expect(c.note).toBe('8 new errors and 1 fixed, exact McNemar p = 0.020');
    expect(c.method).toBe('Clopper–Pearson');
    expect(
      compareErrorCeiling(0, 200, 0, 200, 0.05, 0.95, { newErrors: 0, fixedErrors: 0 }).note,
    ).toBeUndefined();
  });
});
