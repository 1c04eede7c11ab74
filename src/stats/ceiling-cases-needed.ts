import { assertInRange } from './assert.js';
import { binomialCdf } from './binomial-cdf.js';
import { binomialSurvival } from './binomial-survival.js';

// Cases needed for an exact (Clopper–Pearson) ceiling on a binomial rate, the error_rate check.
// Power is a saw-tooth in n (the critical count moves in whole steps), so both searches walk the
// critical count k and, for each, find the range of n where k is the critical count: inside it
// power is monotone, which gives the smallest n that reaches the target exactly.

/** Beyond this many calls a ceiling is called undecidable rather than searched further. */
export const MAX_CEILING_CASES = 10_000_000;

/** The smallest n in [lo, hi] with pred(n) true, for pred monotone (false…true); hi + 1 if none. */
function firstTrue(lo: number, hi: number, pred: (n: number) => boolean): number {
  if (lo > hi || !pred(hi)) return hi + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * With no error at all, the upper bound is 1 − α^(1/n): below n = ln α / ln(1 − max) it stays
 * above the ceiling, whatever the candidate does. The data-free floor of the pass side.
 *
 * @example
 * zeroErrorFloor(0.01, 0.95); // 299
 */
export function zeroErrorFloor(max: number, confidence: number): number {
  assertInRange(confidence, 0, 1, 'confidence', 'zeroErrorFloor', true);
  if (!(max > 0)) return Number.POSITIVE_INFINITY;
  if (max >= 1) return 1;
  const n = Math.log(1 - confidence) / Math.log(1 - max);
  // Guard the float: the floor is the smallest n with (1 − max)^n ≤ α.
  const up = Math.ceil(n - 1e-9);
  return (1 - max) ** up <= 1 - confidence ? Math.max(1, up) : up + 1;
}

/**
 * Calls needed for a candidate erring at `rate` to pass the ceiling `max` with probability
 * `power`: the smallest n with P(upper bound ≤ max) ≥ power, the upper bound one-sided at
 * `confidence`. Infinity when no size will do (rate ≥ max, max = 0, or beyond MAX_CEILING_CASES).
 *
 * The bound with k errors is ≤ max exactly when P(Bin(n, max) ≤ k) ≤ 1 − confidence; that n grows
 * with k, and for n between the thresholds of k and k + 1 the pass probability P(Bin(n, rate) ≤ k)
 * falls with n, so the first n reaching `power` is one of the thresholds.
 */
export function ceilingCasesToPass(
  max: number,
  rate: number,
  confidence: number,
  power = 0.8,
): number {
  assertInRange(confidence, 0, 1, 'confidence', 'ceilingCasesToPass', true);
  assertInRange(power, 0, 1, 'power', 'ceilingCasesToPass', true);
  assertInRange(rate, 0, 1, 'rate', 'ceilingCasesToPass');
  if (!(max > 0) || rate >= max) return Number.POSITIVE_INFINITY;
  if (max >= 1) return 1;
  const alpha = 1 - confidence;
  let lo = zeroErrorFloor(max, confidence);
  for (let k = 0; lo <= MAX_CEILING_CASES; k++) {
    // The threshold of k: the smallest n > k whose bound with k errors is at or under max.
    const nk = firstTrue(
      Math.max(lo, k + 1),
      MAX_CEILING_CASES,
      (n) => binomialCdf(k, n, max) <= alpha,
    );
    if (nk > MAX_CEILING_CASES) break;
    if (binomialCdf(k, nk, rate) >= power) return nk;
    lo = nk;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Calls needed for a candidate erring at `rate` (above `max`) to fail the ceiling with
 * probability `power`: the smallest n with P(lower bound > max) ≥ power, the lower bound
 * one-sided at level 1 − alpha. Infinity when rate ≤ max or beyond MAX_CEILING_CASES.
 *
 * The bound with k errors is above max exactly when P(Bin(n, max) ≥ k) ≤ alpha; that holds up to
 * some n (the bound falls as n grows), and for n between the limits of k − 1 and k the fail
 * probability P(Bin(n, rate) ≥ k) rises with n: bisect inside the first stretch that reaches it.
 */
export function ceilingCasesToFail(max: number, rate: number, alpha: number, power = 0.8): number {
  assertInRange(alpha, 0, 1, 'alpha', 'ceilingCasesToFail', true);
  assertInRange(power, 0, 1, 'power', 'ceilingCasesToFail', true);
  assertInRange(rate, 0, 1, 'rate', 'ceilingCasesToFail');
  if (!(rate > max) || max < 0) return Number.POSITIVE_INFINITY;
  // k errors in n calls is a fail while n ≤ limit(k): binomialSurvival(k − 1, n, max) ≤ alpha.
  const failsWith = (k: number, n: number) => max === 0 || binomialSurvival(k - 1, n, max) <= alpha;
  const failProbability = (k: number, n: number) =>
    rate >= 1 ? (k <= n ? 1 : 0) : binomialSurvival(k - 1, n, rate);
  let start = 1;
  for (let k = 1; start <= MAX_CEILING_CASES; k++) {
    // limit(k): the largest n with failsWith(k, n); at n = k (every call failed) it is the most
    // extreme outcome, so if even that is no fail, k errors never are.
    if (!failsWith(k, k)) continue;
    const limit = firstTrue(k, MAX_CEILING_CASES + 1, (n) => !failsWith(k, n)) - 1;
    const from = Math.max(start, k);
    if (limit >= from && failProbability(k, limit) >= power)
      return firstTrue(from, limit, (n) => failProbability(k, n) >= power);
    start = Math.max(start, limit + 1);
    if (max === 0) return Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}
