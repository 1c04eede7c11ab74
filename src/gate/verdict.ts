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
import { pastBudget } from '../stats/past-budget.js';
import type { Check, MetricName, Verdict } from '../types.js';

export interface VerdictInput {
  metric: MetricName;
  slice: string | null;
  comparison: Comparison;
  budget: number;
  confidence: number;
  minCases: number;
}

/** How the multiplicity procedure tested a check (see multiplicity.ts). */
export interface Tested {
  /** The one-sided level of the optimistic end: the confidence when nothing is adjusted. */
  level: number;
  /** The procedure's adjusted p-value: at most α exactly when the check fails. */
  pAdjusted: number;
  /** Tests in the family; above 1 the interval is adjusted and says so. */
  tests: number;
  /** What the family counts: `check`, or `test` when two checks share one test. */
  unit: 'check' | 'test';
}

export const ADJUSTMENT_METHOD = 'weighted Holm';

/** Metrics whose interval is shown as a change (candidate − baseline) while budgets bound a drop. */
const DROP_METRICS: ReadonlySet<MetricName> = new Set(['quality', 'pass_rate', 'live_max_drop']);

/** The interval as the check shows it, from [optimistic, pessimistic] bounds on the regression. */
function shown(metric: MetricName, [optimistic, pessimistic]: [number, number]): [number, number] {
  // 0 − x: no negative zero for an exact 0.
  return DROP_METRICS.has(metric) ? [0 - pessimistic, 0 - optimistic] : [optimistic, pessimistic];
}

/**
 * The verdict an interval shows, and the only place a verdict is made: `fail` when the whole
 * interval is past the budget (even the optimistic bound exceeds it), `pass` when it is wholly
 * within, `inconclusive` when it straddles the budget.
 */
export function verdictOf(metric: MetricName, ci: [number, number], budget: number): Verdict {
  const [optimistic, pessimistic] = DROP_METRICS.has(metric) ? [-ci[1], -ci[0]] : ci;
  // A NaN end says nothing either way: never a pass.
  if (Number.isNaN(optimistic) || Number.isNaN(pessimistic)) return 'inconclusive';
  return pastBudget(optimistic, budget)
    ? 'fail'
    : pastBudget(pessimistic, budget)
      ? 'inconclusive'
      : 'pass';
}

/**
 * Three verdicts on evidence, not on point estimates, read off the interval the check shows:
 * its optimistic end at the level the multiplicity procedure tested the check at (`tested`;
 * the confidence alone), its pessimistic end at the confidence (a pass needs no adjustment: see
 * multiplicity.ts). Too few pairs is never a pass, and shows no interval.
 */
export function judge(v: VerdictInput, tested?: Tested): Check {
  const { comparison: c, metric, slice, budget } = v;
  const base = {
    metric,
    slice,
    baseline: c.baseline,
    candidate: c.candidate,
    delta: c.delta,
    budget,
    p_value: c.p_value,
    n: c.n,
    ...(c.method ? { method: c.method } : {}),
    ...(c.clusters !== undefined ? { clusters: c.clusters } : {}),
  };
  const name = checkName({ metric, slice });
  if (c.n < v.minCases || !c.regression) {
    const unit = metric === 'error_rate' ? 'calls' : 'pairs';
    const why =
      c.n < v.minCases
        ? `${c.n} usable ${unit}, fewer than the ${v.minCases} required (min_cases)`
        : (c.insufficient ?? noInterval(c, unit));
    return {
      ...base,
      ci: null,
      verdict: 'inconclusive',
      reason: `${name}: insufficient data: ${why}.`,
    };
  }
  const level = tested?.level ?? v.confidence;
  const optimistic = level === v.confidence ? c.regression[0] : optimisticAt(c, level);
  const ci = shown(metric, [optimistic, c.regression[1]]);
  const verdict = verdictOf(metric, ci, budget);
  const adjusted = tested && tested.tests > 1 ? tested : undefined;
  return {
    ...base,
    ci,
    verdict,
    reason: explain(v, ci, verdict, adjusted),
    ...(adjusted
      ? { adjustment: { method: ADJUSTMENT_METHOD, tests: adjusted.tests, level: adjusted.level } }
      : {}),
  };
}

