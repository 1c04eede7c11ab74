import { assertInRange, assertSampleSize } from './assert.js';

/**
 * Bootstrap replicates sorted ascending for {@link lowerOrderBound} and {@link upperOrderBound}.
 * NaN (an undefined ratio, ∞/∞) becomes +Infinity, as the bootstrap p-values read it.
 *
 * @param samples the replicates (not modified).
 * @throws {RangeError} when `samples` is empty.
 */
export function sortReplicates(samples: Float64Array | readonly number[]): Float64Array {
  assertSampleSize(samples, 1, 'sortReplicates');
  return Float64Array.from(samples, (v) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v)).sort();
}

/**
 * The 1-based order statistic k = ⌊(1 − level)(B + 1)⌋ that both bounds below read. A level made
 * as 1 − a carries a's rounding, so a tail of exactly 25/1000 can come back as 24.999…/1000: a
 * relative 1e-9 allowance lets it read 25, as the p-value (25/1000 ≤ a) does.
 */
function tailRank(B: number, level: number, fn: string): number {
  assertInRange(level, 0, 1, 'level', fn, true);
  return Math.floor((1 - level) * (B + 1) * (1 + 1e-9));
}

/**
 * The one-sided lower bound at `level` that agrees exactly with `bootstrapPValueAbove`: with
 * a = 1 − level and k = ⌊a(B + 1)⌋, the bound is the k-th smallest replicate, so it exceeds a
 * threshold exactly when fewer than k replicates are at or below it, i.e. when
 * (count + 1)/(B + 1) ≤ a. With k < 1 (too few replicates for that level) it is −Infinity: the
 * replicates cannot support a bound that far out.
 *
 * @param sorted replicates from {@link sortReplicates}.
 * @param level one-sided confidence level, in (0, 1).
 * @example
 * lowerOrderBound(sortReplicates([5, 1, 4, 2, 3, 9, 8, 7, 6, 0]), 0.8); // k = ⌊0.2·11⌋ = 2: 1
 */
export function lowerOrderBound(sorted: Float64Array, level: number): number {
  const k = tailRank(sorted.length, level, 'lowerOrderBound');
  return k >= 1 ? sorted[k - 1]! : Number.NEGATIVE_INFINITY;
}

/**
 * The mirror of {@link lowerOrderBound}: the k-th largest replicate, which falls below a
 * threshold exactly when `bootstrapPValueBelow` of that threshold is at most 1 − level;
 * +Infinity when k < 1.
 *
 * @param sorted replicates from {@link sortReplicates}.
 * @param level one-sided confidence level, in (0, 1).
 */
export function upperOrderBound(sorted: Float64Array, level: number): number {
  const k = tailRank(sorted.length, level, 'upperOrderBound');
  return k >= 1 ? sorted[sorted.length - k]! : Number.POSITIVE_INFINITY;
}
