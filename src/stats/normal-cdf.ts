import { erfc } from './erfc.js';

const SQRT1_2 = Math.SQRT1_2;

/**
 * The standard normal cumulative distribution function Φ(x) = P(Z ≤ x), accurate to about 1e-13
 * relative error everywhere (lower tail included, down to Φ(−37) ≈ 5.7e-300).
 *
 * Computed as erfc(−x/√2)/2 (see {@link erfc}). Unlike simple-statistics'
 * `cumulativeStdNormalProbability` (a 0.01-step table floored at 0.001) it is fit for p-values.
 *
 * @param x any number; ±Infinity give 0 and 1.
 * @throws {RangeError} when `x` is NaN.
 * @example
 * normalCdf(1.6448536269514722); // ≈ 0.95
 * normalCdf(-10); // ≈ 7.61985302416047e-24
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('normalCdf: x is NaN');
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  return 0.5 * erfc(-x * SQRT1_2);
}
