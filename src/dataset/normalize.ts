import { createHash } from 'node:crypto';
import { zodProblems } from '../config/load.js';
import { scorerSchema } from '../config/schema.js';
import type { InputProblem } from '../errors.js';
import type { ChatMessage, ConversationTurn, GoldenCase, ScorerSpec } from '../types.js';
import { closest } from '../util/closest.js';
import { checkMessages } from './conversation.js';
import { checkContext, checkSources, MAX_LIST_ITEMS } from './rag-fields.js';
import { describeValue, isPlainObject, type RawRecord } from './raw.js';
import { readToolCalls, readToolResults, type ToolCallProblem } from './tool-call.js';

// Other tools' names for our fields, so their files load as they are: OpenAI evals (`ideal`),
// inspect (`target`), DeepEval (`expected_output`, `retrieval_context`, `expected_tools`), Ragas
// (`reference`, `user_input`, `retrieved_contexts`, `reference_tool_calls`,
// `reference_context_ids`; `contexts` before v0.2). In order of preference when a file somehow
// has several; the canonical name always wins.
export const ALIASES = {
  input: ['user_input'],
  expected: ['ideal', 'target', 'expected_output', 'reference'],
  messages: [],
  expected_tool_calls: ['expected_tools', 'reference_tool_calls'],
  tool_results: [],
  context: ['retrieved_contexts', 'retrieval_context', 'contexts'],
  expected_sources: ['reference_context_ids'],
} as const satisfies Record<string, readonly string[]>;

type AliasedField = keyof typeof ALIASES;
const ALIASED_FIELDS = Object.keys(ALIASES) as AliasedField[];
/** Each field's names in order of preference: the canonical one, then its aliases. */
const NAMES = {} as Record<AliasedField, readonly string[]>;
for (const f of ALIASED_FIELDS) NAMES[f] = [f, ...ALIASES[f]];

const CANONICAL = new Set(['id', 'tags', 'vars', 'metadata', 'assert', ...ALIASED_FIELDS]);

/**
 * Fields that record a past run rather than the golden case (DeepEval's `actual_output` and
 * `tools_called`): kept, they would sit in metadata looking like a reference answer.
 */
const IGNORED = new Set(['actual_output', 'tools_called']);

export interface NormalizedCase {
  testCase: GoldenCase;
  /** The id was derived from the input, which matters when explaining a duplicate. */
  generatedId: boolean;
}

/**
 * Checks one record and renames aliases. Problems go to `problems` (all of them, so a user fixes
 * a case in one go); the case comes back only when it had none.
 */
