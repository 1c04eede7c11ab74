import type { GoldenCase } from '../types.js';
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
  message?: { usage?: Usage };
  content_block?: { type?: unknown; text?: unknown };
  delta?: { type?: unknown; text?: unknown };
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
          return ev?.content_block?.type === 'text' && text(ev.content_block.text);
        case 'content_block_delta':
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
      return {
        output,
        input_tokens: tokenCount(inputTokens, 'usage.input_tokens'),
        output_tokens: tokenCount(outputTokens, 'usage.output_tokens'),
      };
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
  const dialect: Dialect = {
    buildRequest(c: GoldenCase) {
      const all = buildMessages(c, o.templates.prompt, o.templates.system);
      const system = all.filter((m) => m.role === 'system').map((m) => m.content);
      const messages = all.filter((m) => m.role !== 'system');
      const body: Record<string, unknown> = {
        model: o.model,
        max_tokens: DEFAULT_MAX_TOKENS,
        ...o.params,
        messages,
      };
      if (system.length) body.system = system.join('\n\n');
      if (o.stream) body.stream = true;
      return { url, method: 'POST', headers, body: JSON.stringify(body) };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body) as {
        content?: { type?: string; text?: unknown }[];
        usage?: Usage;
      };
      if (!Array.isArray(json?.content))
        throw new BadResponseError('the reply has no content array');
      const output = json.content
        .filter((b) => b?.type === 'text' && typeof b.text === 'string')
        .map((b) => b.text as string)
        .join('');
      return {
        output,
        input_tokens: tokenCount(json.usage?.input_tokens, 'usage.input_tokens'),
        output_tokens: tokenCount(json.usage?.output_tokens, 'usage.output_tokens'),
      };
    },
  };
  if (o.stream) dialect.openStream = anthropicStream;
  return dialect;
}
