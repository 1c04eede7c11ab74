import { type Stats, statSync } from 'node:fs';
import * as core from '@actions/core';
import { errorMessage, InputError, type InputProblem } from '../errors.js';

// The two files the runner hands a step: GITHUB_OUTPUT (its outputs) and GITHUB_STEP_SUMMARY
// (its summary). Either may be unusable when the step runs outside GitHub's runner.

/** Set when GITHUB_OUTPUT or GITHUB_STEP_SUMMARY was found unusable: the step leaves it alone. */
const unusable = new Set<string>();
let warned = false;

/**
 * The runner creates the file GITHUB_OUTPUT names for every step, and @actions/core appends the
 * step's outputs to it but will not create it. A runner (or a local stand-in for one) that names
 * a file that is not there would only fail at the end, after the calls were paid for; one that
 * names a pipe (GITHUB_OUTPUT or GITHUB_STEP_SUMMARY) would hang the step at its end, in a
 * write no signal interrupts. Checked before anything is sent; a file found unusable is not
 * written at all (the error on the log says why).
 */
export function checkRunnerFiles(env: NodeJS.ProcessEnv): void {
  const problems: InputProblem[] = [];
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY'] as const) {
    const file = env[name];
    if (!file) continue;
    const info = statOrNothing(file);
    const message =
      !info && name === 'GITHUB_OUTPUT'
        ? `${file} does not exist: the runner creates this file for every step, and the step's outputs (exit-code, decision, report) are written to it`
        : info?.isFIFO() || info?.isSocket()
          ? `${file} is a pipe or socket: the step appends to this file, and would wait on it forever`
          : undefined;
    if (!message) continue;
    problems.push({ path: name, message });
    unusable.add(name);
  }
  if (problems.length) throw new InputError(problems);
}

function statOrNothing(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** The job summary's file, unless there is none or it was found unusable. */
export function summaryFile(env: NodeJS.ProcessEnv): string | undefined {
  return unusable.has('GITHUB_STEP_SUMMARY') ? undefined : env.GITHUB_STEP_SUMMARY || undefined;
}

/**
 * core.setOutput that never throws: an output that cannot be written (the file gone mid-run) is
 * one warning, and the step still ends with the exit code it chose, the report on disk.
 */
export function setOutput(name: string, value: string): void {
  if (unusable.has('GITHUB_OUTPUT')) return;
  try {
    core.setOutput(name, value);
  } catch (err) {
    if (warned) return;
    warned = true;
    core.warning(`could not set the step's outputs: ${errorMessage(err)}`);
  }
}
