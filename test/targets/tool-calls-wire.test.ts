import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/create.js';
import { callTarget } from '../../src/targets/target.js';
import { MAX_INVALID_ARGUMENTS_CHARS, MAX_TOOL_CALLS } from '../../src/targets/tool-calls.js';
import { goldenCase } from '../helpers/golden-case.js';
import {
  anthropicReply,
  openAiToolReply,
  type Received,
  sendJson,
  startLoopback,
} from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import {
  anthropicToolStream,
  chop,
  openAiToolStream,
  type StreamedToolCall,
  writePieces,
} from '../helpers/sse-endpoint.js';

// Tool calls read from both dialects' replies, whole and streamed, against loopback servers
// that answer exactly as the providers do. Streams are written a few bytes at a time, and the
// arguments' JSON text is cut by the "model" at awkward places: inside a string, inside a \u
// escape, between a backslash and what it escapes.

const ctx = {
  configFile: 'evalgate.yaml',
  configDir: '/nonexistent',
  env: { KEY: 'sk-tools-key-0123456789' },
  defaults: { concurrency: 2, timeoutMs: 5_000, retries: 1, backoffBaseMs: 1 },
};

type Handler = (req: Received, res: import('node:http').ServerResponse) => void | Promise<void>;

async function target(type: 'openai' | 'anthropic', handler: Handler, extra: object = {}) {
  const server = await startLoopback((req, res) => handler(req, res));
  afterThisTest(() => server.close());
  const cfg = {
    type,
    base_url: type === 'openai' ? `${server.url}/v1` : server.url,
    model: `${type}-model`,
    api_key_env: 'KEY',
    price: { input_per_mtok: 1, output_per_mtok: 2 },
    ...extra,
  } as TargetConfig;
  const t = createTarget(cfg, 'candidate', ctx);
  t.redact = (s) => s.split(ctx.env.KEY).join('***');
  afterThisTest(() => t.transport.close());
  return { server, t };
}

const refundArgs = { order_id: 'A-17', amount: 25, note: 'café “naïve” \\ \u{1F600}' };
const refundJson = JSON.stringify(refundArgs);
// Cut inside the string "A-17", right after a backslash, and inside the \u escape of 'é'.
const escaped = JSON.stringify({ q: 'café\n"x"' }).replace('é', '\\u00e9');
const awkward: StreamedToolCall[] = [
  {
    id: 'call_1',
    name: 'refund',
    fragments: [refundJson.slice(0, 16), refundJson.slice(16, 40), refundJson.slice(40)],
  },
  {
    id: 'call_2',
    name: 'search',
    fragments: [
      escaped.slice(0, 10),
      escaped.slice(10, 12),
      escaped.slice(12, 15),
      escaped.slice(15),
    ],
  },
];

