import path from 'node:path';
import type { Substitution } from '../config/interpolate.js';
import { openConfig } from '../config/load.js';
import { canaryConfigSchema } from '../config/schema.js';
import { secretValues } from '../config/secret-values.js';
import { EXIT, InputError, type InputProblem } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { checkOutputPaths, type OutputPath } from '../report/output-paths.js';
import type { Report } from '../types.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../util/read-bounded.js';
import { type Redact, SecretSet } from '../util/redact.js';
import { MAX_POINTS } from './config-schema.js';
import { formatDuration, parseDuration } from './duration.js';
import { type Clock, type LoopResult, realClock, runLooks, type Schedule } from './looks.js';
import { displayUrl, type PrometheusOptions } from './prometheus.js';
import { buildLiveReport } from './report.js';
import { fetchAll, LiveDataError } from './series.js';

// The canary's one core, shared by both front doors (`evalgate canary` and the Action's
// `command: canary`): they read their own options, write the files and say the result their
// own way; everything between the config and the report is here, and knows nothing of either.

export const DEFAULT_WINDOW = '30m';

export type ScheduleOption = 'window' | 'every' | 'for';

export interface CanaryInput {
  configPath: string;
  window?: string;
  every?: string;
  for?: string;
  /** How messages name a schedule option: `--window` (the CLI), `with.window` (the Action). */
  field?: (option: ScheduleOption) => string;
  /** The files the front door will write: checked before the first query. */
  outputs: OutputPath[];
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  clock?: Clock;
  /** Every secret read (the token, `${VAR}` values): the front door masks it in logs. */
  secret?: (value: string) => void;
  /** One line per look of a progressive run (and one before the first wait). */
  progress?: (line: string) => void;
}

export interface CanaryResult {
  /**
   * The judged report; marked `incomplete` (exit 3, "could not judge") when Prometheus could
   * not answer, a must_have_data metric had no data, or a signal stopped the looks.
   */
  report: Report;
  /** Masks every secret the canary read, for messages the front door shows. */
  redact: Redact;
  /** Each live metric's line in the config (its `name:`), by name: where its annotation points. */
  metricLines: Record<string, number>;
}

/** The CLI's exit code for a canary's report: 0 pass, 1 blocked, 3 could not judge. */
export function canaryExitCode(report: Report): number {
  if (report.incomplete) return EXIT.cannotJudge;
  return report.blocked ? EXIT.blocked : EXIT.pass;
}

const flag = (option: ScheduleOption) => `--${option}`;

function duration(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    throw new InputError({
      path: field,
      message: `must be a duration such as 30s, 5m or 1h, got "${escapeTerminal(raw, 40)}"`,
    });
  }
  return ms;
}

/**
 * The schedule asked for: one analysis of the last window, or looks every `every` until `for`
 * over a window growing from the start (plus `window` of history, when given).
 */
function scheduleOf(o: CanaryInput, stepMs: number, file: string): Schedule {
  const f = o.field ?? flag;
  const windowMs = duration(o.window, f('window'));
  const everyMs = duration(o.every, f('every'));
  const forMs = duration(o.for, f('for'));
  const problems: InputProblem[] = [];
  if ((everyMs === undefined) !== (forMs === undefined)) {
    problems.push({
      path: everyMs === undefined ? f('every') : f('for'),
      message: `${f('every')} and ${f('for')} go together`,
    });
  }
  if (everyMs !== undefined && forMs !== undefined && everyMs > forMs) {
    problems.push({ path: f('every'), message: `must not be longer than ${f('for')}` });
  }
  const progressive = everyMs !== undefined && forMs !== undefined;
  const historyMs = progressive ? (windowMs ?? 0) : (windowMs ?? parseDuration(DEFAULT_WINDOW)!);
  const spanMs = historyMs + (progressive ? forMs : 0);
  if (spanMs / stepMs > MAX_POINTS) {
    problems.push({
      file,
      path: 'live.step',
      message: `a ${formatDuration(spanMs)} window at this step is ${Math.ceil(spanMs / stepMs)} points, more than Prometheus answers (${MAX_POINTS}); use a longer step or a shorter window`,
    });
  }
  if (problems.length) throw new InputError(problems);
  return { historyMs, stepMs, ...(progressive ? { everyMs, forMs } : {}) };
}

/**
 * Judges the live canary: everything is checked before the first query (bad input throws
 * InputError having asked Prometheus nothing); then the live series are judged once or look by
 * look. What Prometheus could not answer, and a signal between looks, end in an incomplete
 * report rather than a throw, so that the front door writes it like any other.
 */
