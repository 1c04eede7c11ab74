import { assertInRange, assertSampleSize } from './assert.js';
import { tQuantile } from './t-quantile.js';

export interface ClusterMeanBounds {
  n: number;
  /** Number of distinct clusters, G. */
  clusters: number;
  mean: number;
  /** Cluster-robust standard error of the mean (CR1: sandwich with the G/(G − 1) correction). */
  se: number;
  /** Degrees of freedom, G − 1. */
  df: number;
  /** t_{confidence, G−1}. */
  tCritical: number;
  /** One-sided lower bound at `confidence`: mean − t·se. */
  lower: number;
  /** One-sided upper bound at `confidence`: mean + t·se. */
  upper: number;
}

/**
 * One-sided bounds on a mean whose observations come in correlated clusters (several cases drawn
 * from one conversation, say), with the cluster-robust standard error of "Adding Error Bars to
 * Evals" (Miller, 2024, eq. 4): residuals are summed within each cluster, the sandwich variance is
 * Σ_g (Σ_{i∈g} (x_i − x̄))² / n², scaled by G/(G − 1) for small G, and the t quantile uses G − 1
 * degrees of freedom. This is the standard error of an intercept-only regression with
 * `cov_type='cluster'` (`statsmodels.api.OLS(x, np.ones(n)).fit(cov_type='cluster',
 * cov_kwds={'groups': g}, use_t=True)`), whose bounds are `conf_int(2 * (1 - confidence))`.
 * With every observation its own cluster it is the ordinary t interval.
 *
 * @param values the observations (e.g. per-case differences), at least two finite numbers.
 * @param clusters the cluster of each observation, any integers; at least two distinct ones.
 * @param confidence one-sided confidence level, in (0, 1).
 * @throws {RangeError} when the lengths differ, there are fewer than two values or two clusters,
 *   a value is not finite, or confidence is outside (0, 1).
 * @example
 * clusterMeanBounds([0.1, 0.3, -0.2, 0, 0.4, 0.1], [0, 0, 1, 1, 2, 2], 0.95);
 * // { n: 6, clusters: 3, mean: 0.11667, se: 0.10929, df: 2, lower: -0.20246, upper: 0.43579 }
 */
export function clusterMeanBounds(
  values: ArrayLike<number>,
  clusters: ArrayLike<number>,
  confidence: number,
): ClusterMeanBounds {
  assertSampleSize(values, 2, 'clusterMeanBounds');
  assertInRange(confidence, 0, 1, 'confidence', 'clusterMeanBounds', true);
  const n = values.length;
  if (clusters.length !== n) {
    throw new RangeError(
      `clusterMeanBounds: ${n} values but ${clusters.length} cluster labels; they must match`,
    );
  }
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`clusterMeanBounds: value ${i} is not finite`);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A constant sample gets exactly its value and exactly zero spread, not rounding residue that
  // would pass for a very precise estimate (as meanAndSd does).
  const mean = min === max ? min : sum / n;
  const residualSums = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const g = clusters[i]!;
    residualSums.set(g, (residualSums.get(g) ?? 0) + (values[i]! - mean));
  }
  const g = residualSums.size;
  if (g < 2) throw new RangeError('clusterMeanBounds: needs at least two clusters');
  let meat = 0;
  for (const s of residualSums.values()) meat += s * s;
  const se = Math.sqrt(((g / (g - 1)) * meat) / (n * n));
  const df = g - 1;
  const tCritical = tQuantile(confidence, df);
  return {
    n,
    clusters: g,
    mean,
    se,
    df,
    tCritical,
    lower: mean - tCritical * se,
    upper: mean + tCritical * se,
  };
}
