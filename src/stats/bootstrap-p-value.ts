import { assertFinite, assertSampleSize } from './assert.js';

/** NaN is read as +Infinity, as {@link quantileInPlace} reads it: an undefined ratio is unbounded. */
function countWhere(samples: ArrayLike<number>, test: (v: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (test(Number.isNaN(v) ? Number.POSITIVE_INFINITY : v)) count++;
  }
  return count;
}

/**
 * Bootstrap p-value for "the statistic exceeds `threshold`": the share of replicates at or below
 * the threshold, with the (count + 1)/(B + 1) correction so it is never 0 (Davison & Hinkley).
 * Small values are evidence that the true statistic is above the threshold, e.g. that a latency
 * ratio exceeds 1 + budget.
 *
 * @param samples the bootstrap replicates; NaN counts as +Infinity.
 * @param threshold the value to beat, finite.
 * @throws {RangeError} when `samples` is empty or threshold is not finite.
 * @example
 * bootstrapPValueAbove([1.3, 1.25, 1.4, 1.18, 1.35], 1.2); // (1 + 1) / (5 + 1) = 0.333…
 */
export function bootstrapPValueAbove(samples: ArrayLike<number>, threshold: number): number {
  assertSampleSize(samples, 1, 'bootstrapPValueAbove');
  assertFinite(threshold, 'threshold', 'bootstrapPValueAbove');
  const count = countWhere(samples, (v) => v <= threshold);
  return (count + 1) / (samples.length + 1);
}

/**
 * Bootstrap p-value for "the statistic is below `threshold`": the share of replicates at or above
 * the threshold, with the (count + 1)/(B + 1) correction. The mirror of
 * {@link bootstrapPValueAbove}.
 *
 * @param samples the bootstrap replicates; NaN counts as +Infinity.
 * @param threshold the value to stay under, finite.
 * @throws {RangeError} when `samples` is empty or threshold is not finite.
 * @example
 * bootstrapPValueBelow([0.9, 0.95, 1.02, 0.88], 1); // (1 + 1) / (4 + 1) = 0.4
 */
export function bootstrapPValueBelow(samples: ArrayLike<number>, threshold: number): number {
  assertSampleSize(samples, 1, 'bootstrapPValueBelow');
  assertFinite(threshold, 'threshold', 'bootstrapPValueBelow');
  const count = countWhere(samples, (v) => v >= threshold);
  return (count + 1) / (samples.length + 1);
}
