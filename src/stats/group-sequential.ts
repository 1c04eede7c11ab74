import { normalCdf } from './normal-cdf.js';
import { normalQuantile } from './normal-quantile.js';

/** The share of a one-sided α spent by information fraction t ∈ (0, 1]. */
export type Spending = (alpha: number, t: number) => number;

/**
 * Lan & DeMets (1983)'s O'Brien–Fleming-type spending function, one-sided:
 * α(t) = 2·(1 − Φ(z_{1−α/2} / √t)). Almost nothing is spent early (at t = 0.25 and α = 0.05,
 * 9·10⁻⁵), so the last look keeps nearly the whole α and the power of a fixed-size test.
 */
export const obrienFlemingSpending: Spending = (alpha, t) => {
  if (t >= 1) return alpha;
  return 2 * (1 - normalCdf(normalQuantile(1 - alpha / 2) / Math.sqrt(t)));
};

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const density = (x: number) => Math.exp(-0.5 * x * x) / SQRT_2PI;
/** Below this many SDs of the running sum the continuation density is dropped (≈ 1e-15). */
const TAIL_SDS = 8;
/** Grid points per unit SD of the running sum: Simpson's rule is then exact to ~1e-9 here. */
const POINTS_PER_SD = 24;

interface Grid {
  x: Float64Array;
  /** Simpson weights times the density at x: integrating g is Σ w·g(x). */
  w: Float64Array;
}

function simpson(lo: number, hi: number, sd: number, f: (x: number) => number): Grid {
  const m = Math.max(2, 2 * Math.ceil(((hi - lo) / sd) * (POINTS_PER_SD / 2)));
  const h = (hi - lo) / m;
  const x = new Float64Array(m + 1);
  const w = new Float64Array(m + 1);
  for (let i = 0; i <= m; i++) {
    x[i] = lo + i * h;
    const coef = i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2;
    w[i] = ((coef * h) / 3) * f(x[i]!);
  }
  return { x, w };
}

/** P(the running sum crosses `upper` at this look | continuing at the last), over `grid`. */
function crossing(grid: Grid, upper: number, sd: number): number {
  let p = 0;
  for (let i = 0; i < grid.x.length; i++)
    p += grid.w[i]! * (1 - normalCdf((upper - grid.x[i]!) / sd));
  return p;
}

/** Bisection: the u where the decreasing `f` equals `target`, within [lo, hi]. */
function solveDecreasing(f: (u: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The nominal one-sided levels of a group-sequential test with looks at information fractions
 * `fractions` (increasing, the last 1) spending `alpha` by `spend`: look k rejects when its
 * statistic's one-sided p-value is at most the k-th level, and the chance of rejecting at any
 * look under the null is then exactly `alpha` (the spending function's share by each look).
 *
 * The levels come from the canonical joint distribution of the looks' z-statistics (a Brownian
 * motion observed at the fractions: Z_k = W(t_k)/√t_k) by the recursive numerical integration of
 * Armitage, McPherson & Rowe (1969), as in Jennison & Turnbull (2000, ch. 19): the density of
 * W(t_k) on the continuation region is carried from look to look, and each boundary solved so
 * that the probability of first crossing there is the α the spending function adds.
 * Unlike splitting α across looks (Bonferroni), this spends only what the looks' correlation
 * leaves, so the last look's level stays close to α itself.
 */
export function nominalLevels(
  fractions: readonly number[],
  alpha: number,
  spend: Spending = obrienFlemingSpending,
): number[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const levels: number[] = [];
  let grid: Grid | undefined;
  let prevT = 0;
  let spent = 0;
  for (const t of fractions) {
    if (!(t > prevT && t <= 1)) throw new RangeError('fractions must increase within (0, 1]');
    const target = Math.max(0, spend(alpha, t) - spent);
    const sdT = Math.sqrt(t);
    let upper: number;
    if (!grid) {
      upper = target > 0 ? sdT * normalQuantile(1 - target) : Number.POSITIVE_INFINITY;
    } else {
      const g = grid;
      const sd = Math.sqrt(t - prevT);
      upper =
        target > 0
          ? solveDecreasing((u) => crossing(g, u, sd), target, -TAIL_SDS * sdT, 40 * sdT)
          : Number.POSITIVE_INFINITY;
    }
    // What was actually spent (the bisection's rounding included), so later looks make up for it.
    spent += grid ? crossing(grid, upper, Math.sqrt(t - prevT)) : 1 - normalCdf(upper / sdT);
    levels.push(Number.isFinite(upper) ? 1 - normalCdf(upper / sdT) : 0);
    // The density of W(t) on the continuation region (−∞, upper), for the next look.
    const top = Number.isFinite(upper) ? upper : TAIL_SDS * sdT;
    const lo = -TAIL_SDS * sdT;
    if (!grid) {
      grid = simpson(lo, top, sdT, (x) => density(x / sdT) / sdT);
    } else {
      const g = grid;
      const sd = Math.sqrt(t - prevT);
      grid = simpson(lo, top, sdT, (x) => {
        let f = 0;
        for (let i = 0; i < g.x.length; i++) f += g.w[i]! * density((x - g.x[i]!) / sd);
        return f / sd;
      });
    }
    prevT = t;
  }
  return levels;
}
