import { assertInRange, assertInteger } from './assert.js';
import { incompleteBeta } from './incomplete-beta.js';

/**
 * The exact binomial survival function P(X > k) for X ~ Binomial(n, p)
 * (`scipy.stats.binom.sf(k, n, p)`), through P(X > k) = I_p(k + 1, n − k). Use it rather than
 * `1 - binomialCdf(k, n, p)` for small upper-tail p-values, which that subtraction would round
 * away (below about 1e-16 it returns 0).
 *
 * @param k an integer; below 0 gives 1, at or above n gives 0.
 * @param n number of trials, an integer >= 0.
 * @param p success probability, in [0, 1].
 * @throws {RangeError} when `k` or `n` is not an integer, `n < 0`, or `p` is outside [0, 1].
 * @example
 * binomialSurvival(6, 10, 0.5); // ≈ 0.171875 = P(X >= 7)
 * binomialSurvival(49, 1000, 0.01); // ≈ 8.3063714353887e-20 = P(X >= 50)
 */
export function binomialSurvival(k: number, n: number, p: number): number {
  if (!Number.isSafeInteger(k)) {
    throw new RangeError(`binomialSurvival: k must be an integer, got ${k}`);
  }
  assertInteger(n, 0, 'n', 'binomialSurvival');
  assertInRange(p, 0, 1, 'p', 'binomialSurvival');
  if (k < 0) return 1;
  if (k >= n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  return incompleteBeta(p, k + 1, n - k);
}
