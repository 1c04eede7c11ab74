import type { AgentStep, CallResult, SideResult, ToolCall } from '../types.js';
import { cutText as cut } from '../util/redact.js';

// What the report keeps of an answer's tool calls, agent steps and returned passages. Scorers
// see all of them; the report, a file people open and diff, keeps a bounded copy: the first
// calls and steps (and always the last step, which says why the loop stopped), each argument
// list, step text and passage cut with `…`, which also tells the report's redactor to mask a
// secret a cut ended in (every string of the report is masked before it is written).

export const RECORD_LIMITS = {
  toolCalls: 100,
  steps: 50,
  /** An argument list as JSON text; a longer one is kept as that text, cut. */
  argumentChars: 2000,
  nameChars: 200,
  stepOutputChars: 4000,
  passages: 20,
  passageChars: 4000,
} as const;

function argumentsRecord(args: unknown): unknown {
  if (args === null || typeof args !== 'object') {
    return typeof args === 'string' ? cut(args, RECORD_LIMITS.argumentChars) : args;
  }
  let json: string;
  try {
    json = JSON.stringify(args);
  } catch {
    // Nested past what JSON.stringify can walk: nothing a reader could use.
    return '(arguments nested too deeply to record)…';
  }
  return json.length <= RECORD_LIMITS.argumentChars ? args : cut(json, RECORD_LIMITS.argumentChars);
}

export function toolCallRecord(call: ToolCall): ToolCall {
  const out: ToolCall = {
    name: cut(call.name, RECORD_LIMITS.nameChars),
    arguments: argumentsRecord(call.arguments),
  };
  if (call.id !== undefined) out.id = cut(call.id, RECORD_LIMITS.nameChars);
  if (call.invalid_arguments !== undefined) {
    out.invalid_arguments = cut(call.invalid_arguments, RECORD_LIMITS.argumentChars);
  }
  return out;
}

function toolCallsRecord(calls: readonly ToolCall[]): ToolCall[] {
  return calls.slice(0, RECORD_LIMITS.toolCalls).map(toolCallRecord);
}

function stepRecord(step: AgentStep): AgentStep {
  return {
    ...step,
    output: step.output === null ? null : cut(step.output, RECORD_LIMITS.stepOutputChars),
    tool_calls: toolCallsRecord(step.tool_calls),
  };
}

function stepsRecord(steps: readonly AgentStep[]): AgentStep[] {
  const max = RECORD_LIMITS.steps;
  const kept = steps.length <= max ? steps : [...steps.slice(0, max - 1), steps[steps.length - 1]!];
  return kept.map(stepRecord);
}

export function passagesRecord(passages: readonly string[]): string[] {
  return passages.slice(0, RECORD_LIMITS.passages).map((p) => cut(p, RECORD_LIMITS.passageChars));
}

/** Copies the call's tool calls, steps and passages into the side's result, bounded. */
export function recordAnswerParts(call: CallResult, side: SideResult): void {
  if (call.tool_calls?.length) side.tool_calls = toolCallsRecord(call.tool_calls);
  if (call.steps?.length) side.steps = stepsRecord(call.steps);
  if (call.context?.length) side.context = passagesRecord(call.context);
}
