import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { ResponseCache } from '../../src/runner/cache.js';
import { runPairs } from '../../src/runner/run-pairs.js';
import { callAgent, matchesSubset, resultFor } from '../../src/targets/agent-loop.js';
import { createTarget } from '../../src/targets/create.js';
import type { Target } from '../../src/targets/target.js';
import type { GoldenCase, SideResult, ToolResult } from '../../src/types.js';
import { type AgentHandler, agentTarget, loopbackContext } from '../helpers/agent-target.js';
import { goldenCase } from '../helpers/golden-case.js';
import {
  anthropicReply,
  openAiReply,
  openAiToolReply,
  type Received,
  sendJson,
  startLoopback,
} from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import { runOptions } from '../helpers/run-options.js';
import {
  anthropicStream,
  anthropicToolStream,
  chop,
  writePieces,
} from '../helpers/sse-endpoint.js';

// The agent loop against loopback servers speaking each provider's wire format: the model's tool
// calls are answered with the case's canned results until it answers, or a limit ends the loop.

const DEFAULTS = { timeoutMs: 5_000, retries: 1 };
const ctx = loopbackContext(DEFAULTS);

const agent = (type: 'openai' | 'anthropic', handler: AgentHandler, extra: object = {}) =>
  agentTarget(
    type,
    handler,
    { price: { input_per_mtok: 1, output_per_mtok: 2 }, ...extra },
    DEFAULTS,
  );

const refundResult: ToolResult = {
  name: 'refund',
  arguments: { order_id: 'A-17' },
  result: { ok: true, refunded: 25 },
};
const agentCase = (results: ToolResult[] = [refundResult], more: Partial<GoldenCase> = {}) =>
  goldenCase({ input: 'Refund order A-17', tool_results: results, ...more });

const body = (r: Received) => JSON.parse(r.body);

