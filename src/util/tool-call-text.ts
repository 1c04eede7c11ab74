import type { ToolCall } from '../types.js';
import { cutText as cut } from './redact.js';

// A tool call as people read it, `refund(amount=20, order_id="A17")`: the one spelling scorer
// reasons, the PR comment, the console and the JUnit text all use. Plain, unescaped text (a
// model chose the name and the arguments): every renderer escapes it for its own medium.

/** The longest one argument's value is shown, and one call. */
const VALUE_CHARS = 40;
export const CALL_CHARS = 120;
/** Calls named in a list before "and N more". */
const LIST_CALLS = 5;

const IDENTIFIER = /^[A-Za-z_][\w.-]*$/;

/** JSON text of a value; a value too deep to serialise (nothing a reader needs) is shown as `…`. */
function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '…';
  }
}

function argumentsText(args: unknown): string {
  if (args === null || args === undefined) return '';
  if (typeof args !== 'object' || Array.isArray(args)) return cut(json(args), VALUE_CHARS);
  return Object.entries(args as Record<string, unknown>)
    .map(([k, v]) => `${IDENTIFIER.test(k) ? k : json(k)}=${cut(json(v), VALUE_CHARS)}`)
    .join(', ');
}

/** `name(arg=value, …)`, arguments as JSON values, cut to `max` characters with `…`. */
export function toolCallText(call: ToolCall, max = CALL_CHARS): string {
  const inner =
    call.invalid_arguments !== undefined
      ? `invalid JSON: ${cut(call.invalid_arguments, VALUE_CHARS)}`
      : argumentsText(call.arguments);
  const text = `${call.name}(${inner})`;
  // Cut inside the parentheses, so a shortened call still reads as a call.
  return text.length <= max ? text : `${cut(text, max - 1)})`;
}

function withMore(shown: readonly string[], total: number, sep: string): string {
  const more = total - shown.length;
  return more > 0 ? `${shown.join(sep)} and ${more} more` : shown.join(sep);
}

/** The first five texts joined by `sep`, then "and N more". */
export function listText(texts: readonly string[], sep = ', '): string {
  return withMore(texts.slice(0, LIST_CALLS), texts.length, sep);
}

/** `a(…), b(…)` and "and N more" past five calls; "no tool call" for none. */
export function toolCallsText(calls: readonly ToolCall[], sep = ', ', max = CALL_CHARS): string {
  if (calls.length === 0) return 'no tool call';
  const shown = calls.slice(0, LIST_CALLS).map((c) => toolCallText(c, max));
  return withMore(shown, calls.length, sep);
}
