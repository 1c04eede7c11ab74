import type { Check, MetricName, Report, TargetMetrics } from '../types.js';
import { thousands } from '../util/thousands.js';
import { formatValue } from './format.js';

// A whole-set check compares pairs: the cases both sides have, answered or scored as the metric
// needs. The targets table describes each side on its own: every case, every answered call. When
// the two populations differ (failed calls, unscored baselines, a recording that lacks cases,
// repeats), so can the figures: "1210 ms" in one table and "1187 ms" in the other for the
// baseline's p95. Such a check is labelled with the population it was computed on.

/** The marker on a check's baseline and candidate cells whose population note applies. */
export const POPULATION_MARK = '†';

const TARGET_FIGURE: Partial<Record<MetricName, (t: TargetMetrics) => number | undefined>> = {
  quality: (t) => t.quality,
  pass_rate: (t) => t.pass_rate,
  error_rate: (t) => t.error_rate,
  latency_p95: (t) => t.latency_ms?.p95,
  ttft_p95: (t) => t.ttft_ms?.p95,
  tpot_p95: (t) => t.tpot_ms?.p95,
  cost: (t) => (t.no_data?.cost_usd === undefined ? t.cost_usd : undefined),
};

function population(check: Check, repeats: number, used?: number): string {
  const n = thousands(check.n);
  // gate.sequential: a check settled at an earlier look keeps that look's figures.
  if (check.look && used !== undefined && check.look.cases < used) {
    return `settled at look ${check.look.look} of ${check.look.looks}, over the first ${thousands(check.look.cases)} cases of the shuffled order; the targets table counts all ${thousands(used)} cases the run used`;
  }
  switch (check.metric) {
    case 'quality':
    case 'pass_rate':
      return `over the ${n} pairs whose baseline answer was scored; the targets table counts every case`;
    case 'latency_p95':
    case 'ttft_p95':
    case 'tpot_p95':
      return repeats > 1
        ? `p95 of each case's mean over the ${n} pairs both sides answered; the targets table takes every answered call`
        : `p95 over the ${n} pairs both sides answered; the targets table takes every answered call`;
    default: {
      // Cost leaves out the pairs a reply without token counts would have read as $0.
      const which = check.pairs_without_tokens
        ? 'pairs both sides answered with token counts'
        : 'cases both sides have';
      return `over the ${n} ${which}; the targets table counts every case of each side`;
    }
  }
}

/**
 * The label a whole-set check needs when its baseline or candidate, as shown, differs from the
 * same figure in the targets table; undefined when they read the same (or there is no such figure).
 */
export function populationNote(
  check: Check,
  report: Pick<Report, 'targets' | 'meta'>,
): string | undefined {
  const figure = TARGET_FIGURE[check.metric];
  if (check.slice !== null || !figure) return undefined;
  const differs = (['baseline', 'candidate'] as const).some((side) => {
    const value = check[side];
    const t = report.targets[side];
    const other = t ? figure(t) : undefined;
    if (value === null || other === undefined) return false;
    return formatValue(check.metric, value) !== formatValue(check.metric, other);
  });
  return differs
    ? population(check, report.meta.repeats ?? 1, report.meta.sequential?.stopped_at_case)
    : undefined;
}
