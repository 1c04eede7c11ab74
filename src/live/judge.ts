import type { Comparison } from '../compare/comparison.js';
import { weightedHolm } from '../gate/multiplicity.js';
import { ADJUSTMENT_METHOD, verdictOf } from '../gate/verdict.js';
import {
  formatBudget,
  formatConfidence,
  formatDelta,
  formatInterval,
  formatValue,
} from '../report/format.js';
import type { Check, MetricName, Verdict } from '../types.js';
import { compareSeries } from './compare.js';
import { budgetOf, type LiveMetricConfig } from './config-schema.js';
import { type SeriesPair, worstInfinity } from './series.js';

export interface LookSettings {
  /** The false-block rate this look may spend: 1 − confidence, or a look's share of it. */
  alpha: number;
  minSamples: number;
}

interface Judged {
  metric: LiveMetricConfig;
  kind: MetricName;
  budget: number;
  comparison: Comparison;
  /** Why there is no interval (no data, too few samples), when there is none. */
  missing?: string;
  /** Why the metric cannot pass whatever the interval says (the canary at the worst infinity). */
  cannotPass?: string;
}

function kindOf(m: LiveMetricConfig): { kind: MetricName; budget: number } {
  const { kind, amount } = budgetOf(m);
  return { kind: `live_${kind}`, budget: amount };
}

/**
 * The checks of one look at the live series: each metric compared (see compareSeries), then all
 * of them one weighted-Holm family at the look's α, exactly as the golden set's whole-set checks
 * are (src/gate/multiplicity.ts): a metric added does not add false blocks. A fail needs the
 * optimistic bound, at the level Holm tested it at, past the budget; a pass needs the pessimistic
 * bound at 1 − α within it.
 */
