import { logGamma } from './log-gamma.js';
import { stirlingCorrection } from './stirling-correction.js';

const HALF_LOG_2PI = 0.9189385332046728; // ln(2π)/2

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), computed without the cancellation that the plain
 * formula suffers for large arguments (the method of R's `lbeta`): the Stirling terms of the three
 * log-gammas are combined analytically and only their small corrections are subtracted.
 *
 * @param a a positive number.
 * @param b a positive number.
 * @throws {RangeError} when `a` or `b` is not positive (or NaN).
 * @example
 * logBeta(0.5, 0.5); // ≈ 1.14472988584940 (= ln π)
 * logBeta(500000, 0.5); // ≈ -5.98881649577746
 */
export function logBeta(a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`logBeta: a and b must be positive, got ${a}, ${b}`);
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return (
      -0.5 * Math.log(q) +
      HALF_LOG_2PI +
      corr +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}
