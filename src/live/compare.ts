import type { Comparison } from '../compare/comparison.js';
import { tQuantile, tSurvival } from '../stats/index.js';
import { pastBudget } from '../stats/past-budget.js';
import { type SeriesStats, seriesStats } from './series-stats.js';

/**
 * What a live metric's budget bounds, named after the budget key: `max_increase` the relative
 * change of the mean (candidate / baseline − 1), `max_drop` the absolute drop of the mean
 * (baseline − candidate), `max` the candidate's mean level (a ceiling).
 */
export type LiveBudgetKind = 'max_increase' | 'max_drop' | 'max';

/** Effective samples per side below which no interval is drawn. */
export const MIN_EFFECTIVE_SAMPLES = 3;

export const LIVE_METHOD = 'Welch t on window means, AR(1)-corrected';

/**
 * Compares two unpaired, autocorrelated series by their means: each mean's variance comes from
 * the series' own lag-1 autocorrelation (see seriesStats), the two are combined as in Welch's t
 * test with Satterthwaite's degrees of freedom over the effective sample sizes, and the bounds
 * are one-sided t bounds in the budget's units:
 * - `max_increase`: R = m_c / m_b by the delta method, Var(R) ≈ (Var m_c + R²·Var m_b) / m_b²
 *   (defined when the candidate's mean is 0, as an error ratio can be); regression R − 1.
 * - `max_drop`: m_b − m_c, Var m_b + Var m_c.
 * - `max`: m_c, Var m_c (a ceiling needs no baseline; it is shown for reference).
 *
 * Why means and not Mann–Whitney: the budget is written on the level an SRE reads off a graph
 * (the error ratio, the p95 latency averaged over the window), and a rank test answers whether
 * the distributions differ, not by how much the level moved; its shift (Hodges–Lehmann) is not
 * a relative change of the mean, and its intervals need the same autocorrelation correction.
 */
export function compareSeries(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  kind: LiveBudgetKind,
  budget: number,
  confidence: number,
): Comparison {
  const b = seriesStats(baseline);
  const c = seriesStats(candidate);
  const n = Math.min(b.n, c.n);
  const base: Comparison = {
    baseline: finite(b.mean),
    candidate: finite(c.mean),
    delta: null,
    ci: null,
    regression: null,
    p_value: null,
    n,
    method: LIVE_METHOD,
    note: `n_eff ${round(b.nEff)} and ${round(c.nEff)} of ${b.n} and ${c.n} samples`,
  };
  const sides = kind === 'max' ? [c] : [b, c];
  const thin = sides.find((s) => !(s.nEff >= MIN_EFFECTIVE_SAMPLES) || Number.isNaN(s.varMean));
  if (thin) {
    return {
      ...base,
      insufficient: `the ${thin === b ? 'baseline' : 'candidate'} series has ${thin.n} samples worth ${round(thin.nEff)} independent ones (lag-1 autocorrelation ${thin.rho.toFixed(2)}), fewer than ${MIN_EFFECTIVE_SAMPLES}; a longer window would tell`,
    };
  }
  let est: number;
  let se: number;
  let df: number;
  if (kind === 'max_increase') {
    if (!(b.mean > 0)) {
      return {
        ...base,
        insufficient: 'the baseline mean is not above zero, so a relative change is undefined',
      };
    }
    const r = c.mean / b.mean;
    const vc = c.varMean / b.mean ** 2;
    const vb = (r * r * b.varMean) / b.mean ** 2;
    est = r - 1;
    se = Math.sqrt(vc + vb);
    df = satterthwaite([vc, c], [vb, b]);
  } else if (kind === 'max_drop') {
    est = b.mean - c.mean;
    se = Math.sqrt(b.varMean + c.varMean);
    df = satterthwaite([c.varMean, c], [b.varMean, b]);
  } else {
    est = c.mean;
    se = Math.sqrt(c.varMean);
    df = Math.max(1, c.nEff - 1);
  }
  const delta = kind === 'max_increase' ? est : c.mean - b.mean;
  const at = (level: number) => (se > 0 ? est - tQuantile(level, df) * se : est);
  const pessimistic = se > 0 ? est + tQuantile(confidence, df) * se : est;
  const regression: [number, number] = [at(confidence), pessimistic];
  const p = se > 0 ? tSurvival((est - budget) / se, df) : pastBudget(est, budget) ? 0 : 1;
  return {
    ...base,
    delta,
    ci: regression,
    regression,
    p_value: p,
    optimisticAt: at,
    se,
    df,
  };
}

/** Welch–Satterthwaite over two variance terms, each with its side's effective samples. */
function satterthwaite(...terms: [number, SeriesStats][]): number {
  let num = 0;
  let den = 0;
  for (const [v, s] of terms) {
    num += v;
    den += (v * v) / Math.max(1, s.nEff - 1);
  }
  return den > 0 ? Math.max(1, (num * num) / den) : Number.POSITIVE_INFINITY;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '0';
}
