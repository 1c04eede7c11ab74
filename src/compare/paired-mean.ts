import { pairedMeanBounds, pValueBelow } from '../stats/index.js';
import { type Comparison, emptyComparison } from './comparison.js';

/**
 * Quality and pass rate: the mean of per-case differences (candidate − baseline), with one-sided
 * t bounds. Pairing removes the variance that comes from some cases simply being harder.
 */
export function comparePairedMeans(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  maxDrop: number,
  confidence: number,
): Comparison {
  const n = baseline.length;
  let b = 0;
  let c = 0;
  const diffs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    b += baseline[i]!;
    c += candidate[i]!;
    diffs[i] = candidate[i]! - baseline[i]!;
  }
  if (n < 2) return emptyComparison(n, n ? b / n : null, n ? c / n : null);
  const bounds = pairedMeanBounds(diffs, confidence);
  return {
    baseline: b / n,
    candidate: c / n,
    delta: bounds.mean,
    ci: [bounds.lower, bounds.upper],
    regression: [-bounds.upper, -bounds.lower],
    p_value: pValueBelow(diffs, -maxDrop),
    n,
  };
}
