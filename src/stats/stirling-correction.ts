/** B_{2k} / (2k(2k − 1)) for k = 1..8: the coefficients of 1/x, 1/x³, …, 1/x¹⁵. */
const SERIES = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
] as const;

/**
 * The remainder of Stirling's series for ln Γ(x), for x ≥ 10:
 * ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π] = 1/(12x) − 1/(360x³) + 1/(1260x⁵) − …
 * Eight terms leave an error below 1e-17 at x = 10. It lets ln Γ and ln B be formed from
 * differences of small numbers instead of differences of huge ones.
 *
 * @param x a number >= 10.
 * @throws {RangeError} when `x < 10` (the truncated series is not accurate there) or NaN.
 * @example
 * stirlingCorrection(10); // 0.008330563433362871
 */
export function stirlingCorrection(x: number): number {
  if (!(x >= 10)) throw new RangeError(`stirlingCorrection: x must be >= 10, got ${x}`);
  const r = 1 / x;
  const r2 = r * r;
  let sum = 0;
  for (let i = SERIES.length - 1; i >= 0; i--) sum = sum * r2 + SERIES[i]!;
  return sum * r;
}
