import path from 'node:path';
import type { Substitution } from '../config/interpolate.js';
import { loadConfig } from '../config/load.js';
import { canaryConfigSchema } from '../config/schema.js';
import { secretValues } from '../config/secret-values.js';
import { EXIT, InputError, type InputProblem, RunAbortedError } from '../errors.js';
import { MAX_POINTS } from '../live/config-schema.js';
import { formatDuration, parseDuration } from '../live/duration.js';
import { type Clock, type LoopResult, realClock, runLooks, type Schedule } from '../live/looks.js';
import { displayUrl, type PrometheusOptions } from '../live/prometheus.js';
import { buildLiveReport } from '../live/report.js';
import { fetchAll, LiveDataError } from '../live/series.js';
import { renderConsole } from '../report/console.js';
import { escapeTerminal } from '../report/escape.js';
import { checkOutputPaths, type OutputPath } from '../report/output-paths.js';
import { runUrlFromEnv } from '../report/run-url.js';
import { type OutputPaths, writeOutputs } from '../report/write.js';
import type { Report } from '../types.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../util/read-bounded.js';
import { SecretSet } from '../util/redact.js';

export const DEFAULT_WINDOW = '30m';

export interface CanaryOptions {
  configPath: string;
  window?: string;
  every?: string;
  for?: string;
  paths: OutputPaths;
  /** After the report is written: push its figures (`--pushgateway`); never throws. */
  push?: (report: Report) => Promise<unknown>;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  clock?: Clock;
  /** Every secret read (the token, `${VAR}` values): the front door masks it in logs. */
  secret?: (value: string) => void;
  isTty: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function durationFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    throw new InputError({
      path: `--${name}`,
      message: `must be a duration such as 30s, 5m or 1h, got "${escapeTerminal(raw, 40)}"`,
    });
  }
  return ms;
}

/**
 * The schedule the flags ask for: one analysis of the last --window, or looks every --every
 * until --for over a window growing from the start (plus --window of history, when given).
 */
function scheduleOf(o: CanaryOptions, stepMs: number, file: string): Schedule {
  const windowMs = durationFlag('window', o.window);
  const everyMs = durationFlag('every', o.every);
  const forMs = durationFlag('for', o.for);
  const problems: InputProblem[] = [];
  if ((everyMs === undefined) !== (forMs === undefined)) {
    problems.push({
      path: everyMs === undefined ? '--every' : '--for',
      message: '--every and --for go together',
    });
  }
  if (everyMs !== undefined && forMs !== undefined && everyMs > forMs) {
    problems.push({ path: '--every', message: 'must not be longer than --for' });
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
 * `evalgate canary`: everything is checked before the first query (bad input exits 2 having
 * asked Prometheus nothing); then the live series are judged once or look by look, and the
 * report, summary and JUnit are written as `run` writes them. Returns the exit code.
 */
export async function runCanary(o: CanaryOptions): Promise<number> {
  const startedAt = Date.now();
  const secrets = new SecretSet();
  const keep = (v: string) => {
    secrets.add(v);
    o.secret?.(v);
  };
  const substituted: Substitution[] = [];
  let loaded: ReturnType<typeof loadCanaryConfig>;
  try {
    loaded = loadCanaryConfig(o.configPath, o.env, substituted);
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
  const outputs: OutputPath[] = [];
  for (const [flag, f] of Object.entries(o.paths))
    if (f !== undefined)
      outputs.push({ file: typeof f === 'string' ? f : f.file, field: `--${flag}` });
  if (problems.length) throw new InputError(problems);
  checkOutputPaths(outputs);

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
  const clock = o.clock ?? realClock;
  const meta = (r: LoopResult | undefined, stopped: LoopResult['stopped']) => ({
    prometheus: displayUrl(live.prometheus.url),
    step_s: schedule.stepMs / 1000,
    looks: r?.looks ?? [],
    stopped,
  });
  const finish = (report: Report) => writeCanaryOutputs(report, o.paths, o.env);
  const common = {
    configFile: file,
    confidence: config.gate.confidence,
    onInconclusive: config.gate.on_inconclusive,
    startedAt,
  };

  let result: LoopResult;
  try {
    result = await runLooks(
      schedule,
      alpha,
      live.min_samples,
      (w) => fetchAll(live.metrics, w, prometheus),
      clock,
      o.signal,
      schedule.everyMs === undefined
        ? undefined
        : ({ looks, done, last }) =>
            o.stderr(
              last
                ? `canary: look ${done} of ${looks} (${last.start}..${last.end}): ${last.decision}\n`
                : `canary: ${looks} looks, every ${formatDuration(schedule.everyMs!)} for ${formatDuration(schedule.forMs!)}; waiting for the first\n`,
            ),
    );
  } catch (err) {
    const why = o.signal?.aborted
      ? `cancelled (${String(o.signal.reason ?? 'signal')}) before anything was settled`
      : err instanceof LiveDataError
        ? secrets.redact(err.message)
        : undefined;
    if (why === undefined) throw err;
    const partial = buildLiveReport({
      ...common,
      checks: [],
      live: meta(undefined, o.signal?.aborted ? 'signal' : 'end'),
      lookConfidence: config.gate.confidence,
      durationMs: Date.now() - startedAt,
      incomplete: why,
    });
    finish(partial);
    o.stderr(`report (incomplete): ${o.paths.report}\n`);
    await o.push?.(partial);
    throw new RunAbortedError(why);
  }
  const last = result.looks.at(-1);
  const lookConfidence = last ? 1 - last.alpha : config.gate.confidence;
  const signalled = result.stopped === 'signal';
  const report = buildLiveReport({
    ...common,
    checks: result.checks,
    live: meta(result, result.stopped),
    lookConfidence,
    durationMs: Date.now() - startedAt,
    ...(signalled
      ? {
          incomplete: `cancelled (${String(o.signal?.reason ?? 'signal')}) after ${result.looks.length} of the planned looks; nothing was settled`,
        }
      : {}),
  });
  finish(report);
  await o.push?.(report);
  if (signalled) {
    o.stderr(`report (incomplete): ${o.paths.report}\n`);
    throw new RunAbortedError(report.incomplete_reason!);
  }
  o.stdout(renderConsole(report, { color: o.isTty && !o.env.NO_COLOR }));
  o.stderr(`evalgate: ${escapeTerminal(report.summary)}\nreport: ${o.paths.report}\n`);
  return report.blocked ? EXIT.blocked : EXIT.pass;
}

function loadCanaryConfig(file: string, env: NodeJS.ProcessEnv, substituted: Substitution[]) {
  return loadConfig(file, env, substituted, undefined, canaryConfigSchema);
}

/**
 * Every file the canary writes, from its one Report: the same writer `run` uses, so whatever
 * `run` learns to write (HTML, metrics) the canary can write the same way.
 */
export function writeCanaryOutputs(
  report: Report,
  paths: OutputPaths,
  env: NodeJS.ProcessEnv,
): void {
  writeOutputs(report, paths, { runUrl: runUrlFromEnv(env) });
}