export function judgeLook(pairs: readonly SeriesPair[], s: LookSettings): Check[] {
  const confidence = 1 - s.alpha;
  const judged: Judged[] = pairs.map((p) => {
    const { kind, budget } = kindOf(p.metric);
    const comparison = compareSeries(
      p.baseline,
      p.candidate,
      budgetOf(p.metric).kind,
      budget,
      confidence,
    );
    // Worse than any finite value, so no mean or interval can stand for it: dropping those steps
    // (as NaN is dropped) let a canary whose p95 was past the top bucket half the time pass, or
    // read as faster. Not a fail either: at low traffic one slow request puts a step's p95 there.
    const worst = p.infinite.candidate;
    if (worst > 0) {
      const inf = worstInfinity(p.metric) > 0 ? '+Inf' : '-Inf';
      const of = worst + p.returned.candidate;
      return {
        metric: p.metric,
        kind,
        budget,
        comparison,
        cannotPass: `the canary's series is ${inf} at ${worst} of ${of} steps (a histogram_quantile past its highest bucket, or a division by zero), worse than any value the budget allows${p.infinite.baseline > 0 ? ` (the baseline's at ${p.infinite.baseline})` : ''}; it cannot pass until the window holds no such step`,
      };
    }
    const empty = (['baseline', 'candidate'] as const).filter((side) => p.returned[side] === 0);
    if (empty.length > 0) {
      return {
        metric: p.metric,
        kind,
        budget,
        comparison,
        missing: `no data for the ${empty.join(' and ')} in the window`,
      };
    }
    const short = (['baseline', 'candidate'] as const).find(
      (side) => p[side].length < s.minSamples,
    );
    if (short) {
      return {
        metric: p.metric,
        kind,
        budget,
        comparison,
        missing: `${p[short].length} samples for the ${short}, fewer than the ${s.minSamples} required (live.min_samples)`,
      };
    }
    if (!comparison.regression) {
      return {
        metric: p.metric,
        kind,
        budget,
        comparison,
        missing: comparison.insufficient ?? 'no interval',
      };
    }
    return { metric: p.metric, kind, budget, comparison };
  });

  const family = judged.filter((j) => !j.missing && !j.cannotPass);
  const levelOf = (weight: number) => (weight >= 1 ? confidence : 1 - weight * s.alpha);
  const outcomes = weightedHolm(
    family.map((j) => ({
      whole: true,
      p: j.comparison.p_value!,
      rejects: (weight: number) => j.comparison.optimisticAt!(levelOf(weight)) > j.budget,
    })),
    s.alpha,
  );
  const tests = family.length;
  return judged.map((j) => {
    const k = family.indexOf(j);
    if (k < 0) return noInterval(j);
    const o = outcomes[k]!;
    return withInterval(j, confidence, levelOf(o.weight), o.pAdjusted, tests);
  });
}

function base(j: Judged): Omit<Check, 'ci' | 'verdict' | 'reason'> {
  const c = j.comparison;
  return {
    metric: j.kind,
    name: j.metric.name,
    slice: null,
    baseline: c.baseline,
    candidate: c.candidate,
    delta: c.delta,
    budget: j.budget,
    p_value: c.p_value,
    n: c.n,
    ...(c.method ? { method: c.method } : {}),
    ...(j.metric.critical ? { critical: true } : {}),
  };
}

function noInterval(j: Judged): Check {
  return {
    ...base(j),
    ...(j.cannotPass ? { candidate: null, delta: null } : {}),
    ci: null,
    p_value: null,
    p_adjusted: null,
    verdict: 'inconclusive',
    reason: j.cannotPass
      ? `${j.metric.name}: cannot pass: ${j.cannotPass}.${j.metric.critical ? ' It is critical: it blocks unless it passes.' : ''}`
      : `${j.metric.name}: insufficient data: ${j.missing}.`,
  };
}

/** The interval as shown: a drop reads as a (negative) change, like the quality checks. */
function shown(kind: MetricName, optimistic: number, pessimistic: number): [number, number] {
  return kind === 'live_max_drop' ? [0 - pessimistic, 0 - optimistic] : [optimistic, pessimistic];
}

function withInterval(
  j: Judged,
  confidence: number,
  level: number,
  pAdjusted: number,
  tests: number,
): Check {
  const c = j.comparison;
  const optimistic = level === confidence ? c.regression![0] : c.optimisticAt!(level);
  const ci = shown(j.kind, optimistic, c.regression![1]);
  const verdict = verdictOf(j.kind, ci, j.budget);
  const adjusted = tests > 1;
  return {
    ...base(j),
    ci,
    verdict,
    reason: explain(j, ci, verdict, confidence, adjusted ? tests : 0, pAdjusted),
    p_adjusted: pAdjusted,
    ...(adjusted ? { adjustment: { method: ADJUSTMENT_METHOD, tests, level } } : {}),
  };
}

function explain(
  j: Judged,
  ci: [number, number],
  verdict: Verdict,
  confidence: number,
  tests: number,
  pAdjusted: number,
): string {
  const { kind, metric, comparison: c } = j;
  const value =
    kind === 'live_max'
      ? `${formatValue(kind, c.candidate)} on the canary`
      : formatDelta(kind, c.delta);
  const adjusted = tests > 1 ? `, adjusted for ${tests} metrics` : '';
  const how = `${c.method}, ${c.note}`;
  const change = `${metric.name} ${value} (${formatConfidence(confidence)} CI ${formatInterval(kind, ci)}${adjusted}; ${how})`;
  const budget = formatBudget(kind, j.budget);
  const p = pAdjusted < 0.001 ? '< 0.001' : `= ${pAdjusted.toFixed(3)}`;
  const unit = kind === 'live_max' ? 'level' : kind === 'live_max_drop' ? 'drop' : 'increase';
  const critical = metric.critical ? ' It is critical: it blocks unless it passes.' : '';
  if (verdict === 'fail') {
    return `${change} exceeds the ${budget} budget: even the optimistic bound is a larger ${unit} than allowed (${tests > 1 ? `${ADJUSTMENT_METHOD}, adjusted ` : ''}p ${p}).`;
  }
  if (verdict === 'pass') {
    return `${change} is within the ${budget} budget: even the pessimistic bound is an allowed ${unit}.`;
  }
  return `${change} straddles the ${budget} budget: the data cannot tell whether the ${unit} exceeds it; a longer window would.${critical}`;
}
