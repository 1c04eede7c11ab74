import { assertInRange, assertInteger } from './assert.js';
import { betaQuantile } from './beta-quantile.js';

function check(k: number, n: number, confidence: number, fn: string): void {
  assertInteger(n, 1, 'n', fn);
  assertInteger(k, 0, 'k', fn);
  if (k > n) throw new RangeError(`${fn}: k (${k}) exceeds n (${n})`);
  assertInRange(confidence, 0, 1, 'confidence', fn, true);
}

/**
 * The exact (Clopper–Pearson) ONE-SIDED lower confidence bound for a binomial proportion: the
 * smallest π not rejected at level 1 − confidence by the test of "π ≤ that value" given k successes
 * in n trials. Equals `scipy.stats.beta.ppf(1 - confidence, k, n - k + 1)`, and 0 when k = 0.
 *
 * @param k successes, an integer in [0, n].
 * @param n trials, an integer >= 1.
 * @param confidence one-sided confidence level, in (0, 1), e.g. 0.95.
 * @throws {RangeError} when n < 1, k is outside [0, n], or confidence is outside (0, 1).
 * @example
 * clopperPearsonLower(10, 20, 0.95); // ≈ 0.301953911286493
 * clopperPearsonLower(0, 20, 0.95); // 0
 */
export function clopperPearsonLower(k: number, n: number, confidence: number): number {
  check(k, n, confidence, 'clopperPearsonLower');
  if (k === 0) return 0;
  return betaQuantile(1 - confidence, k, n - k + 1);
}

/**
 * The exact (Clopper–Pearson) ONE-SIDED upper confidence bound for a binomial proportion given k
 * successes in n trials. Equals `scipy.stats.beta.ppf(confidence, k + 1, n - k)`, and 1 when
 * k = n. With k = 0 it is 1 − (1 − confidence)^(1/n) (the "rule of three" for 95%: about 3/n).
 *
 * @param k successes, an integer in [0, n].
 * @param n trials, an integer >= 1.
 * @param confidence one-sided confidence level, in (0, 1), e.g. 0.95.
 * @throws {RangeError} when n < 1, k is outside [0, n], or confidence is outside (0, 1).
 * @example
 * clopperPearsonUpper(0, 100, 0.95); // ≈ 0.0295130496070400 (= 1 − 0.05^(1/100))
 * clopperPearsonUpper(20, 20, 0.95); // 1
 */
export function clopperPearsonUpper(k: number, n: number, confidence: number): number {
  check(k, n, confidence, 'clopperPearsonUpper');
  if (k === n) return 1;
  return betaQuantile(confidence, k + 1, n - k);
}

// Also reachable from here, as the module layout in the brief promised.
export { binomialCdf } from './binomial-cdf.js';
export { binomialSurvival } from './binomial-survival.js';
