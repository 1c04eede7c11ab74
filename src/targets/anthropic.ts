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

export interface AnthropicOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  templates: ResolvedTemplates;
}

// The Messages API requires max_tokens; a gate should not fail on a missing knob the user never
// thought about, so we send a generous default that params can override.
const DEFAULT_MAX_TOKENS = 1024;

export function anthropicDialect(o: AnthropicOptions): Dialect {
  const url = new URL(`${o.baseUrl.replace(/\/+$/, '')}/v1/messages`);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    ...o.headers,
  };
  if (o.apiKey) headers['x-api-key'] = o.apiKey;
  return {
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
      return { url, method: 'POST', headers, body: JSON.stringify(body) };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body) as {
        content?: { type?: string; text?: unknown }[];
        usage?: { input_tokens?: unknown; output_tokens?: unknown };
      };
      if (!Array.isArray(json?.content))
        throw new BadResponseError('the reply has no content array');
      const output = json.content
        .filter((b) => b?.type === 'text' && typeof b.text === 'string')
        .map((b) => b.text as string)
        .join('');
      return {
        output,
        input_tokens: tokenCount(json.usage?.input_tokens),
        output_tokens: tokenCount(json.usage?.output_tokens),
      };
    },
  };
}
