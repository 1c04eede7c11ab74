import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/runner/cache.js';
import { anthropicDialect } from '../../src/targets/anthropic.js';
import { openAiDialect } from '../../src/targets/openai.js';
import type { CallResult } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';

// The response cache and tool use: the tool keys are part of the request body and so of the key,
// and an answer's tool calls are stored and read back with it.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cache(secrets: string[] = []): ResponseCache {
  const d = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-tools-'));
  dirs.push(d);
  return new ResponseCache(d, secrets);
}

const tool = (name: string) => ({
  type: 'function' as const,
  function: { name, parameters: { type: 'object', properties: {} } },
});

describe('cache keys and tool keys', () => {
  it('tools, tool_choice and response_format each change the key, on both dialects', () => {
    const c = cache();
    const keys = new Set<string>();
    const variants = [
      {},
      { tools: [tool('a')] },
      { tools: [tool('b')] },
      { tools: [tool('a')], tool_choice: 'required' as const },
      { response_format: { type: 'json_object' as const } },
    ];
    for (const make of [openAiDialect, anthropicDialect]) {
      for (const tools of variants) {
        if (make === anthropicDialect && 'response_format' in tools) continue;
        const d = make({ baseUrl: 'http://x/v1', model: 'm', templates: {}, tools });
        keys.add(c.key(d.buildRequest(goldenCase()), 0));
      }
    }
    expect(keys.size).toBe(9);
  });
});

describe('cached tool calls', () => {
  const answer: CallResult = {
    output: '',
    latency_ms: 120,
    input_tokens: 10,
    output_tokens: 4,
    cost_usd: 0,
    error: null,
    attempts: 1,
    tool_calls: [
      { name: 'refund', arguments: { amount: 25 }, id: 'call_1' },
      { name: 'note', arguments: null, invalid_arguments: '{oops' },
    ],
  };

  it('a tool-only answer is stored and read back with its calls', async () => {
    const c = cache();
    c.put('k1', answer);
    await c.flush();
    expect(c.get('k1')).toEqual({
      output: '',
      input_tokens: 10,
      output_tokens: 4,
      latency_ms: 120,
      tool_calls: answer.tool_calls,
    });
  });

  it('calls whose arguments quote a secret are not stored', async () => {
    const c = cache(['sk-secret-0123456789']);
    c.put('k2', {
      ...answer,
      tool_calls: [{ name: 'f', arguments: { key: 'sk-secret-0123456789' } }],
    });
    await c.flush();
    expect(c.get('k2')).toBeUndefined();
  });

  it('a forged entry with a malformed call is a miss', async () => {
    const c = cache();
    c.put('k3', answer);
    await c.flush();
    const sub = path.join(c.dir, 'k3'.slice(0, 2));
    const file = path.join(sub, readdirSync(sub)[0]!);
    writeFileSync(
      file,
      JSON.stringify({
        format: 'evalgate-cache-v1',
        output: '',
        input_tokens: 1,
        output_tokens: 1,
        latency_ms: 1,
        tool_calls: [{ name: 42, arguments: {} }],
      }),
    );
    expect(c.get('k3')).toBeUndefined();
  });
});

describe('cached passages (an http app that returns its context)', () => {
  const answer: CallResult = {
    output: 'Refunds take 5 days.',
    latency_ms: 80,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    error: null,
    attempts: 1,
    context: ['Refunds are paid within 5 days.', 'Shipping is free.'],
    sources: ['kb-12', 'kb-40'],
  };

  it('are stored and read back with the answer, so a hit keeps what context_recall scores', async () => {
    const c = cache();
    c.put('p1', answer);
    await c.flush();
    expect(c.get('p1')).toEqual({
      output: answer.output,
      input_tokens: 0,
      output_tokens: 0,
      latency_ms: 80,
      context: answer.context,
      sources: answer.sources,
    });
  });

  it('a passage that quotes a secret keeps the answer out of the cache', async () => {
    const c = cache(['sk-secret-0123456789']);
    c.put('p2', { ...answer, context: ['the key is sk-secret-0123456789'] });
    await c.flush();
    expect(c.get('p2')).toBeUndefined();
  });

  it.each([
    ['a passage that is not text', { context: ['ok', 7] }],
    ['a source id that is not text', { sources: [{ id: 'kb-1' }] }],
    ['more passages than a reply is read for', { context: Array(1001).fill('p') }],
  ])('a forged entry with %s is a miss', async (_what, forged) => {
    const c = cache();
    c.put('p3', answer);
    await c.flush();
    const sub = path.join(c.dir, 'p3'.slice(0, 2));
    const file = path.join(sub, readdirSync(sub)[0]!);
    writeFileSync(
      file,
      JSON.stringify({
        format: 'evalgate-cache-v1',
        output: 'x',
        input_tokens: 1,
        output_tokens: 1,
        latency_ms: 1,
        ...forged,
      }),
    );
    expect(c.get('p3')).toBeUndefined();
  });
});
