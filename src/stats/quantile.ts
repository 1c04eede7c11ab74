import { assertInRange, assertInteger, assertSampleSize } from './assert.js';
import { selectKth } from './select-kth.js';

/**
 * The p-quantile of a SORTED sample by linear interpolation between order statistics
 * (Hyndman & Fan type 7): the same number `numpy.quantile(x, p)` returns with its default
 * `method='linear'`, including numpy's way of interpolating (`b − (b − a)(1 − g)` when g ≥ 0.5).
 *
 * @param sorted sample values in ascending order (not checked).
 * @param p the probability, in [0, 1].
 * @throws {RangeError} when the sample is empty or `p` is outside [0, 1].
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * quantile([10, 20, 30, 40, 50], 0.95); // 48
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  assertSampleSize(sorted, 1, 'quantile');
  assertInRange(p, 0, 1, 'p', 'quantile');
  const n = sorted.length;
  const h = (n - 1) * p;
  if (h >= n - 1) return sorted[n - 1]!;
  const lo = Math.floor(h);
  return interpolate(sorted[lo]!, sorted[lo + 1]!, h - lo);
}

/**
 * The p-quantile (numpy's default, type 7) of an UNSORTED sample, found by quickselect on a copy
 * in expected O(n) rather than by sorting. The input is left untouched.
 *
 * @param values the sample, in any order; NaN counts as +Infinity (see {@link quantileInPlace}).
 * @param p the probability, in [0, 1].
 * @throws {RangeError} when the sample is empty or `p` is outside [0, 1].
 * @example
 * quantileUnsorted([4, 1, 3, 2], 0.5); // 2.5
 */
export function quantileUnsorted(values: Float64Array | readonly number[], p: number): number {
  assertSampleSize(values, 1, 'quantileUnsorted');
  return quantileInPlace(Float64Array.from(values), p);
}

/**
 * The p-quantile (numpy's default, type 7) of the first `length` entries of `buffer`, which it
 * REORDERS in place (quickselect; no allocation). Meant for hot loops such as a bootstrap
 * statistic that fills a scratch buffer with a resample and takes its p95.
 *
 * A NaN entry is read as +Infinity (and overwritten with it): the statistics fed here are
 * bootstrap replicates, where NaN means an undefined ratio such as ∞/∞, which the ratio
 * statistics already count as an unbounded increase. A hostile number must end as the worst
 * case in a verdict, never as an exception that ends the run.
 *
 * @param buffer scratch values; entries [0, length) are used and reordered.
 * @param p the probability, in [0, 1].
 * @param length how many leading entries form the sample (default: all of them).
 * @throws {RangeError} when the sample is empty or `p` is outside [0, 1].
 * @example
 * const scratch = Float64Array.of(40, 10, 30, 20, 50);
 * quantileInPlace(scratch, 0.95); // 48
 */
export function quantileInPlace(buffer: Float64Array, p: number, length = buffer.length): number {
  assertInteger(length, 1, 'length', 'quantileInPlace');
  if (length > buffer.length) {
    throw new RangeError(`quantileInPlace: length ${length} exceeds the buffer (${buffer.length})`);
  }
  assertInRange(p, 0, 1, 'p', 'quantileInPlace');
  for (let i = 0; i < length; i++) {
    if (Number.isNaN(buffer[i])) buffer[i] = Number.POSITIVE_INFINITY;
  }
  const h = (length - 1) * p;
  const last = length - 1;
  if (h >= last) {
    let max = buffer[0]!;
    for (let i = 1; i < length; i++) if (buffer[i]! > max) max = buffer[i]!;
    return max;
  }
  const lo = Math.floor(h);
  const a = selectKth(buffer, lo, 0, last);
  // After selection everything right of `lo` is >= a; the next order statistic is their minimum.
  let b = buffer[lo + 1]!;
  for (let i = lo + 2; i < length; i++) if (buffer[i]! < b) b = buffer[i]!;
  return interpolate(a, b, h - lo);
}

/** numpy's `_lerp`: a + (b − a)·g, computed from the nearer end for g ≥ 0.5. */
function interpolate(a: number, b: number, g: number): number {
  if (a === b) return a; // also keeps equal infinities finite-safe (numpy would give NaN)
  const diff = b - a;
  // Between a value and +∞ (or −∞ and a value) every point past the end is infinite; the
  // formulas below would give ∞ − ∞ = NaN.
  if (diff === Number.POSITIVE_INFINITY) return g === 0 ? a : b === diff ? b : a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}
