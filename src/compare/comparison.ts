/**
 * The evidence about one metric, direction-normalised so the gate can treat every metric alike:
 * `regression` holds [optimistic, pessimistic] one-sided bounds on how much worse the candidate
 * is, in the budget's units (points dropped, relative increase, the candidate's error rate, or
 * the drift index).
 */
export interface Comparison {
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  ci: [number, number] | null;
  regression: [number, number] | null;
  /** Evidence that the regression exceeds the budget (small = strong). */
  p_value: number | null;
  /**
   * The optimistic end of `regression` at any one-sided level at or above the confidence, built
   * so that `p_value ≤ a` exactly when `optimisticAt(1 − a)` exceeds the budget (up to
   * rounding): the multiplicity procedure tests a check at a share of α and shows the bound it
   * tested, so the interval and the verdict cannot disagree. Present whenever `regression` is;
   * `optimisticAt(confidence)` is `regression[0]`.
   */
  optimisticAt?: (level: number) => number;
  /** Usable pairs (or calls, for a ceiling). */
  n: number;
  /** How the bounds were computed, in a few words ("paired t", "exact McNemar", …). */
  method?: string;
  /** A clause the reason adds after the method, e.g. "12 discordant pairs". */
  note?: string;
  /** Why there is no interval, when `regression` is null for a reason other than n < min_cases. */
  insufficient?: string;
  /** Paired-mean comparisons: the standard error of the change, for power. */
  se?: number;
  /** Paired-mean comparisons: SD of one paired difference, inflated by any cluster design effect. */
  sd?: number;
  /** Degrees of freedom behind `se`. */
  df?: number;
  /** Number of clusters, when the bounds are cluster-robust. */
  clusters?: number;
}

export function emptyComparison(
  n: number,
  baseline: number | null = null,
  candidate: number | null = null,
): Comparison {
  return { baseline, candidate, delta: null, ci: null, regression: null, p_value: null, n };
}
