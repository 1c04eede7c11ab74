import type { Comparison } from '../compare/comparison.js';
import { checkName, formatBudget, formatDelta, RELATIVE_METRICS } from '../report/format.js';
import {
  ceilingCasesToFail,
  ceilingCasesToPass,
  zeroErrorFloor,
} from '../stats/ceiling-cases-needed.js';
import {
  casesNeeded,
  clopperPearsonUpper,
  minimumDetectableEffect,
  normalQuantile,
} from '../stats/index.js';
import type { MetricName, PowerEntry, PowerReport } from '../types.js';
import { thousands } from '../util/thousands.js';

/** The detection probability power statements use. */
export const POWER = 0.8;

// One calculation of "how many cases does this check need", used by the report's power entries
// and warnings, the up-front plan (validate, the start of run) and calibrate, so that the three
// never disagree. For a check with budget b it answers two questions, each at 80%:
//   pass — how many cases let a candidate identical to the baseline pass;
//   fail — how many cases let a regression of 2b fail (at the fail side's level, which a
//          multiplicity procedure may make stricter than 1 − confidence).

/** What is known about a check's noise; a missing field means "not known yet". */
export interface Spread {
  /**
   * Quality, pass rate: SD of one paired difference between two answers of the same system (the
   * A/A spread; any cluster design effect folded in). Latency, TTFT, TPOT, cost: SD of one case's
   * relative change, se · √n at a ratio of one.
   */
  sd?: number;
  /** Error rate: the rate an unchanged candidate errs at (the baseline's). */
  errorRate?: number;
}

export interface NeedOptions {
  /** The one-sided level of the pass side's bound (gate.confidence). */
  confidence: number;
  /** The one-sided level of the fail side's test (default 1 − confidence). */
  failAlpha?: number;
  /** No check is judged on fewer pairs: every figure is at least this. */
  minCases: number;
  power?: number;
}

/**
 * Counts are whole cases; Infinity means no set size will do, null that it depends on a spread
 * not known yet (or, for `fail`, that "twice the budget" means nothing: a zero budget, or drift).
 */
export interface CasesToDecide {
  pass: number | null;
  fail: number | null;
  /**
   * The figures assume the least noise possible (none for quality and pass rate, no errors for
   * the error rate): the spread is not known yet, and noise only adds to them.
   */
  atLeast: boolean;
}

function share(b: number): boolean {
  return b > 0 && Number.isFinite(b);
}

/**
 * Cases needed for `metric` with budget `budget` to pass an unchanged candidate and to fail a
 * regression of twice the budget, each with probability POWER.
 *
 * - Quality, pass rate (drop b): paired t on the differences. An unchanged candidate has the A/A
 *   spread; a drop of 2b on yes/no outcomes flips at least a share 2b of the cases, which adds at
 *   least 2b(1 − 2b) to the variance of a paired difference (exact floor for pass rate; for graded
 *   scores, the assumption that regressions arrive as flips). With no A/A noise that floor alone
 *   remains: about 223 cases for a 5-pt budget at 95%, never 2.
 * - Error rate (ceiling max): exact Clopper–Pearson, an unchanged candidate erring at the
 *   baseline's rate (zero when unknown), a regression erring at 2·max.
 * - Latency, TTFT, TPOT, cost (increase b): the relative change's per-case spread s; a regression
 *   of 2b scales it by 1 + 2b. Unknown before any data.
 * - Drift: no power calculation (the index's null distribution depends on the scores).
 */
