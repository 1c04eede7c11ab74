import { existsSync } from 'node:fs';
import * as core from '@actions/core';
import { errorMessage, InputError } from '../errors.js';

/**
 * The runner creates the file GITHUB_OUTPUT names for every step, and @actions/core appends the
 * step's outputs to it but will not create it. A runner (or a local stand-in for one) that names
 * a file that is not there would only fail at the end, after the calls were paid for: checked
 * before anything is sent.
 */
export function checkOutputFile(env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_OUTPUT;
  if (file && !existsSync(file)) {
    throw new InputError({
      path: 'GITHUB_OUTPUT',
      message: `${file} does not exist: the runner creates this file for every step, and the step's outputs (exit-code, decision, report) are written to it`,
    });
  }
}

let warned = false;

/**
 * core.setOutput that never throws: an output that cannot be written (the file gone mid-run) is
 * one warning, and the step still ends with the exit code it chose, the report on disk.
 */
export function setOutput(name: string, value: string): void {
  try {
    core.setOutput(name, value);
  } catch (err) {
    if (warned) return;
    warned = true;
    core.warning(`could not set the step's outputs: ${errorMessage(err)}`);
  }
}
