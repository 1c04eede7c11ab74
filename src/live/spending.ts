import { normalCdf, normalQuantile } from '../stats/index.js';

/**
 * Lan–DeMets O'Brien–Fleming-type alpha spending, one-sided: the share of α spent by information
 * fraction t is 2 − 2Φ(z_{1−α/2} / √t), which is α at t = 1 and almost nothing early on. A badly
 * broken canary still fails at an early look (its bound is far past the budget), while the last
 * look keeps nearly the power of a single analysis of the whole window.
 */
export function spentBy(t: number, alpha: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 - 2 * normalCdf(normalQuantile(1 - alpha / 2) / Math.sqrt(t));
}

/**
 * Each look's own α: what the spending function adds between the previous look and this one.
 * Testing look k at its increment (both the fail and the pass side) bounds the chance of any
 * wrong settlement across all looks by the sum of the increments, α, by the union bound: valid
 * whatever the correlation between looks (growing windows share most of their data), with no
 * numerical integration. It is conservative for the same reason; the simulation in
 * test/simulation/live-progressive.test.ts measures by how much.
 */
export function lookAlphas(fractions: readonly number[], alpha: number): number[] {
  let spent = 0;
  return fractions.map((t) => {
    const now = spentBy(t, alpha);
    const own = Math.max(now - spent, Number.MIN_VALUE);
    spent = Math.max(spent, now);
    return own;
  });
}