export async function judgeCanary(o: CanaryInput): Promise<CanaryResult> {
  const startedAt = Date.now();
  const secrets = new SecretSet();
  const keep = (v: string) => {
    secrets.add(v);
    o.secret?.(v);
  };
  const substituted: Substitution[] = [];
  let loaded: Awaited<ReturnType<typeof loadCanaryConfig>>;
  try {
    // The same file often holds the targets too, whose tool schemas parsing compiles.
    loaded = await loadCanaryConfig(o.configPath, o.env, substituted);
  } finally {
    for (const v of secretValues(substituted)) keep(v);
  }
  const { config, file, dir } = loaded;
  const live = config.live;
  const schedule = scheduleOf(o, parseDuration(live.step)!, file);
  const problems: InputProblem[] = [];
  let token: string | undefined;
  const tokenEnv = live.prometheus.token_env;
  if (tokenEnv) {
    token = o.env[tokenEnv];
    if (!token) {
      problems.push({
        file,
        path: 'live.prometheus.token_env',
        message: `the environment variable ${tokenEnv} is not set`,
      });
    } else keep(token);
  }
  let ca: string | undefined;
  if (live.prometheus.ca_file) {
    const caPath = path.resolve(dir, live.prometheus.ca_file);
    try {
      ca = readBoundedText(caPath, FILE_LIMITS.config);
    } catch (err) {
      if (!(err instanceof FileReadError)) throw err;
      problems.push({
        file,
        path: 'live.prometheus.ca_file',
        message: `cannot read ${live.prometheus.ca_file} (${err.reason})`,
      });
    }
  }
  if (problems.length) throw new InputError(problems);
  checkOutputPaths(o.outputs);

  const prometheus: PrometheusOptions = {
    url: live.prometheus.url,
    ...(token ? { token } : {}),
    ...(ca ? { ca } : {}),
    insecureSkipVerify: live.prometheus.insecure_skip_verify,
    timeoutMs: live.prometheus.timeout_ms,
    redact: secrets.redact,
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const alpha = 1 - config.gate.confidence;
  const meta = (r: LoopResult | undefined, stopped: LoopResult['stopped']) => ({
    prometheus: displayUrl(live.prometheus.url),
    step_s: schedule.stepMs / 1000,
    looks: r?.looks ?? [],
    stopped,
  });
  const common = {
    configFile: file,
    confidence: config.gate.confidence,
    onInconclusive: config.gate.on_inconclusive,
    startedAt,
  };
  const metricLines: Record<string, number> = {};
  live.metrics.forEach((m, i) => {
    const line = loaded.lineOf?.(['live', 'metrics', i, 'name']);
    if (line !== undefined) metricLines[m.name] = line;
  });
  const done = (report: Report): CanaryResult => ({ report, redact: secrets.redact, metricLines });

  let result: LoopResult;
  try {
    result = await runLooks(
      schedule,
      alpha,
      live.min_samples,
      (w) => fetchAll(live.metrics, w, prometheus),
      o.clock ?? realClock,
      o.signal,
      schedule.everyMs === undefined || !o.progress
        ? undefined
        : ({ looks, done, last }) =>
            o.progress!(
              last
                ? `canary: look ${done} of ${looks} (${last.start}..${last.end}): ${last.decision}`
                : `canary: ${looks} looks, every ${formatDuration(schedule.everyMs!)} for ${formatDuration(schedule.forMs!)}; waiting for the first`,
            ),
    );
  } catch (err) {
    const why = o.signal?.aborted
      ? `cancelled (${String(o.signal.reason ?? 'signal')}) before anything was settled`
      : err instanceof LiveDataError
        ? secrets.redact(err.message)
        : undefined;
    if (why === undefined) throw err;
    return done(
      buildLiveReport({
        ...common,
        checks: [],
        live: meta(undefined, o.signal?.aborted ? 'signal' : 'end'),
        lookConfidence: config.gate.confidence,
        durationMs: Date.now() - startedAt,
        incomplete: why,
      }),
    );
  }
  const last = result.looks.at(-1);
  return done(
    buildLiveReport({
      ...common,
      checks: result.checks,
      live: meta(result, result.stopped),
      lookConfidence: last ? 1 - last.alpha : config.gate.confidence,
      durationMs: Date.now() - startedAt,
      ...(result.stopped === 'signal'
        ? {
            incomplete: `cancelled (${String(o.signal?.reason ?? 'signal')}) after ${result.looks.length} of the planned looks; nothing was settled`,
          }
        : {}),
    }),
  );
}

function loadCanaryConfig(file: string, env: NodeJS.ProcessEnv, substituted: Substitution[]) {
  return openConfig(file, env, substituted, undefined, canaryConfigSchema);
}
