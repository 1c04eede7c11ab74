import type { ToolCall } from '../types.js';
import { cutText, type Redact } from '../util/redact.js';
import { StreamError } from './dialect.js';

// Tool calls as the dialects read them: the one normalised shape, whatever the wire said.

/**
 * Tool calls one reply may make. Models make a handful; an endpoint emitting thousands (an
 * endless stream of new call indices) is broken, and each call costs memory and report space.
 * The bytes of their arguments are bounded by run.max_response_bytes like the rest of a reply.
 */
export const MAX_TOOL_CALLS = 256;
/** Raw text kept of arguments that were not JSON: enough to see what went wrong. */
export const MAX_INVALID_ARGUMENTS_CHARS = 2000;

export function tooManyToolCalls(): StreamError {
  return new StreamError(
    'too_large',
    `the reply made more than ${MAX_TOOL_CALLS} tool calls; no model makes that many in one answer`,
  );
}

/**
 * A call from its wire parts. `raw` is the arguments as the model wrote them (a JSON string on
 * the OpenAI wire); an empty string is no arguments. Text that is not JSON is kept as written
 * (masked and cut later by the caller, who holds the run's redactor) with `arguments: null`:
 * scored as a wrong call, never a crash. So is the text `null`: parsed, it would be that very
 * marker without the text, and an agent loop would send it back as `{}`, words the model never
 * wrote.
 */
export function callFromText(name: unknown, raw: unknown, id: unknown): ToolCall {
  const text = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : raw;
  let call: ToolCall;
  if (typeof text !== 'string') {
    // A server that sent the arguments as an object rather than its JSON text: take it.
    call = { name: nameOf(name), arguments: text };
  } else if (text.trim() === '') {
    call = { name: nameOf(name), arguments: {} };
  } else {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: kept as the text below, as is `null`.
    }
    call =
      parsed === null
        ? { name: nameOf(name), arguments: null, invalid_arguments: text }
        : { name: nameOf(name), arguments: parsed };
  }
  if (typeof id === 'string' && id !== '') call.id = id;
  return call;
}

/** A call whose arguments arrived already parsed (Anthropic's `tool_use.input`). */
export function callFromObject(name: unknown, input: unknown, id: unknown): ToolCall {
  const call: ToolCall = { name: nameOf(name), arguments: input ?? {} };
  if (typeof id === 'string' && id !== '') call.id = id;
  return call;
}

function nameOf(name: unknown): string {
  return typeof name === 'string' ? name : '';
}

/**
 * Arguments that were not JSON are untrusted text the model wrote, possibly quoting a secret it
 * was shown: masked in full, then cut. A no-op for the usual reply, whose calls all parsed.
 */
export function boundInvalidArguments(calls: ToolCall[], redact: Redact | undefined): ToolCall[] {
  for (const call of calls) {
    if (call.invalid_arguments === undefined) continue;
    const masked = redact ? redact(call.invalid_arguments) : call.invalid_arguments;
    call.invalid_arguments = cutText(masked, MAX_INVALID_ARGUMENTS_CHARS);
  }
  return calls;
}
