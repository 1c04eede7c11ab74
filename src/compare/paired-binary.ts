import { binomialSurvival, clopperPearsonLower, clopperPearsonUpper } from '../stats/index.js';
import type { Comparison } from './comparison.js';

/**
 * Fewer discordant pairs than this and a yes/no comparison is exact (McNemar) rather than a t
 * interval: the usual rule for McNemar's test, whose normal approximation needs b + c ≥ 25.
 */
export const EXACT_DISCORDANT_BELOW = 25;

export interface DiscordantCounts {
  /** Pairs the baseline passed (or scored 1) and the candidate did not. */
  losses: number;
  /** Pairs the candidate passed and the baseline did not. */
  wins: number;
  /** All pairs, discordant or not. */
  n: number;
}

/**
 * A paired yes/no comparison by the exact McNemar argument: given the m = losses + wins pairs on
 * which the sides disagree, the losses are Binomial(m, θ), and the change in the rate is
 * (wins − losses) / n = −(m / n)(2θ − 1). Clopper–Pearson bounds on θ become bounds on the drop;
 * the p-value for "the drop exceeds `maxDrop`" is the exact binomial tail at the θ where the drop
 * equals the budget, θ0 = (1 + maxDrop · n / m) / 2. With a zero budget that is McNemar's exact
 * test (`scipy.stats.binomtest(losses, m, 0.5, alternative='greater')`).
 *
 * The inference is conditional on the discordant pairs, as McNemar's is: it asks whether the
 * candidate's answers on these cases are worse, which is what a gate on this golden set means.
 */
export function compareDiscordant(
  counts: DiscordantCounts,
  baselineRate: number,
  candidateRate: number,
  maxDrop: number,
  confidence: number,
): Comparison {
  const { losses, wins, n } = counts;
  const m = losses + wins;
  const base = {
    baseline: baselineRate,
    candidate: candidateRate,
    n,
    method: 'exact McNemar',
    note: `${m} discordant ${m === 1 ? 'pair' : 'pairs'}`,
  };
  if (m === 0) {
    return {
      ...base,
      delta: 0,
      ci: [0, 0],
      regression: [0, 0],
      p_value: 1,
      optimisticAt: () => 0,
    };
  }
  const share = m / n;
  // The Clopper–Pearson lower bound on θ at a level exceeds θ0 exactly when the binomial tail
  // p below is at most 1 − level, so this bound and that p-value always agree.
  const optimisticAt = (level: number) => share * (2 * clopperPearsonLower(losses, m, level) - 1);
  const thetaHigh = clopperPearsonUpper(losses, m, confidence);
  const optimistic = optimisticAt(confidence);
  const pessimistic = share * (2 * thetaHigh - 1);
  const theta0 = (1 + (maxDrop * n) / m) / 2;
  // With θ0 ≥ 1 even m losses of m could not drop the rate past the budget.
  const p = theta0 >= 1 ? 1 : binomialSurvival(losses - 1, m, theta0);
  return {
    ...base,
    delta: (wins - losses) / n,
    ci: [-pessimistic, -optimistic],
    regression: [optimistic, pessimistic],
    p_value: p,
    optimisticAt,
  };
}
