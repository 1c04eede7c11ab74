import { assertInRange } from './assert.js';
import { incompleteBetaHalf } from './incomplete-beta-half.js';
import { logBeta } from './log-beta.js';

const TINY = 1e-300;
const EPS = 1e-15;

/**
 * The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b) — the
 * `scipy.special.betainc(a, b, x)` — accurate to about 1e-13 relative for moderate shapes: the
 * continued fraction evaluated by the modified Lentz method, on whichever side of the mean
 * converges quickly (Numerical Recipes §6.4). Near the mean of very lopsided shapes (one of them
 * 1e5 or more, the other small) the continued fraction loses up to max(a, b)·1e-16; the Student t
 * case (one shape ½) avoids that through `incompleteBetaHalf`. It underlies the Student t,
 * binomial and Clopper–Pearson computations.
 *
 * @param x the point, in [0, 1].
 * @param a first shape parameter, > 0.
 * @param b second shape parameter, > 0.
 * @param y 1 − x, when the caller knows it more precisely than `1 - x` (for x near 1).
 * @throws {RangeError} when `x` is outside [0, 1], `a` or `b` is not positive, or the continued
 *   fraction fails to converge (not expected for any finite a, b).
 * @example
 * incompleteBeta(0.5, 2, 3); // 0.6875
 * incompleteBeta(0.1, 0.5, 0.5); // ≈ 0.204832764699133
 */
export function incompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  assertInRange(x, 0, 1, 'x', 'incompleteBeta');
  if (!(a > 0 && b > 0 && a < Number.POSITIVE_INFINITY && b < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`incompleteBeta: a and b must be positive and finite, got ${a}, ${b}`);
  }
  if (x === 0) return 0;
  if (x === 1 || y === 0) return 1;
  // The Student t shapes (one parameter ½, the other large) near the centre, where the continued
  // fraction loses about max(a, b)·1e-16 to cancellation.
  if (b === 0.5 && a >= 15 && y < 0.3) return incompleteBetaHalf(x, a, y);
  if (a === 0.5 && b >= 15 && x < 0.3) return 1 - incompleteBetaHalf(y, b, x);
  // ln(x) and ln(1 − x), each from the more precise of x and y.
  const logX = x <= 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y <= 0.5 ? Math.log(y) : Math.log1p(-x);
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * continuedFraction(x, a, b)) / a;
  return 1 - (front * continuedFraction(y, b, a)) / b;
}

/** The continued fraction for I_x(a, b) (NR `betacf`); converges fast for x < (a+1)/(a+b+2). */
function continuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  // O(sqrt(max(a, b))) iterations suffice; leave ample room.
  const maxIterations = 1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new RangeError(`incompleteBeta: no convergence for x=${x}, a=${a}, b=${b}`);
}
