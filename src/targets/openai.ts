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

/** `apiVersion` is Azure OpenAI's `api-version` query; the key goes in `Authorization: Bearer` unless `keyHeader` says otherwise. */
export type OpenAiOptions = ChatDialectOptions;

interface Usage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
}

interface Chunk {
  choices?: { index?: unknown; delta?: { content?: unknown } }[];
  usage?: Usage | null;
  error?: unknown;
}

/**
 * Chat-completions chunks: `data: {...}` with `choices[0].delta.content`, a final chunk with
 * `usage` (asked for with `stream_options.include_usage`), then `data: [DONE]`.
 */
function openAiStream(): StreamDecoder {
  let output = '';
  let usage: Usage | undefined;
  let done = false;
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
        if ((choice?.index ?? 0) !== 0) continue;
        const text = choice?.delta?.content;
        if (typeof text === 'string' && text.length > 0) {
          output += text;
          return true;
        }
      }
      return false;
    },
    finish(): ParsedReply {
      if (!done) throw streamCut('[DONE]');
      return {
        output,
        input_tokens: tokenCount(usage?.prompt_tokens, 'usage.prompt_tokens'),
        output_tokens: tokenCount(usage?.completion_tokens, 'usage.completion_tokens'),
      };
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
  const dialect: Dialect = {
    buildRequest(c: GoldenCase) {
      const messages = buildMessages(c, o.templates.prompt, o.templates.system);
      const body = o.stream
        ? { model: o.model, ...o.params, messages, stream: true, stream_options: streamOptions }
        : { model: o.model, ...o.params, messages };
      return { url, method: 'POST', headers, body: JSON.stringify(body) };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body) as {
        choices?: { message?: { content?: unknown } }[];
        usage?: Usage;
      };
      const content = json?.choices?.[0]?.message?.content;
      let output: string;
      if (typeof content === 'string') output = content;
      else if (content === null) output = '';
      else if (Array.isArray(content)) {
        output = content
          .map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : ''))
          .join('');
      } else throw new BadResponseError('the reply has no choices[0].message.content');
      return {
        output,
        input_tokens: tokenCount(json.usage?.prompt_tokens, 'usage.prompt_tokens'),
        output_tokens: tokenCount(json.usage?.completion_tokens, 'usage.completion_tokens'),
      };
    },
  };
  if (o.stream) dialect.openStream = openAiStream;
  return dialect;
}