export function casesToDecide(
  metric: MetricName,
  budget: number,
  spread: Spread,
  o: NeedOptions,
): CasesToDecide {
  const power = o.power ?? POWER;
  const passConf = o.confidence;
  const failConf = 1 - (o.failAlpha ?? 1 - o.confidence);
  const atLeastMin = (n: number) => (Number.isFinite(n) ? Math.max(o.minCases, n) : n);
  const tNeed = (sd: number, conf: number) =>
    sd === 0 ? o.minCases : atLeastMin(casesNeeded(sd, budget, conf, power));
  switch (metric) {
    case 'quality':
    case 'pass_rate': {
      const sd = spread.sd;
      // A zero budget: an unchanged but noisy candidate passes only by luck.
      const pass =
        sd === undefined
          ? null
          : share(budget)
            ? tNeed(sd, passConf)
            : sd === 0
              ? o.minCases
              : Number.POSITIVE_INFINITY;
      let fail: number | null = null;
      if (share(budget) && 2 * budget <= 1)
        fail = atLeastMin(flipsNeeded(sd ?? 0, budget, failConf, power));
      return { pass, fail, atLeast: sd === undefined };
    }
    case 'error_rate': {
      const rate = spread.errorRate ?? 0;
      const pass = atLeastMin(ceilingCasesToPass(budget, rate, passConf, power));
      const fail = share(budget)
        ? atLeastMin(ceilingCasesToFail(budget, Math.min(1, 2 * budget), 1 - failConf, power))
        : null;
      return { pass, fail, atLeast: spread.errorRate === undefined };
    }
    case 'latency_p95':
    case 'ttft_p95':
    case 'tpot_p95':
    case 'cost': {
      const sd = spread.sd;
      if (sd === undefined) return { pass: null, fail: null, atLeast: false };
      const pass = share(budget) ? tNeed(sd, passConf) : sd === 0 ? o.minCases : Infinity;
      const fail = share(budget) ? tNeed((1 + 2 * budget) * sd, failConf) : null;
      return { pass, fail, atLeast: false };
    }
    default:
      return { pass: null, fail: null, atLeast: false };
  }
}

/**
 * Cases for a drop of 2b, arriving as flips on top of the A/A spread `sd`, to fail a budget of b:
 * the variance of a paired difference is sd² + f(1 − f) when a share f of the cases flipped. The
 * true change has f = 2b; the test's bound, computed from the data, sits where the observed drop
 * is just past the budget (f* between b and 2b, found by a few fixed-point steps), and there the
 * variance is smaller. Using 2b on both sides overstates the need (by about a tenth at 5 pts).
 */
function flipsNeeded(sd: number, b: number, confidence: number, power: number): number {
  const aa = sd * sd;
  const alt = Math.sqrt(aa + 2 * b * (1 - 2 * b));
  let n = casesNeeded(alt, b, confidence, power);
  for (let i = 0; i < 4; i++) {
    const f = Math.min(2 * b, Math.max(b, 2 * b - (normalQuantile(power) * alt) / Math.sqrt(n)));
    n = casesNeeded(Math.sqrt(aa + f * (1 - f)), b, confidence, power, alt);
  }
  return n;
}

/** The size that decides both ways: the larger figure; Infinity if either is; null if unknown. */
export function decidingSize(need: CasesToDecide): number | null {
  if (need.pass === null) return need.fail !== null && !need.atLeast ? need.fail : null;
  return need.fail === null ? need.pass : Math.max(need.pass, need.fail);
}

/** Budgets users can write: half points for shares, whole percents for relative changes. */
export function budgetStep(metric: MetricName): number {
  return RELATIVE_METRICS.has(metric) ? 0.01 : 0.005;
}

/**
 * The smallest budget, in steps users write, that `n` cases decide both ways (the same
 * calculation as casesToDecide); null when none up to a share of 1 (or +1000%) does, or the
 * spread is unknown.
 */
export function suggestBudget(
  metric: MetricName,
  spread: Spread,
  n: number,
  o: NeedOptions,
): number | null {
  const step = budgetStep(metric);
  const last = Math.round(
    (RELATIVE_METRICS.has(metric) ? 10 : metric === 'error_rate' ? 1 : 0.5) / step,
  );
  const fits = (i: number) => {
    const size = decidingSize(casesToDecide(metric, i * step, spread, o));
    return size !== null && size <= n;
  };
  // Cases needed fall as the budget grows: bisect on the step index.
  if (!fits(last)) return null;
  let lo = 1;
  let hi = last;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Math.round(lo * step * 1e6) / 1e6;
}

/**
 * What is known about a check's spread from its comparison in a run: the paired SD for quality
 * and pass rate, the baseline's rate for the error ceiling, and for the resampled ratios the
 * bootstrap bounds' half-width over z (their SE), per case and at a ratio of one.
 */
