import { assertInRange, assertSampleSize } from './assert.js';
import { quantileInPlace } from './quantile.js';

/**
 * One-sided percentile-bootstrap bounds: `lower` is the (1 − confidence) quantile of the
 * resampled statistics and `upper` the confidence quantile (numpy's default interpolation). Each
 * is a one-sided bound at `confidence`; together they are a two-sided interval at
 * 2·confidence − 1.
 *
 * @param samples the bootstrap replicates (not modified); NaN counts as +Infinity.
 * @param confidence one-sided confidence level, in (0, 1), e.g. 0.95.
 * @returns [lower, upper].
 * @throws {RangeError} when `samples` is empty or confidence is outside (0, 1).
 * @example
 * const x = [3, 1, 4, 1, 5, 9, 2, 6];
 * const means = pairedBootstrap(x.length, (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length, {
 *   resamples: 2000,
 *   rng: createRng(1),
 * });
 * percentileBounds(means, 0.95); // [lower, upper] around the sample mean 3.875
 */
export function percentileBounds(
  samples: Float64Array | readonly number[],
  confidence: number,
): [lower: number, upper: number] {
  assertSampleSize(samples, 1, 'percentileBounds');
  assertInRange(confidence, 0, 1, 'confidence', 'percentileBounds', true);
  const scratch = Float64Array.from(samples);
  // The second selection works on the reordered buffer; order does not matter to it.
  const lower = quantileInPlace(scratch, 1 - confidence);
  const upper = quantileInPlace(scratch, confidence);
  return [lower, upper];
}
