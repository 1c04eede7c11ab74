import { assertInRange } from './assert.js';

/**
 * Holm's step-down adjusted p-values (`statsmodels.stats.multitest.multipletests(p,
 * method='holm')[1]`). Sorted ascending, the i-th smallest p (1-based) becomes
 * max over j ≤ i of min(1, (m − j + 1)·p_(j)); a hypothesis is rejected at family-wise level α
 * exactly when its adjusted p is at most α. It controls the chance of any false rejection at α
 * whatever the dependence between the tests, and is never less powerful than Bonferroni.
 *
 * @param pValues the raw p-values, each in [0, 1]; may be empty.
 * @returns the adjusted p-values, in the input's order.
 * @throws {RangeError} when a p-value is outside [0, 1] or NaN.
 * @example
 * holmAdjust([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  pValues.forEach((p, i) => {
    assertInRange(p, 0, 1, `pValues[${i}]`, 'holmAdjust');
  });
  // A stable sort keeps ties in input order, as statsmodels' mergesort does.
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
