import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPairs } from '../../src/runner/run-pairs.js';
import {
  callAgent,
  MAX_AGENT_REQUEST_BYTES,
  MAX_ARGUMENT_DEPTH,
} from '../../src/targets/agent-loop.js';
import type { GoldenCase, SideResult } from '../../src/types.js';
import { type AgentHandler, agentTarget } from '../helpers/agent-target.js';
import { goldenCase } from '../helpers/golden-case.js';
import { anthropicReply, openAiReply, openAiToolReply, sendJson } from '../helpers/loopback.js';
import { runOptions } from '../helpers/run-options.js';
import { chop, openAiToolStream, writePieces } from '../helpers/sse-endpoint.js';
import { ROOT } from '../helpers/workspace.js';

// What a reply may hold that an agent loop cannot send back to the model (arguments nested
// thousands of levels, a history that grows by megabytes a step): each fails its own answer,
// never the run. Against loopback servers speaking each provider's wire format.

const agent = (type: 'openai' | 'anthropic', handler: AgentHandler, extra: object = {}) =>
  agentTarget(type, handler, { max_steps: 3, ...extra }, { timeoutMs: 20_000, retries: 0 });

const lookupCase = (more: Partial<GoldenCase> = {}) =>
  goldenCase({
    id: 'a1',
    input: 'Where is order A1?',
    expected_tool_calls: [{ name: 'lookup', arguments: { order: 'A1' } }],
    tool_results: [{ name: 'lookup', result: 'shipped' }],
    ...more,
  });

/** Arguments nested 5,000 levels, as JSON text: past what JSON.stringify can walk back. */
const deepJson = `{"order":"A1","d":${'['.repeat(5000)}${']'.repeat(5000)}}`;

function sendText(res: http.ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
}