function optimisticAt(c: Comparison, level: number): number {
  if (!c.optimisticAt) throw new Error(`a ${c.method ?? 'comparison'} has no bound at ${level}`);
  return c.optimisticAt(level);
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

function family(t: Tested): string {
  return `${t.tests} ${t.unit}s`;
}

/** `(95% CI -7.9..-4.4, adjusted for 12 checks; exact McNemar, 12 discordant pairs)`. */
function interval(v: VerdictInput, ci: [number, number], adjusted?: Tested): string {
  const { comparison: c, metric } = v;
  // The error rate's note (the paired view) is a clause of its own, after the verdict.
  const note = c.note && metric !== 'error_rate' ? `, ${c.note}` : '';
  const how = c.method ? `; ${c.method}${note}` : '';
  const label = adjusted ? `, adjusted for ${family(adjusted)}` : '';
  return `(${formatConfidence(v.confidence)} CI ${formatInterval(metric, ci)}${label}${how})`;
}

/** The check's subject and its change, e.g. `quality -6.1 pts`. */
function subject(v: VerdictInput): string {
  const { comparison: c, metric } = v;
  const value =
    metric === 'error_rate' ? formatValue(metric, c.candidate) : formatDelta(metric, c.delta);
  return `${checkName(v)} ${value}`;
}

/** One bound on the regression in the units the check shows, e.g. `-7.9 pts`, `+12.3%`. */
function boundText(metric: MetricName, bound: number): string {
  if (metric === 'error_rate') return formatValue(metric, bound);
  return formatDelta(metric, DROP_METRICS.has(metric) ? 0 - bound : bound);
}

/** What the budget is called in a sentence: `the 2 pts budget`, `the ceiling of 1%`. */
function budgetText(v: Pick<VerdictInput, 'metric' | 'budget'>): string {
  const budget = formatBudget(v.metric, v.budget);
  return v.metric === 'error_rate'
    ? `the ceiling of ${budget.replace('≤ ', '')}`
    : `the ${budget} budget`;
}

function unitOf(metric: MetricName): string {
  if (DRIFT_METRICS.has(metric)) return 'shift';
  return RELATIVE_METRICS.has(metric) ? 'increase' : 'drop';
}

function explain(
  v: VerdictInput,
  ci: [number, number],
  verdict: Verdict,
  adjusted: Tested | undefined,
): string {
  const { comparison: c, metric } = v;
  const own = c.regression![0];
  if (adjusted && verdict !== 'fail' && pastBudget(own, v.budget)) {
    // Past the budget on its own, not once adjusted: the shown (adjusted) interval straddles it.
    const how = c.method ? `; ${c.method}` : '';
    return (
      `${subject(v)} exceeds ${budgetText(v)} on its own (unadjusted ${formatConfidence(v.confidence)} bound ` +
      `${boundText(metric, own)}, p ${formatP(c.p_value!)}${how}), but not once adjusted for ` +
      `${family(adjusted)} (${formatConfidence(v.confidence)} CI ${formatInterval(metric, ci)}; ` +
      `${ADJUSTMENT_METHOD}, adjusted p ${formatP(adjusted.pAdjusted)}), so it does not block.`
    );
  }
  const change = `${subject(v)} ${interval(v, ci, adjusted)}`;
  const evidence =
    adjusted && verdict === 'fail'
      ? ` (${ADJUSTMENT_METHOD}, adjusted p ${formatP(adjusted.pAdjusted)})`
      : '';
  if (metric === 'error_rate') {
    const paired = c.note ? ` (against the baseline: ${c.note})` : '';
    const ceiling = budgetText(v);
    if (verdict === 'fail')
      return `${change} is above ${ceiling} even at its lower bound${paired}${evidence}.`;
    if (verdict === 'pass')
      return `${change} stays under ${ceiling} even at its upper bound${paired}.`;
    return `${change} may be above or below ${ceiling}; more cases would tell${paired}.`;
  }
  const budget = budgetText(v);
  const unit = unitOf(metric);
  if (verdict === 'fail') {
    return `${change} exceeds ${budget}: even the optimistic bound is a larger ${unit} than allowed${evidence}.`;
  }
  if (verdict === 'pass') {
    return `${change} is within ${budget}: even the pessimistic bound is an allowed ${unit}.`;
  }
  return `${change} straddles ${budget}: the data cannot tell whether the ${unit} exceeds it; more cases would.`;
}

/** Why a comparison that did not say shows no interval. */
function noInterval(c: Comparison, unit: string): string {
  if (c.n < 2)
    return `${c.n} usable ${unit.slice(0, -1)}${c.n === 1 ? '' : 's'}: an interval needs at least 2`;
  if (c.baseline === 0) return 'the baseline value is zero, so a relative change is undefined';
  return 'no interval could be computed from these pairs';
}
