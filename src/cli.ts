import { CANCEL_SIGNALS } from './cancel-signals.js';
import { quickAnswer } from './cli/quick.js';
import { enableCompileCache } from './compile-cache.js';
import { dropOutputWithoutReader } from './console-streams.js';
import { installCrashGuard } from './crash-guard.js';
import { exitOnceFlushed } from './exit-flushed.js';
import { tuneV8 } from './runner/v8-flags.js';

tuneV8();
dropOutputWithoutReader();

// Anything that escapes runCli (a throw in a callback, a custom module's process.exit) still
// ends in the partial report, one line and exit 3.
const guard = installCrashGuard({
  fail: (m) => process.stderr.write(`evalgate: could not judge: ${m}\n`),
  debug: (stack) => process.stderr.write(`${stack}\n`),
});

// A cancelled job or Ctrl-C aborts in-flight calls; the run then ends with exit 3.
const controller = new AbortController();
// The signal's name is the abort reason, so the partial report says what stopped it. `once`: a
// second Ctrl-C kills the process the default way.
for (const sig of CANCEL_SIGNALS) process.once(sig, () => controller.abort(sig));

const argv = process.argv.slice(2);
// `--version` and help are answered before the engine's code is even loaded (it is most of the
// start-up); every command loads it.
const quick = quickAnswer(argv);
let code: number;
if (quick) {
  process.stdout.write(quick.text);
  code = quick.code;
} else {
  enableCompileCache();
  const { runCli } = await import('./cli/main.js');
  code = await runCli(argv, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    isTty: Boolean(process.stderr.isTTY),
    signal: controller.signal,
    guard: guard.watch,
  });
}
guard.settle(code);
exitOnceFlushed(code);
