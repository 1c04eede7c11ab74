import { readFileSync } from 'node:fs';
import path from 'node:path';
import { caseSlices } from './compare/slices.js';
import { type LoadedConfig, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { loadDataset } from './dataset/load.js';
import { InputError, type InputProblem } from './errors.js';
import { buildChecks } from './gate/checks.js';
import { decide, sortChecks, summarize } from './gate/decide.js';
import { targetMetrics } from './metrics/target-metrics.js';
import { parseStoredBaseline, type StoredBaseline } from './report/stored-baseline.js';
import { runPairs, type SideResults } from './runner/run-pairs.js';
import { buildScorer, scorersFor, uniqueName } from './scorers/build.js';
import { scoreCall } from './scorers/score-case.js';
import type { Scorer } from './scorers/scorer.js';
import { createRng } from './stats/rng.js';
import { createTarget } from './targets/create.js';
import type { Target } from './targets/target.js';
import { TemplateError } from './targets/template.js';
import type { CaseReport, GoldenCase, Report, Side } from './types.js';
import { VERSION } from './version.js';

/** How the engine talks to whichever front door runs it; it never knows which. */
export interface EngineHooks {
  info(message: string): void;
  warning(message: string): void;
  progress?(done: number, total: number): void;
  /** A secret just read from the environment: the front door masks it in logs. */
  secret?(value: string): void;
}

export interface EngineOptions {
  configPath: string;
  baselineReportPath?: string;
  only?: Side;
  concurrency?: number;
  seed?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Everything validated and ready to send; nothing has been sent. */
export interface Plan {
  loaded: LoadedConfig;
  config: Config;
  cases: GoldenCase[];
  datasetFiles: string[];
  scorers: Scorer[][];
  targets: Partial<Record<Side, Target>>;
  storedBaseline?: StoredBaseline;
  seed: number;
  options: EngineOptions;
}

function mergeProblems(problems: InputProblem[], fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) problems.push(...err.problems);
    else throw err;
  }
}

/**
 * Load and validate everything — config, dataset, scorers, templates, keys — before a single
 * request is sent. Throws one InputError listing every problem found.
 */
export async function prepare(options: EngineOptions, hooks: EngineHooks): Promise<Plan> {
  const env = options.env ?? process.env;
  const loaded = loadConfig(options.configPath, env);
  const { config } = loaded;
  if (options.concurrency !== undefined) config.run.concurrency = options.concurrency;
  const seed = options.seed ?? config.run.seed;
  const problems: InputProblem[] = [];
  const file = loaded.file;

  if (config.run.repeats > 1) {
    problems.push({
      file,
      path: 'run.repeats',
      message: 'repeats > 1 is not supported by this version yet',
    });
  }
  if (options.only && options.baselineReportPath) {
    problems.push({ message: '--only and --baseline-report cannot be combined' });
  }
  if (options.only === 'baseline') {
    problems.push({
      message: '--only baseline is not supported: record the candidate side with --only candidate',
    });
  }

  // A broken dataset must not hide the config's other problems (an unset key, a missing price):
  // collect them all, then stop before anything is sent.
  let cases: GoldenCase[] = [];
  let files: string[] = [];
  try {
    ({ cases, files } = await loadDataset(config.dataset, loaded.dir));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // "matched no files" and the like come from the config's `dataset` key: name the config.
    problems.push(...err.problems.map((p) => (p.file ? p : { ...p, file })));
  }

  const taken = new Set<string>();
  const global = config.scorers.map((spec) => buildScorer(spec, uniqueName(spec, taken)));
  const scorers = cases.map((c) => scorersFor(global, c.assert as Config['scorers']));

  let storedBaseline: StoredBaseline | undefined;
  if (options.baselineReportPath) {
    const reportFile = options.baselineReportPath;
    mergeProblems(problems, () => {
      let text: string;
      try {
        text = readFileSync(reportFile, 'utf8');
      } catch {
        throw new InputError({ file: reportFile, message: 'baseline report not found' });
      }
      storedBaseline = parseStoredBaseline(text, reportFile);
    });
  }

  const sides: Side[] = options.only
    ? [options.only]
    : storedBaseline
      ? ['candidate']
      : ['baseline', 'candidate'];
  const targets: Partial<Record<Side, Target>> = {};
  const ctx = {
    configFile: file,
    configDir: loaded.dir,
    env,
    defaults: {
      concurrency: config.run.concurrency,
      timeoutMs: config.run.timeout_ms,
      retries: config.run.retries,
      backoffBaseMs: config.run.backoff_ms,
    },
  };
  for (const side of sides) {
    mergeProblems(problems, () => {
      targets[side] = createTarget(config.targets[side], side, ctx, (s) => hooks.secret?.(s));
    });
  }

  // Render every request now: a template that a case cannot fill is bad input, found before
  // anything is sent rather than as one failed case in the middle of a paid run.
  let caseProblems = 0;
  cases.forEach((c, i) => {
    const where = { file: c.source.file, line: c.source.line };
    if (scorers[i]!.length === 0) {
      problems.push({
        ...where,
        message: `case "${c.id}" has no scorers: add \`scorers:\` to the config or \`assert:\` to the case`,
      });
      caseProblems++;
    }
    for (const s of scorers[i]!) {
      const msg = s.check(c);
      if (msg && caseProblems++ < 20)
        problems.push({ ...where, message: `case "${c.id}": ${msg}` });
    }
    for (const side of sides) {
      const t = targets[side];
      if (!t) continue;
      try {
        t.dialect.buildRequest(c);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        if (caseProblems++ < 20)
          problems.push({ ...where, message: `case "${c.id}", target ${side}: ${err.message}` });
      }
    }
  });
  if (caseProblems > 20)
    problems.push({ message: `…and ${caseProblems - 20} more problems in cases` });

  if (config.budgets.cost || config.slices?.budgets.cost) {
    for (const side of sides) {
      if (!config.targets[side].price) {
        problems.push({
          file,
          path: `targets.${side}.price`,
          message: 'a cost budget is set, so this target needs a price',
        });
      }
    }
  }

  if (problems.length) {
    for (const t of Object.values(targets)) t?.transport.close();
    throw new InputError(problems);
  }
  return {
    loaded,
    config,
    cases,
    datasetFiles: files,
    scorers,
    targets,
    storedBaseline,
    seed,
    options,
  };
}

