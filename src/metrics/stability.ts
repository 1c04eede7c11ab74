import type { SideResult, Stability } from '../types.js';

/**
 * How often a target's k answers to the same case agree (`run.repeats: k`), over the cases
 * whose k calls were all answered (a failed call is an outage, counted in the error rate, not
 * an unstable answer):
 * - `identical_outputs`: the share of cases whose k outputs are the same text after trimming;
 * - `pass_agreement`: for each case, the share of its k(k−1)/2 repeat pairs that agree on
 *   pass/fail, averaged over cases (1 when every case passes always or fails always).
 * Undefined without repeats.
 */
export function stability(rows: readonly SideResult[]): Stability | undefined {
  let cases = 0;
  let identical = 0;
  let agreement = 0;
  for (const r of rows) {
    const passes = r.repeat_pass;
    if (!passes || passes.length < 2 || r.error !== null) continue;
    const k = passes.length;
    let p = 0;
    for (const x of passes) if (x) p++;
    cases++;
    if (r.distinct_outputs === 1) identical++;
    agreement += (p * (p - 1) + (k - p) * (k - p - 1)) / (k * (k - 1));
  }
  if (cases === 0) return undefined;
  return { cases, identical_outputs: identical / cases, pass_agreement: agreement / cases };
}
