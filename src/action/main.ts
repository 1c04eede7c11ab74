import { appendFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { progressReporter } from '../cli/progress.js';
import { type CrashWatch, debugEnabled, installCrashGuard } from '../crash-guard.js';
import { type EngineHooks, execute, prepare } from '../engine.js';
import { EXIT, errorMessage, InputError, RunAbortedError } from '../errors.js';
import { metricsOutput, pushReport, readMetricsExport } from '../export/export.js';
import { blocks } from '../gate/exit-code.js';
import { regressionAnnotations } from '../report/annotations.js';
import { escapeCodeBlock, escapeTerminal, noWorkflowCommands } from '../report/escape.js';
import type { HtmlLink } from '../report/markdown.js';
import { checkOutputPaths, type OutputPath } from '../report/output-paths.js';
import { runUrlFromEnv } from '../report/run-url.js';
import { renderSummary, writeOutputs } from '../report/write.js';
import { IncompleteRunError } from '../runner/incomplete.js';
import { tuneV8 } from '../runner/v8-flags.js';
import { shardReportFiles } from '../shard/glob-reports.js';
import { shardJobSummary } from '../shard/job-summary.js';
import { mergeShards } from '../shard/merge.js';
import { parseShard } from '../shard/select.js';
import type { Report, Side } from '../types.js';
import type { Redact } from '../util/redact.js';
import {
  judgeCanaryForAction,
  type LiveConfigFile,
  liveCheckAnnotations,
  readCommandInputs,
} from './canary.js';
import { upsertPrComment } from './comment.js';
import { Inputs, MAX_ANNOTATIONS, Outputs } from './constants.js';
import { uploadHtmlArtifact } from './html-artifact.js';
import { checkRunnerFiles, setOutput, summaryFile } from './step-outputs.js';

type ActionInputs = ReturnType<typeof readInputs>;

function readInputs() {
  const only = core.getInput(Inputs.only).trim() || undefined;
  if (only !== undefined && only !== 'candidate' && only !== 'baseline') {
    throw new InputError({
      path: `with.${Inputs.only}`,
      message: `must be "candidate" or "baseline" (the side to record as a baseline report), got "${only}"`,
    });
  }
  const shardInput = core.getInput(Inputs.shard).trim();
  const merge = core.getInput(Inputs.merge).trim() || undefined;
  const modes = [only && Inputs.only, shardInput && Inputs.shard, merge && Inputs.merge];
  const set = modes.filter(Boolean);
  if (set.length > 1) {
    throw new InputError({
      path: `with.${set[1]}`,
      message: `cannot be combined with ${set[0]}: record a side, run a shard, or merge shards`,
    });
  }
  return {
    ...readCommandInputs(),
    shard: shardInput ? parseShard(shardInput, `with.${Inputs.shard}`) : undefined,
    merge,
    config: core.getInput(Inputs.config) || 'evals/evalgate.yaml',
    report: core.getInput(Inputs.report) || 'evalgate-report.json',
    baselineReport: core.getInput(Inputs.baselineReport) || undefined,
    junit: core.getInput(Inputs.junit) || undefined,
    html: core.getInput(Inputs.html).trim() || undefined,
    workingDirectory: core.getInput(Inputs.workingDirectory) || undefined,
    comment: booleanInput(Inputs.comment, true),
    token: core.getInput(Inputs.githubToken),
    only: only as Side | undefined,
    baseRef: core.getInput(Inputs.baseRef).trim() || undefined,
    allowOutsideRepo: booleanInput(Inputs.allowOutsideRepo, false),
    exported: readMetricsExport({
      metrics: given(Inputs.metrics),
      pushgateway: given(Inputs.pushgateway),
      labels: {
        values: core.getMultilineInput(Inputs.metricsLabels),
        field: `with.${Inputs.metricsLabels}`,
      },
    }),
  };
}

function given(name: string): { value: string; field: string } | undefined {
  const value = core.getInput(name).trim();
  return value ? { value, field: `with.${name}` } : undefined;
}

/** The files every write makes: the report, JUnit, HTML and OpenMetrics when asked for. */
function outputFiles(inputs: ActionInputs) {
  return {
    report: inputs.report,
    junit: inputs.junit,
    html: inputs.html,
    metrics: metricsOutput(inputs.exported),
  };
}

const warn = (m: string) => core.warning(escapeTerminal(m));
/**
 * A plain log line. It may quote dataset text (a slice named by a tag in the budget plan, the
 * summary): the runner reads `##[command]` anywhere in a line, and `::` at its start.
 */
const info = (m: string) => core.info(noWorkflowCommands(m));

/**
 * core.getBooleanInput's YAML 1.2 core-schema words, with a default for an empty input. Anything
 * else is bad input: `comment: no` must not quietly mean "yes".
 */
function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim();
  if (raw === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw new InputError({
    path: `with.${name}`,
    message: `must be true or false, got "${escapeTerminal(raw, 40)}"`,
  });
}

function hooks(guard: CrashWatch, onPartial: (report: Report) => void): EngineHooks {
  return {
    info,
    warning: (m) => core.warning(escapeTerminal(m)),
    secret: (s) => {
      core.setSecret(s);
      guard.secret(s);
    },
    // What a crash mid-run still writes: the report so far, marked incomplete.
    snapshot: (take) => guard.partial(take && ((reason) => onPartial(take(reason)))),
    // The same lines as the CLI writes to a log: every 10%, with failures and retries so far.
    progress: progressReporter({ stderr: (t) => info(t.trimEnd()), isTty: false }),
  };
}

function setOutputs(report: Report, reportPath: string, htmlPath: string | undefined): void {
  setOutput(Outputs.decision, report.decision);
  setOutput(Outputs.report, path.resolve(reportPath));
  if (htmlPath) setOutput(Outputs.html, path.resolve(htmlPath));
  // One line, whatever the slice names in it: workflows paste it into shell commands.
  setOutput(Outputs.summary, escapeTerminal(report.summary));
}

/**
 * The worst regressed cases at their golden-set lines (a canary's: its live checks that did not
 * pass, on its config): errors when the step fails, else warnings.
 */
function annotate(report: Report, failing: boolean, liveConfig?: LiveConfigFile): void {
  const options = {
    // Leave room for the step's own failure annotation among GitHub's 10 errors.
    max: failing ? MAX_ANNOTATIONS - 1 : MAX_ANNOTATIONS,
    root: process.env.GITHUB_WORKSPACE || process.cwd(),
    cwd: process.cwd(),
  };
  const annotations = liveConfig
    ? liveCheckAnnotations(report, liveConfig, options)
    : regressionAnnotations(report, options);
  for (const a of annotations) {
    const props: core.AnnotationProperties = { title: a.title };
    if (a.file) props.file = a.file;
    if (a.line) props.startLine = a.line;
    if (failing) core.error(a.message, props);
    else core.warning(a.message, props);
  }
}

/**
 * The Action: same engine and report as the CLI; a `fail` decision fails the step. `signal`
 * aborts when the job is cancelled (the entry listens from its first line, see src/index.ts):
 * the calls in flight and the PR comment stop, and the summary below is still written.
 */
export async function run(signal: AbortSignal): Promise<void> {
  tuneV8();

  let inputs: ActionInputs | undefined;
  let report: Report | undefined;
  let written = false;
  let pushed = false;
  let summarized = false;
  let problem: { title: string; message: string } | undefined;
  // The HTML report, once written: the comment and the job summary say where it is.
  let html: HtmlLink | undefined;
  const runUrl = runUrlFromEnv(process.env);
  // Whatever escapes the catch below (a throw in a callback, a custom module's process.exit)
  // still writes the report so far and the job summary, fails the step and exits 3.
  const guard = installCrashGuard({
    fail: (message) => {
      core.setFailed(message);
      // The process exits 3 right after: a deploy job branching on the output must see that.
      setOutput(Outputs.exitCode, String(EXIT.cannotJudge));
      if (!summarized) {
        summarized = true;
        writeJobSummary(
          report,
          { title: 'evalgate failed with an internal error', message },
          runUrl,
        );
      }
    },
    debug: (stack) => process.stderr.write(`${stack}\n`),
  });
  const writePartial = (partial: Report) => {
    report = partial;
    if (!inputs) return;
    written = true;
    writeOutputs(partial, outputFiles(inputs));
    setOutputs(partial, inputs.report, inputs.html);
  };
  try {
    checkRunnerFiles(process.env);
    inputs = readInputs();
    for (const s of [inputs.token, ...(inputs.exported?.push?.secrets ?? [])]) {
      if (!s) continue;
      core.setSecret(s);
      guard.watch.secret(s);
    }
    if (inputs.workingDirectory) changeDirectory(inputs.workingDirectory);
    // Relative to the working directory, and checked before anything is paid for.
    const outputs: OutputPath[] = [{ file: inputs.report, field: `with.${Inputs.report}` }];
    if (inputs.junit !== undefined)
      outputs.push({ file: inputs.junit, field: `with.${Inputs.junit}` });
    if (inputs.exported?.file)
      outputs.push({ file: inputs.exported.file, field: `with.${Inputs.metrics}` });
    if (inputs.html !== undefined)
      outputs.push({ file: inputs.html, field: `with.${Inputs.html}` });
    checkOutputPaths(outputs);
    const h = hooks(guard.watch, writePartial);
    const options = {
      configPath: inputs.config,
      baselineReportPath: inputs.baselineReport,
      only: inputs.only,
      baseRef: inputs.baseRef,
      allowOutsideRepo: inputs.allowOutsideRepo,
      outputs,
      signal,
      // Masked in the report and comment too, not only in the log as setSecret does.
      ...(inputs.token ? { secrets: [inputs.token] } : {}),
      ...(inputs.shard ? { shard: inputs.shard } : {}),
    };
    // Merge mode (the fan-in job): the shard reports instead of calls, then as a run.
    let onInconclusive: 'pass' | 'fail' = 'pass';
    let redact: Redact;
    let metricLines: Record<string, number> | undefined;
    if (inputs.command === 'canary') {
      ({ report, redact, metricLines } = await judgeCanaryForAction({
        configPath: inputs.config,
        schedule: inputs.schedule,
        outputs,
        signal,
        token: inputs.token,
        secret: h.secret!,
      }));
      // Written, pushed and summarized below (finally) like a stopped run's report.
      if (report.incomplete) throw new RunAbortedError(report.incomplete_reason!);
    } else if (inputs.merge) {
      const files = await shardReportFiles(inputs.merge, `with.${Inputs.merge}`);
      ({ report, onInconclusive, redact } = await mergeShards(files, options, h));
    } else {
      const plan = await prepare(options, h);
      report = await execute(plan, h);
      ({ redact } = plan);
      onInconclusive = plan.config.gate.on_inconclusive;
    }
    writeOutputs(report, outputFiles(inputs));
    written = true;
    setOutputs(report, inputs.report, inputs.html);
    if (inputs.html) {
      const url = await uploadHtmlArtifact(inputs.html, process.env, core, signal);
      html = { file: inputs.html, report: inputs.report, ...(url ? { url } : {}) };
    }
    pushed = true;
    await pushReport(report, inputs.exported, warn, signal);
    info(escapeTerminal(report.summary));
    // A shard decides nothing: it neither fails the step nor comments (the merge job does both).
    // A canary's report says whether it blocked (a critical check can block while inconclusive).
    const failing =
      !inputs.shard &&
      (inputs.command === 'canary'
        ? report.blocked === true
        : blocks(report.decision, onInconclusive));
    if (!inputs.shard)
      annotate(
        report,
        failing,
        inputs.command === 'canary' ? { path: inputs.config, metricLines } : undefined,
      );
    if (inputs.comment && !inputs.shard) {
      await upsertPrComment(report, {
        configPath: inputs.config,
        token: inputs.token,
        runUrl,
        signal,
        redact,
        html,
      });
    }
    if (failing) core.setFailed(escapeTerminal(report.summary));
  } catch (err) {
    // A stopped run (cancelled, cost budget, endpoint down) carries what it measured: written
    // below like any report, marked incomplete, and the step still ends "could not judge".
    if (err instanceof IncompleteRunError) report ??= err.report;
    const message = errorMessage(err);
    if (err instanceof InputError) {
      problem = { title: 'evalgate: bad input, nothing was sent', message };
      core.setFailed(`bad input; nothing was sent.\n${message}`);
      process.exitCode = EXIT.badInput;
    } else if (err instanceof RunAbortedError) {
      const cancelled = signal.aborted;
      problem = {
        title: cancelled ? 'evalgate was cancelled' : 'evalgate could not judge',
        message,
      };
      core.setFailed(`${cancelled ? 'cancelled' : 'could not judge'}: ${message}`);
      process.exitCode = EXIT.cannotJudge;
    } else {
      problem = { title: 'evalgate failed with an internal error', message };
      core.setFailed(`internal error: ${message}`);
      // As the CLI: a stack only when asked for (it names the bundle's minified lines).
      if (debugEnabled() && err instanceof Error && err.stack) core.debug(err.stack);
      process.exitCode = EXIT.cannotJudge;
    }
  } finally {
    if (report && !written && inputs) tryWritePartial(report, inputs);
    // A stopped run's figures go to the Pushgateway too: "could not judge" is worth an alert.
    if (report && !pushed && inputs) await pushReport(report, inputs.exported, warn, signal);
    if (!summarized) {
      summarized = true;
      writeJobSummary(report, problem, runUrl, html);
    }
    // The CLI's exit code, for deploy jobs that branch on blocked (1) vs could not judge (3).
    setOutput(Outputs.exitCode, String(process.exitCode ?? 0));
    guard.settle(Number(process.exitCode ?? 0));
  }
}

function changeDirectory(dir: string): void {
  try {
    process.chdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({
      path: `with.${Inputs.workingDirectory}`,
      message:
        code === 'ENOENT'
          ? `folder not found: ${path.resolve(dir)}`
          : code === 'ENOTDIR'
            ? `not a folder: ${path.resolve(dir)}`
            : `cannot change into ${path.resolve(dir)}: ${errorMessage(err)}`,
    });
  }
}

/** What a stopped run managed to measure still goes to the report file and the outputs. */
function tryWritePartial(report: Report, inputs: ActionInputs): void {
  try {
    writeOutputs(report, outputFiles(inputs));
    setOutputs(report, inputs.report, inputs.html);
  } catch (err) {
    core.warning(`could not write the partial report: ${errorMessage(err)}`);
  }
}

// The job summary is written whatever happened, so a failed run still explains itself. It is
// the same Markdown as the PR comment, within GitHub's 1 MiB: the verdict is never cut. Written
// synchronously (as core.summary would append it), so that the crash guard can write it too.
function writeJobSummary(
  report: Report | undefined,
  problem: { title: string; message: string } | undefined,
  runUrl: string | undefined,
  html?: HtmlLink,
): void {
  const file = summaryFile(process.env);
  if (!file) return;
  try {
    const parts: string[] = [];
    // An incomplete report explains itself (its summary says why it stopped).
    if (problem && !report?.incomplete) {
      parts.push(`## ⚠️ ${problem.title}\n\n<pre>${escapeCodeBlock(problem.message)}</pre>\n`);
    }
    if (report?.meta.shard) parts.push(shardJobSummary(report));
    else if (report) parts.push(renderSummary(report, { runUrl, html }));
    if (parts.length === 0) parts.push('## evalgate stopped before it could report\n');
    appendFileSync(file, parts.join('\n'));
  } catch (err) {
    core.warning(`could not write the job summary: ${errorMessage(err)}`);
  }
}
