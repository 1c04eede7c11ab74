import { enableCompileCache } from './compile-cache.js';

// The Action's code is imported after the compile cache is on (see compile-cache.ts).
enableCompileCache();
let run: () => Promise<void>;
try {
  ({ run } = await import('./action/main.js'));
} catch (err) {
  // Before the crash guard exists: still one error line and exit 3 (could not judge), never
  // the 1 that would read as a blocked change.
  const message = err instanceof Error ? err.message : String(err);
  // A workflow command is one line: %, CR and LF are escaped as the runner expects.
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  process.stdout.write(`::error::evalgate could not start: ${escaped}\n`);
  process.exit(3);
}
await run();
