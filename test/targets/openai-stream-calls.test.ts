import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/create.js';
import { callTarget } from '../../src/targets/target.js';
import { MAX_TOOL_CALLS } from '../../src/targets/tool-calls.js';
import { goldenCase } from '../helpers/golden-case.js';
import { startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import { chop, writePieces } from '../helpers/sse-endpoint.js';

// Streamed chat-completions replies as compatible proxies (litellm, Bedrock gateways) send them:
// tool-call indexes that skip, names repeated in every fragment, a stream with no choice at all.
// Each written a few bytes at a time by a loopback server, read by the real client.

const ctx = {
  configFile: 'evalgate.yaml',
  configDir: '/nonexistent',
  env: {},
  defaults: { concurrency: 2, timeoutMs: 5_000, retries: 0, backoffBaseMs: 1 },
};

/** A target whose every call is answered with `events` as one SSE stream. */
async function streamed(events: unknown[]) {
  const text = [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n'];
  const server = await startLoopback((_req, res) => writePieces(res, chop(text.join(''), 7)));
  afterThisTest(() => server.close());
  const t = createTarget(
    { type: 'openai', base_url: `${server.url}/v1`, model: 'm', stream: true } as TargetConfig,
    'candidate',
    ctx,
  );
  afterThisTest(() => t.transport.close());
  return callTarget(t, goldenCase());
}

const delta = (d: Record<string, unknown>) => ({ choices: [{ index: 0, delta: d }] });
const calls = (...tool_calls: unknown[]) => delta({ tool_calls });
const usage = { choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } };

describe('streamed tool calls keyed by sparse indexes', () => {
  it('a first call at index 1 is the only call: no empty call for index 0', async () => {
    const r = await streamed([
      delta({ role: 'assistant', content: 'Checking.' }),
      calls({ index: 1, id: 'c1', function: { name: 'lookup', arguments: '{"order":"A1"}' } }),
      usage,
    ]);
    expect(r.error).toBeNull();
    expect(r.output).toBe('Checking.');
    expect(r.tool_calls).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, id: 'c1' }]);
  });

  it(`index ${MAX_TOOL_CALLS - 1} alone is one call, and calls come in index order`, async () => {
    const r = await streamed([
      calls({ index: MAX_TOOL_CALLS - 1, id: 'late', function: { name: 'b', arguments: '' } }),
      calls({ index: 3, id: 'early', function: { name: 'a', arguments: '{"x"' } }),
      calls({ index: 3, function: { arguments: ':1}' } }),
      calls({ index: 100_000, id: 'far', function: { name: 'c' } }),
      usage,
    ]);
    expect(r.error).toBeNull();
    expect(r.tool_calls).toEqual([
      { name: 'a', arguments: { x: 1 }, id: 'early' },
      { name: 'b', arguments: {}, id: 'late' },
      { name: 'c', arguments: {}, id: 'far' },
    ]);
  });

  it('still counts distinct calls against the bound, whatever their indexes', async () => {
    const many = Array.from({ length: MAX_TOOL_CALLS + 1 }, (_, i) =>
      calls({ index: i * 2, id: `c${i}`, function: { name: 'f', arguments: '{}' } }),
    );
    const r = await streamed([...many, usage]);
    expect(r.error?.kind).toBe('too_large');
    expect(r.error?.message).toMatch(/more than 256 tool calls/);
  });

  it('a slot that only ever got empty fragments is no call', async () => {
    const r = await streamed([
      calls({ index: 0, type: 'function', function: {} }),
      calls({ index: 1, id: 'c1', function: { name: 'lookup', arguments: '{}' } }),
      usage,
    ]);
    expect(r.tool_calls).toEqual([{ name: 'lookup', arguments: {}, id: 'c1' }]);

    const none = await streamed([
      delta({ content: 'No call.' }),
      calls({ index: 0, type: 'function' }),
      usage,
    ]);
    expect(none).toMatchObject({ output: 'No call.', error: null });
    expect(none.tool_calls).toBeUndefined();
  });
});

describe('streamed tool-call names', () => {
  it('a name repeated in every fragment is the name once', async () => {
    const r = await streamed([
      calls({ index: 0, id: 'c1', function: { name: 'lookup', arguments: '' } }),
      calls({ index: 0, id: 'c1', function: { name: 'lookup', arguments: '{"order":' } }),
      calls({ index: 0, function: { name: 'lookup', arguments: '"A1"}' } }),
      usage,
    ]);
    expect(r.tool_calls).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, id: 'c1' }]);
  });

  it('a name split across fragments is joined', async () => {
    const r = await streamed([
      calls({ index: 0, id: 'c1', function: { name: 'look' } }),
      calls({ index: 0, function: { name: 'up', arguments: '{}' } }),
      calls({ index: 1, id: 'c2', function: { name: 'get_' } }),
      calls({ index: 1, function: { name: 'order' } }),
      calls({ index: 1, function: { name: '_status' } }),
      usage,
    ]);
    expect(r.tool_calls!.map((c) => c.name)).toEqual(['lookup', 'get_order_status']);
  });
});

describe('a stream with no choice', () => {
  it('is a bad_response, as a whole reply without choices[0] is', async () => {
    const r = await streamed([{ choices: [] }]);
    expect(r.output).toBeNull();
    expect(r.error).toEqual({
      kind: 'bad_response',
      message: 'target candidate: the stream has no choices[0]: it sent no answer',
    });
  });

  it('while a choice that said nothing is an empty answer', async () => {
    const r = await streamed([delta({ role: 'assistant' }), usage]);
    expect(r).toMatchObject({ output: '', error: null, input_tokens: 3 });
  });
});