export function spreadOf(metric: MetricName, c: Comparison, confidence: number): Spread {
  if (metric === 'quality' || metric === 'pass_rate') return c.sd === undefined ? {} : { sd: c.sd };
  if (metric === 'error_rate') return c.baseline === null ? {} : { errorRate: c.baseline };
  if (!RELATIVE_METRICS.has(metric) || !c.ci || c.n < 2 || c.delta === null) return {};
  const [lo, hi] = c.ci;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(c.delta > -1)) return {};
  const se = (hi - lo) / (2 * normalQuantile(confidence));
  return { sd: (se * Math.sqrt(c.n)) / (1 + c.delta) };
}

/** A count for JSON: Infinity (no size will do) becomes null. */
function count(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : n;
}

export interface PowerOptions {
  minCases?: number;
  failAlpha?: number;
}

/**
 * A check's power entry: the cases needed both ways (casesToDecide), and for quality and pass
 * rate what this run could detect, (t_{confidence} + t_{0.8}) · se. Undefined when nothing is
 * known of the spread (too few pairs, drift).
 */
export function powerEntry(
  metric: MetricName,
  slice: string | null,
  c: Comparison,
  budget: number,
  confidence: number,
  o: PowerOptions = {},
): PowerEntry | undefined {
  const spread = spreadOf(metric, c, confidence);
  const need = casesToDecide(metric, budget, spread, {
    confidence,
    minCases: o.minCases ?? 2,
    ...(o.failAlpha !== undefined ? { failAlpha: o.failAlpha } : {}),
  });
  if (need.pass === null && need.fail === null) return undefined;
  if (metric === 'error_rate' && c.n === 0) return undefined;
  const size = decidingSize(need);
  const entry: PowerEntry = {
    metric,
    slice,
    n: c.n,
    budget,
    cases_to_pass: count(need.pass),
    cases_to_fail: count(need.fail),
    cases_needed: count(size),
  };
  if (need.pass === Number.POSITIVE_INFINITY) entry.note = cannotPass(metric, budget, spread);
  if (spread.sd !== undefined) entry.sd = spread.sd;
  // From the observed spread: with none (every answer the same on both sides) a drop's own
  // flips are the only spread, which the observed SE of 0 knows nothing of, so this run cannot
  // say what it would detect (it said "80% power to block a drop of 2 pts": never true).
  if (
    (metric === 'quality' || metric === 'pass_rate') &&
    c.se !== undefined &&
    c.se > 0 &&
    c.df !== undefined &&
    c.df > 0
  ) {
    const mde = minimumDetectableEffect(c.se, c.df, confidence, POWER);
    entry.se = c.se;
    entry.mde = mde;
    entry.detectable_drop = budget + mde;
  }
  return entry;
}

/** Why no set size lets an unchanged candidate pass. */
function cannotPass(metric: MetricName, budget: number, spread: Spread): string {
  if (metric === 'error_rate') {
    return budget > 0
      ? `the baseline's error rate (${pct(spread.errorRate ?? 0)}) is at or above the ceiling`
      : 'a zero ceiling: any bound on an error rate is above zero';
  }
  return 'a zero budget: an unchanged candidate whose answers vary passes only by luck';
}

function pct(v: number): string {
  return `${Number((v * 100).toFixed(2))}%`;
}

function points(metric: MetricName, v: number): string {
  return formatDelta(metric, v).replace(/^\+/, '');
}

/** `about 223 cases would let an unchanged candidate pass and 260 would block a 10 pts drop`. */
export function neededClause(
  e: Pick<PowerEntry, 'metric' | 'budget' | 'cases_to_pass' | 'cases_to_fail'>,
  unit = 'cases',
): string {
  const parts: string[] = [];
  if (e.cases_to_pass !== null)
    parts.push(`${thousands(e.cases_to_pass)} ${unit} would let an unchanged candidate pass`);
  if (e.cases_to_fail !== null) {
    const twice = formatBudget(e.metric, 2 * e.budget).replace(/^≤ /, '');
    const what = e.metric === 'error_rate' ? `an error rate of ${twice}` : `a ${twice} regression`;
    parts.push(
      `${thousands(e.cases_to_fail)}${parts.length ? '' : ` ${unit}`} would block ${what}`,
    );
  }
  return parts.length ? `about ${parts.join(' and ')}` : '';
}

