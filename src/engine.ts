import path from 'node:path';
import type { Substitution } from './config/interpolate.js';
import { ConfigLoadError, type LoadedConfig, openConfig } from './config/load.js';
import { ProjectFiles, readErrorMessage } from './config/project-files.js';
import type { Config } from './config/schema.js';
import { secretValues } from './config/secret-values.js';
import { loadDataset } from './dataset/load.js';
import { errorMessage, InputError, type InputProblem, RunAbortedError } from './errors.js';
import {
  type BudgetPlan,
  buildBudgetPlan,
  planProblems,
  renderBudgetPlan,
} from './gate/budget-plan.js';
import { sequentialPlanLine, sequentialShardProblem } from './gate/sequential.js';
import { sequentialRun } from './gate/sequential-run.js';
import { BASE_REF_ENV } from './git/base-ref.js';
import { guardHooks, redactError } from './guard-secrets.js';
import { isEndpointError } from './metrics/target-metrics.js';
import { costRefusal } from './plan/refuse.js';
import { buildReport, prepareReport, type Stop } from './report/build-report.js';
import { type OutputPath, outputCollisions } from './report/output-paths.js';
import { parseStoredBaseline, type StoredBaseline } from './report/stored-baseline.js';
import { IncompleteRunError, incompleteSummary } from './runner/incomplete.js';
import {
  type RunResults,
  type RunStats,
  RunStoppedError,
  runPairs,
  type SideResults,
} from './runner/run-pairs.js';
import { runSettingProblems, runSettings } from './runner/settings.js';
import { createEmbeddingsEndpoint, type EmbeddingsEndpoint } from './scorers/embeddings.js';
import { createJudgeTarget } from './scorers/judge.js';
import { type PreparedScoring, prepareScorers, type ScoringResources } from './scorers/prepare.js';
import { scoreCall } from './scorers/score-case.js';
import type { Scorer } from './scorers/scorer.js';
import { type ConfigValues, configValues, contentDigest } from './shard/meta.js';
import { type Shard, selectShard } from './shard/select.js';
import { createRng } from './stats/rng.js';
import { createTarget, unsetKeyProblems } from './targets/create.js';
import { droppedConversationWarnings } from './targets/dropped-conversation.js';
import type { Target } from './targets/target.js';
import { TemplateError } from './targets/template.js';
import { calledSides, type GoldenCase, type Report, type Side } from './types.js';
import { Pacer, pollTurn } from './util/pacer.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from './util/read-bounded.js';
import { type Redact, redactTree, SecretSet } from './util/redact.js';
import { VERSION } from './version.js';

/** How the engine talks to whichever front door runs it; it never knows which. */
export interface EngineHooks {
  info(message: string): void;
  warning(message: string): void;
  progress?(done: number, total: number, stats?: RunStats): void;
  /** A secret just read from the environment: the front door masks it in logs. */
  secret?(value: string): void;
  /**
   * Called as execute() starts with a function that builds the report of what was answered so
   * far, and with undefined when execute() is over: a front door's crash guard calls it to
   * write a partial report when something throws where nothing catches it.
   */
  snapshot?(take: Snapshot | undefined): void;
}

