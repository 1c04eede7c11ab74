import { EXIT, errorMessage } from './errors.js';
import { SecretSet } from './util/redact.js';

// The last line of defence of both front doors. Whatever escapes every catch — a throw in a
// timer callback, a rejected promise nobody awaited, a custom module calling process.exit() or
// leaving the run waiting on a promise that never settles — ends the same way as any run that
// cannot be judged: the partial report written, one line saying why, exit 3. Never Node's exit
// 1 (which means "blocked"), never a stack trace unless EVALGATE_DEBUG=1 asks for one.

/** What the engine's hooks feed the guard while a run is on. */
export interface CrashWatch {
  /** Every secret read: a crash message quoting one is masked. */
  secret(value: string): void;
  /**
   * How to write what the run has measured so far, given why it stopped (see EngineHooks
   * snapshot); undefined once there is nothing left that a crash could lose.
   */
  partial(write: ((reason: string) => void) | undefined): void;
}

export interface CrashGuardOptions {
  /**
   * Says in one line that the run could not be judged, and why (`internal error: …`), after the
   * partial report was written. Called once, synchronously: the process exits right after.
   */
  fail(message: string): void;
  /** Prints a stack trace: called only when `EVALGATE_DEBUG=1`. */
  debug(stack: string): void;
  /** Secrets known before the engine reads any (the Action's github-token). */
  secrets?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface CrashGuard {
  watch: CrashWatch;
  /** The front door finished and chose its exit code: an exit from here on is its own. */
  settle(code: number): void;
  /** Removes the process listeners (tests). */
  dispose(): void;
}

/** Whether stacks are shown: `EVALGATE_DEBUG=1` (or `true`). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.EVALGATE_DEBUG === '1' || env.EVALGATE_DEBUG === 'true';
}

/** One line of a crash message: a message may span lines, and the guard says one. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function installCrashGuard(o: CrashGuardOptions): CrashGuard {
  const secrets = new SecretSet();
  for (const s of o.secrets ?? []) secrets.add(s);
  const debug = debugEnabled(o.env);
  let partial: ((reason: string) => void) | undefined;
  let settled = false;
  let crashed = false;

  // Everything here is synchronous: the process ends right after, with the loop in any state.
  const handle = (message: string, err?: unknown) => {
    crashed = true;
    let line = secrets.redact(oneLine(message));
    const write = partial;
    partial = undefined;
    try {
      write?.(line);
    } catch (writeErr) {
      line += ` (the partial report could not be written: ${secrets.redact(oneLine(errorMessage(writeErr)))})`;
    }
    try {
      o.fail(line);
    } catch (failErr) {
      // Saying it failed too (the Action's output file gone): say it plainly; still exit 3.
      process.stderr.write(
        `evalgate: could not judge: ${line} (and reporting it failed: ${secrets.redact(oneLine(errorMessage(failErr)))})\n`,
      );
    }
    if (debug && err instanceof Error && err.stack) o.debug(secrets.redact(err.stack));
  };

  const onError = (err: unknown) => {
    // A throw while handling a throw: stop at once, with the code the first one chose.
    if (!crashed) handle(`internal error: ${errorMessage(err)}`, err);
    process.exit(EXIT.cannotJudge);
  };
  // Nothing left to run while the front door still waits: Node would exit 13 (or 0), silently.
  const onBeforeExit = () => {
    if (settled || crashed) return;
    handle('internal error: the run was left waiting on a promise that never settles');
    process.exitCode = EXIT.cannotJudge;
  };
  // Only an explicit process.exit() gets here unsettled ('beforeExit' caught the rest).
  const onExit = (code: number) => {
    if (settled || crashed) return;
    handle(`internal error: process.exit(${code}) was called before the run finished`);
    // Read by Node after the 'exit' listeners have run, even after an explicit process.exit().
    process.exitCode = EXIT.cannotJudge;
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);

  return {
    watch: {
      secret: (value) => {
        secrets.add(value);
      },
      partial: (write) => {
        partial = write;
      },
    },
    settle: (code) => {
      settled = true;
      process.exitCode = code;
    },
    dispose: () => {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
      process.off('beforeExit', onBeforeExit);
      process.off('exit', onExit);
    },
  };
}
