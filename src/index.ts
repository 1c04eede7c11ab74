import { reportEarlyExit } from './action/early-exit.js';
import { eventFileProblem } from './action/event-file.js';
import { CANCEL_SIGNALS } from './cancel-signals.js';
import { enableCompileCache } from './compile-cache.js';
import { dropOutputWithoutReader } from './console-streams.js';
import { exitOnceFlushed } from './exit-flushed.js';

// GitHub cancels a job with SIGINT, then SIGTERM. Listened for from the first line, not once the
// Action's code has loaded: a cancel while it loads (a quarter of a second) would otherwise kill
// the step with the outputs and the summary unwritten. The signal's name is the abort reason:
// the partial report says what stopped the run.
const controller = new AbortController();
const stop = (signal: NodeJS.Signals) => controller.abort(signal);
for (const sig of CANCEL_SIGNALS) process.once(sig, stop);
dropOutputWithoutReader();

// Checked before the Action's code loads, which reads the event file as it does.
const eventProblem = eventFileProblem(process.env);
if (eventProblem) {
  process.stdout.write(`::error::bad input; nothing was sent.%0A${workflowText(eventProblem)}\n`);
  reportEarlyExit(process.env, 'evalgate: bad input, nothing was sent', eventProblem, 2);
  process.exit(2);
}

// The Action's code is imported after the compile cache is on (see compile-cache.ts).
enableCompileCache();
let run: (signal: AbortSignal) => Promise<void>;
try {
  ({ run } = await import('./action/main.js'));
} catch (err) {
  // Before the crash guard exists: still one error line and exit 3 (could not judge), never
  // the 1 that would read as a blocked change.
  const message = err instanceof Error ? err.message : String(err);
  process.stdout.write(`::error::evalgate could not start: ${workflowText(message)}\n`);
  reportEarlyExit(process.env, 'evalgate could not start', message, 3);
  process.exit(3);
}
try {
  await run(controller.signal);
} finally {
  // Done: a signal from here on ends the process the default way (nothing is left to stop).
  for (const sig of CANCEL_SIGNALS) process.off(sig, stop);
}
// The step is over: an artifact upload given up on (timed out, cancelled) may still be retrying
// in the background, and must not hold the job for its minutes.
exitOnceFlushed(Number(process.exitCode ?? 0));

/** A workflow command is one line: %, CR and LF are escaped as the runner expects. */
function workflowText(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
