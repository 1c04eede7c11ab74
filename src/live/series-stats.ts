import { meanAndSd } from '../stats/index.js';

/**
 * One side's series reduced to what the comparison needs: its mean and the variance of that
 * mean, corrected for autocorrelation. Prometheus samples taken every `step` of a `rate(...[1m])`
 * or a histogram quantile overlap in time, so neighbouring points are strongly correlated; treating
 * them as independent understates the variance of the mean several times over (at lag-1
 * correlation 0.8, nine times) and blocks unchanged canaries far more often than α.
 */
export interface SeriesStats {
  n: number;
  mean: number;
  /** Lag-1 autocorrelation, bias-corrected and clipped to [0, MAX_RHO]. */
  rho: number;
  /** Effective sample size n·(1 − ρ)/(1 + ρ): independent samples worth the same information. */
  nEff: number;
  /** The variance of `mean`: σ̂² / nEff. */
  varMean: number;
}

/** Past this the series is nearly a random walk and no window tells its level: use fewer points. */
export const MAX_RHO = 0.98;

/**
 * The AR(1) long-run variance of the mean. ρ̂ (the lag-1 sample autocorrelation) is biased low by
 * about (1 + 3ρ)/n (Marriott & Pope 1954), which at n = 100 and ρ = 0.8 alone makes the interval
 * 8% too narrow, so it is corrected; the sample variance is biased low by the same correlation
 * and is scaled by (n − 1)/(n − τ) with τ = (1 + ρ)/(1 − ρ). Negative ρ̂ counts as 0 (the
 * conservative side). For the smoothed-window series Prometheus returns (moving sums, with
 * correlations falling off faster than an AR(1) with the same lag-1 value) the AR(1) factor
 * overstates the variance: conservative, never the other way.
 */
export function seriesStats(values: ArrayLike<number>): SeriesStats {
  const n = values.length;
  if (n < 2) return { n, mean: n ? values[0]! : Number.NaN, rho: 0, nEff: n, varMean: Number.NaN };
  const { mean, sd } = meanAndSd(values);
  if (n < 3 || !(sd > 0)) {
    return { n, mean, rho: 0, nEff: n, varMean: n > 1 ? (sd * sd) / n : Number.NaN };
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    den += d * d;
    if (i + 1 < n) num += d * (values[i + 1]! - mean);
  }
  const raw = num / den;
  const corrected = (n * raw + 1) / (n - 3);
  const rho = Math.min(MAX_RHO, Math.max(0, corrected));
  const tau = (1 + rho) / (1 - rho);
  const nEff = n / tau;
  // Too few effective samples to estimate a variance at all: the caller reports it.
  if (n - tau < 1) return { n, mean, rho, nEff, varMean: Number.NaN };
  const variance = (sd * sd * (n - 1)) / (n - tau);
  return { n, mean, rho, nEff, varMean: variance / nEff };
}
