import type { Comparison } from '../compare/comparison.js';
import { checkName, formatBudget, formatDelta } from '../report/format.js';
import { casesNeeded, minimumDetectableEffect } from '../stats/index.js';
import type { MetricName, PowerEntry, PowerReport } from '../types.js';

/** The detection probability power statements use. */
export const POWER = 0.8;

/**
 * What a quality or pass-rate check could detect: the change detectable from zero at 80% power,
 * (t_{confidence} + t_{0.8}) · se, and the cases needed for that to fit inside the budget — the
 * point where an unchanged candidate passes, and one twice the budget worse fails, four times in
 * five. Undefined for comparisons without a standard error (too few pairs).
 */
export function powerEntry(
  metric: MetricName,
  slice: string | null,
  c: Comparison,
  budget: number,
  confidence: number,
): PowerEntry | undefined {
  if (c.se === undefined || c.sd === undefined || c.df === undefined || !(c.df > 0))
    return undefined;
  const mde = minimumDetectableEffect(c.se, c.df, confidence, POWER);
  return {
    metric,
    slice,
    n: c.n,
    sd: c.sd,
    se: c.se,
    mde,
    detectable_drop: budget + mde,
    budget,
    cases_needed: budget > 0 ? casesNeeded(c.sd, budget, confidence, POWER) : null,
  };
}

function points(metric: MetricName, v: number): string {
  return formatDelta(metric, v).replace(/^\+/, '');
}

/**
 * Warnings for checks whose golden set is too small for their budget (mde > budget), with the
 * number of cases that would do: one line per whole-set check, one line for all slices.
 */
export function powerWarnings(report: PowerReport): string[] {
  const out: string[] = [];
  const slices: string[] = [];
  for (const e of report.checks) {
    if (!(e.sd > 0) || e.mde <= e.budget) continue;
    const name = checkName(e);
    if (e.slice !== null) {
      if (e.cases_needed !== null)
        slices.push(`${name} (${e.n} cases, needs about ${e.cases_needed})`);
      continue;
    }
    const sd = `SD of paired differences ${e.sd.toFixed(2)}`;
    if (e.budget === 0) {
      out.push(
        `a zero ${name} budget passes an unchanged candidate only about ${Math.round((1 - report.confidence) * 100)}% of the time when answers vary (${sd}): ` +
          `${e.n} cases can resolve a budget of ${points(e.metric, e.mde)} at ${Math.round(report.power * 100)}% power`,
      );
      continue;
    }
    out.push(
      `the golden set is too small for the ${formatBudget(e.metric, e.budget)} ${name} budget: with ${e.n} cases (${sd}) ` +
        `the smallest change detectable at ${Math.round(report.power * 100)}% power is ${points(e.metric, e.mde)}; ` +
        `about ${e.cases_needed?.toLocaleString('en-US')} cases would let an unchanged candidate pass`,
    );
  }
  if (slices.length) {
    out.push(
      `${slices.length} slice ${slices.length === 1 ? 'check is' : 'checks are'} too small for ${slices.length === 1 ? 'its' : 'their'} budget at ${Math.round(report.power * 100)}% power: ${slices.join(', ')}`,
    );
  }
  return out;
}
