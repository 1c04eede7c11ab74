import { incompleteBeta } from './incomplete-beta.js';
import { logBeta } from './log-beta.js';
import { normalCdf } from './normal-cdf.js';

/**
 * The survival function of Student's t distribution, P(T > t), for real df > 0, via the
 * regularized incomplete beta function: the tail beyond |t| is ½·I_{df/(df+t²)}(df/2, ½), with
 * df/(df+t²) and its complement formed without cancellation or overflow, and for df ≥ 30 near the
 * centre by an asymptotic expansion (see `incompleteBetaHalf`). Accurate to about 1e-13 relative
 * when the result is small (an upper-tail p-value); `df = Infinity` gives the normal.
 *
 * @param t the point; +Infinity gives 0 and −Infinity gives 1.
 * @param df degrees of freedom, > 0 (Infinity allowed).
 * @throws {RangeError} when `t` is NaN or `df` is not positive.
 * @example
 * tSurvival(1.8124611228116756, 10); // ≈ 0.05
 * tSurvival(3, 1); // ≈ 0.102416382349567
 */
export function tSurvival(t: number, df: number): number {
  if (Number.isNaN(t)) throw new RangeError('tSurvival: t is NaN');
  if (!(df > 0)) throw new RangeError(`tSurvival: df must be positive, got ${df}`);
  if (df === Number.POSITIVE_INFINITY) return normalCdf(-t);
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  const a = Math.abs(t);
  let x: number;
  let y: number;
  if (a * a <= df) {
    const s = (a * a) / df;
    x = 1 / (1 + s);
    y = s / (1 + s);
  } else {
    const r = df / a / a;
    x = r / (1 + r);
    y = 1 / (1 + r);
  }
  // Beyond |t| ≈ 1e150·√df the ratio df/t² underflows; there the tail is its leading power law,
  // ½·x^(df/2) / ((df/2)·B(df/2, ½)), to a relative error of order df/t² (far below 1e-16).
  const tail =
    x < 1e-280
      ? 0.5 *
        Math.exp(
          (df / 2) * (Math.log(df) - 2 * Math.log(a)) - Math.log(df / 2) - logBeta(df / 2, 0.5),
        )
      : 0.5 * incompleteBeta(x, df / 2, 0.5, y);
  return t >= 0 ? tail : 1 - tail;
}
