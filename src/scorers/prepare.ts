import path from 'node:path';
import type { ProjectFiles } from '../config/project-files.js';
import type { Config, ScorerConfig } from '../config/schema.js';
import type { InputProblem, RunAbortedError } from '../errors.js';
import type { Target } from '../targets/target.js';
import type { GoldenCase, Report } from '../types.js';
import { Pacer } from '../util/pacer.js';
import {
  buildScorer,
  compilesSchemas,
  type ScorerContext,
  ScorerNames,
  scorerContext,
} from './build.js';
import { loadCustomModule, modulePath } from './custom.js';
import { createEmbeddingClient, type EmbeddingsEndpoint } from './embeddings.js';
import { loadSchemaValidators } from './json-schema.js';
import { createJudgeClient } from './judge.js';
import { OutageTracker } from './outage.js';
import { type Scorer, ScorerSetupError } from './scorer.js';
import { ScoringWorkers } from './workers.js';

const classifiers = (scorers: Scorer[]) =>
  scorers.reduce((n, s) => (s.type === 'classification' ? n + 1 : n), 0);

export interface ScoringSetup {
  configFile: string;
  configDir: string;
  /** Reads schema and rubric files and checks modules under the project-root rule. */
  files?: ProjectFiles;
  /** From createJudgeTarget, when the config has `judge:`. */
  judge?: Target;
  /** From createEmbeddingsEndpoint, when the config has `embeddings:`. */
  embeddings?: EmbeddingsEndpoint;
  /** run.max_consecutive_errors: with the endpoint's concurrency, when it is down (targets/outage.ts). */
  maxConsecutiveErrors: number;
  /** run.scorer_timeout_ms: the deadline of one scorer on one answer (workers enforce it). */
  scorerTimeoutMs?: number;
  /** run.concurrency: sizes the worker pools (at most one worker per core). */
  concurrency?: number;
  /** Cancelling the run ends every scoring worker at once. */
  signal?: AbortSignal;
}

/** The run's scoring endpoints, shared by every scorer that uses them. */
export interface ScoringResources {
  /** Aborted when a scoring endpoint is down; the runner should stop sending. */
  readonly outage: AbortSignal;
  /** Why the outage signal fired (exit 3), once it has. */
  failure(): RunAbortedError | undefined;
  /** For the report's `scoring` field; undefined when no scoring endpoint was configured. */
  usage(): Report['scoring'];
  close(): void;
}

export interface PreparedScoring {
  /** Per case, in case order: the global scorers then the case's own. */
  scorers: Scorer[][];
  problems: InputProblem[];
  resources: ScoringResources;
}

interface Where {
  file: string;
  line?: number;
  /** Field path of the scorer: `scorers.2` or `assert.0`. */
  path: string;
  /** `case "id": ` for a case's own scorers. */
  prefix: string;
}

/**
 * Builds every scorer of the run before anything is sent: compiles JSON Schemas, reads rubrics,
 * imports custom modules and connects llm_judge and embedding_similarity to their endpoints.
 * Whatever cannot work is returned as problems with the file and field path at fault.
 */