describe('tool calls in whole replies', () => {
  it('openai: message.tool_calls, content null: an answer with output "" and parsed arguments', async () => {
    const { t } = await target('openai', (_req, res) =>
      sendJson(
        res,
        openAiToolReply([
          { id: 'call_a', name: 'refund', arguments: refundJson },
          { id: 'call_b', name: 'lookup', arguments: '' },
        ]),
      ),
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error).toBeNull();
    expect(r.output).toBe('');
    expect(r.tool_calls).toEqual([
      { name: 'refund', arguments: refundArgs, id: 'call_a' },
      { name: 'lookup', arguments: {}, id: 'call_b' },
    ]);
    expect(r.input_tokens).toBe(12);
  });

  it('openai: a reply with no content key at all but tool calls is still an answer', async () => {
    const reply = openAiToolReply([{ id: 'c', name: 'f', arguments: '{}' }]);
    delete (reply.choices[0]!.message as { content?: unknown }).content;
    const { t } = await target('openai', (_req, res) => sendJson(res, reply));
    const r = await callTarget(t, goldenCase());
    expect(r).toMatchObject({
      output: '',
      error: null,
      tool_calls: [{ name: 'f', arguments: {} }],
    });
  });

  it('arguments that are not JSON are recorded masked and cut, as arguments null, never a crash', async () => {
    const raw = `{"amount": 25, "key": "${ctx.env.KEY}", ${'x'.repeat(5000)}`;
    const { t } = await target('openai', (_req, res) =>
      sendJson(res, openAiToolReply([{ id: 'c1', name: 'refund', arguments: raw }], 'Refunding.')),
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error).toBeNull();
    expect(r.output).toBe('Refunding.');
    const [call] = r.tool_calls!;
    expect(call!.arguments).toBeNull();
    expect(call!.invalid_arguments!.length).toBeLessThanOrEqual(MAX_INVALID_ARGUMENTS_CHARS);
    expect(call!.invalid_arguments).toContain('"key": "***"');
    expect(call!.invalid_arguments).not.toContain(ctx.env.KEY.slice(0, 10));
  });

  it('anthropic: tool_use blocks beside text, input already an object', async () => {
    const { t } = await target('anthropic', (_req, res) =>
      sendJson(
        res,
        anthropicReply([
          { type: 'text', text: 'Let me refund that.' },
          { type: 'tool_use', id: 'toolu_1', name: 'refund', input: refundArgs },
        ]),
      ),
    );
    const r = await callTarget(t, goldenCase());
    expect(r).toMatchObject({ output: 'Let me refund that.', error: null, input_tokens: 14 });
    expect(r.tool_calls).toEqual([{ name: 'refund', arguments: refundArgs, id: 'toolu_1' }]);
  });

  it('anthropic: a tool-only answer is an answer with output ""', async () => {
    const { t } = await target('anthropic', (_req, res) =>
      sendJson(res, anthropicReply([{ type: 'tool_use', id: 'toolu_2', name: 'ping', input: {} }])),
    );
    const r = await callTarget(t, goldenCase());
    expect(r).toMatchObject({
      output: '',
      error: null,
      tool_calls: [{ name: 'ping', arguments: {} }],
    });
  });

  it('a reply with more tool calls than any model makes fails as too_large, not retried', async () => {
    const calls = Array.from({ length: MAX_TOOL_CALLS + 1 }, (_, i) => ({
      id: `c${i}`,
      name: 'f',
      arguments: '{}',
    }));
    const { t, server } = await target('openai', (_req, res) =>
      sendJson(res, openAiToolReply(calls)),
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('too_large');
    expect(server.requests).toHaveLength(1);
  });
});

describe('tool calls in streamed replies, split at awkward places', () => {
  for (const size of [1, 3, 7, 64]) {
    it(`openai: delta.tool_calls by index, written ${size} bytes at a time`, async () => {
      const { t } = await target(
        'openai',
        (_req, res) =>
          writePieces(res, chop(openAiToolStream(awkward, ['Let me ', 'check.']), size)),
        { stream: true },
      );
      const r = await callTarget(t, goldenCase());
      expect(r.error).toBeNull();
      expect(r.output).toBe('Let me check.');
      expect(r.tool_calls).toEqual([
        { name: 'refund', arguments: refundArgs, id: 'call_1' },
        { name: 'search', arguments: { q: 'café\n"x"' }, id: 'call_2' },
      ]);
      expect(r.ttft_ms).toBeLessThanOrEqual(r.latency_ms);
    });

    it(`anthropic: tool_use + input_json_delta, written ${size} bytes at a time`, async () => {
      const { t } = await target(
        'anthropic',
        (_req, res) => writePieces(res, chop(anthropicToolStream(awkward), size)),
        { stream: true },
      );
      const r = await callTarget(t, goldenCase());
      expect(r.error).toBeNull();
      expect(r.output).toBe('');
      expect(r.tool_calls).toEqual([
        { name: 'refund', arguments: refundArgs, id: 'call_1' },
        { name: 'search', arguments: { q: 'café\n"x"' }, id: 'call_2' },
      ]);
      // A tool-only stream still has a first token: the call.
      expect(r.ttft_ms).toBeGreaterThanOrEqual(0);
    });
  }

  it('streamed arguments that never form JSON are recorded as invalid, the stream still an answer', async () => {
    const bad = [{ id: 'c', name: 'refund', fragments: ['{"amount": 2', '5, oops'] }];
    for (const type of ['openai', 'anthropic'] as const) {
      const text = type === 'openai' ? openAiToolStream(bad) : anthropicToolStream(bad);
      const { t } = await target(type, (_req, res) => writePieces(res, chop(text, 5)), {
        stream: true,
      });
      const r = await callTarget(t, goldenCase());
      expect(r.error).toBeNull();
      expect(r.tool_calls).toEqual([
        { name: 'refund', arguments: null, id: 'c', invalid_arguments: '{"amount": 25, oops' },
      ]);
    }
  });

  it('an anthropic tool without arguments streams no partial_json: arguments {}', async () => {
    const { t } = await target(
      'anthropic',
      (_req, res) =>
        writePieces(res, chop(anthropicToolStream([{ id: 't', name: 'now', fragments: [] }]), 9)),
      { stream: true },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.tool_calls).toEqual([{ name: 'now', arguments: {}, id: 't' }]);
  });

  it('an endpoint streaming new tool-call indices without end hits a limit', async () => {
    const chunk = (i: number) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: i, id: `c${i}`, function: { name: 'f', arguments: '' } }] } }] })}\n\n`;
    const { t } = await target(
      'openai',
      async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (let i = 0; i < MAX_TOOL_CALLS + 10 && !res.destroyed; i++)
          await new Promise<void>((resolve) => res.write(chunk(i), () => resolve()));
        res.end();
      },
      { stream: true },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('too_large');
    expect(r.error?.message).toMatch(/more than 256 tool calls/);
  });

  it('endless argument fragments end at run.max_response_bytes', async () => {
    const server = await startLoopback(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const frag = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'x'.repeat(500) } }] } }] })}\n\n`;
      for (let i = 0; i < 400 && !res.destroyed; i++)
        await new Promise<void>((resolve) => res.write(frag, () => resolve()));
      res.end();
    });
    afterThisTest(() => server.close());
    const t = createTarget(
      {
        type: 'openai',
        base_url: `${server.url}/v1`,
        model: 'm',
        stream: true,
      } as TargetConfig,
      'candidate',
      { ...ctx, defaults: { ...ctx.defaults, maxResponseBytes: 64 * 1024 } },
    );
    afterThisTest(() => t.transport.close());
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('too_large');
  });
});

