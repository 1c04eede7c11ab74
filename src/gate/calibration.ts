import type { Comparison } from '../compare/comparison.js';
import { comparePairedMeans } from '../compare/paired-mean.js';
import { ratioResampling } from '../compare/ratio.js';
import { resampleTogether } from '../compare/resampled.js';
import type { Budgets } from '../config/schema.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import { createRng, minimumDetectableEffect, normalQuantile, quantile } from '../stats/index.js';
import type { SideResult } from '../types.js';
import {
  casesToDecide,
  decidingSize,
  type NeedOptions,
  POWER,
  type Spread,
  spreadOf,
  suggestBudget,
} from './power.js';

export type CalibratedMetric =
  | 'quality'
  | 'pass_rate'
  | 'latency_p95'
  | 'cost'
  | 'ttft_p95'
  | 'tpot_p95';

export interface MetricNoise {
  metric: CalibratedMetric;
  /** The metric's level in each run (share, ms, or USD). */
  values: number[];
  /** Root mean square of the change between two runs of the same baseline (A/A: mean zero). */
  run_to_run_sd: number;
  /** Quality and pass rate: SD of one case's difference between two runs. */
  case_sd: number | null;
  /** Standard error of the change the gate would compute at this set size (RMS over run pairs). */
  se: number;
  /** (t_{confidence} + t_{0.8}) · se: the smallest change detectable at this set size. */
  mde: number;
  /** The configured budget (absolute share or relative fraction), if any. */
  budget: number | null;
  /**
   * SD of one case's paired difference (quality, pass rate) or relative change (latency, TTFT,
   * TPOT, cost) between two runs: the spread run's power entries read from a run (power.ts).
   */
  spread_sd: number;
  /** Cases for an unchanged candidate to pass the configured budget 80% of the time. */
  cases_to_pass: number | null;
  /** Cases for a regression of twice the configured budget to fail 80% of the time. */
  cases_to_fail: number | null;
  /**
   * The larger of the two, as run's power entries state it (casesToDecide in power.ts); null
   * without a budget, or when no size lets an unchanged candidate pass.
   */
  cases_needed: number | null;
  /**
   * The smallest budget this set size decides both ways at 80% power (the same calculation),
   * or null when none does.
   */
  suggested_budget: number | null;
}

export interface Calibration {
  runs: number;
  cases: number;
  confidence: number;
  power: number;
  metrics: MetricNoise[];
  warnings: string[];
}

/** One run of the baseline: a result per case (undefined where the run has none). */
export type CalibrationRun = readonly (SideResult | undefined)[];

function rms(values: number[]): number {
  return values.length ? Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length) : 0;
}

function budgetOf(metric: CalibratedMetric, b: Budgets): number | null {
  switch (metric) {
    case 'quality':
      return b.quality?.max_drop ?? null;
    case 'pass_rate':
      return b.pass_rate?.max_drop ?? null;
    case 'latency_p95':
      return b.latency_p95?.max_increase ?? null;
    case 'cost':
      return b.cost?.max_increase ?? null;
    case 'ttft_p95':
      return b.ttft_p95?.max_increase ?? null;
    case 'tpot_p95':
      return b.tpot_p95?.max_increase ?? null;
  }
}

type Field = 'latency_ms' | 'ttft_ms' | 'tpot_ms' | 'cost_usd';
const FIELD: Record<Exclude<CalibratedMetric, 'quality' | 'pass_rate'>, Field> = {
  latency_p95: 'latency_ms',
  ttft_p95: 'ttft_ms',
  tpot_p95: 'tpot_ms',
  cost: 'cost_usd',
};

/**
 * The baseline against itself: every pair of runs is compared exactly as the gate compares a
 * candidate with its baseline, so the noise reported is the noise the gate sees. For each metric:
 * the run-to-run change (its RMS, since the true change is zero), the standard error at this set
 * size, the smallest change detectable at 80% power, and the cases the configured budget needs.
 */
