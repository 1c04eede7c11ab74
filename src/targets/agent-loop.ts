import type {
  AgentStep,
  AgentStop,
  CallError,
  CallResult,
  ConversationTurn,
  GoldenCase,
  ToolCall,
  ToolResult,
} from '../types.js';
import { nestedDeeperThan } from '../util/json-depth.js';
import { cutText } from '../util/redact.js';
import { roundMs } from '../util/round-ms.js';
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

/**
 * The largest request body a loop sends, in bytes. Each step re-sends the whole history, so a
 * model answering with megabytes of arguments grows it by as much every step: unbounded, a few
 * steps of 100 MB replies outgrew what a string can hold and crashed the run. 64 MiB is far
 * above what a real agent sends (Anthropic's Messages API takes at most 32 MB).
 */
export const MAX_AGENT_REQUEST_BYTES = 64 * 1024 * 1024;

/**
 * How deeply a call's arguments may nest to be sent back to the model. The step that made the
 * call records it whatever its depth, as a single call does; only the next request needs its JSON
 * text, which a value nested thousands of levels cannot be turned into (the stack overflows).
 * The bound of an http app's structured answer (MAX_OUTPUT_DEPTH), for the same reason.
 */
export const MAX_ARGUMENT_DEPTH = 100;

/** What a tool turn carries: a string result as it is, anything else as JSON. */
function resultText(result: unknown): string {
  return typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null');
}

/** Why the calls of step `n` cannot go back to the model, or undefined when they can. */
function unsendable(made: readonly ToolCall[], n: number): CallError | undefined {
  const deep = made.find((m) => nestedDeeperThan(m.arguments, MAX_ARGUMENT_DEPTH));
  if (deep === undefined) return undefined;
  return {
    kind: 'bad_response',
    message: `the arguments of the call to ${cutText(deep.name, 80)} in step ${n + 1} nest more than ${MAX_ARGUMENT_DEPTH} levels deep; they cannot be sent back to the model`,
  };
}

/**
 * The next step's request, or the error that ends the loop instead: a history past `maxBytes`,
 * or anything else a reply holds that cannot be sent (caught rather than thrown: a loop's
 * outcome is always a CallResult).
 */
function nextRequest(
  t: Target,
  c: GoldenCase,
  extra: readonly ConversationTurn[],
  n: number,
  maxBytes: number,
): OutgoingRequest | CallError {
  const tooLarge: CallError = {
    kind: 'too_large',
    message: `step ${n + 1} of the agent loop would send more than ${maxBytes} bytes of history, the most one request of a loop may carry; the model's replies grew it step by step`,
  };
  try {
    const req = t.dialect.buildRequest(c, extra);
    return Buffer.byteLength(req.body ?? '') > maxBytes ? tooLarge : req;
  } catch (err) {
    // Past V8's longest string: the same bound, reached before it could be measured.
    if (err instanceof RangeError && /string length/i.test(err.message)) return tooLarge;
    return {
      kind: 'bad_response',
      message: `step ${n + 1}'s request could not be built from the replies so far: ${cutText(String((err as Error)?.message ?? err), 160)}`,
    };
  }
}

/**
 * Runs the loop for one case: at most `t.maxSteps` model calls. Never throws (as callTarget).
 *
 * Sums over the steps: latency, tokens, cost and attempts; TTFT is the first step's (what a user
 * waits before anything happens). `output` is the last step's text; `tool_calls` every call of
 * every step in order. A step that fails makes the case an error of that step's kind and keeps
 * the steps before it; so do calls that cannot be sent back (`bad_response`: arguments nested
 * past MAX_ARGUMENT_DEPTH) and a history past `maxRequestBytes` (`too_large`). A call the case
 * has no result for (`no_result`) and the step limit (`max_steps`) end the loop with an answer
 * that is scored like any other.
 */
export async function callAgent(
  t: Target,
  c: GoldenCase,
  signal?: AbortSignal,
  /** The first step's request, when the caller already built it (the runner does). */
  first?: OutgoingRequest,
  /** The bound on every later request's body (tests lower it). */
  maxRequestBytes = MAX_AGENT_REQUEST_BYTES,
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
    // No step at all when the first request could not be built (a caller that passed none).
    const last = steps.at(-1);
    if (last) last.stop = stop;
    return total;
  };
  // The last step was answered, but what it said cannot go on to the next: the case fails.
  const fail = (error: CallError): CallResult => {
    total.output = null;
    const message = `target ${t.role}: ${error.message}`;
    total.error = { kind: error.kind, message: t.redact ? t.redact(message) : message };
    return end('error');
  };
  let req = first;
  for (let n = 0; ; n++) {
    if (signal?.aborted) {
      total.output = null;
      total.error = { kind: 'aborted', message: 'the run was cancelled' };
      return total;
    }
    if (n > 0 || req === undefined) {
      const next = nextRequest(t, c, extra, n, maxRequestBytes);
      if (!('url' in next)) return fail(next);
      req = next;
    }
    const call = await callTarget(t, c, signal, req);
    // Rounded as the answer's own timings are (scoreCall), so the steps add up to the answer.
    const latency = roundMs(call.latency_ms);
    const made = call.tool_calls ?? [];
    const step: AgentStep = {
      output: call.output,
      tool_calls: made,
      latency_ms: latency,
      input_tokens: call.input_tokens,
      output_tokens: call.output_tokens,
    };
    if (call.ttft_ms !== undefined) step.ttft_ms = roundMs(call.ttft_ms);
    steps.push(step);
    total.latency_ms += latency;
    total.input_tokens += call.input_tokens;
    total.output_tokens += call.output_tokens;
    total.cost_usd += call.cost_usd;
    total.attempts += call.attempts;
    if (n === 0 && step.ttft_ms !== undefined) total.ttft_ms = step.ttft_ms;
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
    const unfit = unsendable(made, n);
    if (unfit) return fail(unfit);
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