export interface EngineOptions {
  configPath: string;
  baselineReportPath?: string;
  only?: Side;
  concurrency?: number;
  seed?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The git ref that `ref: base` in a prompt means (`--base-ref`, the Action's `base-ref`). */
  baseRef?: string;
  /** Secrets the front door holds (the Action's github-token), masked like the config's keys. */
  secrets?: string[];
  /**
   * Let the config name files outside the project root (the git repository holding the config,
   * else its folder): `--allow-outside-repo`, the Action's `allow-outside-repo`.
   */
  allowOutsideRepo?: boolean;
  /** The files the run will write: none may be one of its inputs, nor two the same file. */
  outputs?: OutputPath[];
  /**
   * `validate` without --strict: an unset API key variable becomes a note in `Plan.notes`
   * instead of bad input, so a fork's pull request (no secrets) can be linted. Never for a run.
   */
  keysOptional?: boolean;
  /** `--shard I/N`: evaluate only this part of the golden set (see src/shard/select.ts). */
  shard?: Shard;
}

/** Everything validated and ready to send; nothing has been sent. */
export interface Plan {
  loaded: LoadedConfig;
  config: Config;
  cases: GoldenCase[];
  datasetFiles: string[];
  scorers: Scorer[][];
  targets: Partial<Record<Side, Target>>;
  /** The judge and embeddings endpoints the scorers share (usage, outage signal, close). */
  scoring: ScoringResources;
  storedBaseline?: StoredBaseline;
  seed: number;
  options: EngineOptions;
  /** The targets' keys, kept out of response-cache keys. */
  secrets: string[];
  /** Masks every secret read (keys, `${VAR}` values, the front door's): see src/util/redact.ts. */
  redact: Redact;
  /**
   * The cases each check needs (absent with --only). Worked out before anything is sent when
   * `gate.on_inconclusive: fail` makes it bad input; otherwise on first use, which for a run is
   * once its first calls are in flight (it only informs, and the endpoint's time is the scarce one).
   */
  budgetPlan?: () => BudgetPlan;
  /** What is not wrong but will be for a run (keysOptional: the unset key variables). */
  notes: InputProblem[];
  /**
   * What `${VAR}` became in the config, as digests without secrets (see configValuesDigest): a
   * shard records them, the merge checks its own against the shards'.
   */
  configValues?: ConfigValues;
}

/** Lets go of every connection a plan holds (targets, judge, embeddings). Idempotent. */
export function closePlan(plan: Pick<Plan, 'targets' | 'scoring'>): void {
  for (const t of Object.values(plan.targets)) t?.transport.close();
  plan.scoring.close();
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
 * request is sent. Throws one InputError listing every problem found. Every secret read on the
 * way is masked in what it reports, and in the run's errors and report (see `execute`).
 */
export async function prepare(options: EngineOptions, hooks: EngineHooks): Promise<Plan> {
  const secrets = new SecretSet();
  for (const s of options.secrets ?? []) secrets.add(s);
  const guarded = guardHooks(hooks, secrets.redact, (s) => secrets.add(s));
  try {
    return await preparePlan(options, guarded, secrets.redact);
  } catch (err) {
    throw redactError(err, secrets.redact);
  }
}

async function preparePlan(
  options: EngineOptions,
  hooks: EngineHooks,
  redact: Redact,
): Promise<Plan> {
  const env = options.env ?? process.env;
  // A `${VAR}` value may be a credential (a function key in a url): known before any message.
  const substituted: Substitution[] = [];
  // validate without --strict: an unset `${VAR}` (a secret a fork does not get) is a note too.
  const unsetNotes: InputProblem[] = [];
  let loaded: LoadedConfig;
  try {
    loaded = await openConfig(
      options.configPath,
      env,
      substituted,
      options.keysOptional ? (n) => unsetNotes.push(n) : undefined,
    );
  } catch (err) {
    // A config that did not load builds no target, but the keys it names can still be checked:
    // an unset one is listed now, not on the next attempt.
    if (!(err instanceof ConfigLoadError) || options.keysOptional) throw err;
    const sides = calledSides(options.only, options.baselineReportPath !== undefined);
    const keys = unsetKeyProblems(err.partial, sides, { configFile: options.configPath, env });
    throw new InputError([...err.problems, ...keys]);
  } finally {
    for (const v of secretValues(substituted)) hooks.secret?.(v);
  }
  const { config } = loaded;
  const files = ProjectFiles.forConfig(loaded.dir, options.allowOutsideRepo ?? false);
  files.note(path.resolve(loaded.file), 'the config file');
  if (options.concurrency !== undefined) config.run.concurrency = options.concurrency;
  const seed = options.seed ?? config.run.seed;
  const problems: InputProblem[] = [];
  const file = loaded.file;

  if (options.only && options.baselineReportPath) {
    problems.push({ message: '--only and --baseline-report cannot be combined' });
  }
  const sequentialShard = sequentialShardProblem(
    config.gate.sequential,
    options.shard && `${options.shard.index}/${options.shard.count}`,
    file,
  );
  if (sequentialShard) problems.push(sequentialShard);

  // A broken dataset must not hide the config's other problems (an unset key, a missing price):
  // collect them all, then stop before anything is sent.
  let cases: GoldenCase[] = [];
  let datasetFiles: string[] = [];
  try {
    ({ cases, files: datasetFiles } = await loadDataset(
      config.dataset,
      loaded.dir,
      files,
      options.signal,
    ));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // "matched no files" and the like come from the config's `dataset` key: name the config.
    problems.push(...err.problems.map((p) => (p.file ? p : { ...p, file })));
  }
  // A shard's budget plan is the whole run's: the merge decides over every case, not this part.
  const allCases = cases;
  if (options.shard) cases = selectShard(cases, config, options.shard);

  let storedBaseline: StoredBaseline | undefined;
  if (options.baselineReportPath) {
    const reportFile = options.baselineReportPath;
    mergeProblems(problems, () => {
      let text: string;
      try {
        text = readBoundedText(reportFile, FILE_LIMITS.report);
      } catch (err) {
        if (!(err instanceof FileReadError)) throw err;
        throw new InputError({
          file: reportFile,
          message:
            err.reason === 'missing'
              ? 'baseline report not found'
              : readErrorMessage('baseline report', reportFile, err),
        });
      }
      files.note(path.resolve(reportFile), 'the baseline report (--baseline-report)');
      storedBaseline = parseStoredBaseline(text, reportFile);
      // The text was checked as UTF-8, so its bytes are the file's.
      storedBaseline.digest = contentDigest(text);
    });
  }

  const sides = calledSides(options.only, storedBaseline !== undefined);
  const targets: Partial<Record<Side, Target>> = {};
  const notes: InputProblem[] = [...unsetNotes];
  const ctx = {
    ...(options.keysOptional ? { missingKey: (n: InputProblem) => notes.push(n) } : {}),
    configFile: file,
    configDir: loaded.dir,
    files,
    // `ref: base` is resolved from the environment (src/git/base-ref.ts); a flag outranks it.
    env: options.baseRef ? { ...env, [BASE_REF_ENV]: options.baseRef } : env,
    defaults: {
      concurrency: config.run.concurrency,
      timeoutMs: config.run.timeout_ms,
      retries: config.run.retries,
      backoffBaseMs: config.run.backoff_ms,
      maxResponseBytes: config.run.max_response_bytes,
      streamIdleTimeoutMs: config.run.stream_idle_timeout_ms,
    },
  };
  const secrets: string[] = [];
  for (const side of sides) {
    mergeProblems(problems, () => {
      targets[side] = createTarget(config.targets[side], side, ctx, (s) => {
        secrets.push(s);
        hooks.secret?.(s);
      });
      targets[side].redact = redact;
    });
  }
  problems.push(...runSettingProblems(config, sides, file));

  // The scoring endpoints are checked like targets (keys first), then every scorer is built:
  // schemas compiled, rubrics read, custom modules imported.
  let judge: Target | undefined;
  let embeddings: EmbeddingsEndpoint | undefined;
  const judgeCfg = config.judge;
  const embeddingsCfg = config.embeddings;
  if (judgeCfg)
    mergeProblems(problems, () => {
      judge = createJudgeTarget(judgeCfg, ctx, (s) => hooks.secret?.(s));
      judge.redact = redact;
    });
  if (embeddingsCfg)
    mergeProblems(problems, () => {
      embeddings = createEmbeddingsEndpoint(embeddingsCfg, ctx, (s) => hooks.secret?.(s));
      embeddings.target.redact = redact;
    });
  let prepared: PreparedScoring;
  try {
    prepared = await prepareScorers(config, cases, {
      configFile: file,
      configDir: loaded.dir,
      files,
      judge,
      embeddings,
      maxConsecutiveErrors: config.run.max_consecutive_errors,
      scorerTimeoutMs: config.run.scorer_timeout_ms,
      concurrency: config.run.concurrency,
      signal: options.signal,
    });
  } catch (err) {
    // A cancel while the scorers are set up: they closed their own workers and endpoints; the
    // targets' connections are this function's to let go.
    for (const t of Object.values(targets)) t?.transport.close();
    throw err;
  }
  problems.push(...prepared.problems);
  const scorers = prepared.scorers;

  // Render every request now: a template that a case cannot fill is bad input, found before
  // anything is sent rather than as one failed case in the middle of a paid run.
  let caseProblems = 0;
  const pace = new Pacer(options.signal, 'checking the golden set');
  try {
    for (const [i, c] of cases.entries()) {
      if (pace.due()) await pace.turn();
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
        if (!t || t.dialect.fillsTemplates === false) continue;
        try {
          t.dialect.buildRequest(c);
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          if (caseProblems++ < 20)
            problems.push({ ...where, message: `case "${c.id}", target ${side}: ${err.message}` });
        }
      }
    }
  } catch (err) {
    closePlan({ targets, scoring: prepared.resources });
    throw err;
  }
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

  // A time-to-first-token budget on a target that does not stream could only ever be
  // "insufficient data": say so now, before anything is sent.
  for (const metric of ['ttft_p95', 'tpot_p95'] as const) {
    if (!config.budgets[metric] && !config.slices?.budgets[metric]) continue;
    for (const side of sides) {
      const t = config.targets[side];
      if (t.type !== 'http' && t.stream !== true) {
        problems.push({
          file,
          path: `targets.${side}.stream`,
          message: `a ${metric} budget is set, so this target must stream (stream: true)`,
        });
      }
    }
  }

  // Every check's cases needed, from the dataset as loaded: a check this size certainly cannot
  // decide would, under on_inconclusive: fail, block an unchanged candidate — bad input, found
  // before anything is paid for. Otherwise run warns as it starts and validate prints it.
  let budgetPlan: (() => BudgetPlan) | undefined;
  if (!options.only && allCases.length > 0) {
    let built: BudgetPlan | undefined;
    const baselineErrorRate = storedBaseline ? storedErrorRate(storedBaseline) : undefined;
    budgetPlan = () => {
      built ??= buildBudgetPlan({
        config,
        cases: allCases,
        sides,
        ...(baselineErrorRate !== undefined ? { baselineErrorRate } : {}),
      });
      return built;
    };
    if (config.gate.on_inconclusive === 'fail') problems.push(...planProblems(budgetPlan(), file));
  }

  // Last: only now is every input known (prompts, rubrics, modules), and an output that is one
  // of them would be overwritten after the run, a config or dataset lost for a report.
  problems.push(...outputCollisions(options.outputs ?? [], files.used));

  if (problems.length) {
    closePlan({ targets, scoring: prepared.resources });
    throw new InputError(problems);
  }
  return {
    loaded,
    config,
    cases,
    datasetFiles,
    scorers,
    targets,
    scoring: prepared.resources,
    storedBaseline,
    seed,
    options,
    secrets,
    redact,
    ...(budgetPlan ? { budgetPlan } : {}),
    notes,
    configValues: configValues(loaded.filled ?? [], substituted, unsetNotes),
  };
}

/** The stored side's share of failed calls: what an unchanged candidate would err at. */
function storedErrorRate(stored: StoredBaseline): number | undefined {
  const rows = [...stored.byId.values()];
  if (rows.length === 0) return undefined;
  return rows.filter((r) => isEndpointError(r.error?.kind)).length / rows.length;
}

/**
 * Builds, at any moment of a run, the report of what was answered so far: marked incomplete
 * with `reason` as its `incomplete_reason`, every secret masked. See EngineHooks.snapshot.
 */
export type Snapshot = (reason: string) => Report;

/**
 * Runs the plan and builds the report. Throws RunAbortedError when the run cannot be judged:
 * IncompleteRunError, carrying the partial report, once anything may have been sent — a bug
 * in the engine included (its message then starts with `internal error:`).
 * The report, the messages and the errors have every secret of the plan masked: an endpoint
 * may echo a key in an error body or an answer.
 */
export async function execute(plan: Plan, hooks: EngineHooks): Promise<Report> {
  const overBudget = costRefusal(plan);
  if (overBudget) {
    closePlan(plan);
    throw redactError(new InputError(overBudget), plan.redact);
  }
  // Loading is synchronous in stretches (the last of them shorter than the loader's turns), and
  // a signal that came meanwhile is only handled when the event loop next polls: let it, so
  // that a cancel during loading starts the run cancelled, with nothing sent.
  await pollTurn();
  const started = Date.now();
  let progress: () => RunResults | undefined = () => undefined;
  const snapshot: Snapshot = (reason) =>
    redactTree(partialReport(plan, started, progress(), reason), plan.redact);
  hooks.snapshot?.(snapshot);
  try {
    const watch = (p: () => RunResults) => {
      progress = p;
    };
    return redactTree(
      await executePlan(plan, guardHooks(hooks, plan.redact), started, watch),
      plan.redact,
    );
  } catch (err) {
    if (err instanceof RunAbortedError || err instanceof InputError) {
      throw redactError(err, plan.redact);
    }
    // A bug, possibly after calls were paid for: what was measured is still written. Its
    // stack, shown with EVALGATE_DEBUG=1, is masked as well as its message.
    const bug = redactError(err, plan.redact);
    const message = `internal error: ${errorMessage(bug)}`;
    throw new IncompleteRunError(message, snapshot(message), bug);
  } finally {
    hooks.snapshot?.(undefined);
  }
}

/**
 * The crash guard's report: what `progress` holds, built like a stopped run's report. A bug
 * in building it (the very one that crashed the run, perhaps) leaves out the target metrics and
 * fingerprints rather than the cases; it never throws.
 */
function partialReport(
  plan: Plan,
  started: number,
  progress: RunResults | undefined,
  reason: string,
): Report {
  const { stats, ...results } = progress ?? {
    stats: { planned: 0, done: 0, cached: 0, retries: 0, failed: 0 },
  };
  const stop = { message: reason, summary: incompleteSummary('internal', stats) };
  try {
    return buildReport(plan, started, results, stats, stop).report;
  } catch {
    return buildReport(plan, started, results, stats, stop, { minimal: true }).report;
  }
}

async function executePlan(
  plan: Plan,
  hooks: EngineHooks,
  started: number,
  watch: (progress: () => RunResults) => void,
): Promise<Report> {
  const { config, cases } = plan;
  const sides = Object.keys(plan.targets) as Side[];
  hooks.info(
    `evalgate ${VERSION}: ${cases.length} cases × ${sides.join(' + ')}` +
      (plan.storedBaseline ? ` (baseline from ${plan.storedBaseline.file})` : ''),
  );
  for (const w of droppedConversationWarnings(config, sides, cases)) hooks.warning(w);
  let results: SideResults;
  let stats: RunStats;
  // A run stopped early (cancelled, cost budget, endpoint down) still reports what it measured.
  let stop: Stop | undefined;
  const scorerIndex = new Map(cases.map((c, i) => [c, plan.scorers[i]!]));
  // gate.sequential: the runner looks at planned case counts and stops once every check settled.
  const sequential = sequentialRun(plan, started);
  if (sequential) hooks.info(sequentialPlanLine(sequential.gate.looks));
  try {
    const running = runPairs({
      ...runSettings(config, sides, plan.loaded.dir, plan.secrets, hooks.warning, plan.redact),
      cases,
      targets: plan.targets,
      score: (c, _side, call) => scoreCall(call, c, scorerIndex.get(c)!),
      rng: createRng(plan.seed),
      maxConsecutiveErrors: config.run.max_consecutive_errors,
      // A judge or embeddings endpoint that is down stops the run as an unreachable target does.
      signal: plan.options.signal
        ? AbortSignal.any([plan.options.signal, plan.scoring.outage])
        : plan.scoring.outage,
      onProgress: hooks.progress,
      watch,
      ...(sequential ? { looks: sequential.looks } : {}),
    });
    // The first calls are out: the plan is worked out and printed while they are answered. It
    // only informs, so a failure here is a warning: the calls in flight are the run's.
    if (plan.budgetPlan) {
      try {
        const budgetPlan = plan.budgetPlan();
        hooks.info(renderBudgetPlan(budgetPlan, { problems: false }));
        for (const p of budgetPlan.problems) hooks.warning(`${p.message} (${p.path})`);
      } catch (err) {
        hooks.warning(`the budget plan could not be worked out: ${errorMessage(err)}`);
      }
    }
    // So is what the report needs of the cases alone (clusters, the golden set's digests).
    prepareReport(plan);
    ({ stats, ...results } = await running);
  } catch (err) {
    if (!(err instanceof RunStoppedError)) throw err;
    // The outage signal cancelled the run: say it was the judge (or embeddings), not a cancel.
    const failure = plan.scoring.failure();
    stop = failure
      ? { message: failure.message, summary: incompleteSummary('scoring', err.stats) }
      : { message: err.message, summary: incompleteSummary(err.reason, err.stats) };
    results = err.partial;
    stats = err.stats;
  } finally {
    closePlan(plan);
  }
  // From here on the guard's snapshot holds every answer.
  const final: RunResults = { ...results, stats };
  watch(() => final);

  const { report, warnings } = buildReport(
    plan,
    started,
    results,
    stats,
    stop,
    sequential ? { sequential: { gate: sequential.gate, final: true } } : {},
  );
  for (const w of warnings) hooks.warning(w);
  if (stop) throw new IncompleteRunError(stop.message, report);
  return report;
}
