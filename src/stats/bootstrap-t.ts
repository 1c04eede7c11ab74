import { assertFinite, assertInRange, assertInteger } from './assert.js';
import { meanAndSd } from './mean-sd.js';
import { lowerOrderBound, upperOrderBound } from './order-bounds.js';
import type { Rng } from './rng.js';

export interface BootstrapTResult {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n − 1). */
  sd: number;
  /** sd / √n. */
  se: number;
  /** One-sided lower bound on the mean at `confidence`: mean − t*_(B+1−k)·se. */
  lower: number;
  /** One-sided upper bound on the mean at `confidence`: mean − t*_(k)·se, k = ⌊(B + 1)(1 − confidence)⌋. */
  upper: number;
  /** Evidence that the true mean is below `threshold`: (#{t* ≤ t_obs} + 1) / (B + 1). */
  pBelow: number;
  /**
   * The upper bound at any one-sided level: mean − t*_(k)·se with k = ⌊(B + 1)(1 − level)⌋
   * (+Infinity when k < 1). It falls below `threshold` exactly when `pBelow` ≤ 1 − level.
   */
  upperAt: (level: number) => number;
  /**
   * Resamples without spread whose mean differs from the sample's: their t* is ±∞, so at levels
   * strict enough an end of the interval is infinite (tied data; see comparePairedMeans).
   */
  unstudentized: number;
}

/**
 * The studentized (bootstrap-t) interval for a mean, for small samples (Efron & Tibshirani 1993,
 * ch. 12; Hesterberg 2015): resample the values with replacement, studentize each resample's mean
 * by its own standard error, t* = (mean* − mean) / se*, and read the bounds off the order
 * statistics of t* instead of Student's table. It keeps the t interval's width in small samples
 * (a percentile bootstrap is too narrow there) and corrects for skew, which the t interval
 * ignores. The bounds and the p-value use the same (B + 1)α order statistic, so the upper bound
 * falls below `threshold` exactly when `pBelow` ≤ 1 − confidence.
 *
 * A resample with zero spread gets t* = ±∞ (or 0 when its mean equals the sample's): the data
 * cannot studentize it, and counting it as extreme keeps the bounds honest.
 *
 * @param values at least two finite numbers (e.g. per-case differences).
 * @param threshold the boundary for `pBelow`, finite (e.g. −budget).
 * @param confidence one-sided confidence level, in (0, 1).
 * @param options resamples B (an integer >= 1) and the seeded random source.
 * @throws {RangeError} on fewer than two values, a non-finite value or threshold, confidence
 *   outside (0, 1), or a bad resample count.
 * @example
 * pairedBootstrapT([0.1, -0.3, 0.2, 0, -0.5, 0.1], -0.2, 0.95, { resamples: 2000, rng: createRng(1) });
 * // { n: 6, mean: -0.0667, sd: 0.2733, se: 0.1116, lower: ≈ -0.65, upper: ≈ 0.12, pBelow: ≈ 0.83 }
 */
export function pairedBootstrapT(
  values: ArrayLike<number>,
  threshold: number,
  confidence: number,
  options: { resamples: number; rng: Rng },
): BootstrapTResult {
  assertFinite(threshold, 'threshold', 'pairedBootstrapT');
  assertInRange(confidence, 0, 1, 'confidence', 'pairedBootstrapT', true);
  assertInteger(options.resamples, 1, 'resamples', 'pairedBootstrapT');
  const { n, mean, sd } = meanAndSd(values);
  const se = sd / Math.sqrt(n);
  if (sd === 0) {
    const pBelow = mean < threshold ? 0 : 1;
    return {
      n,
      mean,
      sd,
      se,
      lower: mean,
      upper: mean,
      pBelow,
      upperAt: () => mean,
      unstudentized: 0,
    };
  }
  const B = options.resamples;
  const rng = options.rng;
  const idx = new Uint32Array(n);
  const tStar = new Float64Array(B);
  const tObserved = (mean - threshold) / se;
  let atOrBelow = 0;
  let unstudentized = 0;
  for (let b = 0; b < B; b++) {
    if (rng.fillIndices) rng.fillIndices(idx, n);
    else for (let i = 0; i < n; i++) idx[i] = rng() * n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[idx[i]!]!;
    const m = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = values[idx[i]!]! - m;
      squares += d * d;
    }
    const s = Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
    // Rounding can leave a few ulps of spread in a constant resample: treat it as none.
    const t =
      s > 1e-12 * Math.max(1, Math.abs(m))
        ? (m - mean) / s
        : m === mean
          ? 0
          : (m - mean) * Infinity;
    tStar[b] = t;
    if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) unstudentized++;
    if (t <= tObserved) atOrBelow++;
  }
  tStar.sort();
  const upperAt = (level: number) => mean - lowerOrderBound(tStar, level) * se;
  return {
    n,
    mean,
    sd,
    se,
    lower: mean - upperOrderBound(tStar, confidence) * se,
    upper: upperAt(confidence),
    pBelow: (atOrBelow + 1) / (B + 1),
    upperAt,
    unstudentized,
  };
}
