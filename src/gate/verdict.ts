import type { Comparison } from '../compare/comparison.js';
import {
  checkName,
  DRIFT_METRICS,
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
 * `inconclusive` when the interval straddles the budget. Too few pairs is never a pass. (A `fail`
 * must then survive Holm's correction across all checks: see multiplicity.ts.)
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
    ...(c.method ? { method: c.method } : {}),
    ...(c.clusters !== undefined ? { clusters: c.clusters } : {}),
  };
  const name = checkName({ metric, slice });
  if (c.n < v.minCases || !c.regression) {
    const why =
      c.n < v.minCases
        ? `${c.n} usable ${metric === 'error_rate' ? 'calls' : 'pairs'}, fewer than the ${v.minCases} required (min_cases)`
        : (c.insufficient ?? 'the baseline value is zero, so a relative change is undefined');
    return { ...base, verdict: 'inconclusive', reason: `${name}: insufficient data: ${why}.` };
  }
  const [optimistic, pessimistic] = c.regression;
  const verdict: Verdict =
    optimistic > budget ? 'fail' : pessimistic <= budget ? 'pass' : 'inconclusive';
  return { ...base, verdict, reason: explain(v, verdict) };
}

/** `(95% CI -7.9..-4.4; exact McNemar, 12 discordant pairs)`: the interval and how it was made. */
function interval(v: VerdictInput): string {
  const { comparison: c, metric } = v;
  // The error rate's note (the paired view) is a clause of its own, after the verdict.
  const note = c.note && metric !== 'error_rate' ? `, ${c.note}` : '';
  const how = c.method ? `; ${c.method}${note}` : '';
  return `(${formatConfidence(v.confidence)} CI ${formatInterval(metric, c.ci)}${how})`;
}

/** The check's subject and its change with the interval, e.g. `quality -6.1 pts (95% CI …)`. */
export function changeText(v: VerdictInput): string {
  const { comparison: c, metric } = v;
  const value =
    metric === 'error_rate' ? formatValue(metric, c.candidate) : formatDelta(metric, c.delta);
  return `${checkName(v)} ${value} ${interval(v)}`;
}

/** What the budget is called in a sentence: `the 2 pts budget`, `the ceiling of 1%`. */
export function budgetText(v: Pick<VerdictInput, 'metric' | 'budget'>): string {
  const budget = formatBudget(v.metric, v.budget);
  return v.metric === 'error_rate'
    ? `the ceiling of ${budget.replace('≤ ', '')}`
    : `the ${budget} budget`;
}

function unitOf(metric: MetricName): string {
  if (DRIFT_METRICS.has(metric)) return 'shift';
  return RELATIVE_METRICS.has(metric) ? 'increase' : 'drop';
}

function explain(v: VerdictInput, verdict: Verdict): string {
  const { comparison: c, metric } = v;
  const change = changeText(v);
  if (metric === 'error_rate') {
    const paired = c.note ? ` (against the baseline: ${c.note})` : '';
    const ceiling = budgetText(v);
    if (verdict === 'fail')
      return `${change} is above ${ceiling} even at its lower bound${paired}.`;
    if (verdict === 'pass')
      return `${change} stays under ${ceiling} even at its upper bound${paired}.`;
    return `${change} may be above or below ${ceiling}; more cases would tell${paired}.`;
  }
  const budget = budgetText(v);
  const unit = unitOf(metric);
  if (verdict === 'fail') {
    return `${change} exceeds ${budget}: even the optimistic bound is a larger ${unit} than allowed.`;
  }
  if (verdict === 'pass') {
    return `${change} is within ${budget}: even the pessimistic bound is an allowed ${unit}.`;
  }
  return `${change} straddles ${budget}: the data cannot tell whether the ${unit} exceeds it; more cases would.`;
}
