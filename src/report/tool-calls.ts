import type { CaseReport, SideResult } from '../types.js';
import { toolCallsText } from '../util/tool-call-text.js';

// How a case's tool calls read in the comment, the summary, the console, annotations and JUnit:
// "baseline called refund(amount=25); candidate called refund(amount=20)". Plain text: each
// renderer escapes it for its medium.

/** `called a(…), b(…)` or `made no tool call`, with an agent loop's steps and why it stopped. */
export function sideCallsText(side: SideResult, callChars?: number): string {
  const calls = side.tool_calls ?? [];
  const what =
    calls.length > 0 ? `called ${toolCallsText(calls, ', ', callChars)}` : 'made no tool call';
  const steps = side.steps ?? [];
  if (steps.length < 2) return what;
  const stop = steps.at(-1)?.stop;
  return `${what} (${steps.length} steps${stop ? `; stopped: ${stop}` : ''})`;
}

/** Whether the case is about tool calls: it expects some, or either side made some. */
export function hasToolCalls(c: CaseReport): boolean {
  return (
    (c.expected_tool_calls?.length ?? 0) > 0 ||
    (c.baseline?.tool_calls?.length ?? 0) > 0 ||
    (c.candidate?.tool_calls?.length ?? 0) > 0
  );
}

/** What each side called, when the case is about tool calls; undefined when it is not. */
export function toolCallContrast(c: CaseReport, callChars?: number): string | undefined {
  if (!hasToolCalls(c)) return undefined;
  const parts: string[] = [];
  if (c.baseline) parts.push(`baseline ${sideCallsText(c.baseline, callChars)}`);
  if (c.candidate) parts.push(`candidate ${sideCallsText(c.candidate, callChars)}`);
  return parts.join('; ');
}

/** The calls the case expects, as a reader reads them. */
export function expectedCallsText(c: CaseReport, callChars?: number): string | undefined {
  const calls = c.expected_tool_calls;
  if (!calls) return undefined;
  return calls.length === 0 ? 'no tool call' : toolCallsText(calls, ', ', callChars);
}
