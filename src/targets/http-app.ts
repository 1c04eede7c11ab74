import { MAX_LIST_ITEMS } from '../dataset/rag-fields.js';
import { describeValue } from '../dataset/raw.js';
import { readToolCall } from '../dataset/tool-call.js';
import type { ConversationTurn, GoldenCase, ToolCall } from '../types.js';
import { getPath } from '../util/dot-path.js';
import { nestedDeeperThan } from '../util/json-depth.js';
import {
  BadResponseError,
  type Dialect,
  type ParsedReply,
  parseJson,
  setKeyHeader,
  tokenCount,
} from './dialect.js';
import { placeholders, renderTemplate, TemplateError } from './template.js';
import { MAX_TOOL_CALLS, tooManyToolCalls } from './tool-calls.js';

export interface HttpAppOptions {
  url: string;
  method: string;
  apiKey?: string;
  /** The header that carries the key; `authorization` (the default) sends `Bearer <key>`. */
  keyHeader?: string;
  headers?: Record<string, string>;
  body?: unknown;
  output: string;
  usage?: { input_tokens?: string; output_tokens?: string };
  /** Dot path to the tool calls the app made (its own agent's trajectory). */
  toolCalls?: string;
  /** Dot path to the passages the app retrieved. */
  context?: string;
}

/**
 * A structured answer (an object or a list at the output path) is scored as its JSON text. Past
 * this depth it is refused as bad_response rather than stringified: no real answer nests so
 * deep, and the text would overflow the stack of whatever parses and walks it next (a
 * json_schema scorer, say).
 */
export const MAX_OUTPUT_DEPTH = 100;

function outputText(out: unknown, path: string): string {
  if (typeof out === 'string') return out;
  if (nestedDeeperThan(out, MAX_OUTPUT_DEPTH)) {
    throw new BadResponseError(
      `the value at "${path}" is nested more than ${MAX_OUTPUT_DEPTH} levels deep; not read as an answer`,
    );
  }
  return JSON.stringify(out);
}

/** The conversation a case sends: its messages, then its input (when it has one) as a user turn. */
function conversationOf(c: GoldenCase): readonly ConversationTurn[] | GoldenCase['input'] {
  const last: ConversationTurn[] =
    typeof c.input === 'string' && c.input.trim() !== ''
      ? [{ role: 'user', content: c.input }]
      : [];
  if (c.messages) return [...c.messages, ...last];
  return typeof c.input === 'string' ? last : c.input;
}

/** A whole-value placeholder: the string is exactly `{{name}}`. */
const WHOLE = /^\{\{\s*(input|messages|context)\s*\}\}$/;

/**
 * Every string in the body template is templated. A string that is exactly one placeholder of a
 * structured value is replaced by the value itself: `{{input}}` of a chat array, `{{messages}}`
 * (the conversation, or the input as one user turn) and `{{context}}` (the passages, or []).
 */
function renderBody(template: unknown, c: GoldenCase): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template)?.[1];
    if (whole === 'messages') return conversationOf(c);
    if (whole === 'context') return c.context ?? [];
    if (whole === 'input' && typeof c.input !== 'string') return c.input;
    return renderTemplate(template, c);
  }
  if (Array.isArray(template)) return template.map((t) => renderBody(t, c));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderBody(v, c)]));
  }
  return template;
}

/** The url with the case filled in, each value percent-encoded so it cannot change the URL's shape. */
function renderUrl(template: string, c: GoldenCase): URL {
  const text = renderTemplate(template, c, undefined, encodeURIComponent);
  try {
    return new URL(text);
  } catch {
    throw new TemplateError(`the url is not a valid URL once filled in for case "${c.id}"`);
  }
}

/**
 * The user's own application endpoint: a JSON body template in (POST, PUT), or the case in the
 * url itself (`?q={{input}}`, for GET), and a dot path to the answer out.
 */