function labelOf(cfg: Config['targets'][Side]): string {
  return cfg.type === 'http' ? cfg.url : cfg.model;
}

/** Runs the plan and builds the report. Throws RunAbortedError when the run cannot be judged. */
export async function execute(plan: Plan, hooks: EngineHooks): Promise<Report> {
  const started = Date.now();
  const { config, cases } = plan;
  const sides = Object.keys(plan.targets) as Side[];
  hooks.info(
    `evalgate ${VERSION}: ${cases.length} cases × ${sides.join(' + ')}` +
      (plan.storedBaseline ? ` (baseline from ${plan.storedBaseline.file})` : ''),
  );
  let results: SideResults;
  const scorerIndex = new Map(cases.map((c, i) => [c, plan.scorers[i]!]));
  try {
    results = await runPairs({
      cases,
      targets: plan.targets,
      score: (c, _side, call) => scoreCall(call, c, scorerIndex.get(c)!),
      rng: createRng(plan.seed),
      maxConsecutiveErrors: config.run.max_consecutive_errors,
      signal: plan.options.signal,
      onProgress: hooks.progress,
    });
  } finally {
    for (const t of Object.values(plan.targets)) t?.transport.close();
  }

  const warnings: string[] = [];
  const by = config.slices?.by ?? [];
  let missing = 0;
  const reports: CaseReport[] = cases.map((c, i) => {
    const r: CaseReport = {
      id: c.id,
      slices: caseSlices(c, by),
      source: `${c.source.file}:${c.source.line}`,
      input: c.input,
      ...(c.expected !== undefined ? { expected: c.expected } : {}),
    };
    const base = plan.storedBaseline ? plan.storedBaseline.byId.get(c.id) : results.baseline?.[i];
    if (base) r.baseline = base;
    else if (plan.storedBaseline) missing++;
    const cand = results.candidate?.[i];
    if (cand) r.candidate = cand;
    return r;
  });
  if (plan.storedBaseline) {
    const ids = new Set(cases.map((c) => c.id));
    const extra = [...plan.storedBaseline.byId.keys()].filter((id) => !ids.has(id)).length;
    if (missing)
      warnings.push(`${missing} case(s) are not in the baseline report and were not compared`);
    if (extra)
      warnings.push(`${extra} case(s) in the baseline report are no longer in the dataset`);
  }

  const only = plan.options.only;
  const targets: Report['targets'] = {};
  if (reports.some((r) => r.baseline))
    targets.baseline = targetMetrics(reports.map((r) => r.baseline));
  if (reports.some((r) => r.candidate))
    targets.candidate = targetMetrics(reports.map((r) => r.candidate));

  const { checks, warnings: checkWarnings } = only
    ? { checks: [], warnings: [] }
    : buildChecks(reports, {
        budgets: config.budgets,
        slices: config.slices,
        confidence: config.gate.confidence,
        minCases: config.gate.min_cases,
        seed: plan.seed,
      });
  warnings.push(...checkWarnings);
  if (!only && checks.length === 0)
    warnings.push('no budgets are configured: the gate compares but blocks nothing');
  const decision = only ? 'pass' : decide(checks);
  const summary = only
    ? `recorded: ${cases.length} cases on the ${only} side, to serve as --baseline-report`
    : summarize(decision, checks, config.gate.confidence);
  for (const w of warnings) hooks.warning(w);

  return {
    schema_version: 1,
    decision,
    summary,
    cases: reports,
    targets,
    checks: sortChecks(checks),
    meta: {
      tool: 'evalgate',
      version: VERSION,
      started_at: new Date(started).toISOString(),
      duration_ms: Date.now() - started,
      config: plan.loaded.file,
      datasets: plan.datasetFiles.map((f) => path.relative(process.cwd(), f) || f),
      confidence: config.gate.confidence,
      seed: plan.seed,
      ...(only ? { only } : {}),
      ...(plan.storedBaseline ? { baseline_report: plan.storedBaseline.file } : {}),
      models: {
        baseline: plan.storedBaseline?.model ?? labelOf(config.targets.baseline),
        candidate: labelOf(config.targets.candidate),
      },
      warnings,
    },
  };
}
