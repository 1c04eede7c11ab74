import type { Comparison } from '../compare/comparison.js';
import {
  checkName,
  formatBudget,
  formatConfidence,
  formatDelta,
  formatInterval,
  formatValue,
  RELATIVE_METRICS,
} from '../report/format.js';
import type { Check, MetricName, Verdict } from '../types.js';

export interface VerdictInput {
  metric: MetricName;
  slice: string | null;
  comparison: Comparison;
  budget: number;
  confidence: number;
  minCases: number;
}

/**
 * Three verdicts on evidence, not on point estimates: `fail` when even the optimistic bound on
 * the regression exceeds the budget, `pass` when even the pessimistic bound stays within it,
 * `inconclusive` when the interval straddles the budget. Too few pairs is never a pass.
 */
export function judge(v: VerdictInput): Check {
  const { comparison: c, metric, slice, budget } = v;
  const base: Omit<Check, 'verdict' | 'reason'> = {
    metric,
    slice,
    baseline: c.baseline,
    candidate: c.candidate,
    delta: c.delta,
    ci: c.ci,
    budget,
    p_value: c.p_value,
    n: c.n,
  };
  const name = checkName({ metric, slice });
  if (c.n < v.minCases || !c.regression) {
    const why =
      c.n < v.minCases
        ? `${c.n} usable ${metric === 'error_rate' ? 'calls' : 'pairs'}, fewer than the ${v.minCases} required (min_cases)`
        : 'the baseline value is zero, so a relative change is undefined';
    return { ...base, verdict: 'inconclusive', reason: `${name}: insufficient data: ${why}.` };
  }
  const [optimistic, pessimistic] = c.regression;
  const verdict: Verdict =
    optimistic > budget ? 'fail' : pessimistic <= budget ? 'pass' : 'inconclusive';
  return { ...base, verdict, reason: explain(v, verdict) };
}

function explain(v: VerdictInput, verdict: Verdict): string {
  const { comparison: c, metric } = v;
  const conf = formatConfidence(v.confidence);
  const budget = formatBudget(metric, v.budget);
  const name = checkName(v);
  if (metric === 'error_rate') {
    const level = `${name} ${formatValue(metric, c.candidate)} (${conf} CI ${formatInterval(metric, c.ci)})`;
    if (verdict === 'fail')
      return `${level} is above the ceiling of ${budget.replace('≤ ', '')} even at its lower bound.`;
    if (verdict === 'pass')
      return `${level} stays under the ceiling of ${budget.replace('≤ ', '')} even at its upper bound.`;
    return `${level} may be above or below the ceiling of ${budget.replace('≤ ', '')}; more cases would tell.`;
  }
  const change = `${name} ${formatDelta(metric, c.delta)} (${conf} CI ${formatInterval(metric, c.ci)})`;
  const unit = RELATIVE_METRICS.has(metric) ? 'increase' : 'drop';
  if (verdict === 'fail') {
    return `${change} exceeds the ${budget} budget: even the optimistic bound is a larger ${unit} than allowed.`;
  }
  if (verdict === 'pass') {
    return `${change} is within the ${budget} budget: even the pessimistic bound is an allowed ${unit}.`;
  }
  return `${change} straddles the ${budget} budget: the data cannot tell whether the ${unit} exceeds it; more cases would.`;
}
