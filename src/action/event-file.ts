import { readFileSync, statSync } from 'node:fs';
import { MAX_EVENT_PAYLOAD_BYTES } from '../git/base-ref.js';

/**
 * What is wrong with the file GITHUB_EVENT_PATH names, if anything. @actions/github reads it
 * whole, synchronously, as it loads: a pipe or a device there (a step run outside GitHub's
 * runner) would block the process where no signal handler can run, and a huge file would fill
 * the memory, and a file that is not JSON made it throw. Checked by the Action's entry before
 * that code is loaded.
 */
export function eventFileProblem(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(file);
  } catch {
    // Not there: @actions/github then reads no payload, and the Action works without one.
    return undefined;
  }
  if (!info.isFile()) {
    return `GITHUB_EVENT_PATH: ${file} is not a regular file (a folder, pipe or device); the runner names the event's JSON payload here`;
  }
  if (info.size > MAX_EVENT_PAYLOAD_BYTES) {
    return `GITHUB_EVENT_PATH: ${file} is ${info.size} bytes, past the ${MAX_EVENT_PAYLOAD_BYTES} bytes an event payload can be`;
  }
  // @actions/github parses it as it loads, and a parse error there could only say the Action
  // could not start (exit 3). Read once more here: a payload is kilobytes.
  try {
    JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? err.message : 'it could not be read';
    return `GITHUB_EVENT_PATH: ${file} is not the event's JSON payload (${why})`;
  }
  return undefined;
}
