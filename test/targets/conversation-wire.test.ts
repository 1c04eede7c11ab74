import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/create.js';
import { callTarget } from '../../src/targets/target.js';
import type { ConversationTurn } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';
import { anthropicReply, openAiReply, sendJson, startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';

// A case's conversation as each dialect puts it on the wire, asserted on the exact request body
// a loopback server received.

const ctx = {
  configFile: 'evalgate.yaml',
  configDir: '/nonexistent',
  env: {},
  defaults: { concurrency: 1, timeoutMs: 5_000, retries: 0, backoffBaseMs: 1 },
};

async function sent(type: 'openai' | 'anthropic', c = goldenCase(), extra: object = {}) {
  const server = await startLoopback((_req, res) =>
    sendJson(
      res,
      type === 'openai' ? openAiReply('ok') : anthropicReply([{ type: 'text', text: 'ok' }]),
    ),
  );
  afterThisTest(() => server.close());
  const t = createTarget(
    {
      type,
      base_url: type === 'openai' ? `${server.url}/v1` : server.url,
      model: 'm',
      ...extra,
    } as TargetConfig,
    'candidate',
    ctx,
  );
  afterThisTest(() => t.transport.close());
  const r = await callTarget(t, c);
  expect(r.error).toBeNull();
  const { messages, system } = JSON.parse(server.requests[0]!.body);
  return { messages, system };
}

const history: ConversationTurn[] = [
  { role: 'system', content: 'You are a support agent.' },
  { role: 'user', content: 'Refund order A-17 and tell me the time.' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_r', name: 'refund', arguments: { order_id: 'A-17', amount: 25 } },
      { name: 'now', arguments: {} }, // no id in the dataset: one is made up, and paired
    ],
  },
  { role: 'tool', tool_call_id: 'call_r', content: '{"ok":true}' },
  { role: 'tool', name: 'now', content: '10:00' }, // no tool_call_id: answers `now`
  { role: 'assistant', content: 'Refunded; it is 10:00.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Is this the receipt?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/r.png' } },
    ],
  },
];

describe('a conversation on the openai wire', () => {
  it('sends the whole history: tool_calls in the wire shape, ids made and paired, parts as given', async () => {
    const { messages } = await sent('openai', goldenCase({ messages: history, input: '' }));
    expect(messages).toEqual([
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: 'Refund order A-17 and tell me the time.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_r',
            type: 'function',
            function: { name: 'refund', arguments: '{"order_id":"A-17","amount":25}' },
          },
          { id: 'call_2_1', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_r', content: '{"ok":true}' },
      { role: 'tool', tool_call_id: 'call_2_1', content: '10:00' },
      { role: 'assistant', content: 'Refunded; it is 10:00.' },
      { role: 'user', content: history[6]!.content },
    ]);
  });

  it('input after messages is a last user turn, through the prompt template; system only when the history has none', async () => {
    const c = goldenCase({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
      input: 'And now?',
    });
    const { messages } = await sent('openai', c, { system: 'Be brief.', prompt: 'Q: {{input}}' });
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Q: And now?' },
    ]);
    const own = await sent('openai', goldenCase({ messages: history.slice(0, 2), input: '' }), {
      system: 'Be brief.',
    });
    expect(own.messages[0]).toEqual({ role: 'system', content: 'You are a support agent.' });
    expect(own.messages).toHaveLength(2);
  });

  it('a case without messages is sent exactly as before', async () => {
    const { messages } = await sent('openai', goldenCase({ input: 'Hi' }), { system: 'S' });
    expect(messages).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'Hi' },
    ]);
  });
});

describe('a conversation on the anthropic wire', () => {
  it('system separated, tool_use and tool_result blocks, consecutive user turns merged, parts translated', async () => {
    const { messages, system } = await sent(
      'anthropic',
      goldenCase({ messages: history, input: 'Thanks!' }),
    );
    expect(system).toBe('You are a support agent.');
    expect(messages).toEqual([
      { role: 'user', content: 'Refund order A-17 and tell me the time.' },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'call_r',
            name: 'refund',
            input: { order_id: 'A-17', amount: 25 },
          },
          { type: 'tool_use', id: 'call_2_1', name: 'now', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_r', content: '{"ok":true}' },
          { type: 'tool_result', tool_use_id: 'call_2_1', content: '10:00' },
        ],
      },
      { role: 'assistant', content: 'Refunded; it is 10:00.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Is this the receipt?' },
          {
            type: 'image',
            source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
          },
          { type: 'image', source: { type: 'url', url: 'https://example.com/r.png' } },
          { type: 'text', text: 'Thanks!' },
        ],
      },
    ]);
  });

  it('text beside tool calls stays in the assistant turn, before the tool_use blocks', async () => {
    const c = goldenCase({
      input: '',
      messages: [
        { role: 'user', content: 'Time?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 't1', name: 'now', arguments: {} }],
        },
        { role: 'tool', tool_call_id: 't1', content: [{ type: 'text', text: '10:00' }] },
      ],
    });
    const { messages, system } = await sent('anthropic', c, { system: 'Be brief.' });
    expect(system).toBe('Be brief.');
    expect(messages).toEqual([
      { role: 'user', content: 'Time?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 't1', name: 'now', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: '10:00' }] },
        ],
      },
    ]);
  });
});
