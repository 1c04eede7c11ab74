import { assertFinite } from './assert.js';
import { meanAndSd } from './mean-sd.js';
import { tCdf } from './t-cdf.js';

/**
 * One-sided one-sample t test p-value for H0: true mean ≥ threshold against H1: mean < threshold
 * (`scipy.stats.ttest_1samp(diffs, threshold, alternative='less').pvalue`). Small values are
 * evidence that the mean lies below the threshold. With zero spread it is 0 when the mean is
 * below the threshold and 1 otherwise.
 *
 * @param diffs the per-pair differences, at least two finite numbers.
 * @param threshold the boundary of the null hypothesis, finite.
 * @throws {RangeError} when there are fewer than two differences, any is not finite, or threshold
 *   is not finite.
 * @example
 * pValueBelow([-0.1, -0.05, -0.12, -0.08, -0.03], -0.02); // ≈ 0.01322 (mean −0.076 < −0.02)
 */
export function pValueBelow(diffs: ArrayLike<number>, threshold: number): number {
  assertFinite(threshold, 'threshold', 'pValueBelow');
  const { n, mean, sd } = meanAndSd(diffs);
  if (sd === 0) return mean < threshold ? 0 : 1;
  return tCdf((mean - threshold) / (sd / Math.sqrt(n)), n - 1);
}

/**
 * One-sided one-sample t test p-value for H0: true mean ≤ threshold against H1: mean > threshold
 * (`scipy.stats.ttest_1samp(diffs, threshold, alternative='greater').pvalue`). Small values are
 * evidence that the mean lies above the threshold. With zero spread it is 0 when the mean is
 * above the threshold and 1 otherwise.
 *
 * @param diffs the per-pair differences, at least two finite numbers.
 * @param threshold the boundary of the null hypothesis, finite.
 * @throws {RangeError} when there are fewer than two differences, any is not finite, or threshold
 *   is not finite.
 * @example
 * pValueAbove([120, 80, 95, 140, 60], 0); // ≈ 0.001106 (latency grew)
 */
export function pValueAbove(diffs: ArrayLike<number>, threshold: number): number {
  assertFinite(threshold, 'threshold', 'pValueAbove');
  const { n, mean, sd } = meanAndSd(diffs);
  if (sd === 0) return mean > threshold ? 0 : 1;
  return tCdf(-(mean - threshold) / (sd / Math.sqrt(n)), n - 1);
}
