import type { ConversationTurn, GoldenCase, ToolCall } from '../types.js';
import { caseHistory, openAiMessages } from './conversation.js';
import {
  BadResponseError,
  type ChatDialectOptions,
  type Dialect,
  type ParsedReply,
  parseJson,
  type StreamDecoder,
  setKeyHeader,
  streamCut,
  streamErrorEvent,
  streamErrorFrom,
  tokenCount,
} from './dialect.js';
import { buildMessages } from './template.js';
import { callFromText, MAX_TOOL_CALLS, tooManyToolCalls } from './tool-calls.js';

/** `apiVersion` is Azure OpenAI's `api-version` query; the key goes in `Authorization: Bearer` unless `keyHeader` says otherwise. */
export type OpenAiOptions = ChatDialectOptions;

interface Usage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
}

interface WireCall {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

interface Chunk {
  choices?: { index?: unknown; delta?: { content?: unknown; tool_calls?: unknown } }[];
  usage?: Usage | null;
  error?: unknown;
}

interface StreamedCall {
  id: string;
  name: string;
  args: string;
}

/**
 * One fragment into its call. The name is split across fragments by some servers ("look",
 * "up") and repeated whole in every fragment by others: a fragment that is the whole name so far
 * again is a repeat, not a second half.
 */
function addFragment(call: StreamedCall, d: WireCall): void {
  if (typeof d.id === 'string' && d.id !== '') call.id = d.id;
  const name = d.function?.name;
  if (typeof name === 'string' && name !== call.name) call.name += name;
  if (typeof d.function?.arguments === 'string') call.args += d.function.arguments;
}

/** The calls in index order; a slot that only ever got empty fragments was no call. */
function streamedCalls(calls: Map<number, StreamedCall>): ToolCall[] {
  return [...calls.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, c]) => c.id !== '' || c.name !== '' || c.args !== '')
    .map(([, c]) => callFromText(c.name, c.args, c.id));
}

/**
 * Chat-completions chunks: `data: {...}` with `choices[0].delta.content`, a final chunk with
 * `usage` (asked for with `stream_options.include_usage`), then `data: [DONE]`.
 */
function openAiStream(): StreamDecoder {
  let output = '';
  let usage: Usage | undefined;
  let done = false;
  // A stream that never carried choice 0 answered nothing, as a whole reply without choices[0].
  let chose = false;
  // Streamed tool calls arrive as fragments keyed by `index`: the id and name in the first, the
  // arguments' JSON text cut anywhere (mid-string, mid-escape) over the rest. Indexes need not
  // start at 0 or follow on (proxies number calls by their place among all content blocks):
  // calls are kept by index, in index order, with no empty call for an index never sent. Some
  // compatible servers leave `index` out: then a fragment with an id of its own starts the next
  // call, and any other continues the last one.
  let calls: Map<number, StreamedCall> | undefined;
  let lastAt = -1;
  const callDeltas = (deltas: unknown): boolean => {
    if (!Array.isArray(deltas) || deltas.length === 0) return false;
    calls ??= new Map();
    for (const d of deltas as WireCall[]) {
      const last = calls.get(lastAt);
      const at =
        typeof d?.index === 'number'
          ? d.index
          : last === undefined || (typeof d?.id === 'string' && d.id !== '' && d.id !== last.id)
            ? lastAt + 1
            : lastAt;
      if (!Number.isInteger(at) || at < 0)
        throw new BadResponseError(`a streamed tool call has the index ${String(d?.index)}`);
      let call = calls.get(at);
      if (call === undefined) {
        if (calls.size >= MAX_TOOL_CALLS) throw tooManyToolCalls();
        call = { id: '', name: '', args: '' };
        calls.set(at, call);
      }
      lastAt = Math.max(lastAt, at);
      addFragment(call, d);
    }
    return true;
  };
  return {
    event(type, data) {
      if (done) return false;
      if (data === '[DONE]') {
        done = true;
        return false;
      }
      // OpenAI sends `data: {"error": ...}`; some compatible servers name the event `error` too.
      if (type === 'error') throw streamErrorEvent(data);
      const chunk = parseJson(data, 'a stream event') as Chunk | null;
      if (chunk?.error) throw streamErrorFrom(chunk.error);
      if (chunk?.usage) usage = chunk.usage;
      const choices = chunk?.choices;
      if (!Array.isArray(choices)) return false;
      // With `n` > 1 choices interleave; the answer we score is choice 0, as in a whole reply.
      for (const choice of choices) {
        if (!choice || (choice.index ?? 0) !== 0) continue;
        chose = true;
        const delta = choice.delta;
        // A tool call counts as the first token: for a tool-only answer it is the answer.
        const called = delta?.tool_calls !== undefined && callDeltas(delta.tool_calls);
        const text = delta?.content;
        if (typeof text === 'string' && text.length > 0) {
          output += text;
          return true;
        }
        return called;
      }
      return false;
    },
    finish(): ParsedReply {
      if (!done) throw streamCut('[DONE]');
      if (!chose) throw new BadResponseError('the stream has no choices[0]: it sent no answer');
      const reply: ParsedReply = {
        output,
        input_tokens: tokenCount(usage?.prompt_tokens, 'usage.prompt_tokens'),
        output_tokens: tokenCount(usage?.completion_tokens, 'usage.completion_tokens'),
      };
      const made = calls && streamedCalls(calls);
      if (made?.length) reply.tool_calls = made;
      return reply;
    },
  };
}