export async function prepareScorers(
  config: Config,
  cases: GoldenCase[],
  setup: ScoringSetup,
): Promise<PreparedScoring> {
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  // One broken schema file used by 500 cases is one problem, reported where it first appears.
  const report = (where: Where, err: ScorerSetupError) => {
    const key = `${err.path}\n${err.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({
      file: where.file,
      line: where.line,
      path: err.path ? `${where.path}.${err.path}` : where.path,
      message: `${where.prefix}${err.message}`,
    });
  };

  const outageController = new AbortController();
  let failure: RunAbortedError | undefined;
  const onOutage = (err: RunAbortedError) => {
    failure ??= err;
    outageController.abort();
  };
  const signal = setup.signal
    ? AbortSignal.any([setup.signal, outageController.signal])
    : outageController.signal;
  const limit = setup.maxConsecutiveErrors;
  const judge = setup.judge
    ? createJudgeClient(
        setup.judge,
        new OutageTracker('judge', limit, setup.judge.concurrency, onOutage),
        signal,
      )
    : undefined;
  const embeddings = setup.embeddings
    ? createEmbeddingClient(
        setup.embeddings,
        new OutageTracker('embeddings', limit, setup.embeddings.target.concurrency, onOutage),
        signal,
      )
    : undefined;

  const workers = new ScoringWorkers({
    timeoutMs: setup.scorerTimeoutMs,
    concurrency: setup.concurrency,
    signal: setup.signal,
  });
  const ctx: ScorerContext = scorerContext({
    configDir: setup.configDir,
    ...(setup.files ? { files: setup.files } : {}),
    judge,
    embeddings,
    workers,
    targetsReturnContext: returnsContext(config),
  });
  await loadModules(config, cases, setup, ctx, report);
  if ([config.scorers, ...cases.map((c) => c.assert)].some((specs) => specs.some(compilesSchemas)))
    await loadSchemaValidators();

  const build = (spec: ScorerConfig, name: string, where: Where): Scorer | undefined => {
    // A module that failed to load has been reported already.
    if (spec.type === 'custom' && !ctx.modules.has(modulePath(spec.module, setup.configDir))) {
      return undefined;
    }
    try {
      return buildScorer(spec, name, ctx);
    } catch (err) {
      if (!(err instanceof ScorerSetupError)) throw err;
      report(where, err);
      return undefined;
    }
  };

  const taken = new ScorerNames();
  const global = config.scorers.flatMap((spec, i) => {
    const s = build(spec, taken.take(spec), {
      file: setup.configFile,
      path: `scorers.${i}`,
      prefix: '',
    });
    return s ? [s] : [];
  });

  const close = () => {
    workers.close();
    setup.judge?.transport.close();
    setup.embeddings?.target.transport.close();
  };
  const scorersOf = (c: GoldenCase): Scorer[] => {
    const own = c.assert as ScorerConfig[];
    if (own.length === 0) return global;
    const names = new ScorerNames(global.map((s) => s.name));
    const all = [...global];
    own.forEach((spec, j) => {
      const s = build(spec, names.take(spec), {
        file: c.source.file,
        line: c.source.line,
        path: `assert.${j}`,
        prefix: `case "${c.id}": `,
      });
      if (s) all.push(s);
    });
    return all;
  };

  // The per-target confusion matrix describes one classifier; two on a case would be mixed up.
  const where = (c: GoldenCase) =>
    c.assert.length ? { file: c.source.file, line: c.source.line } : { file: setup.configFile };
  let doubled = 0;
  const globalClassifiers = classifiers(global);
  const pace = new Pacer(setup.signal, 'preparing the scorers');
  const scorers: Scorer[][] = [];
  try {
    for (const c of cases) {
      if (pace.due()) await pace.turn();
      const own = scorersOf(c);
      scorers.push(own);
      const n = own === global ? globalClassifiers : classifiers(own);
      if (n > 1 && doubled++ === 0) {
        problems.push({
          ...where(c),
          message: `case "${c.id}" has more than one classification scorer; use one per case (the per-target confusion matrix describes it)`,
        });
      }
    }
  } catch (err) {
    close();
    throw err;
  }

  return {
    scorers,
    problems,
    resources: {
      outage: outageController.signal,
      failure: () => failure,
      usage() {
        if (!judge && !embeddings) return undefined;
        return {
          ...(judge ? { judge: judge.usage() } : {}),
          ...(embeddings ? { embeddings: embeddings.usage() } : {}),
        };
      },
      close,
    },
  };
}

/** Whether both targets return their own passages (an http target's `context` output path). */
function returnsContext(config: Config): boolean {
  return Object.values(config.targets).every(
    (t) => t.type === 'http' && (t as Record<string, unknown>).context !== undefined,
  );
}

/** Loads each custom module once in a worker, so a module that cannot work is found now. */
async function loadModules(
  config: Config,
  cases: GoldenCase[],
  setup: ScoringSetup,
  ctx: ScorerContext,
  report: (where: Where, err: ScorerSetupError) => void,
): Promise<void> {
  const wanted = new Map<string, { module: string; where: Where }>();
  const note = (spec: ScorerConfig, where: Where) => {
    if (spec.type !== 'custom') return;
    const file = modulePath(spec.module, setup.configDir);
    if (!wanted.has(file)) wanted.set(file, { module: spec.module, where });
  };
  for (const [i, spec] of config.scorers.entries()) {
    note(spec, { file: setup.configFile, path: `scorers.${i}`, prefix: '' });
  }
  for (const c of cases) {
    for (const [j, spec] of (c.assert as ScorerConfig[]).entries()) {
      note(spec, {
        file: c.source.file,
        line: c.source.line,
        path: `assert.${j}`,
        prefix: `case "${c.id}": `,
      });
    }
  }
  for (const [file, { module, where }] of wanted) {
    const shown = path.relative(setup.configDir, file) || module;
    try {
      ctx.modules.set(file, await loadCustomModule(file, shown, ctx.workers, setup.files));
    } catch (err) {
      if (!(err instanceof ScorerSetupError)) throw err;
      report(where, err);
    }
  }
}
