import { binomialSurvival, clopperPearsonLower, clopperPearsonUpper } from '../stats/index.js';
import type { Comparison } from './comparison.js';

/**
 * Error rate: an absolute ceiling on the candidate's rate, with exact (Clopper–Pearson) bounds,
 * since errors are rare and a normal approximation is poor near zero.
 */
export function compareErrorCeiling(
  baselineErrors: number,
  baselineN: number,
  errors: number,
  n: number,
  max: number,
  confidence: number,
): Comparison {
  const rate = n ? errors / n : 0;
  const baseRate = baselineN ? baselineErrors / baselineN : null;
  if (n === 0)
    return {
      baseline: baseRate,
      candidate: null,
      delta: null,
      ci: null,
      regression: null,
      p_value: null,
      n,
    };
  const lower = clopperPearsonLower(errors, n, confidence);
  const upper = clopperPearsonUpper(errors, n, confidence);
  return {
    baseline: baseRate,
    candidate: rate,
    delta: baseRate === null ? null : rate - baseRate,
    ci: [lower, upper],
    regression: [lower, upper],
    // P(at least this many errors | the true rate sits exactly at the ceiling).
    p_value: errors === 0 ? 1 : binomialSurvival(errors - 1, n, max),
    n,
  };
}
