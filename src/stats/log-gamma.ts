import { stirlingCorrection } from './stirling-correction.js';

const HALF_LOG_2PI = 0.9189385332046728; // ln(2π)/2

/**
 * ln Γ(x) for x > 0, to about 1e-15 absolute error for x < 10 and 1e-15 relative error above
 * (Stirling's series with its correction terms, after shifting small x up with Γ(x+1) = xΓ(x)).
 *
 * @param x a positive number.
 * @throws {RangeError} when `x` is not positive (or NaN).
 * @example
 * logGamma(0.5); // ≈ 0.572364942924700 (= ln √π)
 * logGamma(10); // ≈ 12.8018274800815 (= ln 9!)
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be positive, got ${x}`);
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 1 || x === 2) return 0;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + stirlingCorrection(y) - Math.log(product);
}