/** The OpenAI chat-completions dialect (also spoken by vLLM, Ollama, LiteLLM, OpenRouter...). */
export function openAiDialect(o: OpenAiOptions): Dialect {
  // Path and query handled apart, so a base_url that already carries a query keeps it.
  const url = new URL(o.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  if (o.apiVersion) url.searchParams.set('api-version', o.apiVersion);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
  setKeyHeader(headers, o.apiKey, o.keyHeader);
  const streamOptions = {
    ...(o.params?.stream_options as Record<string, unknown> | undefined),
    include_usage: true,
  };
  // The target's tool keys go out as they are: the config holds them in the wire shape.
  const head = { model: o.model, ...o.params, ...o.tools };
  const dialect: Dialect = {
    buildRequest(c: GoldenCase, extra?: readonly ConversationTurn[]) {
      // A plain case's messages are already in the wire shape; a conversation is translated.
      const messages =
        c.messages || extra
          ? openAiMessages(caseHistory(c, o.templates, extra))
          : buildMessages(c, o.templates.prompt, o.templates.system);
      const body = o.stream
        ? { ...head, messages, stream: true, stream_options: streamOptions }
        : { ...head, messages };
      return { url, method: 'POST', headers, body: JSON.stringify(body) };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body) as {
        choices?: { message?: { content?: unknown; tool_calls?: unknown } }[];
        usage?: Usage;
      };
      const message = json?.choices?.[0]?.message;
      const content = message?.content;
      let output: string;
      if (typeof content === 'string') output = content;
      else if (content === null) output = '';
      else if (Array.isArray(content)) {
        output = content
          .map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : ''))
          .join('');
      } else if (content === undefined && message?.tool_calls !== undefined) output = '';
      else throw new BadResponseError('the reply has no choices[0].message.content');
      const reply: ParsedReply = {
        output,
        input_tokens: tokenCount(json.usage?.prompt_tokens, 'usage.prompt_tokens'),
        output_tokens: tokenCount(json.usage?.completion_tokens, 'usage.completion_tokens'),
      };
      const calls = message?.tool_calls;
      if (Array.isArray(calls) && calls.length > 0) reply.tool_calls = wholeCalls(calls);
      return reply;
    },
  };
  if (o.templates.prompt === undefined && o.templates.system === undefined)
    dialect.fillsTemplates = false;
  if (o.stream) dialect.openStream = openAiStream;
  return dialect;
}

/** `message.tool_calls` of a whole reply: `{id, type: 'function', function: {name, arguments}}`. */
function wholeCalls(calls: unknown[]): ToolCall[] {
  if (calls.length > MAX_TOOL_CALLS) throw tooManyToolCalls();
  return (calls as WireCall[]).map((c) =>
    callFromText(c?.function?.name, c?.function?.arguments, c?.id),
  );
}