export function calibrate(
  runs: readonly CalibrationRun[],
  budgets: Budgets,
  confidence: number,
  seed: number,
  resamples = 2000,
  need: Pick<NeedOptions, 'minCases' | 'failAlpha'> = { minCases: 2 },
): Calibration {
  const k = runs.length;
  const n = runs[0]?.length ?? 0;
  const z = normalQuantile(confidence);
  const metrics: MetricNoise[] = [];
  const warnings: string[] = [];
  const streamed = (f: 'ttft_ms' | 'tpot_ms') =>
    runs.every((r) => r.some((s) => s?.[f] !== undefined));
  const wanted: CalibratedMetric[] = ['quality', 'pass_rate', 'latency_p95', 'cost'];
  if (streamed('ttft_ms')) wanted.push('ttft_p95');
  if (streamed('tpot_ms')) wanted.push('tpot_p95');

  for (const metric of wanted) {
    const deltas: number[] = [];
    const ses: number[] = [];
    const sds: number[] = [];
    const spreads: number[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const both: [SideResult, SideResult][] = [];
        for (let c = 0; c < n; c++) {
          const a = runs[i]![c];
          const b = runs[j]![c];
          if (a && b) both.push([a, b]);
        }
        let cmp: Comparison;
        if (metric === 'quality' || metric === 'pass_rate') {
          const v =
            metric === 'quality' ? (s: SideResult) => s.score : (s: SideResult) => Number(s.pass);
          cmp = comparePairedMeans(
            both.map(([a]) => v(a)),
            both.map(([, b]) => v(b)),
            0,
            confidence,
          );
          if (cmp.sd !== undefined) sds.push(cmp.sd);
          if (cmp.se !== undefined) ses.push(cmp.se);
        } else {
          const field = FIELD[metric];
          const include =
            metric === 'cost'
              ? null
              : Uint8Array.from(both, ([a, b]) =>
                  !isEndpointError(a.error?.kind) &&
                  !isEndpointError(b.error?.kind) &&
                  a[field] !== undefined &&
                  b[field] !== undefined
                    ? 1
                    : 0,
                );
          const item = ratioResampling(
            metric === 'cost' ? 'sum' : 'p95',
            Float64Array.from(both, ([a]) => a[field] ?? 0),
            Float64Array.from(both, ([, b]) => b[field] ?? 0),
            include,
            0,
            confidence,
          );
          cmp = resampleTogether([item], Math.max(1, both.length), {
            rng: createRng(seed + 7919 * (i * k + j)),
            resamples,
          })[0]!;
          // The bootstrap bounds are one-sided at `confidence`: their half-width over z is the SE.
          if (cmp.ci && Number.isFinite(cmp.ci[0]) && Number.isFinite(cmp.ci[1]))
            ses.push((cmp.ci[1] - cmp.ci[0]) / (2 * z));
        }
        if (cmp.delta !== null && Number.isFinite(cmp.delta)) deltas.push(cmp.delta);
        // The spread exactly as run reads it from its own comparison.
        const sd = spreadOf(metric, cmp, confidence).sd;
        if (sd !== undefined && Number.isFinite(sd)) spreads.push(sd);
      }
    }
    if (deltas.length === 0 || ses.length === 0) {
      if (metric === 'cost') continue; // no prices: nothing to say about cost
      warnings.push(`${metric}: no usable pairs of runs, so its noise could not be measured`);
      continue;
    }
    const se = rms(ses);
    const mde = minimumDetectableEffect(se, Math.max(1, n - 1), confidence, POWER);
    const budget = budgetOf(metric, budgets);
    const caseSd = sds.length ? rms(sds) : null;
    const spread: Spread = spreads.length ? { sd: rms(spreads) } : {};
    const o: NeedOptions = { confidence, ...need };
    const decides =
      budget !== null ? casesToDecide(metric, budget, spread, o) : { pass: null, fail: null };
    const count = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
    metrics.push({
      metric,
      values: runs.map((r) => level(metric, r)),
      run_to_run_sd: rms(deltas),
      case_sd: caseSd,
      se,
      mde,
      budget,
      spread_sd: spread.sd ?? 0,
      cases_to_pass: count(decides.pass),
      cases_to_fail: count(decides.fail),
      cases_needed:
        budget !== null
          ? count(decidingSize({ ...decides, atLeast: spread.sd === undefined }))
          : null,
      suggested_budget: suggestBudget(metric, spread, n, o),
    });
  }
  return { runs: k, cases: n, confidence, power: POWER, metrics, warnings };
}

/** The metric's level in one run, as the report's target metrics state it. */
function level(metric: CalibratedMetric, run: CalibrationRun): number {
  const rows = run.filter((r): r is SideResult => r !== undefined);
  if (metric === 'quality') return rows.reduce((s, r) => s + r.score, 0) / Math.max(1, rows.length);
  if (metric === 'pass_rate') return rows.filter((r) => r.pass).length / Math.max(1, rows.length);
  if (metric === 'cost') return rows.reduce((s, r) => s + r.cost_usd, 0);
  const field = FIELD[metric];
  const values = rows
    .filter((r) => !isEndpointError(r.error?.kind) && r[field] !== undefined)
    .map((r) => r[field]!)
    .sort((a, b) => a - b);
  return values.length ? quantile(values, 0.95) : 0;
}
