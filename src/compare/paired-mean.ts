import {
  clusterMeanBounds,
  pairedBootstrapT,
  pairedMeanBounds,
  pValueBelow,
  type Rng,
  tCdf,
  tQuantile,
} from '../stats/index.js';
import { pastBudget } from '../stats/past-budget.js';
import { type Comparison, emptyComparison } from './comparison.js';
import { compareDiscordant, EXACT_DISCORDANT_BELOW } from './paired-binary.js';

/**
 * Below this many pairs the t interval's normal approximation is doubtful for bounded, skewed
 * scores, so the bounds come from a studentized (bootstrap-t) paired bootstrap instead. 30 is the
 * conventional point where the t interval is trusted; the default gate.min_cases is 30 too, so
 * this matters for slices (default slices.min_cases 20) and small configured gates.
 */
export const SMALL_SAMPLE_BELOW = 30;

export interface PairedMeanOptions {
  /**
   * Dense cluster index (0..G−1) of each pair: several cases from one conversation, say. The
   * bounds then use the cluster-robust standard error with G − 1 degrees of freedom.
   */
  clusters?: Uint32Array;
  /** A seeded source for the small-sample bootstrap; without one, small samples use t bounds. */
  rng?: Rng;
  resamples?: number;
  /** What a case's score is made of, for the reason (e.g. "the mean of 3 repeats"). */
  unit?: string;
}

