import type { Comparison } from '../compare/comparison.js';
import { comparePairedMeans } from '../compare/paired-mean.js';
import { ratioResampling } from '../compare/ratio.js';
import { resampleTogether } from '../compare/resampled.js';
import type { Budgets } from '../config/schema.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import {
  casesNeeded,
  createRng,
  minimumDetectableEffect,
  normalQuantile,
  quantile,
} from '../stats/index.js';
import type { SideResult } from '../types.js';
import { POWER } from './power.js';

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
  /** Cases for mde ≤ the configured budget (80% power); null without a positive budget. */
  cases_needed: number | null;
  /** The smallest budget this set size supports at 80% power (mde, rounded up). */
  suggested_budget: number;
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

const RELATIVE: ReadonlySet<CalibratedMetric> = new Set([
  'latency_p95',
  'cost',
  'ttft_p95',
  'tpot_p95',
]);

function rms(values: number[]): number {
  return values.length ? Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length) : 0;
}

/** Budgets users can write: half points for shares, whole percents for relative changes. */
function roundUp(metric: CalibratedMetric, v: number): number {
  const step = RELATIVE.has(metric) ? 0.01 : 0.005;
  return Math.max(step, Math.ceil(v / step - 1e-9) * step);
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
    let needed: number | null = null;
    if (budget !== null && budget > 0) {
      needed =
        caseSd !== null
          ? casesNeeded(caseSd, budget, confidence, POWER)
          : Math.max(2, Math.ceil(n * (mde / budget) ** 2));
    }
    metrics.push({
      metric,
      values: runs.map((r) => level(metric, r)),
      run_to_run_sd: rms(deltas),
      case_sd: caseSd,
      se,
      mde,
      budget,
      cases_needed: needed,
      suggested_budget: roundUp(metric, mde),
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