describe('tool keys on the wire', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'refund',
        description: 'Refund an order',
        parameters: {
          type: 'object',
          properties: { order_id: { type: 'string' }, amount: { type: 'number' } },
          required: ['order_id'],
        },
      },
    },
    { type: 'function', function: { name: 'now' } },
  ];
  const responseFormat = {
    type: 'json_schema',
    json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
  };

  it('openai: tools, tool_choice and response_format pass through as given', async () => {
    const { t, server } = await target(
      'openai',
      (_req, res) => sendJson(res, openAiToolReply([])),
      {
        tools,
        tool_choice: { type: 'function', function: { name: 'refund' } },
        response_format: responseFormat,
        params: { temperature: 0 },
      },
    );
    await callTarget(t, goldenCase());
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      model: 'openai-model',
      temperature: 0,
      tools,
      tool_choice: { type: 'function', function: { name: 'refund' } },
      response_format: responseFormat,
      messages: [{ role: 'user', content: 'What is 2 + 2?' }],
    });
  });

  for (const [choice, wire] of [
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    ['none', { type: 'none' }],
    [
      { type: 'function', function: { name: 'now' } },
      { type: 'tool', name: 'now' },
    ],
  ] as const) {
    it(`anthropic: tools as input_schema, tool_choice ${JSON.stringify(choice)} → ${JSON.stringify(wire)}`, async () => {
      const { t, server } = await target(
        'anthropic',
        (_req, res) => sendJson(res, anthropicReply([{ type: 'text', text: 'ok' }])),
        { tools, tool_choice: choice },
      );
      await callTarget(t, goldenCase());
      expect(JSON.parse(server.requests[0]!.body)).toEqual({
        model: 'anthropic-model',
        max_tokens: 1024,
        tools: [
          {
            name: 'refund',
            description: 'Refund an order',
            input_schema: tools[0]!.function.parameters,
          },
          { name: 'now', input_schema: { type: 'object', properties: {} } },
        ],
        tool_choice: wire,
        messages: [{ role: 'user', content: 'What is 2 + 2?' }],
      });
    });
  }
});