export function normalizeRecord(
  raw: RawRecord,
  file: string,
  problems: InputProblem[],
): NormalizedCase | undefined {
  const rec = raw.value;
  if (!isPlainObject(rec)) {
    problems.push({
      file,
      line: raw.line,
      message: `each case must be an object with an "input", got ${describeValue(rec)}`,
    });
    return undefined;
  }
  const before = problems.length;
  const report = (at: PropertyKey[], message: string) =>
    problems.push({ file, line: raw.lineOf?.(at) ?? raw.line, path: at.join('.'), message });

  const keys = {} as Record<AliasedField, string | undefined>;
  for (const field of ALIASED_FIELDS) keys[field] = pick(rec, field);
  const inputKey = keys.input;
  const messagesKey = keys.messages;
  let input: GoldenCase['input'] | undefined;
  if (inputKey === undefined && messagesKey === undefined) {
    const hint = closest(
      'input',
      Object.keys(rec).filter((k) => !CANONICAL.has(k)),
    );
    problems.push({
      file,
      line: raw.line,
      path: 'input',
      message: `is required: the question or chat messages to send (alias: "user_input"), or the conversation as "messages"${
        hint ? `; did you mean "${hint}"?` : ''
      }`,
    });
  } else if (inputKey !== undefined) {
    if (messagesKey !== undefined && typeof rec[inputKey] !== 'string') {
      report(
        [inputKey],
        `must be a string when the case has "${messagesKey}": it is sent as the last user turn (put the other turns in "${messagesKey}")`,
      );
    } else input = checkInput(rec[inputKey], inputKey, report);
  }
  let messages: ConversationTurn[] | undefined;
  if (messagesKey !== undefined) {
    // An input that failed its own check still stands for a user turn: one problem, not two.
    const last = inputKey === undefined ? undefined : typeof input === 'string' ? input : '';
    messages = checkMessages(rec[messagesKey], messagesKey, last, report);
  }

  const id = checkId(rec.id, report);
  const tags = checkTags(rec.tags, report);
  const vars = checkObject(rec.vars, 'vars', report);
  const explicitMetadata = checkObject(rec.metadata, 'metadata', report);
  const assert = checkAssert(rec.assert, file, raw, problems);
  const located = (key: string, found: ToolCallProblem[]) => {
    for (const p of found) report([key, ...p.at], p.message);
  };
  const expectedCalls = keys.expected_tool_calls;
  const calls =
    expectedCalls === undefined
      ? undefined
      : readToolCalls(rec[expectedCalls], { argumentsOptional: true }, MAX_LIST_ITEMS);
  if (calls && expectedCalls) located(expectedCalls, calls.problems);
  const resultsKey = keys.tool_results;
  const results =
    resultsKey === undefined ? undefined : readToolResults(rec[resultsKey], MAX_LIST_ITEMS);
  if (results && resultsKey) located(resultsKey, results.problems);
  const contextKey = keys.context;
  const context =
    contextKey === undefined ? undefined : checkContext(rec[contextKey], contextKey, report);
  const sourcesKey = keys.expected_sources;
  const sources =
    sourcesKey === undefined ? undefined : checkSources(rec[sourcesKey], sourcesKey, report);

  if (problems.length > before) return undefined;
  if (input === undefined) {
    if (messages === undefined) return undefined;
    // No last user turn to add: the conversation is the whole question (hasInput on the wire).
    input = '';
  }

  // Unknown fields are other tools' columns (inspect `choices`, Ragas `response`...): keep them
  // where templates and slices can reach them rather than reject the file.
  const metadata: Record<string, unknown> = {};
  for (const key in rec) {
    if (!Object.hasOwn(rec, key) || CANONICAL.has(key) || IGNORED.has(key)) continue;
    const value = rec[key];
    if (value === undefined || value === null || usedAsAlias(keys, key)) continue;
    metadata[key] = value;
  }
  Object.assign(metadata, explicitMetadata);

  const testCase: GoldenCase = {
    id: id ?? hashId(input, { messages, context }),
    input,
    tags,
    vars,
    metadata,
    assert,
    source: { file, line: raw.line },
  };
  if (keys.expected !== undefined) testCase.expected = rec[keys.expected];
  if (messages) testCase.messages = messages;
  if (calls?.calls) testCase.expected_tool_calls = calls.calls;
  if (results?.results) testCase.tool_results = results.results;
  if (context) testCase.context = context;
  if (sources) testCase.expected_sources = sources;
  return { testCase, generatedId: id === undefined };
}

/**
 * `case-` and 12 hex digits of the hash of what the case sends: stable across runs, so reports
 * pair up. The conversation and the passages are part of it, so two conversations that end in
 * the same question never share an id; a case with neither hashes its input alone, as it always
 * did, so existing ids stay.
 */
export function hashId(
  input: GoldenCase['input'],
  sent: Pick<GoldenCase, 'messages' | 'context'> = {},
): string {
  const { messages, context } = sent;
  const what = messages || context ? { input, messages, context } : input;
  return `case-${createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 12)}`;
}

/** Whether `key` is the alias a field was read from (canonical names never reach here). */
function usedAsAlias(keys: Record<AliasedField, string | undefined>, key: string): boolean {
  for (const field of ALIASED_FIELDS) if (keys[field] === key) return true;
  return false;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** The canonical field if given, else the first alias that is (DeepEval writes nulls for unset fields). */
function pick(rec: Record<string, unknown>, field: AliasedField): string | undefined {
  for (const k of NAMES[field]) if (present(rec[k])) return k;
  return undefined;
}

type Report = (at: PropertyKey[], message: string) => void;

export function isChatArray(v: unknown): v is ChatMessage[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((m) => isPlainObject(m) && typeof m.role === 'string' && typeof m.content === 'string')
  );
}

