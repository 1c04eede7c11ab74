import type { EngineHooks } from './engine.js';
import { InputError } from './errors.js';
import { IncompleteRunError } from './runner/incomplete.js';
import { type Redact, redactTree } from './util/redact.js';

/**
 * The engine's hooks with every message masked. `onSecret` sees each secret first, so a message
 * sent right after a key was read is already masked.
 */
export function guardHooks(
  hooks: EngineHooks,
  redact: Redact,
  onSecret?: (value: string) => void,
): EngineHooks {
  return {
    ...hooks,
    info: (message) => hooks.info(redact(message)),
    warning: (message) => hooks.warning(redact(message)),
    secret: (value) => {
      onSecret?.(value);
      hooks.secret?.(value);
    },
  };
}

/**
 * An error leaving the engine, with the run's secrets masked in everything a front door prints
 * or writes of it: the message, the stack (printed for internal errors), the problems of bad
 * input (one may quote an interpolated value), and the partial report of a stopped run.
 */
export function redactError(err: unknown, redact: Redact): unknown {
  if (err instanceof InputError) {
    return new InputError(err.problems.map((p) => redactTree({ ...p }, redact)));
  }
  if (err instanceof Error) {
    err.message = redact(err.message);
    if (err.stack) err.stack = redact(err.stack);
    if (err instanceof IncompleteRunError) redactTree(err.report, redact);
  }
  return err;
}
