import { assertInRange } from './assert.js';
import { findRoot } from './find-root.js';
import { logBeta } from './log-beta.js';
import { normalQuantile } from './normal-quantile.js';
import { tSurvival } from './t-survival.js';

/**
 * The p-quantile of Student's t distribution (`scipy.stats.t.ppf(p, df)`): the t with
 * P(T ≤ t) = p. Closed forms for df = 1 and 2; otherwise safeguarded Newton on the log of the
 * tail probability, started from the better of a Cornish–Fisher expansion and the tail's power
 * law, inside a bracket that is widened until it holds the root. About 1e-12 relative accuracy
 * for any real df > 0 (tested for 1 ≤ df ≤ 1e6) and p in (1e-12, 1 − 1e-12).
 *
 * @param p a probability in [0, 1]; 0 and 1 give −Infinity and +Infinity.
 * @param df degrees of freedom, > 0 (Infinity gives the normal quantile).
 * @returns the quantile (±Infinity if it lies beyond the double range, for tiny df only).
 * @throws {RangeError} when `p` is outside [0, 1] or `df` is not positive.
 * @example
 * tQuantile(0.95, 10); // ≈ 1.81246112281168
 * tQuantile(0.025, 1); // ≈ -12.7062047361747
 */
export function tQuantile(p: number, df: number): number {
  assertInRange(p, 0, 1, 'p', 'tQuantile');
  if (!(df > 0)) throw new RangeError(`tQuantile: df must be positive, got ${df}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  const sign = p < 0.5 ? -1 : 1;
  const q = p < 0.5 ? p : 1 - p; // the tail beyond |t|, < 0.5 (1 − p is exact for p ≥ 0.5)
  if (df === 1) return sign / Math.tan(Math.PI * q);
  if (df === 2) return (sign * (1 - 2 * q)) / Math.sqrt(2 * q * (1 - q));
  const key = `${q},${df}`;
  let t = memo.get(key);
  if (t === undefined) {
    if (memo.size >= MEMO_SIZE) memo.clear();
    t = upperQuantile(q, df);
    memo.set(key, t);
  }
  return sign * t;
}

/**
 * Solved quantiles by (tail, df). A run asks for the same few (the confidence and each check's
 * levels at each slice's df, again for power and cases needed), and each solve costs tens of
 * tail evaluations; the function is pure, so a bounded memo changes nothing but the time.
 */
const memo = new Map<string, number>();
const MEMO_SIZE = 4096;

/** The t ≥ 0 with P(T > t) = q, for 0 < q < 0.5. */
function upperQuantile(q: number, df: number): number {
  const logQ = Math.log(q);
  const logNorm = -0.5 * Math.log(df) - logBeta(df / 2, 0.5); // ln of the density's constant
  // f(t) = ln q − ln P(T > t) increases with t; f'(t) = density(t) / P(T > t).
  const f = (t: number): [number, number] => {
    const tail = tSurvival(t, df);
    const u = (t * t) / df;
    const log1pU = Number.isFinite(u) ? Math.log1p(u) : 2 * Math.log(t) - Math.log(df);
    const density = Math.exp(logNorm - ((df + 1) / 2) * log1pU);
    return [logQ - Math.log(tail), density / tail];
  };

  const z = -normalQuantile(q);
  const z2 = z * z;
  const cornishFisher =
    z +
    (z * (z2 + 1)) / (4 * df) +
    (z * (3 + z2 * (16 + 5 * z2))) / (96 * df * df) +
    (z * (-15 + z2 * (17 + z2 * (19 + 3 * z2)))) / (384 * df * df * df);
  // P(T > t) ≈ df^(df/2 − 1) t^(−df) / B(df/2, ½) for large t.
  const powerLaw = Math.exp(0.5 * Math.log(df) - (Math.log(df) + logBeta(df / 2, 0.5) + logQ) / df);
  let t0 = Number.NaN;
  let best = Number.POSITIVE_INFINITY;
  for (const guess of [cornishFisher, powerLaw]) {
    if (!(guess > 0 && Number.isFinite(guess))) continue;
    const value = Math.abs(f(guess)[0]);
    if (value < best) {
      best = value;
      t0 = guess;
    }
  }
  if (Number.isNaN(t0)) t0 = 1;

  let lo = 0;
  let hi = Math.max(2 * t0, 1);
  while (tSurvival(hi, df) > q) {
    lo = hi;
    hi *= 4;
    if (!Number.isFinite(hi)) return Number.POSITIVE_INFINITY;
  }
  return findRoot(f, lo, hi, t0);
}
