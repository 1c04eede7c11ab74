import { afterEach, describe, expect, it } from 'vitest';
import { targetSchema } from '../../src/config/schema.js';
import { createTarget, type TargetContext } from '../../src/targets/create.js';
import { callTarget, type Target } from '../../src/targets/target.js';
import { MAX_TOOL_CALLS } from '../../src/targets/tool-calls.js';
import type { GoldenCase } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';
import {
  type Loopback,
  type Received,
  sendJson,
  startLoopback,
  wireToolCall,
} from '../helpers/loopback.js';

// An http app that runs its own agent or retrieval exposes its trajectory and its passages
// through output paths. Each test is a real app on loopback answering with a fixed JSON body.

const ctx: TargetContext = {
  configFile: 'evalgate.yaml',
  configDir: '.',
  env: {},
  defaults: { concurrency: 2, timeoutMs: 5000, retries: 0, backoffBaseMs: 1 },
};

const open: { server: Loopback; target: Target }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.target.transport.close();
    await o.server.close();
  }
});

/** A target from config keys (checked by the real schema) on an app that always sends `reply`. */
async function app(keys: Record<string, unknown>, reply: unknown) {
  const server = await startLoopback((_req, res) => sendJson(res, reply));
  const cfg = targetSchema.parse({ type: 'http', url: `${server.url}/agent`, ...keys });
  const target = createTarget(cfg, 'candidate', ctx);
  open.push({ server, target });
  return { server, target };
}

const call = (t: Target, c: GoldenCase = goldenCase()) =>
  callTarget(t, c, new AbortController().signal);

describe('http target: tool_calls output path', () => {
  it('reads calls in the OpenAI and the plain shape, in order; bad JSON arguments are recorded, not fatal', async () => {
    const { target } = await app(
      { output: 'answer', tool_calls: 'trace.calls' },
      {
        answer: 'Refunded.',
        trace: {
          calls: [
            wireToolCall({ id: 'c1', name: 'lookup', arguments: '{"order":7}' }),
            { name: 'refund', arguments: { amount: 25 } },
            { name: 'notify', args: { to: 'ann' } },
            { function: { name: 'broken', arguments: '{"a":' } },
          ],
        },
      },
    );
    const r = await call(target);
    expect(r.error).toBeNull();
    expect(r.output).toBe('Refunded.');
    expect(r.tool_calls).toEqual([
      { id: 'c1', name: 'lookup', arguments: { order: 7 } },
      { name: 'refund', arguments: { amount: 25 } },
      { name: 'notify', arguments: { to: 'ann' } },
      { name: 'broken', arguments: null, invalid_arguments: '{"a":' },
    ]);
  });

  it('an answer that is only tool calls is an answer (empty text); null and [] are no calls', async () => {
    const only = await app(
      { output: 'answer', tool_calls: 'calls' },
      { calls: [{ name: 'refund', arguments: {} }] },
    );
    const r = await call(only.target);
    expect(r.error).toBeNull();
    expect(r.output).toBe('');
    expect(r.tool_calls).toEqual([{ name: 'refund', arguments: {} }]);

    const none = await app(
      { output: 'answer', tool_calls: 'calls' },
      { answer: 'hi', calls: null },
    );
    expect((await call(none.target)).tool_calls).toEqual([]);
  });

  it.each([
    ['missing', { answer: 'a' }, 'the reply has no tool calls at "trace.calls"'],
    [
      'not a list',
      { answer: 'a', trace: { calls: { name: 'f' } } },
      'the tool calls at "trace.calls" are not a list (got an object)',
    ],
    [
      'a call without a name',
      { answer: 'a', trace: { calls: [{ name: 'f' }, { arguments: {} }] } },
      `the tool call at "trace.calls.1.name" is not readable: is required: the tool's name`,
    ],
    [
      'a call that is not an object',
      { answer: 'a', trace: { calls: ['f'] } },
      'the tool call at "trace.calls.0" is not readable: each tool call must be an object {name, arguments}, got a string',
    ],
    ['no answer and no calls', { trace: { calls: [] } }, 'the reply has nothing at "answer"'],
  ])('%s: a bad_response naming the path', async (_name, reply, message) => {
    const { target, server } = await app({ output: 'answer', tool_calls: 'trace.calls' }, reply);
    const r = await call(target);
    expect(r.output).toBeNull();
    expect(r.error).toEqual({ kind: 'bad_response', message: `target candidate: ${message}` });
    expect(server.requests).toHaveLength(1);
  });
  it(`more than ${MAX_TOOL_CALLS} calls (the bound every dialect and the cache keep) is too_large, not retried`, async () => {
    const calls = Array.from({ length: MAX_TOOL_CALLS + 1 }, () => ({ name: 'f', arguments: {} }));
    const { target, server } = await app(
      { output: 'answer', tool_calls: 'calls' },
      { answer: 'a', calls },
    );
    const r = await call({ ...target, retries: 2 });
    expect(r.output).toBeNull();
    expect(r.error?.kind).toBe('too_large');
    expect(r.error?.message).toContain(`more than ${MAX_TOOL_CALLS} tool calls`);
    expect(server.requests).toHaveLength(1);
    const fits = await app(
      { output: 'answer', tool_calls: 'calls' },
      { answer: 'a', calls: calls.slice(1) },
    );
    expect((await call(fits.target)).tool_calls).toHaveLength(MAX_TOOL_CALLS);
  });
});