describe('arguments nested too deeply to send back', () => {
  it('openai: the answer fails as bad_response, the step and its call are kept', async () => {
    const { server, t } = await agent('openai', (_req, res, n) => {
      if (n > 1) return sendJson(res, openAiReply('It shipped.'));
      const reply = openAiToolReply([{ id: 'c1', name: 'lookup', arguments: 'ARGS' }]);
      // The arguments' JSON text, as the wire carries it: a string holding the deep JSON.
      sendText(res, JSON.stringify(reply).replace('"ARGS"', JSON.stringify(deepJson)));
    });
    const r = await callAgent(t, lookupCase());
    expect(r.error).toEqual({
      kind: 'bad_response',
      message: `target candidate: the arguments of the call to lookup in step 1 nest more than ${MAX_ARGUMENT_DEPTH} levels deep; they cannot be sent back to the model`,
    });
    expect(r.output).toBeNull();
    expect(r.steps).toHaveLength(1);
    expect(r.steps![0]!.stop).toBe('error');
    expect(r.tool_calls).toHaveLength(1);
    expect(r.tool_calls![0]!.name).toBe('lookup');
    expect(server.requests).toHaveLength(1);
  });

  it('in a run, only the answers whose calls nest too deep fail; the others are scored', async () => {
    const { t } = await agent('openai', (req, res) => {
      const history = JSON.parse(req.body).messages as { role: string; content: unknown }[];
      if (history.some((m) => m.role === 'tool')) return sendJson(res, openAiReply('shipped'));
      const deep = history[0]!.content === 'deep';
      const reply = openAiToolReply([{ id: 'c1', name: 'lookup', arguments: 'ARGS' }]);
      const args = deep ? deepJson : '{"order":"A1"}';
      sendText(res, JSON.stringify(reply).replace('"ARGS"', JSON.stringify(args)));
    });
    const cases = ['deep', 'plain', 'deep', 'plain'].map((input, i) =>
      lookupCase({ id: `c${i}`, input, expected: 'shipped' }),
    );
    const run = await runPairs(runOptions({ cases, targets: { baseline: t, candidate: t } }));
    const sides = run.candidate as SideResult[];
    expect(sides.map((s) => s.error?.kind ?? s.output)).toEqual([
      'bad_response',
      'shipped',
      'bad_response',
      'shipped',
    ]);
    expect(run.stats).toMatchObject({ planned: 8, done: 8, failed: 4 });
  });

  it('anthropic: tool_use.input nested as deep fails the same way', async () => {
    const { server, t } = await agent('anthropic', (_req, res) => {
      const reply = anthropicReply([{ type: 'tool_use', id: 't1', name: 'lookup', input: 'IN' }]);
      sendText(res, JSON.stringify(reply).replace('"IN"', deepJson));
    });
    const r = await callAgent(t, lookupCase());
    expect(r.error?.kind).toBe('bad_response');
    expect(r.error?.message).toMatch(/nest more than 100 levels deep/);
    expect(r.steps!.map((s) => s.stop)).toEqual(['error']);
    expect(server.requests).toHaveLength(1);
  });

  it('arguments just within the bound are sent back as they came', async () => {
    const within = `{"order":"A1","d":${'['.repeat(MAX_ARGUMENT_DEPTH - 1)}${']'.repeat(MAX_ARGUMENT_DEPTH - 1)}}`;
    const { server, t } = await agent('openai', (_req, res, n) =>
      sendJson(
        res,
        n === 1
          ? openAiToolReply([{ id: 'c1', name: 'lookup', arguments: within }])
          : openAiReply('It shipped.'),
      ),
    );
    const r = await callAgent(t, lookupCase());
    expect(r).toMatchObject({ output: 'It shipped.', error: null });
    const sent = JSON.parse(server.requests[1]!.body).messages[1].tool_calls[0].function.arguments;
    expect(sent).toBe(within);
  });

  it('a call the case has no result for ends the loop as usual: nothing is sent back', async () => {
    const { server, t } = await agent('openai', (_req, res) => {
      const reply = openAiToolReply([{ id: 'c1', name: 'track', arguments: 'ARGS' }]);
      sendText(res, JSON.stringify(reply).replace('"ARGS"', JSON.stringify(deepJson)));
    });
    const r = await callAgent(t, lookupCase());
    expect(r.error).toBeNull();
    expect(r.steps!.map((s) => s.stop)).toEqual(['no_result']);
    expect(server.requests).toHaveLength(1);
  });

  it('anything else building the next request throws ends the answer, never the run', async () => {
    const { t } = await agent('openai', (_req, res) =>
      sendJson(res, openAiToolReply([{ id: 'c1', name: 'lookup', arguments: '{"order":"A1"}' }])),
    );
    const build = t.dialect.buildRequest;
    t.dialect = {
      ...t.dialect,
      buildRequest: (c, extra) => {
        if (extra?.length) throw new TypeError('the dialect could not read the history');
        return build(c);
      },
    };
    const r = await callAgent(t, lookupCase());
    expect(r.error).toEqual({
      kind: 'bad_response',
      message:
        "target candidate: step 2's request could not be built from the replies so far: the dialect could not read the history",
    });
    expect(r.steps!.map((s) => s.stop)).toEqual(['error']);

    // Nor when the first request, built by the loop itself, is the one that cannot be.
    t.dialect = {
      ...t.dialect,
      buildRequest: () => {
        throw new RangeError('Invalid string length');
      },
    };
    const first = await callAgent(t, lookupCase());
    expect(first.error?.kind).toBe('too_large');
    expect(first.steps).toEqual([]);
  });
});