describe('the agent loop (openai, whole replies)', () => {
  it('two steps: the call is answered with the canned result, then the model answers', async () => {
    const { server, t } = await agent('openai', (_req, res, n) =>
      sendJson(
        res,
        n === 1
          ? openAiToolReply(
              [{ id: 'call_9', name: 'refund', arguments: '{"order_id":"A-17","amount":25}' }],
              null,
              { prompt_tokens: 20, completion_tokens: 7 },
            )
          : openAiReply('Refunded 25.', { prompt_tokens: 40, completion_tokens: 3 }),
      ),
    );
    const r = await callAgent(t, agentCase());
    expect(r.error).toBeNull();
    expect(r.output).toBe('Refunded 25.');
    expect(r.tool_calls).toEqual([
      { name: 'refund', arguments: { order_id: 'A-17', amount: 25 }, id: 'call_9' },
    ]);
    expect(r.steps!.map((s) => s.stop)).toEqual([undefined, 'answered']);
    expect(r.steps![0]).toMatchObject({ output: '', input_tokens: 20, output_tokens: 7 });
    expect(r).toMatchObject({ input_tokens: 60, output_tokens: 10, attempts: 2 });
    expect(r.cost_usd).toBeCloseTo((60 * 1 + 10 * 2) / 1e6, 12);
    expect(r.latency_ms).toBeCloseTo(r.steps![0]!.latency_ms + r.steps![1]!.latency_ms, 9);
    expect(server.requests).toHaveLength(2);
    expect(body(server.requests[1]!).messages).toEqual([
      { role: 'user', content: 'Refund order A-17' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_9',
            type: 'function',
            function: { name: 'refund', arguments: '{"order_id":"A-17","amount":25}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_9', content: '{"ok":true,"refunded":25}' },
    ]);
  });

  it('a call the case has no result for ends the loop: no_result, an answer, not an error', async () => {
    const { server, t } = await agent('openai', (_req, res) =>
      sendJson(
        res,
        openAiToolReply([{ id: 'c', name: 'refund', arguments: '{"order_id":"B-2"}' }], 'On it.'),
      ),
    );
    const r = await callAgent(t, agentCase());
    expect(r).toMatchObject({ output: 'On it.', error: null });
    expect(r.steps).toHaveLength(1);
    expect(r.steps![0]!.stop).toBe('no_result');
    expect(r.tool_calls).toEqual([{ name: 'refund', arguments: { order_id: 'B-2' }, id: 'c' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('a model calling tools forever stops at max_steps, scored, not hung', async () => {
    const { server, t } = await agent(
      'openai',
      (_req, res, n) =>
        sendJson(res, openAiToolReply([{ id: `c${n}`, name: 'now', arguments: '{}' }])),
      { max_steps: 3 },
    );
    const r = await callAgent(t, agentCase([{ name: 'now', result: '10:00' }]));
    expect(r.error).toBeNull();
    expect(r.output).toBe('');
    expect(r.steps!.map((s) => s.stop)).toEqual([undefined, undefined, 'max_steps']);
    expect(r.tool_calls).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    // A string result goes back as it is; history grows by one call and one result per step.
    expect(body(server.requests[2]!).messages.slice(-1)).toEqual([
      { role: 'tool', tool_call_id: 'c2', content: '10:00' },
    ]);
    expect(body(server.requests[2]!).messages).toHaveLength(5);
  });

  it('a failed step makes the case an error of its kind and keeps the steps before it', async () => {
    const { t } = await agent('openai', (_req, res, n) =>
      n === 1
        ? sendJson(
            res,
            openAiToolReply([{ id: 'c', name: 'refund', arguments: '{"order_id":"A-17"}' }]),
          )
        : sendJson(res, { error: { message: 'bad tool turn' } }, 400),
    );
    const r = await callAgent(t, agentCase());
    expect(r.output).toBeNull();
    expect(r.error?.kind).toBe('http_4xx');
    expect(r.steps).toHaveLength(2);
    expect(r.steps![1]).toMatchObject({ output: null, tool_calls: [], stop: 'error' });
    expect(r.tool_calls).toHaveLength(1);
  });

  it('made-up ids when the model sends none, and a result matched by name alone', async () => {
    const { server, t } = await agent('openai', (_req, res, n) =>
      sendJson(
        res,
        n === 1 ? openAiToolReply([{ name: 'now', arguments: '' }]) : openAiReply('10:00'),
      ),
    );
    const r = await callAgent(t, agentCase([{ name: 'now', result: 36000 }]));
    expect(r.output).toBe('10:00');
    const second = body(server.requests[1]!).messages;
    expect(second[1].tool_calls[0].id).toBe('call_step0_0');
    expect(second[2]).toEqual({ role: 'tool', tool_call_id: 'call_step0_0', content: '36000' });
  });
});

describe('the agent loop (anthropic, streamed)', () => {
  it('two steps: tool_use answered by a tool_result block; TTFT is the first step’s', async () => {
    const { server, t } = await agent(
      'anthropic',
      (_req, res, n) =>
        writePieces(
          res,
          chop(
            n === 1
              ? anthropicToolStream(
                  [{ id: 'toolu_1', name: 'refund', fragments: ['{"order_id": "A-', '17"}'] }],
                  ['Refunding.'],
                )
              : anthropicStream(['Done', '.']),
            17,
          ),
        ),
      { stream: true },
    );
    const r = await callAgent(t, agentCase());
    expect(r.error).toBeNull();
    expect(r.output).toBe('Done.');
    expect(r.ttft_ms).toBe(r.steps![0]!.ttft_ms);
    expect(r.steps!.at(-1)!.stop).toBe('answered');
    expect(body(server.requests[1]!).messages).toEqual([
      { role: 'user', content: 'Refund order A-17' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Refunding.' },
          { type: 'tool_use', id: 'toolu_1', name: 'refund', input: { order_id: 'A-17' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"ok":true,"refunded":25}' },
        ],
      },
    ]);
  });

  it('whole replies work the same', async () => {
    const { t } = await agent('anthropic', (_req, res, n) =>
      sendJson(
        res,
        n === 1
          ? anthropicReply([
              { type: 'tool_use', id: 't', name: 'refund', input: { order_id: 'A-17' } },
            ])
          : anthropicReply([{ type: 'text', text: 'ok' }]),
      ),
    );
    const r = await callAgent(t, agentCase());
    expect(r).toMatchObject({ output: 'ok', error: null });
    expect(r.steps).toHaveLength(2);
  });
});

describe('cancellation', () => {
  it('an abort during a step ends the loop at once as aborted, with the steps so far', async () => {
    const abort = new AbortController();
    const { t } = await agent('openai', (_req, res, n) => {
      if (n === 1)
        sendJson(
          res,
          openAiToolReply([{ id: 'c', name: 'refund', arguments: '{"order_id":"A-17"}' }]),
        );
      else abort.abort(); // step 2 never gets an answer
    });
    const r = await callAgent(t, agentCase(), abort.signal);
    expect(r.error?.kind).toBe('aborted');
    expect(r.steps).toHaveLength(2);
  });

  it('an abort between steps sends nothing more', async () => {
    const abort = new AbortController();
    const { server, t } = await agent('openai', (_req, res) => {
      res.on('finish', () => abort.abort());
      sendJson(
        res,
        openAiToolReply([{ id: 'c', name: 'refund', arguments: '{"order_id":"A-17"}' }]),
      );
    });
    const r = await callAgent(t, agentCase(), abort.signal);
    expect(r.error?.kind).toBe('aborted');
    expect(server.requests.length).toBeLessThanOrEqual(2);
  });
});

describe('matching canned results', () => {
  it('arguments are matched as a subset; none given matches any call of that name', () => {
    expect(matchesSubset({ a: 1 }, { a: 1, b: 2 })).toBe(true);
    expect(matchesSubset({ a: { x: [1, { y: 2 }] } }, { a: { x: [1, { y: 2, z: 3 }] } })).toBe(
      true,
    );
    expect(matchesSubset({ a: [1] }, { a: [1, 2] })).toBe(false);
    expect(matchesSubset({ a: 1 }, { a: '1' })).toBe(false);
    expect(matchesSubset({ a: undefined }, {})).toBe(false);
    const results: ToolResult[] = [
      { name: 'f', arguments: { k: 1 }, result: 'one' },
      { name: 'f', result: 'any' },
    ];
    expect(resultFor(results, { name: 'f', arguments: { k: 1, j: 2 } })?.result).toBe('one');
    expect(resultFor(results, { name: 'f', arguments: { k: 2 } })?.result).toBe('any');
    expect(
      resultFor(results, { name: 'f', arguments: null, invalid_arguments: '{k:1' })?.result,
    ).toBe('any');
    expect(resultFor(results, { name: 'g', arguments: {} })).toBeUndefined();
  });
});

describe('the runner with agent cases', () => {
  function targets(url: string): Record<'baseline' | 'candidate', Target> {
    const make = (role: 'baseline' | 'candidate') =>
      createTarget(
        { type: 'openai', base_url: `${url}/v1`, model: role } as TargetConfig,
        role,
        ctx,
      );
    const t = { baseline: make('baseline'), candidate: make('candidate') };
    afterThisTest(() => {
      t.baseline.transport.close();
      t.candidate.transport.close();
    });
    return t;
  }

  it('runs the loop per case, counts it once, and never answers it from the cache', async () => {
    const server = await startLoopback((req, res) => {
      const b = body(req);
      const tool = b.messages.some((m: { role: string }) => m.role === 'tool');
      sendJson(
        res,
        tool
          ? openAiReply('4')
          : openAiToolReply([{ id: 'c', name: 'add', arguments: '{"a":2,"b":2}' }]),
      );
    });
    afterThisTest(() => server.close());
    const cases = Array.from({ length: 6 }, (_, i) =>
      goldenCase({
        id: `c${i}`,
        input: `q${i}`,
        expected: '4',
        tool_results: [{ name: 'add', result: 4 }],
      }),
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-agent-cache-'));
    const cache = new ResponseCache(dir);
    const run = () =>
      runPairs(
        runOptions({
          cases,
          targets: targets(server.url),
          cache,
          sides: { baseline: { cache: true }, candidate: { cache: true } },
        }),
      );
    const first = await run();
    expect(first.stats).toMatchObject({ planned: 12, done: 12, cached: 0, retries: 0, failed: 0 });
    const second = await run();
    expect(second.stats.cached).toBe(0);
    expect(server.requests).toHaveLength(48); // 2 runs × 12 calls × 2 steps
    const side = first.candidate![0] as SideResult;
    expect(side).toMatchObject({ output: '4', pass: true, error: null });
  });

  it('an endpoint failing every agent step is an outage counted per case', async () => {
    const server = await startLoopback((_req, res) => sendJson(res, { error: 'down' }, 503));
    afterThisTest(() => server.close());
    const cases = Array.from({ length: 40 }, (_, i) =>
      goldenCase({ id: `c${i}`, input: `q${i}`, tool_results: [{ name: 'f', result: 1 }] }),
    );
    const t = targets(server.url);
    const err = await runPairs(runOptions({ cases, targets: t })).catch((e) => e);
    expect(err.reason).toBe('errors');
    // A case whose loop failed is one failure in the outage window, not one per attempt or step.
    expect(err.message).toMatch(
      /stopped: \d+ cases in a row failed on target (baseline|candidate)/,
    );
    expect(err.stats.retries).toBe(err.stats.failed);
  });
});
