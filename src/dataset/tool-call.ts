import type { ToolCall, ToolResult } from '../types.js';
import { describeValue, isPlainObject } from './raw.js';

// A tool call arrives in two shapes: the OpenAI wire shape {id, type: 'function', function: {name,
// arguments: '<JSON text>'}} (what logs and exports of OpenAI conversations hold) and the plain
// shape {name, arguments: {...}} people write by hand. Both read into one ToolCall. Golden files
// and http apps share this reader, so "a tool call" means the same thing in both.

/** Where a problem is inside the value read, and what it is. */
export interface ToolCallProblem {
  at: (string | number)[];
  message: string;
}

/** A tool name in a table, a reason or a comment: a short identifier, never a paragraph. */
export const MAX_TOOL_NAME_CHARS = 256;

/**
 * Other tools' names for a call's arguments: Ragas `args`, DeepEval `input_parameters`,
 * Anthropic's `tool_use` blocks `input`. The canonical name wins.
 */
const ARGUMENT_KEYS = ['arguments', 'args', 'input_parameters', 'input'] as const;

export interface ReadToolCallOptions {
  /** Expected calls: no arguments means "any arguments", kept as undefined. Else absent is {}. */
  argumentsOptional?: boolean;
  /**
   * Answers of an app under test: arguments that are not a JSON object are recorded as such
   * (`arguments: null`, `invalid_arguments`) to be scored as wrong. In a golden file they are
   * a problem: the author meant something and should say it.
   */
  recordInvalid?: boolean;
}

/** One call in either shape; `problems` holds every fault found (the call only when none). */
export function readToolCall(
  v: unknown,
  options: ReadToolCallOptions = {},
): { call?: ToolCall; problems: ToolCallProblem[] } {
  const problems: ToolCallProblem[] = [];
  const fault = (at: (string | number)[], message: string) => problems.push({ at, message });
  if (!isPlainObject(v)) {
    fault([], `each tool call must be an object {name, arguments}, got ${describeValue(v)}`);
    return { problems };
  }
  const wire = v.function !== undefined;
  let fields: Record<string, unknown> = v;
  let prefix: string[] = [];
  if (wire) {
    if (!isPlainObject(v.function)) {
      fault(['function'], `must be an object {name, arguments}, got ${describeValue(v.function)}`);
      return { problems };
    }
    if (v.type !== undefined && v.type !== 'function') {
      fault(
        ['type'],
        `must be "function" (the only kind of tool call), got ${JSON.stringify(v.type)}`,
      );
    }
    fields = v.function;
    prefix = ['function'];
  }

  const name = fields.name;
  if (typeof name !== 'string' || name.trim() === '') {
    fault(
      [...prefix, 'name'],
      name === undefined
        ? "is required: the tool's name"
        : `must be a non-empty string, got ${describeValue(name)}`,
    );
  } else if (name.length > MAX_TOOL_NAME_CHARS) {
    fault(
      [...prefix, 'name'],
      `is ${name.length} characters long; keep tool names to ${MAX_TOOL_NAME_CHARS} or fewer`,
    );
  }

  const argKey = wire
    ? 'arguments'
    : ARGUMENT_KEYS.find((k) => fields[k] !== undefined && fields[k] !== null);
  const raw = argKey === undefined ? undefined : fields[argKey];
  const args = readArguments(raw, options);
  if ('problem' in args) fault([...prefix, argKey ?? 'arguments'], args.problem);

  let id: string | undefined;
  if (v.id !== undefined && v.id !== null) {
    if (typeof v.id === 'string' && v.id !== '') id = v.id;
    else fault(['id'], `must be a non-empty string, got ${describeValue(v.id)}`);
  }
  if (problems.length > 0) return { problems };
  const call: ToolCall = { name: name as string, arguments: 'value' in args ? args.value : null };
  if (id !== undefined) call.id = id;
  if ('invalid' in args) call.invalid_arguments = args.invalid;
  return { call, problems };
}

type Arguments = { value: unknown } | { invalid: string } | { problem: string };

function readArguments(raw: unknown, o: ReadToolCallOptions): Arguments {
  if (raw === undefined || raw === null) return { value: o.argumentsOptional ? undefined : {} };
  if (isPlainObject(raw)) return { value: raw };
  if (typeof raw === 'string') {
    // OpenAI sends "" for a function that takes no arguments.
    if (raw.trim() === '') return { value: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      if (o.recordInvalid) return { invalid: raw };
      return { problem: `is not valid JSON: ${(err as Error).message}` };
    }
    if (isPlainObject(parsed)) return { value: parsed };
    if (o.recordInvalid) return { invalid: raw };
    return { problem: `must hold a JSON object, got ${describeValue(parsed)}` };
  }
  if (o.recordInvalid) return { invalid: JSON.stringify(raw) };
  return { problem: `must be an object (or its JSON text), got ${describeValue(raw)}` };
}

/** A list of calls: each read with `options`, problems located by index. */
export function readToolCalls(
  v: unknown,
  options: ReadToolCallOptions,
  maxItems: number,
): { calls?: ToolCall[]; problems: ToolCallProblem[] } {
  if (!Array.isArray(v)) {
    return {
      problems: [{ at: [], message: `must be a list of tool calls, got ${describeValue(v)}` }],
    };
  }
  if (v.length > maxItems) {
    return {
      problems: [
        { at: [], message: `has ${v.length} tool calls; keep it to ${maxItems} or fewer` },
      ],
    };
  }
  const calls: ToolCall[] = [];
  const problems: ToolCallProblem[] = [];
  v.forEach((item, i) => {
    const r = readToolCall(item, options);
    if (r.call) calls.push(r.call);
    for (const p of r.problems) problems.push({ at: [i, ...p.at], message: p.message });
  });
  return problems.length > 0 ? { problems } : { calls, problems };
}

/**
 * Canned results an agent loop feeds back: `{name, arguments?, result}` (DeepEval's `output` is
 * read as `result`), the call in either shape. A result is any JSON value, null included: a tool
 * may well answer nothing.
 */
export function readToolResults(
  v: unknown,
  maxItems: number,
): { results?: ToolResult[]; problems: ToolCallProblem[] } {
  if (!Array.isArray(v)) {
    return {
      problems: [
        {
          at: [],
          message: `must be a list of {name, arguments?, result}, got ${describeValue(v)}`,
        },
      ],
    };
  }
  if (v.length > maxItems) {
    return {
      problems: [{ at: [], message: `has ${v.length} results; keep it to ${maxItems} or fewer` }],
    };
  }
  const results: ToolResult[] = [];
  const problems: ToolCallProblem[] = [];
  v.forEach((item, i) => {
    const r = readToolCall(item, { argumentsOptional: true });
    for (const p of r.problems) problems.push({ at: [i, ...p.at], message: p.message });
    if (!isPlainObject(item)) return;
    const key = 'result' in item ? 'result' : 'output' in item ? 'output' : undefined;
    if (key === undefined) {
      problems.push({
        at: [i, 'result'],
        message:
          'is required: what the tool returns (a string is sent as is, anything else as JSON)',
      });
      return;
    }
    if (!r.call) return;
    const result: ToolResult = { name: r.call.name, result: item[key] };
    if (r.call.arguments !== undefined)
      result.arguments = r.call.arguments as Record<string, unknown>;
    results.push(result);
  });
  return problems.length > 0 ? { problems } : { results, problems };
}
