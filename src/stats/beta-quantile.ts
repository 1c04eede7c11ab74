import { assertInRange } from './assert.js';
import { findRoot } from './find-root.js';
import { incompleteBeta } from './incomplete-beta.js';
import { logBeta } from './log-beta.js';

/**
 * The p-quantile of the Beta(a, b) distribution: the x with I_x(a, b) = p (what
 * `scipy.stats.beta.ppf(p, a, b)` returns), to about 1e-13 relative. Solved by safeguarded Newton
 * on the log of the smaller tail (so p = 1e-12 or 1 − 1e-12 keep full precision), in x when the
 * quantile lies below ½ and in 1 − x when it lies above (so quantiles near 1 are as exact as the
 * doubles near 1 allow).
 *
 * @param p a probability in [0, 1]; 0 and 1 give 0 and 1.
 * @param a first shape parameter, > 0.
 * @param b second shape parameter, > 0.
 * @throws {RangeError} when `p` is outside [0, 1] or a shape is not positive and finite.
 * @example
 * betaQuantile(0.05, 3, 18); // ≈ 0.0421694078857786
 */
export function betaQuantile(p: number, a: number, b: number): number {
  assertInRange(p, 0, 1, 'p', 'betaQuantile');
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError(`betaQuantile: a and b must be positive and finite, got ${a}, ${b}`);
  }
  if (p === 0) return 0;
  if (p === 1) return 1;
  const median = incompleteBeta(0.5, a, b);
  if (p === median) return 0.5;
  // Solve for v = x when the quantile is below ½, for v = 1 − x when it is above.
  const mirrored = p > median;
  const lower = p <= 0.5; // which tail is small, and so carries the precision
  const target = Math.log(lower ? p : 1 - p);
  const lnB = logBeta(a, b);

  const f = (v: number): [number, number] => {
    const x = mirrored ? 1 - v : v;
    const y = mirrored ? v : 1 - v;
    const logX = x <= 0.5 ? Math.log(x) : Math.log1p(-y);
    const logY = y <= 0.5 ? Math.log(y) : Math.log1p(-x);
    const density = Math.exp((a - 1) * logX + (b - 1) * logY - lnB);
    const tail = lower ? incompleteBeta(x, a, b, y) : incompleteBeta(y, b, a, x);
    // g(x) = ln P(X ≤ x) − ln p, or ln q − ln P(X > x): both increase with x.
    const g = lower ? Math.log(tail) - target : target - Math.log(tail);
    const slope = density / tail;
    return mirrored ? [-g, slope] : [g, slope];
  };

  // Starting guesses, as values of v: the power laws of the two tails and a normal approximation.
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  const z = Math.sqrt(-2 * target); // rough |z| of the tail probability
  const normalX = lower ? mean - z * sd : mean + z * sd;
  const guesses = mirrored
    ? [Math.exp((target + Math.log(b) + lnB) / b), 1 - normalX]
    : [Math.exp((target + Math.log(a) + lnB) / a), normalX];
  let v0 = Number.NaN;
  let best = Number.POSITIVE_INFINITY;
  for (const guess of guesses) {
    if (!(guess > 0 && guess < 0.5)) continue;
    const value = Math.abs(f(guess)[0]);
    if (value < best) {
      best = value;
      v0 = guess;
    }
  }
  const v = findRoot(f, 0, 0.5, v0);
  return mirrored ? 1 - v : v;
}