describe('http target: context output path', () => {
  it('strings, or objects with text/content/page_content and id/source; the ids become sources', async () => {
    const { target } = await app(
      { output: 'answer', context: 'retrieval.docs' },
      {
        answer: 'In 1889.',
        retrieval: {
          docs: [
            { id: 'eiffel-1', text: 'Built 1887-1889.' },
            { source: 'wiki/paris', content: 'Paris is in France.' },
            { page_content: 'A LangChain document.', metadata: { source: 'lc-3' } },
            { text: 'No id here.' },
            'A bare passage.',
            { id: 17, text: 'Numeric id.' },
          ],
        },
      },
    );
    const r = await call(target);
    expect(r.error).toBeNull();
    expect(r.context).toEqual([
      'Built 1887-1889.',
      'Paris is in France.',
      'A LangChain document.',
      'No id here.',
      'A bare passage.',
      'Numeric id.',
    ]);
    expect(r.sources).toEqual(['eiffel-1', 'wiki/paris', 'lc-3', '17']);
  });

  it('plain strings name no sources; null is nothing retrieved', async () => {
    const plain = await app({ output: 'a', context: 'ctx' }, { a: 'x', ctx: ['p1', 'p2'] });
    const r = await call(plain.target);
    expect(r.context).toEqual(['p1', 'p2']);
    expect(r).not.toHaveProperty('sources');
    const none = await app({ output: 'a', context: 'ctx' }, { a: 'x', ctx: null });
    expect((await call(none.target)).context).toEqual([]);
  });

  it.each([
    ['missing', { a: 'x' }, 'the reply has no passages at "ctx"'],
    [
      'not a list',
      { a: 'x', ctx: { text: 'p' } },
      'the passages at "ctx" are not a list (got an object)',
    ],
    [
      'a passage without text',
      { a: 'x', ctx: ['ok', { id: 'd1' }] },
      'the passage at "ctx.1" is an object without text: give a string, or an object with "text" or "content"',
    ],
    [
      'a number',
      { a: 'x', ctx: [3] },
      'the passage at "ctx.0" is a number without text: give a string, or an object with "text" or "content"',
    ],
  ])('%s: a bad_response naming the path', async (_name, reply, message) => {
    const { target } = await app({ output: 'a', context: 'ctx' }, reply);
    const r = await call(target);
    expect(r.error).toEqual({ kind: 'bad_response', message: `target candidate: ${message}` });
  });

  it('unconfigured paths add nothing', async () => {
    const { target } = await app({ output: 'a' }, { a: 'x', calls: [{ name: 'f' }], ctx: ['p'] });
    const r = await call(target);
    expect(r).not.toHaveProperty('tool_calls');
    expect(r).not.toHaveProperty('context');
  });
});

describe('http target body: {{messages}} and {{context}}', () => {
  it('send the conversation and the passages as JSON values; a case without messages sends its input as one user turn', async () => {
    const bodies: Received[] = [];
    const server = await startLoopback((req, res) => {
      bodies.push(req);
      sendJson(res, { a: 'ok' });
    });
    const cfg = targetSchema.parse({
      type: 'http',
      url: `${server.url}/chat`,
      output: 'a',
      body: { history: '{{messages}}', passages: '{{context}}', q: 'Q: {{input}}' },
    });
    const target = createTarget(cfg, 'candidate', ctx);
    open.push({ server, target });
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hi' },
    ];
    await call(target, goldenCase({ input: '', messages, context: ['p1'] }));
    await call(target, goldenCase({ input: 'And?', messages }));
    await call(target, goldenCase({ input: 'Plain?' }));
    expect(bodies.map((b) => JSON.parse(b.body))).toEqual([
      { history: messages, passages: ['p1'], q: 'Q: ' },
      // The input is the conversation's last user turn.
      { history: [...messages, { role: 'user', content: 'And?' }], passages: [], q: 'Q: And?' },
      { history: [{ role: 'user', content: 'Plain?' }], passages: [], q: 'Q: Plain?' },
    ]);
  });

  it('without a body, a case with messages sends them along with its input', async () => {
    const bodies: Received[] = [];
    const server = await startLoopback((req, res) => {
      bodies.push(req);
      sendJson(res, { a: 'ok' });
    });
    const target = createTarget(
      targetSchema.parse({ type: 'http', url: `${server.url}/chat`, output: 'a' }),
      'candidate',
      ctx,
    );
    open.push({ server, target });
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    await call(target, goldenCase({ input: 'And?', messages }));
    await call(target, goldenCase({ input: 'Plain?' }));
    expect(bodies.map((b) => JSON.parse(b.body))).toEqual([
      { input: 'And?', messages: [...messages, { role: 'user', content: 'And?' }] },
      { input: 'Plain?' },
    ]);
  });
});
