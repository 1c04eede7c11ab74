import { writeFileSync } from 'node:fs';

// A front door (the CLI, or the Action with CRASH_FRONT_DOOR=action) with one way in for a bug
// that nothing catches: on SIGUSR2 it throws from a signal handler, rejects a promise nobody
// awaits, or calls process.exit(0), as CRASH_MODE says. CRASH_MODE=idle instead installs the
// guard alone and waits on a promise that never settles, with nothing else left to run.

const mode = process.env.CRASH_MODE ?? 'throw';
const message = process.env.CRASH_MESSAGE ?? 'boom';

process.on('SIGUSR2', () => {
  if (mode === 'reject') void Promise.reject(new Error(message));
  else if (mode === 'exit') process.exit(0);
  else throw new Error(message);
});

if (mode === 'idle') {
  const { installCrashGuard } = await import('../../src/crash-guard.js');
  const guard = installCrashGuard({
    // CRASH_FAIL_THROWS: saying so fails too, as the Action's setOutput does with its file gone.
    fail: (m) => {
      if (process.env.CRASH_FAIL_THROWS) throw new Error(process.env.CRASH_FAIL_THROWS);
      process.stderr.write(`evalgate: could not judge: ${m}\n`);
    },
    debug: () => {},
  });
  guard.watch.partial((reason) => writeFileSync(process.env.CRASH_PARTIAL!, reason));
  await new Promise(() => {});
} else if (process.env.CRASH_FRONT_DOOR === 'action') {
  await import('../../src/index.js');
} else {
  await import('../../src/cli.js');
}
