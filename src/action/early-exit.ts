import { appendFileSync, statSync } from 'node:fs';
import { escapeCodeBlock } from '../report/escape.js';

/**
 * What the Action's entry leaves when it stops before the Action's code has loaded (a bad event
 * file, a failed start), as a run leaves at its end: the job summary says why, and the
 * `exit-code` output is set. Each only into a regular file, the runner's own: a pipe there could
 * block the step for good, and the step is ending anyway.
 */
export function reportEarlyExit(
  env: NodeJS.ProcessEnv,
  title: string,
  message: string,
  exitCode: number,
): void {
  append(env.GITHUB_STEP_SUMMARY, `## ⚠️ ${title}\n\n<pre>${escapeCodeBlock(message)}</pre>\n`);
  append(env.GITHUB_OUTPUT, `exit-code=${exitCode}\n`);
}

function append(file: string | undefined, text: string): void {
  if (!file) return;
  try {
    if (statSync(file).isFile()) appendFileSync(file, text);
  } catch {
    // Nothing more can be said: the error line on the log stands alone.
  }
}
