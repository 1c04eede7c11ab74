import { assertInteger } from './assert.js';
import { binomialSurvival } from './binomial-survival.js';

/**
 * The exact one-sided McNemar test for paired yes/no outcomes. Of the pairs where the two sides
 * disagree, `b` went against the candidate (baseline yes, candidate no) and `c` for it; if
 * neither side is better, b is Binomial(b + c, 1/2). Returns P(X ≥ b), the evidence that the
 * candidate loses more often than it wins (`scipy.stats.binomtest(b, b + c, 0.5,
 * alternative='greater').pvalue`). Exact, so it stays honest with few discordant pairs, where the
 * normal approximation behind a t or chi-square test claims more certainty than it has.
 *
 * @param b discordant pairs against the candidate, an integer >= 0.
 * @param c discordant pairs for the candidate, an integer >= 0.
 * @returns the one-sided p-value; 1 when there is no discordant pair.
 * @throws {RangeError} when `b` or `c` is not a non-negative integer.
 * @example
 * mcnemarExact(3, 0); // 0.125: three losses and no win is weak evidence
 * mcnemarExact(10, 2); // ≈ 0.019287109375
 */
export function mcnemarExact(b: number, c: number): number {
  assertInteger(b, 0, 'b', 'mcnemarExact');
  assertInteger(c, 0, 'c', 'mcnemarExact');
  return binomialSurvival(b - 1, b + c, 0.5);
}
