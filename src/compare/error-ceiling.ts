import {
  binomialSurvival,
  clopperPearsonLower,
  clopperPearsonUpper,
  mcnemarExact,
} from '../stats/index.js';
import type { Comparison } from './comparison.js';

/** How the candidate's errors line up with the baseline's on the cases both answered. */
export interface PairedErrors {
  /** Cases the baseline answered and the candidate failed. */
  newErrors: number;
  /** Cases the baseline failed and the candidate answered. */
  fixedErrors: number;
}

/**
 * Error rate: an absolute ceiling on the candidate's rate (the budget's meaning), with exact
 * (Clopper–Pearson) bounds, since errors are rare and a normal approximation is poor near zero.
 * The paired view (new against fixed errors, McNemar's exact test) rides along in the note: it
 * says whether the candidate errs more than the baseline did, which the ceiling alone does not.
 */
export function compareErrorCeiling(
  baselineErrors: number,
  baselineN: number,
  errors: number,
  n: number,
  max: number,
  confidence: number,
  paired?: PairedErrors,
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
  let note: string | undefined;
  if (paired && paired.newErrors + paired.fixedErrors > 0) {
    const p = mcnemarExact(paired.newErrors, paired.fixedErrors);
    note = `${paired.newErrors} new ${paired.newErrors === 1 ? 'error' : 'errors'} and ${paired.fixedErrors} fixed, exact McNemar ${formatP(p)}`;
  }
  return {
    baseline: baseRate,
    candidate: rate,
    delta: baseRate === null ? null : rate - baseRate,
    ci: [lower, upper],
    regression: [lower, upper],
    // P(at least this many errors | the true rate sits exactly at the ceiling): the
    // Clopper–Pearson lower bound at a level passes the ceiling exactly when this is at most
    // 1 − level.
    p_value: errors === 0 ? 1 : binomialSurvival(errors - 1, n, max),
    optimisticAt: (level) => clopperPearsonLower(errors, n, level),
    n,
    method: 'Clopper–Pearson',
    ...(note ? { note } : {}),
  };
}

function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}
