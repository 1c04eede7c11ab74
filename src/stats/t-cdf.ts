import { tSurvival } from './t-survival.js';

/**
 * The CDF of Student's t distribution with `df` degrees of freedom (real df > 0), P(T ≤ t)
 * (`scipy.stats.t.cdf(t, df)`). Accurate to about 1e-13 relative in the lower tail, so it gives
 * exact one-sided p-values for negative t; `df = Infinity` gives the normal CDF.
 *
 * @param t the point; ±Infinity give 0 and 1.
 * @param df degrees of freedom, > 0 (Infinity allowed).
 * @throws {RangeError} when `t` is NaN or `df` is not positive.
 * @example
 * tCdf(1.8124611228116756, 10); // ≈ 0.95
 * tCdf(-3, 1); // ≈ 0.102416382349567
 */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t)) throw new RangeError('tCdf: t is NaN');
  return tSurvival(-t, df);
}