export function httpAppDialect(o: HttpAppOptions): Dialect {
  const fixedUrl = placeholders(o.url).length ? undefined : new URL(o.url);
  const hasBody = o.method !== 'GET';
  // A GET carries no body, so it declares no content type.
  const headers: Record<string, string> = hasBody
    ? { 'content-type': 'application/json', ...o.headers }
    : { ...o.headers };
  setKeyHeader(headers, o.apiKey, o.keyHeader);
  // Without a body of its own, an app is sent the question, and the conversation when the
  // case has one: a conversation that never reached the app would be scored as if it had.
  const bodyFor = (c: GoldenCase) =>
    o.body ??
    (c.messages ? { input: '{{input}}', messages: '{{messages}}' } : { input: '{{input}}' });
  return {
    buildRequest(c: GoldenCase) {
      const url = fixedUrl ?? renderUrl(o.url, c);
      const body = hasBody ? JSON.stringify(renderBody(bodyFor(c), c)) : undefined;
      return { url, method: o.method, headers, body };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body);
      const out = getPath(json, o.output);
      const toolCalls = o.toolCalls === undefined ? undefined : readCalls(json, o.toolCalls);
      // An app whose answer is only a tool call has answered: its calls are what gets scored.
      if ((out === undefined || out === null) && !toolCalls?.length)
        throw new BadResponseError(`the reply has nothing at "${o.output}"`);
      return {
        output: out === undefined || out === null ? '' : outputText(out, o.output),
        ...(toolCalls ? { tool_calls: toolCalls } : {}),
        ...(o.context === undefined ? {} : readContext(json, o.context)),
        input_tokens: o.usage?.input_tokens
          ? tokenCount(getPath(json, o.usage.input_tokens), o.usage.input_tokens)
          : 0,
        output_tokens: o.usage?.output_tokens
          ? tokenCount(getPath(json, o.usage.output_tokens), o.usage.output_tokens)
          : 0,
      };
    },
  };
}

/**
 * The app's tool calls at `path`: a list of calls in the OpenAI or the plain shape. A missing
 * path is a bad_response, not "no calls": a typo in the path would otherwise score every case
 * as a model that never calls a tool. null and [] are no calls. Arguments that are not JSON are
 * kept as such (scored as wrong); a call without a name is not a call. More calls than any
 * dialect reads in one reply is `too_large`.
 */
function readCalls(json: unknown, path: string): ToolCall[] {
  const v = getPath(json, path);
  if (v === undefined) throw new BadResponseError(`the reply has no tool calls at "${path}"`);
  if (v === null) return [];
  if (!Array.isArray(v))
    throw new BadResponseError(
      `the tool calls at "${path}" are not a list (got ${describeValue(v)})`,
    );
  // The bound every dialect keeps (and the cache's), so an app's answer is cached like a model's.
  if (v.length > MAX_TOOL_CALLS) throw tooManyToolCalls();
  return v.map((item, i) => {
    const r = readToolCall(item, { recordInvalid: true });
    if (r.call) return r.call;
    const p = r.problems[0]!;
    throw new BadResponseError(
      `the tool call at "${[path, i, ...p.at].join('.')}" is not readable: ${p.message}`,
    );
  });
}

/** Where a passage object keeps its text and its source id (LangChain documents included). */
const TEXT_KEYS = ['text', 'content', 'page_content'] as const;
const ID_KEYS = ['id', 'source'] as const;

/**
 * The passages the app retrieved, at `path`: strings, or objects with the text under `text`,
 * `content` or `page_content` and the source id, when it names one, under `id` or `source` (or
 * a LangChain document's `metadata.source`). Missing or malformed is a bad_response.
 */
function readContext(json: unknown, path: string): { context: string[]; sources?: string[] } {
  const v = getPath(json, path);
  if (v === undefined) throw new BadResponseError(`the reply has no passages at "${path}"`);
  if (v === null) return { context: [] };
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list))
    throw new BadResponseError(
      `the passages at "${path}" are not a list (got ${describeValue(v)})`,
    );
  if (list.length > MAX_LIST_ITEMS)
    throw new BadResponseError(
      `the reply has ${list.length} passages at "${path}"; more than ${MAX_LIST_ITEMS} is not read`,
    );
  const context: string[] = [];
  const sources: string[] = [];
  list.forEach((p, i) => {
    if (typeof p === 'string') {
      context.push(p);
      return;
    }
    const fields =
      p !== null && typeof p === 'object' && !Array.isArray(p)
        ? (p as Record<string, unknown>)
        : undefined;
    const text = fields && TEXT_KEYS.map((k) => fields[k]).find((t) => typeof t === 'string');
    if (typeof text !== 'string') {
      throw new BadResponseError(
        `the passage at "${path}.${i}" is ${describeValue(p)} without text: give a string, or an object with "text" or "content"`,
      );
    }
    context.push(text);
    const meta = fields!.metadata as Record<string, unknown> | null | undefined;
    const id = [...ID_KEYS.map((k) => fields![k]), meta?.source].find(
      (x) => (typeof x === 'string' && x !== '') || (typeof x === 'number' && Number.isFinite(x)),
    );
    if (id !== undefined) sources.push(String(id));
  });
  return sources.length > 0 ? { context, sources } : { context };
}
