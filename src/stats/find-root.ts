/** Value and derivative of the function whose root is sought. */
export type ValueAndSlope = (x: number) => [value: number, slope: number];

export interface FindRootOptions {
  /** Stop when a step or the bracket is within relTol·|x| (default 1e-14). */
  relTol?: number;
  /** Stop when a step or the bracket is within absTol (default 0). */
  absTol?: number;
  /** Give up after this many evaluations and return the best point so far (default 500). */
  maxIterations?: number;
}

/**
 * Solves f(x) = 0 for an INCREASING function f on a bracket [lo, hi] with f(lo) ≤ 0 ≤ f(hi):
 * Newton steps while they stay inside the bracket and shrink fast enough, bisection otherwise
 * (Numerical Recipes' `rtsafe`). Bisection is geometric while the bracket spans orders of
 * magnitude on the positive axis, so roots such as 1e-200 are found in a few dozen steps.
 *
 * @param f returns [f(x), f'(x)].
 * @param lo lower end of the bracket.
 * @param hi upper end of the bracket (> lo).
 * @param x0 a starting guess; replaced by a bisection point if outside (lo, hi).
 * @param options tolerances and iteration cap.
 * @returns the root, to the requested tolerance.
 * @throws {RangeError} when the bracket is empty or not finite.
 * @example
 * findRoot((x) => [x * x - 2, 2 * x], 0, 2, 1); // ≈ 1.41421356237310
 */
export function findRoot(
  f: ValueAndSlope,
  lo: number,
  hi: number,
  x0: number,
  options: FindRootOptions = {},
): number {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new RangeError(`findRoot: invalid bracket [${lo}, ${hi}]`);
  }
  const relTol = options.relTol ?? 1e-14;
  const absTol = options.absTol ?? 0;
  const maxIterations = options.maxIterations ?? 500;
  let x = x0 > lo && x0 < hi ? x0 : split(lo, hi);
  let step = hi - lo;
  let stepBefore = step;
  for (let i = 0; i < maxIterations; i++) {
    const [value, slope] = f(x);
    if (value === 0) return x;
    if (value < 0) lo = x;
    else hi = x;
    const tol = Math.max(absTol, relTol * Math.abs(x));
    if (hi - lo <= tol) return x;
    const newton = x - value / slope;
    let next: number;
    if (
      slope > 0 &&
      Number.isFinite(newton) &&
      newton > lo &&
      newton < hi &&
      Math.abs(newton - x) <= 0.5 * Math.abs(stepBefore)
    ) {
      next = newton;
    } else {
      next = split(lo, hi);
    }
    stepBefore = step;
    step = next - x;
    x = next;
    if (Math.abs(step) <= Math.max(absTol, relTol * Math.abs(x))) return x;
  }
  return x;
}

/** A bisection point: geometric when the bracket spans orders of magnitude above zero. */
function split(lo: number, hi: number): number {
  if (lo > 0 && hi > 8 * lo) return Math.sqrt(lo) * Math.sqrt(hi);
  if (lo === 0 && hi > 1e-290) return hi / 1024;
  if (hi < 0 && lo < 8 * hi) return -Math.sqrt(-lo) * Math.sqrt(-hi);
  return lo + (hi - lo) / 2;
}
