import type {
  AgentStep,
  AgentStop,
  CallResult,
  ConversationTurn,
  GoldenCase,
  ToolCall,
  ToolResult,
} from '../types.js';
import type { OutgoingRequest } from './dialect.js';
import { callTarget, type Target } from './target.js';

// An agent, replayed: the model calls tools, the case's canned results answer them, the model
// goes on, until it answers without a tool call or a limit ends it. Every outcome is one
// CallResult for the whole case, so the runner counts, scores and detects outages per case.

/** Whether `c` runs as an agent loop against `t`: the case gives tool results, the target steps. */
export function runsAgentLoop(t: Target, c: GoldenCase): boolean {
  return c.tool_results !== undefined && (t.maxSteps ?? 1) > 1;
}

/**
 * `expected` holds within `actual`: every key of an expected object is in the actual one with a
 * matching value (recursively); arrays match element by element at equal length; anything else
 * must be equal.
 */
export function matchesSubset(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' || expected === null) return false;
  if (typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((e, i) => matchesSubset(e, actual[i]));
  }
  if (Array.isArray(actual)) return false;
  const a = actual as Record<string, unknown>;
  return Object.entries(expected).every(([k, v]) => Object.hasOwn(a, k) && matchesSubset(v, a[k]));
}

/**
 * The canned result for a call: the first of the case's results with its name whose `arguments`
 * (when given) are a subset of the call's. Arguments that were not JSON match only a result that
 * gives none.
 */
export function resultFor(results: readonly ToolResult[], call: ToolCall): ToolResult | undefined {
  return results.find(
    (r) =>
      r.name === call.name &&
      (r.arguments === undefined ||
        (call.invalid_arguments === undefined && matchesSubset(r.arguments, call.arguments))),
  );
}

/** What a tool turn carries: a string result as it is, anything else as JSON. */
function resultText(result: unknown): string {
  return typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null');
}

/**
 * Runs the loop for one case: at most `t.maxSteps` model calls. Never throws (as callTarget).
 *
 * Sums over the steps: latency, tokens, cost and attempts; TTFT is the first step's (what a user
 * waits before anything happens). `output` is the last step's text; `tool_calls` every call of
 * every step in order. A step that fails makes the case an error of that step's kind and keeps
 * the steps before it; a call the case has no result for (`no_result`) and the step limit
 * (`max_steps`) end the loop with an answer that is scored like any other.
 */
export async function callAgent(
  t: Target,
  c: GoldenCase,
  signal?: AbortSignal,
  /** The first step's request, when the caller already built it (the runner does). */
  first?: OutgoingRequest,
): Promise<CallResult> {
  const maxSteps = t.maxSteps ?? 1;
  const results = c.tool_results ?? [];
  const steps: AgentStep[] = [];
  const calls: ToolCall[] = [];
  const extra: ConversationTurn[] = [];
  const total: CallResult = {
    output: null,
    latency_ms: 0,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    error: null,
    attempts: 0,
    tool_calls: calls,
    steps,
  };
  const end = (stop: AgentStop): CallResult => {
    steps.at(-1)!.stop = stop;
    return total;
  };
  for (let n = 0; ; n++) {
    if (signal?.aborted) {
      total.output = null;
      total.error = { kind: 'aborted', message: 'the run was cancelled' };
      return total;
    }
    const req = n === 0 && first ? first : t.dialect.buildRequest(c, extra);
    const call = await callTarget(t, c, signal, req);
    const made = call.tool_calls ?? [];
    const step: AgentStep = {
      output: call.output,
      tool_calls: made,
      latency_ms: call.latency_ms,
      input_tokens: call.input_tokens,
      output_tokens: call.output_tokens,
    };
    if (call.ttft_ms !== undefined) step.ttft_ms = call.ttft_ms;
    steps.push(step);
    total.latency_ms += call.latency_ms;
    total.input_tokens += call.input_tokens;
    total.output_tokens += call.output_tokens;
    total.cost_usd += call.cost_usd;
    total.attempts += call.attempts;
    if (n === 0 && call.ttft_ms !== undefined) total.ttft_ms = call.ttft_ms;
    total.output = call.output;
    if (call.error) {
      total.error = call.error;
      return end('error');
    }
    calls.push(...made);
    if (made.length === 0) return end('answered');
    const answers = made.map((m) => resultFor(results, m));
    if (answers.some((a) => a === undefined)) return end('no_result');
    if (n + 1 >= maxSteps) return end('max_steps');
    // The model's turn and one tool turn per call, ids paired (made up where the model sent
    // none), for the dialect to translate with the rest of the history.
    const ids = made.map((m, i) => m.id ?? `call_step${n}_${i}`);
    extra.push({
      role: 'assistant',
      content: call.output === '' ? null : call.output,
      tool_calls: made.map((m, i) => ({ ...m, id: ids[i] })),
    });
    answers.forEach((a, i) => {
      extra.push({
        role: 'tool',
        tool_call_id: ids[i],
        name: made[i]!.name,
        content: resultText(a!.result),
      });
    });
  }
}
