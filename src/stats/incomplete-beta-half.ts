import { erfc } from './erfc.js';
import { logBeta } from './log-beta.js';

const LOG_GAMMA_HALF = 0.5723649429247001; // ln Γ(½) = ln √π
const MAX_TERMS = 30;
/** (2k + 1)! for k = 0..MAX_TERMS. */
const ODD_FACTORIALS: number[] = [];
{
  let f = 1;
  for (let i = 1; i <= 2 * MAX_TERMS + 1; i++) {
    f *= i;
    if (i % 2 === 1) ODD_FACTORIALS.push(f);
  }
}

/**
 * I_x(a, ½) for large a and x near 1, by DiDonato & Morris's asymptotic expansion BGRAT (ACM TOMS
 * 708, eq. 9; as in Boost's `beta_small_b_large_a_series`) with b = ½, where the incomplete gamma
 * function it needs is erfc. This is the Student t tail ½·I_{df/(df+t²)}(df/2, ½) for large df:
 * there the continued fraction loses about a·1e-16 to cancellation (4e-11 at df = 1e6), while
 * this expansion keeps about 1e-14.
 *
 * @param x the point, in (0.7, 1].
 * @param a the first shape parameter, at least 15.
 * @param y 1 − x, given exactly by the caller.
 * @throws {RangeError} when a < 15 or x <= 0.7 (outside the expansion's domain), or NaN.
 * @example
 * // 2·P(T > 2) for df = 1e6: x = df/(df + t²), y = t²/(df + t²)
 * incompleteBetaHalf(1 / (1 + 4e-6), 5e5, 4e-6 / (1 + 4e-6)); // ≈ 0.0455005338513194
 */
export function incompleteBetaHalf(x: number, a: number, y: number): number {
  if (!(a >= 15 && x > 0.7 && x <= 1 && y >= 0 && y < 0.3)) {
    throw new RangeError(`incompleteBetaHalf: needs a >= 15 and x > 0.7, got a=${a}, x=${x}`);
  }
  if (y === 0) return 1;
  const b = 0.5;
  const t = a + (b - 1) / 2;
  const lx = Math.log1p(-y);
  const u = -t * lx;
  // h = u^b e^(−u) / Γ(b); the sum is carried as h·J_n so nothing is divided by h.
  const h = Math.exp(b * Math.log(u) - u - LOG_GAMMA_HALF);
  const scale = Math.exp(LOG_GAMMA_HALF - logBeta(a, b) - b * Math.log(t)); // Γ(a+b)/(Γ(a)·t^b)
  const p: number[] = [1];
  let k = erfc(Math.sqrt(u)); // h·J_0 = Q(½, u)
  let sum = k;
  const lx2 = (lx / 2) * (lx / 2);
  const t4 = 4 * t * t;
  let lxp = 1;
  let b2n = b;
  for (let n = 1; n < MAX_TERMS; n++) {
    let pn = 0;
    for (let m = 1; m < n; m++) pn += ((m * b - n) * p[n - m]!) / ODD_FACTORIALS[m]!;
    pn = pn / n + (b - 1) / ODD_FACTORIALS[n]!;
    p.push(pn);
    k = (b2n * (b2n + 1) * k + (u + b2n + 1) * lxp * h) / t4;
    lxp *= lx2;
    b2n += 2;
    const term = pn * k;
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return scale * sum;
}
