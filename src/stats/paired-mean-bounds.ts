import { assertInRange } from './assert.js';
import { meanAndSd } from './mean-sd.js';
import { tQuantile } from './t-quantile.js';

export interface PairedMeanBounds {
  n: number;
  mean: number;
  /** Sample standard deviation of the differences (divisor n − 1). */
  sd: number;
  /** Standard error of the mean, sd / √n. */
  se: number;
  /** Degrees of freedom, n − 1. */
  df: number;
  /** The t quantile used: t_{confidence, n−1}. */
  tCritical: number;
  /** One-sided lower bound at `confidence`: mean − t·se. */
  lower: number;
  /** One-sided upper bound at `confidence`: mean + t·se. */
  upper: number;
  /** mean / se: the t statistic against a true mean of 0 (±Infinity or 0 when se = 0). */
  tStat: number;
}

/**
 * One-sided confidence bounds for the mean of paired differences (candidate − baseline per case)
 * from the t distribution: `lower` = mean − t_{conf, n−1}·se holds the true mean above it with
 * probability `confidence`, and `upper` = mean + t·se likewise below it. Together they form a
 * two-sided interval at 2·confidence − 1.
 *
 * @param diffs the per-pair differences, at least two finite numbers.
 * @param confidence one-sided confidence level, in (0, 1), e.g. 0.95.
 * @throws {RangeError} when there are fewer than two differences, any is not finite, or confidence
 *   is outside (0, 1).
 * @example
 * pairedMeanBounds([0.1, -0.2, 0.05, 0.3, -0.1], 0.95);
 * // { n: 5, mean: 0.03, sd: 0.19235…, se: 0.08602…, df: 4, tCritical: 2.13185…,
 * //   lower: -0.15339…, upper: 0.21339…, tStat: 0.34874… }
 */
export function pairedMeanBounds(diffs: ArrayLike<number>, confidence: number): PairedMeanBounds {
  assertInRange(confidence, 0, 1, 'confidence', 'pairedMeanBounds', true);
  const { n, mean, sd } = meanAndSd(diffs);
  const df = n - 1;
  const se = sd / Math.sqrt(n);
  const tCritical = tQuantile(confidence, df);
  const tStat = se > 0 ? mean / se : mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
  return {
    n,
    mean,
    sd,
    se,
    df,
    tCritical,
    lower: mean - tCritical * se,
    upper: mean + tCritical * se,
    tStat,
  };
}

// Also reachable from here, as the module layout in the brief promised.
export { pValueAbove, pValueBelow } from './paired-t-p-value.js';
