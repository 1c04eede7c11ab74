import { assertInRange, assertInteger } from './assert.js';
import { incompleteBeta } from './incomplete-beta.js';

/**
 * The exact binomial CDF P(X ≤ k) for X ~ Binomial(n, p) (`scipy.stats.binom.cdf(k, n, p)`),
 * through the identity P(X ≤ k) = I_{1−p}(n − k, k + 1); accurate to about 1e-13 relative, tails
 * included. For an exact McNemar test: P(X ≤ min(b, c)) with n = b + c and p = ½.
 *
 * @param k an integer; below 0 gives 0, at or above n gives 1.
 * @param n number of trials, an integer >= 0.
 * @param p success probability, in [0, 1].
 * @throws {RangeError} when `k` or `n` is not an integer, `n < 0`, or `p` is outside [0, 1].
 * @example
 * binomialCdf(3, 10, 0.5); // 0.171875
 * binomialCdf(0, 20, 0.5); // ≈ 9.5367431640625e-7 (= 2^-20)
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!Number.isSafeInteger(k)) throw new RangeError(`binomialCdf: k must be an integer, got ${k}`);
  assertInteger(n, 0, 'n', 'binomialCdf');
  assertInRange(p, 0, 1, 'p', 'binomialCdf');
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return incompleteBeta(1 - p, n - k, k + 1, p);
}