function isBinary(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** The optimistic end of a t interval's regression (minus its upper bound), at any level. */
function tOptimisticAt(mean: number, se: number, df: number): (level: number) => number {
  return (level) => -(mean + tQuantile(level, df) * se);
}

function distinctCount(clusters: Uint32Array): number {
  return new Set(clusters).size;
}

/**
 * Quality and pass rate: the mean of per-case differences (candidate − baseline). Pairing removes
 * the variance that comes from some cases simply being harder. The interval is, in order of
 * precedence:
 * - cluster-robust t (Miller 2024) when cases share clusters;
 * - exact McNemar (checked against the t bound) when every score is 0 or 1 and fewer than 25
 *   pairs disagree;
 * - a studentized paired bootstrap below 30 pairs (when a random source is given);
 * - otherwise the paired t interval.
 * Every path reports the standard error of the change, so the gate can state its power.
 */
export function comparePairedMeans(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  maxDrop: number,
  confidence: number,
  options: PairedMeanOptions = {},
): Comparison {
  const n = baseline.length;
  let b = 0;
  let c = 0;
  let losses = 0;
  let wins = 0;
  const diffs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = baseline[i]!;
    const y = candidate[i]!;
    b += x;
    c += y;
    diffs[i] = y - x;
    if (y < x) losses++;
    else if (y > x) wins++;
  }
  if (n < 2) return emptyComparison(n, n ? b / n : null, n ? c / n : null);
  const level = { baseline: b / n, candidate: c / n };
  const iid = pairedMeanBounds(diffs, confidence);
  const power = { se: iid.se, sd: iid.sd, df: iid.df };

  const clusters = options.clusters;
  if (clusters && distinctCount(clusters) < n) {
    const g = distinctCount(clusters);
    if (g < 2) {
      return {
        ...emptyComparison(n, level.baseline, level.candidate),
        insufficient: 'every case is in one cluster, so its spread cannot be estimated',
      };
    }
    const r = clusterMeanBounds(diffs, clusters, confidence);
    const p =
      r.se > 0 ? tCdf((r.mean + maxDrop) / r.se, r.df) : pastBudget(-r.mean, maxDrop) ? 0 : 1;
    return {
      ...level,
      delta: r.mean,
      ci: [r.lower, r.upper],
      regression: [-r.upper, -r.lower],
      p_value: p,
      optimisticAt: tOptimisticAt(r.mean, r.se, r.df),
      n,
      method: 'cluster-robust t',
      note: `${g} clusters`,
      se: r.se,
      sd: r.se * Math.sqrt(n),
      df: r.df,
      clusters: g,
    };
  }

  const tBounds: Comparison = {
    ...level,
    delta: iid.mean,
    ci: [iid.lower, iid.upper],
    regression: [-iid.upper, -iid.lower],
    // Without spread the p-value is a step at the budget: read it as the verdict does, where a
    // drop equal to the budget up to float rounding is within it.
    p_value: iid.sd > 0 ? pValueBelow(diffs, -maxDrop) : pastBudget(-iid.mean, maxDrop) ? 0 : 1,
    optimisticAt: tOptimisticAt(iid.mean, iid.se, iid.df),
    n,
    method: 'paired t',
    ...(options.unit ? { note: options.unit } : {}),
    ...power,
  };

  if (losses + wins < EXACT_DISCORDANT_BELOW && isBinary(baseline) && isBinary(candidate)) {
    // With few discordant pairs the t interval trusts a variance made of a handful of cases
    // (three losses and no win "prove" a drop at p = 0.04; McNemar's exact p is 0.125). The exact
    // test conditions on the discordant pairs, which caps its pessimistic bound at their share
    // and so can flatter a non-zero budget. Each side keeps the more cautious of the two.
    const exact = compareDiscordant(
      { losses, wins, n },
      level.baseline,
      level.candidate,
      maxDrop,
      confidence,
    );
    const optimistic = Math.min(exact.regression![0], tBounds.regression![0]);
    const pessimistic = Math.max(exact.regression![1], tBounds.regression![1]);
    return {
      ...level,
      delta: iid.mean,
      ci: [0 - pessimistic, 0 - optimistic], // 0 − x: no negative zero for an exact 0
      regression: [optimistic, pessimistic],
      // Fails only where both fail: the smaller bound, as the p-value is the larger of the two.
      p_value: Math.max(exact.p_value!, tBounds.p_value!),
      optimisticAt: (at) => Math.min(exact.optimisticAt!(at), tBounds.optimisticAt!(at)),
      n,
      method: 'exact McNemar + t',
      note: exact.note!,
      ...power,
    };
  }

  if (n < SMALL_SAMPLE_BELOW && options.rng && iid.sd > 0) {
    const r = pairedBootstrapT(diffs, -maxDrop, confidence, {
      resamples: options.resamples ?? 2000,
      rng: options.rng,
    });
    // Tied differences (22 of 25 the same, say) leave resamples without spread, which count
    // as t* = ±∞: at the strict levels a check is tested at among several (weighted Holm) an
    // end of the interval is then infinite, and with many of them even at the confidence: a
    // clear drop could never block, a tiny one never pass. The t interval is used instead.
    if (r.unstudentized > 0) {
      return { ...tBounds, note: `${n} pairs, too many of them tied for bootstrap-t` };
    }
    // Otherwise each end is the more cautious of the two, as for 0/1 scores above: with scores
    // on a few levels the bootstrap-t alone blocked 6.5-7.5% of equal systems at α = 5%
    // (25 pairs, scores 1 or 0.7), the t interval alone is too narrow for skewed scores.
    const tOptimisticAt = tBounds.optimisticAt!;
    return {
      ...level,
      delta: r.mean,
      ci: [Math.min(r.lower, tBounds.ci![0]), Math.max(r.upper, tBounds.ci![1])],
      regression: [
        Math.min(-r.upper, tBounds.regression![0]),
        Math.max(-r.lower, tBounds.regression![1]),
      ],
      // Fails only where both fail: the smaller bound, as the p-value is the larger of the two.
      p_value: Math.max(r.pBelow, tBounds.p_value!),
      optimisticAt: (at) => Math.min(-r.upperAt(at), tOptimisticAt(at)),
      n,
      method: 'bootstrap-t + t',
      note: `${n} pairs`,
      ...power,
    };
  }

  return tBounds;
}
