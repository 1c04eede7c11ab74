import { assertInRange } from './assert.js';

/**
 * The p-quantile (numpy's default, type 7) of a sample given as distinct values with integer
 * multiplicities: the number `numpy.quantile(numpy.repeat(values, weights), p)` returns, without
 * building the repeated array. `order` lists the value indices in ascending value order (sorted
 * once, reused for every bootstrap resample); only the entries it lists count. The scan starts
 * from the nearer end, so a p95 of a resample reads about 5% of the entries.
 *
 * @param order indices into `values`/`weights`, ascending by value.
 * @param values the values.
 * @param weights how many times each value occurs (integers >= 0), indexed like `values`.
 * @param p the probability, in [0, 1].
 * @param total the sample size Σ weights, if the caller has it (saves a pass). It may exceed the
 *   weight `order` lists: `order` may then hold just the top (or bottom) of the sample, enough to
 *   reach the quantile in almost every resample (see the ratio comparison's partial order).
 * @returns the quantile; NaN when the total weight is zero or the listed entries end before the
 *   quantile's rank (the caller then retries with the full order).
 * @throws {RangeError} when `p` is outside [0, 1].
 * @example
 * // values 10, 20, 30 seen 1, 2 and 1 times: the sample 10 20 20 30
 * weightedQuantile(Uint32Array.of(0, 1, 2), [10, 20, 30], [1, 2, 1], 0.95); // 28.5
 */
export function weightedQuantile(
  order: ArrayLike<number>,
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  p: number,
  total?: number,
): number {
  assertInRange(p, 0, 1, 'p', 'weightedQuantile');
  let n = total;
  if (n === undefined) {
    n = 0;
    for (let j = 0; j < order.length; j++) n += weights[order[j]!]!;
  }
  if (n <= 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  let a = Number.NaN;
  let b = Number.NaN;
  let seen = 0;
  if (p >= 0.5) {
    // Ranks counted from the top: ascending rank r is top rank n − 1 − r. The higher order
    // statistic (b) is reached first; the lower one (a) at the same entry or a later one.
    const topB = n - 1 - hi;
    const topA = n - 1 - lo;
    let j = order.length - 1;
    for (; j >= 0; j--) {
      seen += weights[order[j]!]!;
      if (seen > topB) break;
    }
    if (j < 0) return Number.NaN;
    b = values[order[j]!]!;
    while (seen <= topA) {
      if (j === 0) return Number.NaN; // the listed entries end before the rank
      j--;
      seen += weights[order[j]!]!;
    }
    a = values[order[j]!]!;
  } else {
    let j = 0;
    for (; j < order.length; j++) {
      seen += weights[order[j]!]!;
      if (seen > lo) break;
    }
    if (j === order.length) return Number.NaN;
    a = values[order[j]!]!;
    while (seen <= hi) {
      if (j === order.length - 1) return Number.NaN; // the listed entries end before the rank
      j++;
      seen += weights[order[j]!]!;
    }
    b = values[order[j]!]!;
  }
  const g = h - lo;
  if (a === b) return a;
  // numpy's _lerp: computed from the nearer end for g >= 0.5.
  return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g;
}