/** The clause an inconclusive check's reason ends with: `about 410 cases would decide it`. */
export function decideClause(e: PowerEntry | undefined): string | undefined {
  if (!e || e.cases_needed === null || e.cases_needed <= e.n) return undefined;
  const unit = e.metric === 'error_rate' ? 'calls' : 'cases';
  return `about ${thousands(e.cases_needed)} ${unit} would decide it`;
}

/** Whether this entry's check is too small to decide both ways at POWER. */
function tooSmall(e: PowerEntry): boolean {
  return e.cases_needed === null ? e.cases_to_pass === null : e.n < e.cases_needed;
}

/**
 * Warnings for checks whose golden set is too small for their budget (fewer cases than it takes
 * to pass an unchanged candidate and block twice the budget four times in five), with the number
 * of cases that would do: one line per whole-set check, one line for all slices.
 */
export function powerWarnings(report: PowerReport): string[] {
  const out: string[] = [];
  const slices: string[] = [];
  const power = `${Math.round(report.power * 100)}%`;
  for (const e of report.checks) {
    if (!tooSmall(e)) continue;
    const name = checkName(e);
    const unit = e.metric === 'error_rate' ? 'calls' : 'cases';
    if (e.slice !== null) {
      slices.push(
        e.cases_needed === null
          ? `${name} (cannot pass: ${e.note ?? 'at no size'})`
          : `${name} (${e.n} cases, needs about ${thousands(e.cases_needed)})`,
      );
      continue;
    }
    const sd =
      e.sd !== undefined && !RELATIVE_METRICS.has(e.metric)
        ? ` (SD of paired differences ${e.sd.toFixed(2)})`
        : '';
    if (e.cases_to_pass === null && e.mde !== undefined && e.budget === 0) {
      out.push(
        `a zero ${name} budget passes an unchanged candidate only about ${Math.round((1 - report.confidence) * 100)}% of the time when answers vary${sd}: ` +
          `${e.n} cases can resolve a budget of ${points(e.metric, e.mde)} at ${power} power`,
      );
      continue;
    }
    if (e.cases_to_pass === null) {
      // No note: the spread is unknown (no usable pairs), which says nothing of any size.
      if (e.note)
        out.push(`the ${name} check cannot pass an unchanged candidate at any size: ${e.note}`);
      continue;
    }
    const detectable =
      e.mde !== undefined
        ? ` the smallest change detectable at ${power} power is ${points(e.metric, e.mde)};`
        : '';
    out.push(
      `the golden set is too small for ${budgetPhrase(e)}: with ${e.n} ${unit}${sd}${detectable} ` +
        `${neededClause(e, unit)} (${power} of the time each)`,
    );
  }
  if (slices.length) {
    out.push(
      `${slices.length} slice ${slices.length === 1 ? 'check is' : 'checks are'} too small for ${slices.length === 1 ? 'its' : 'their'} budget at ${power} power: ${slices.join(', ')}`,
    );
  }
  return out;
}

/** `the 2 pts quality budget`, `the error-rate ceiling of 1%`. */
function budgetPhrase(e: Pick<PowerEntry, 'metric' | 'budget' | 'slice'>): string {
  if (e.metric === 'error_rate')
    return `the ${checkName(e)} ceiling of ${formatBudget(e.metric, e.budget).replace('≤ ', '')}`;
  return `the ${formatBudget(e.metric, e.budget)} ${checkName(e)} budget`;
}

/**
 * Without a single error, the upper bound on n calls, one-sided at `confidence`: what keeps a
 * ceiling below its floor from passing (zeroErrorFloor).
 */
export function zeroErrorBound(n: number, confidence: number): number {
  return n > 0 ? clopperPearsonUpper(0, n, confidence) : 1;
}

export { zeroErrorFloor };