describe('the size of the history a loop sends', () => {
  it('stops the loop as too_large once the next request would pass the bound', async () => {
    const filler = 'x'.repeat(50_000);
    const { server, t } = await agent(
      'openai',
      (_req, res, n) =>
        sendJson(
          res,
          openAiToolReply([{ id: `c${n}`, name: 'lookup', arguments: { order: 'A1', filler } }]),
        ),
      { max_steps: 10 },
    );
    const r = await callAgent(t, lookupCase(), undefined, undefined, 180_000);
    // Requests of about 0, 50, 100 and 150 kB went out; the fifth, 200 kB, was never sent.
    expect(server.requests).toHaveLength(4);
    for (const req of server.requests) expect(req.body.length).toBeLessThanOrEqual(180_000);
    expect(r.error).toEqual({
      kind: 'too_large',
      message:
        "target candidate: step 5 of the agent loop would send more than 180000 bytes of history, the most one request of a loop may carry; the model's replies grew it step by step",
    });
    expect(r.output).toBeNull();
    expect(r.steps!.map((s) => s.stop)).toEqual([undefined, undefined, undefined, 'error']);
    expect(r.tool_calls).toHaveLength(4);
    expect(r.attempts).toBe(4);
  });

  it(`the bound is ${MAX_AGENT_REQUEST_BYTES} bytes: one reply past it ends the loop unsent`, async () => {
    const big = `{"order":"A1","blob":"${'y'.repeat(MAX_AGENT_REQUEST_BYTES)}"}`;
    const { server, t } = await agent('openai', (_req, res) =>
      sendJson(res, openAiToolReply([{ id: 'c1', name: 'lookup', arguments: big }])),
    );
    t.maxResponseBytes = 2 * MAX_AGENT_REQUEST_BYTES;
    const r = await callAgent(t, lookupCase());
    expect(r.error?.kind).toBe('too_large');
    expect(r.error?.message).toMatch(/more than 67108864 bytes of history/);
    expect(server.requests).toHaveLength(1);
  }, 60_000);
});

describe('what the steps record', () => {
  it('"null" arguments are kept as the text the model wrote, and sent back as it', async () => {
    const { server, t } = await agent('openai', (_req, res, n) =>
      sendJson(
        res,
        n === 1
          ? openAiToolReply([{ id: 'c1', name: 'lookup', arguments: 'null' }])
          : openAiReply('It shipped.'),
      ),
    );
    const r = await callAgent(t, lookupCase());
    expect(r.tool_calls).toEqual([
      { name: 'lookup', arguments: null, invalid_arguments: 'null', id: 'c1' },
    ]);
    const sent = JSON.parse(server.requests[1]!.body).messages[1].tool_calls[0].function;
    expect(sent).toEqual({ name: 'lookup', arguments: 'null' });
  });

  it('step timings are rounded to 0.1 ms, as the answer’s are, and add up to it', async () => {
    const { t } = await agent(
      'openai',
      (_req, res, n) =>
        writePieces(
          res,
          chop(
            n === 1
              ? openAiToolStream([{ id: 'c1', name: 'lookup', fragments: ['{"order":"A1"}'] }])
              : openAiToolStream([], ['It ', 'shipped.']),
            9,
          ),
        ),
      { stream: true },
    );
    const r = await callAgent(t, lookupCase());
    expect(r.error).toBeNull();
    expect(r.steps).toHaveLength(2);
    for (const s of r.steps!) {
      expect(Math.round(s.latency_ms * 10) / 10).toBe(s.latency_ms);
      expect(s.ttft_ms).toBeDefined();
      expect(Math.round(s.ttft_ms! * 10) / 10).toBe(s.ttft_ms);
    }
    expect(r.latency_ms).toBeCloseTo(r.steps![0]!.latency_ms + r.steps![1]!.latency_ms, 9);
    expect(r.ttft_ms).toBe(r.steps![0]!.ttft_ms);
  });
});

describe('the manual', () => {
  const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8').replace(/\s+/g, ' ');

  it('states the bounds the loop enforces (tools-and-agents.md, limits.md)', () => {
    for (const page of [read('docs/tools-and-agents.md'), read('docs/limits.md')]) {
      expect(page).toContain(`64 MiB (${MAX_AGENT_REQUEST_BYTES} bytes)`);
      expect(page).toContain(`nested more than ${MAX_ARGUMENT_DEPTH} levels deep`);
    }
  });
});
