// Reference values computed with statsmodels 0.15.0 and scipy 1.17.1 on the development machine:
//   r = statsmodels.api.OLS(x, numpy.ones(n)).fit(cov_type='cluster', cov_kwds={'groups': g}, use_t=True)
//   mean = r.params[0], se = r.bse[0], df = G − 1, bounds = r.conf_int(2 * (1 - confidence))[0]
// statsmodels' default small-sample factor for this model is G/(G − 1)·(N − 1)/(N − K) with
// K = 1, i.e. exactly G/(G − 1). CI runs without Python.
import { describe, expect, it } from 'vitest';
import { clusterMeanBounds } from '../../src/stats/cluster-mean-bounds.js';
import { pairedMeanBounds } from '../../src/stats/paired-mean-bounds.js';
import { expectClose } from './close.js';

const X2 = [
  -1.529, -1.231, -1.804, -1.368, -1.433, -1.97, -0.918, 0.362, -1.301, -1.429, 1.551, 1.418, 1.166,
  0.13, 1.032, -0.112, -1.377, 0.427, -1.017, -0.405, -2.425, -0.819, -1.379, 0.16, 0.045, -0.299,
  -2.406, -0.428, 0.015, 0.177,
];
const G2 = [
  0, 0, 0, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4, 5, 6, 7, 7, 7, 8, 8, 9, 9, 9, 9, 10, 10, 11, 11,
];

describe('clusterMeanBounds', () => {
  it('matches statsmodels on three clusters of two', () => {
    const r = clusterMeanBounds([0.1, 0.3, -0.2, 0, 0.4, 0.1], [0, 0, 1, 1, 2, 2], 0.95);
    expect(r).toMatchObject({ n: 6, clusters: 3, df: 2 });
    expectClose(r.mean, 0.1166666666666667, 1e-12);
    expectClose(r.se, 0.10929064207170008, 1e-12);
    expectClose(r.lower, -0.20246043, 1e-7);
    expectClose(r.upper, 0.43579377, 1e-7);
  });

  it.each([
    [0.95, -1.17095037, 0.0264837],
    [0.9, -1.02677749, -0.11768917],
  ])('matches statsmodels on 12 clusters of unequal size at %f', (confidence, lower, upper) => {
    const r = clusterMeanBounds(X2, G2, confidence);
    expect(r).toMatchObject({ n: 30, clusters: 12, df: 11 });
    expectClose(r.mean, -0.5722333333333333, 1e-12);
    expectClose(r.se, 0.3333827581256838, 1e-12);
    expectClose(r.lower, lower, 1e-7);
    expectClose(r.upper, upper, 1e-7);
  });

  it('is the ordinary paired t interval when every case is its own cluster', () => {
    const x = [1.5, 2.0, -0.5, 3.25, 0.75];
    const r = clusterMeanBounds(x, [0, 1, 2, 3, 4], 0.95);
    const t = pairedMeanBounds(x, 0.95);
    // statsmodels: se 0.6254998001598399, bounds 0.06653026..2.73346974
    expectClose(r.se, 0.6254998001598399, 1e-12);
    expectClose(r.se, t.se, 1e-12);
    expectClose(r.lower, t.lower, 1e-12);
    expectClose(r.upper, t.upper, 1e-12);
  });

  it('accepts any integer labels, and gives a constant sample zero spread', () => {
    const r = clusterMeanBounds([-0.1, -0.1, -0.1, -0.1], [7, 7, 42, 3], 0.95);
    expect(r).toMatchObject({ mean: -0.1, se: 0, lower: -0.1, upper: -0.1, clusters: 3 });
  });

  it('throws on mismatched lengths, one cluster, or non-finite values', () => {
    expect(() => clusterMeanBounds([1, 2, 3], [0, 1], 0.95)).toThrow(/must match/);
    expect(() => clusterMeanBounds([1, 2, 3], [5, 5, 5], 0.95)).toThrow(/two clusters/);
    expect(() => clusterMeanBounds([1, Number.NaN], [0, 1], 0.95)).toThrow(/not finite/);
    expect(() => clusterMeanBounds([1], [0], 0.95)).toThrow(RangeError);
  });
});
