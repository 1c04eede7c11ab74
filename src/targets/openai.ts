import type { GoldenCase } from '../types.js';
import {
  BadResponseError,
  type Dialect,
  type ParsedReply,
  parseJson,
  type ResolvedTemplates,
  tokenCount,
} from './dialect.js';
import { buildMessages } from './template.js';

export interface OpenAiOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  templates: ResolvedTemplates;
}

/** The OpenAI chat-completions dialect (also spoken by vLLM, Ollama, LiteLLM, OpenRouter...). */
export function openAiDialect(o: OpenAiOptions): Dialect {
  const url = new URL(`${o.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
  return {
    buildRequest(c: GoldenCase) {
      const messages = buildMessages(c, o.templates.prompt, o.templates.system);
      return {
        url,
        method: 'POST',
        headers,
        body: JSON.stringify({ model: o.model, ...o.params, messages }),
      };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body) as {
        choices?: { message?: { content?: unknown } }[];
        usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
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
        input_tokens: tokenCount(json.usage?.prompt_tokens),
        output_tokens: tokenCount(json.usage?.completion_tokens),
      };
    },
  };
}
