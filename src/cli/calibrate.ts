import { type EngineHooks, type EngineOptions, execute, prepare } from '../engine.js';
import { RunAbortedError } from '../errors.js';
import { planFailAlpha } from '../gate/budget-plan.js';
import {
  type Calibration,
  type CalibrationRun,
  calibrate,
  type MetricNoise,
} from '../gate/calibration.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import { formatConfidence } from '../report/format.js';
import { writeJson } from '../report/write.js';
import { targetLabel } from '../targets/label.js';
import { thousands } from '../util/thousands.js';
import { VERSION } from '../version.js';

/** Where `evalgate calibrate` writes its JSON unless `--report` says otherwise. */
export const CALIBRATION_FILE = 'evalgate-calibration.json';

export interface CalibrationReport extends Calibration {
  schema_version: 1;
  tool: 'evalgate';
  version: string;
  config: string;
  model: string;
  seed: number;
}

export interface CalibrateOptions {
  engine: EngineOptions;
  /** How many times the baseline answers every case, >= 2. */
  runs: number;
  /** The JSON file to write. */
  out: string;
}

const LABEL: Record<MetricNoise['metric'], string> = {
  quality: 'quality',
  pass_rate: 'pass rate',
  latency_p95: 'latency p95',
  cost: 'cost',
  ttft_p95: 'TTFT p95',
  tpot_p95: 'TPOT p95',
};

function amount(m: MetricNoise, v: number): string {
  const relative = m.metric !== 'quality' && m.metric !== 'pass_rate';
  return relative ? `${(v * 100).toFixed(1)}%` : `${(v * 100).toFixed(1)} pts`;
}

/** The calibration as a terminal table plus the two sentences that say how to read it. */
export function renderCalibration(c: CalibrationReport): string {
  const head = [
    'Metric',
    'Run to run (SD)',
    `Detectable (${c.cases} cases)`,
    'Budget',
    'To pass',
    'To block 2×',
    'Cases needed',
    'Suggested budget',
  ];
  const count = (v: number | null) => (v === null ? '–' : thousands(v));
  const rows = c.metrics.map((m) => [
    LABEL[m.metric],
    amount(m, m.run_to_run_sd),
    amount(m, m.mde),
    m.budget === null ? '–' : amount(m, m.budget),
    count(m.cases_to_pass),
    count(m.cases_to_fail),
    count(m.cases_needed),
    m.suggested_budget === null ? '–' : amount(m, m.suggested_budget),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `evalgate calibrate: the baseline (${c.model}) against itself, ${c.runs} runs of ${c.cases} cases`,
    '',
    line(head),
    ...rows.map(line),
    '',
    `"Detectable" is the smallest change this set size detects with ${Math.round(c.power * 100)}% power at ${formatConfidence(c.confidence)} confidence. ` +
      '"To pass" is the cases an unchanged candidate needs to pass the configured budget, "To block 2×" what a regression of twice the budget needs to be blocked, ' +
      `${Math.round(c.power * 100)}% of the time each; "Cases needed" is the larger, the figure run's power warnings give. ` +
      '"Suggested budget" is the smallest budget these cases decide both ways.',
    ...c.warnings.map((w) => `warning: ${w}`),
    '',
  ].join('\n');
}

/**
 * `evalgate calibrate`: the baseline answers every case `runs` times (each run a full engine run
 * with the baseline alone, so repeats, scoring and limits behave as in `run`), then every pair of
 * runs is compared as the gate would compare a candidate. Bad input stops before anything is
 * sent; an unreachable endpoint throws as `run` does (exit 3).
 */
export async function runCalibration(
  o: CalibrateOptions,
  hooks: EngineHooks,
): Promise<CalibrationReport> {
  const collected: CalibrationRun[] = [];
  let seed = o.engine.seed;
  let first: Awaited<ReturnType<typeof prepare>> | undefined;
  for (let k = 0; k < o.runs; k++) {
    const plan = await prepare(
      {
        ...o.engine,
        only: 'baseline',
        ...(seed !== undefined ? { seed: seed + k } : {}),
      },
      hooks,
    );
    seed ??= plan.seed;
    first ??= plan;
    // Noise is what is measured: a cached answer would make every run agree with the first.
    plan.config.run.cache = undefined;
    hooks.info(`calibration run ${k + 1} of ${o.runs}`);
    const report = await execute(plan, hooks);
    const answers = report.cases.map((c) => c.baseline);
    const failed = answers.filter((a) => isEndpointError(a?.error?.kind));
    // Failed calls score 0: as many as the endpoint failed, so much "noise" the table would show
    // (or none, "0.0 pts", when every call failed alike). Nothing to measure when none answered.
    if (failed.length === answers.length) {
      throw new RunAbortedError(
        `calibration run ${k + 1}: every one of its ${thousands(answers.length)} calls failed (${failed[0]?.error?.message ?? 'no answer'}); an endpoint that does not answer has no noise to measure`,
      );
    }
    if (failed.length > 0) {
      hooks.warning(
        `calibration run ${k + 1}: ${thousands(failed.length)} of ${thousands(answers.length)} calls failed; their cases score 0 and add to the noise measured`,
      );
    }
    collected.push(answers);
  }
  const plan = first!;
  const { config } = plan;
  const target = config.targets.baseline;
  const result: CalibrationReport = {
    schema_version: 1,
    tool: 'evalgate',
    version: VERSION,
    config: plan.loaded.file,
    model: targetLabel(target),
    seed: plan.seed,
    ...calibrate(collected, config.budgets, config.gate.confidence, plan.seed, 2000, {
      minCases: config.gate.min_cases,
      failAlpha: planFailAlpha(config, plan.cases)(null),
    }),
  };
  writeJson(o.out, result);
  return result;
}
