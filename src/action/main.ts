import path from 'node:path';
import * as core from '@actions/core';
import { type EngineHooks, execute, prepare } from '../engine.js';
import { EXIT, errorMessage, InputError, RunAbortedError } from '../errors.js';
import { blocks } from '../gate/exit-code.js';
import { escapeCodeBlock } from '../report/escape.js';
import { renderMarkdown } from '../report/markdown.js';
import { writeOutputs } from '../report/write.js';
import type { Report } from '../types.js';
import { upsertPrComment } from './comment.js';
import { Inputs, Outputs } from './constants.js';

function readInputs() {
  return {
    config: core.getInput(Inputs.config) || 'evals/evalgate.yaml',
    report: core.getInput(Inputs.report) || 'evalgate-report.json',
    baselineReport: core.getInput(Inputs.baselineReport) || undefined,
    junit: core.getInput(Inputs.junit) || undefined,
    workingDirectory: core.getInput(Inputs.workingDirectory) || undefined,
    comment: (core.getInput(Inputs.comment) || 'true').trim().toLowerCase() !== 'false',
    token: core.getInput(Inputs.githubToken),
  };
}

function hooks(): EngineHooks {
  let lastDecile = 0;
  return {
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
    secret: (s) => core.setSecret(s),
    progress: (done, total) => {
      const decile = Math.floor((done / total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        core.info(`progress: ${done}/${total} calls (${decile * 10}%)`);
      }
    },
  };
}

/** The Action: same engine and report as the CLI; a `fail` decision fails the step. */
export async function run(): Promise<void> {
  let report: Report | undefined;
  let problem: { title: string; message: string } | undefined;
  try {
    const inputs = readInputs();
    if (inputs.token) core.setSecret(inputs.token);
    if (inputs.workingDirectory) process.chdir(inputs.workingDirectory);
    const h = hooks();
    const plan = await prepare(
      { configPath: inputs.config, baselineReportPath: inputs.baselineReport },
      h,
    );
    report = await execute(plan, h);
    writeOutputs(report, { report: inputs.report, junit: inputs.junit });
    core.setOutput(Outputs.decision, report.decision);
    core.setOutput(Outputs.report, path.resolve(inputs.report));
    core.setOutput(Outputs.summary, report.summary);
    core.info(report.summary);
    if (inputs.comment) await upsertPrComment(report, inputs.config, inputs.token);
    if (blocks(report.decision, plan.config.gate.on_inconclusive)) core.setFailed(report.summary);
  } catch (err) {
    const message = errorMessage(err);
    if (err instanceof InputError) {
      problem = { title: 'evalgate: bad input, nothing was sent', message };
      core.setFailed(`bad input; nothing was sent.\n${message}`);
      process.exitCode = EXIT.badInput;
    } else if (err instanceof RunAbortedError) {
      problem = { title: 'evalgate could not judge', message };
      core.setFailed(`could not judge: ${message}`);
      process.exitCode = EXIT.cannotJudge;
    } else {
      problem = { title: 'evalgate failed with an internal error', message };
      core.setFailed(`internal error: ${message}`);
      if (err instanceof Error && err.stack) core.debug(err.stack);
      process.exitCode = EXIT.cannotJudge;
    }
  } finally {
    await writeJobSummary(report, problem);
  }
}

// The job summary is written whatever happened, so a failed run still explains itself.
async function writeJobSummary(
  report: Report | undefined,
  problem: { title: string; message: string } | undefined,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    const body = report
      ? renderMarkdown(report)
      : `## ${problem?.title ?? 'evalgate stopped'}\n\n<pre>${escapeCodeBlock(problem?.message ?? 'unknown error')}</pre>\n`;
    await core.summary.addRaw(body).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${errorMessage(err)}`);
  }
}
