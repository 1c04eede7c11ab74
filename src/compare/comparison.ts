/**
 * The evidence about one metric, direction-normalised so the gate can treat every metric alike:
 * `regression` holds [optimistic, pessimistic] one-sided bounds on how much worse the candidate
 * is, in the budget's units (points dropped, relative increase, or the candidate's error rate).
 */
export interface Comparison {
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  ci: [number, number] | null;
  regression: [number, number] | null;
  /** Evidence that the regression exceeds the budget (small = strong). */
  p_value: number | null;
  /** Usable pairs (or calls, for a ceiling). */
  n: number;
}

export function emptyComparison(
  n: number,
  baseline: number | null = null,
  candidate: number | null = null,
): Comparison {
  return { baseline, candidate, delta: null, ci: null, regression: null, p_value: null, n };
}
