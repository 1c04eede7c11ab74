import type { ToolChoice } from '../config/tools-schema.js';
import type { ConversationTurn, GoldenCase, ToolCall } from '../types.js';
import { anthropicMessages, caseHistory } from './conversation.js';
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
  type ToolOptions,
  tokenCount,
} from './dialect.js';
import { buildMessages } from './template.js';
import { callFromObject, callFromText, MAX_TOOL_CALLS, tooManyToolCalls } from './tool-calls.js';

/** `apiVersion` is the `anthropic-version` header; the key goes in `x-api-key` unless `keyHeader` says otherwise. */
export type AnthropicOptions = ChatDialectOptions;

// The Messages API requires max_tokens; a gate should not fail on a missing knob the user never
// thought about, so we send a generous default that params can override.
const DEFAULT_MAX_TOKENS = 1024;
const DEFAULT_VERSION = '2023-06-01';

interface Usage {
  input_tokens?: unknown;
  output_tokens?: unknown;
}

interface StreamEvent {
  type?: unknown;
  index?: unknown;
  message?: { usage?: Usage };
  content_block?: { type?: unknown; text?: unknown; id?: unknown; name?: unknown };
  delta?: { type?: unknown; text?: unknown; partial_json?: unknown };
  usage?: Usage;
  error?: unknown;
}

/**
 * Messages streaming: `message_start` (usage.input_tokens), `content_block_start` and
 * `content_block_delta` (`text_delta`), `message_delta` (cumulative usage.output_tokens),
 * `message_stop`; `ping` and thinking or tool deltas carry no answer text.
 */
function anthropicStream(): StreamDecoder {
  let output = '';
  let inputTokens: unknown;
  let outputTokens: unknown;
  let done = false;
  // tool_use blocks by their content index: id and name from content_block_start, the input's
  // JSON text from input_json_delta fragments, parsed once the stream is complete.
  let calls: Map<number, { id: unknown; name: unknown; json: string }> | undefined;
  const toolStart = (index: unknown, block: { id?: unknown; name?: unknown }) => {
    calls ??= new Map();
    if (calls.size >= MAX_TOOL_CALLS) throw tooManyToolCalls();
    calls.set(Number(index), { id: block.id, name: block.name, json: '' });
    return true;
  };
  const text = (t: unknown) => {
    if (typeof t !== 'string' || t.length === 0) return false;
    output += t;
    return true;
  };
  return {
    event(type, data) {
      if (done) return false;
      if (type === 'error') throw streamErrorEvent(data);
      // The most frequent events that carry nothing for us; no need to parse them.
      if (type === 'ping' || type === 'content_block_stop') return false;
      const ev = parseJson(data, 'a stream event') as StreamEvent | null;
      // The data repeats the event name in `type`; trust it when the `event:` line is missing.
      const name = typeof ev?.type === 'string' ? ev.type : type;
      switch (name) {
        case 'message_start':
          inputTokens = ev?.message?.usage?.input_tokens ?? inputTokens;
          outputTokens = ev?.message?.usage?.output_tokens ?? outputTokens;
          return false;
        case 'content_block_start':
          if (ev?.content_block?.type === 'tool_use') return toolStart(ev.index, ev.content_block);
          return ev?.content_block?.type === 'text' && text(ev.content_block.text);
        case 'content_block_delta':
          if (ev?.delta?.type === 'input_json_delta') {
            const call = calls?.get(Number(ev.index));
            if (call && typeof ev.delta.partial_json === 'string')
              call.json += ev.delta.partial_json;
            return false;
          }
          return ev?.delta?.type === 'text_delta' && text(ev.delta.text);
        case 'message_delta':
          // Cumulative counts; newer API versions repeat input_tokens here as well.
          inputTokens = ev?.usage?.input_tokens ?? inputTokens;
          outputTokens = ev?.usage?.output_tokens ?? outputTokens;
          return false;
        case 'message_stop':
          done = true;
          return false;
        case 'error':
          throw streamErrorFrom(ev?.error);
        default:
          return false;
      }
    },
    finish(): ParsedReply {
      if (!done) throw streamCut('message_stop');
      const reply: ParsedReply = {
        output,
        input_tokens: tokenCount(inputTokens, 'usage.input_tokens'),
        output_tokens: tokenCount(outputTokens, 'usage.output_tokens'),
      };
      if (calls) {
        // Blocks in content order; a tool without arguments streams no partial_json at all.
        reply.tool_calls = [...calls.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, c]) => callFromText(c.name, c.json, c.id));
      }
      return reply;
    },
  };
}

export function anthropicDialect(o: AnthropicOptions): Dialect {
  const url = new URL(`${o.baseUrl.replace(/\/+$/, '')}/v1/messages`);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': o.apiVersion ?? DEFAULT_VERSION,
    ...o.headers,
  };
  setKeyHeader(headers, o.apiKey, o.keyHeader ?? 'x-api-key');
  const head = {
    model: o.model,
    max_tokens: DEFAULT_MAX_TOKENS,
    ...o.params,
    ...anthropicTools(o.tools),
  };
  const dialect: Dialect = {
    buildRequest(c: GoldenCase, extra?: readonly ConversationTurn[]) {
      let system: string[];
      let messages: unknown[];
      if (c.messages || extra) {
        ({ system, messages } = anthropicMessages(caseHistory(c, o.templates, extra)));
      } else {
        const all = buildMessages(c, o.templates.prompt, o.templates.system);
        system = all.filter((m) => m.role === 'system').map((m) => m.content);
        messages = all.filter((m) => m.role !== 'system');
      }
      const body: Record<string, unknown> = { ...head, messages };
      if (system.length) body.system = system.join('\n\n');
      if (o.stream) body.stream = true;
      return { url, method: 'POST', headers, body: JSON.stringify(body) };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body) as {
        content?: {
          type?: string;
          text?: unknown;
          id?: unknown;
          name?: unknown;
          input?: unknown;
        }[];
        usage?: Usage;
      };
      if (!Array.isArray(json?.content))
        throw new BadResponseError('the reply has no content array');
      let output = '';
      let calls: ToolCall[] | undefined;
      for (const b of json.content) {
        if (b?.type === 'text' && typeof b.text === 'string') output += b.text;
        else if (b?.type === 'tool_use') {
          calls ??= [];
          if (calls.length >= MAX_TOOL_CALLS) throw tooManyToolCalls();
          calls.push(callFromObject(b.name, b.input, b.id));
        }
      }
      const reply: ParsedReply = {
        output,
        input_tokens: tokenCount(json.usage?.input_tokens, 'usage.input_tokens'),
        output_tokens: tokenCount(json.usage?.output_tokens, 'usage.output_tokens'),
      };
      if (calls) reply.tool_calls = calls;
      return reply;
    },
  };
  if (o.templates.prompt === undefined && o.templates.system === undefined)
    dialect.fillsTemplates = false;
  if (o.stream) dialect.openStream = anthropicStream;
  return dialect;
}

/** OpenAI-shaped tool keys in the Messages API's shape. */
function anthropicTools(t: ToolOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (t?.tools) {
    out.tools = t.tools.map(({ function: f }) => {
      const tool: Record<string, unknown> = { name: f.name };
      if (f.description !== undefined) tool.description = f.description;
      tool.input_schema = f.parameters ?? { type: 'object', properties: {} };
      return tool;
    });
  }
  if (t?.tool_choice !== undefined) out.tool_choice = anthropicChoice(t.tool_choice);
  return out;
}

function anthropicChoice(choice: ToolChoice): Record<string, unknown> {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}