function checkInput(v: unknown, key: string, report: Report): GoldenCase['input'] | undefined {
  if (typeof v === 'string') {
    if (v.trim() !== '') return v;
    report([key], 'must not be empty');
    return undefined;
  }
  if (!Array.isArray(v)) {
    report(
      [key],
      `must be a string or a list of {role, content} messages, got ${describeValue(v)}`,
    );
    return undefined;
  }
  if (v.length === 0) {
    report([key], 'must not be an empty list of messages');
    return undefined;
  }
  let ok = true;
  v.forEach((m, i) => {
    if (!isPlainObject(m)) {
      report([key, i], `each message must be an object {role, content}, got ${describeValue(m)}`);
      ok = false;
      return;
    }
    if (typeof m.role !== 'string' || m.role === '') {
      report(
        [key, i, 'role'],
        m.role === undefined
          ? 'is required'
          : `must be a non-empty string, got ${describeValue(m.role)}`,
      );
      ok = false;
    }
    if (typeof m.content !== 'string') {
      report(
        [key, i, 'content'],
        m.content === undefined
          ? 'is required'
          : `must be a string, got ${describeValue(m.content)}`,
      );
      ok = false;
    }
  });
  // Only role and content are sent; extra keys (OpenAI evals' `name`) have no place in the request.
  return ok ? v.map((m) => ({ role: m.role, content: m.content })) : undefined;
}

/** An id names a case in every table, comment and test viewer: a sentence at most. */
export const MAX_ID_CHARS = 256;

function checkId(v: unknown, report: Report): string | undefined {
  if (!present(v)) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) {
    // 1234567890123456789 reads as 1234567890123456800: a changed id (and two ids past 2^53
    // can read as one). Only a string keeps such an id as written.
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
      report(
        ['id'],
        'is a whole number past 2^53, which JSON and YAML numbers cannot hold exactly: write it as a string ("id": "…")',
      );
      return undefined;
    }
    return String(v);
  }
  if (typeof v === 'string' && v.length > MAX_ID_CHARS) {
    report(['id'], `is ${v.length} characters long; keep ids to ${MAX_ID_CHARS} or fewer`);
    return undefined;
  }
  if (typeof v === 'string' && v.trim() !== '') return v;
  report(
    ['id'],
    typeof v === 'string'
      ? 'is blank: give the case an id, or leave the key out to have one made from its input'
      : `must be a non-empty string or a number, got ${describeValue(v)}`,
  );
  return undefined;
}

function checkTags(v: unknown, report: Report): string[] {
  if (!present(v)) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    const bad = v.findIndex((t) => typeof t !== 'string');
    if (bad === -1) return v as string[];
    report(['tags', bad], `must be a string, got ${describeValue(v[bad])}`);
    return [];
  }
  report(['tags'], `must be a string or a list of strings, got ${describeValue(v)}`);
  return [];
}

function checkObject(v: unknown, field: string, report: Report): Record<string, unknown> {
  if (!present(v)) return {};
  if (isPlainObject(v)) return v;
  report([field], `must be an object (key: value), got ${describeValue(v)}`);
  return {};
}

function checkAssert(
  v: unknown,
  file: string,
  raw: RawRecord,
  problems: InputProblem[],
): ScorerSpec[] {
  if (!present(v)) return [];
  const lineOf = (at: PropertyKey[]) => raw.lineOf?.(at) ?? raw.line;
  if (!Array.isArray(v)) {
    problems.push({
      file,
      line: lineOf(['assert']),
      path: 'assert',
      message: `must be a list of scorers, got ${describeValue(v)}`,
    });
    return [];
  }
  const out: ScorerSpec[] = [];
  v.forEach((item, i) => {
    const parsed = scorerSchema.safeParse(item);
    if (parsed.success) out.push(parsed.data as ScorerSpec);
    else
      problems.push(
        ...zodProblems(parsed.error.issues, file, lineOf, scorerSchema, item, ['assert', i]),
      );
  });
  return out;
}
