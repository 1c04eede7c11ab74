import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import {
  CONFIG,
  cfg,
  GOLDEN,
  itRejectsEach,
  type Kind,
  lineOf,
  useBadInputServer,
} from '../helpers/bad-input.js';
import {
  type Loopback,
  openAiToolReply,
  type Received,
  sendJson,
  startLoopback,
} from '../helpers/loopback.js';
import { CLI, runNode, workspace } from '../helpers/workspace.js';

// A golden set of tool-calling cases gated through the CLI bundle: the candidate calls the wrong
// tool on the billing slice only, and the gate blocks on that slice (exit 1) with reasons and a
// summary that say which call it made.

const KEY = 'sk-e2e-tool-calls-secret';
const N = 20; // per slice

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
}

let server: Loopback;

/** The model only calls a tool: content null, finish_reason tool_calls. */
function toolCallReply(res: http.ServerResponse, name: string, args: Record<string, unknown>) {
  const usage = { prompt_tokens: 30, completion_tokens: 12 };
  sendJson(res, openAiToolReply([{ id: 'call_1', name, arguments: args }], null, usage));
}

function handle(req: Received, res: http.ServerResponse) {
  const body = JSON.parse(req.body) as ChatBody;
  const user = body.messages.filter((m) => m.role === 'user').at(-1)!.content;
  const m = /^(refund|track) (B\d+)$/.exec(user);
  if (!m) return sendJson(res, { error: `unknown input ${user}` }, 400);
  const [, kind, order] = m;
  if (kind === 'track') return toolCallReply(res, 'track_order', { order_id: order });
  if (body.model === 'cand-model') return toolCallReply(res, 'cancel_order', { order_id: order });
  return toolCallReply(res, 'refund', { order_id: order, amount: 25 });
}

beforeAll(async () => {
  server = await startLoopback(handle);
});
afterAll(() => server.close());

const TOOLS = `    tools:
      - type: function
        function:
          name: refund
          parameters: {type: object, properties: {order_id: {type: string}, amount: {type: number}}}
      - type: function
        function:
          name: track_order
          parameters: {type: object, properties: {order_id: {type: string}}}
      - type: function
        function:
          name: cancel_order
          parameters: {type: object, properties: {order_id: {type: string}}}`;

function config(): string {
  const target = (model: string) => `    type: openai
    base_url: ${server.url}/v1
    model: ${model}
    api_key_env: TEST_KEY
    price: {input_per_mtok: 1, output_per_mtok: 2}
${TOOLS}`;
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
${target('base-model')}
  candidate:
${target('cand-model')}
scorers:
  - {type: tool_call}
budgets:
  quality: {max_drop: 0.9}
slices:
  by: [tags]
  min_cases: 10
  budgets: {quality: {max_drop: 0.05}}
gate: {min_cases: 10}
run: {concurrency: 4, retries: 1, backoff_ms: 1, timeout_ms: 5000}
`;
}

function golden(): string {
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    lines.push(
      JSON.stringify({
        id: `refund-${i}`,
        input: `refund B${i}`,
        tags: ['billing'],
        expected_tool_calls: [{ name: 'refund', arguments: { order_id: `B${i}`, amount: 25 } }],
      }),
      JSON.stringify({
        id: `track-${i}`,
        input: `track B${i}`,
        tags: ['shipping'],
        expected_tool_calls: [{ name: 'track_order', arguments: { order_id: `B${i}` } }],
      }),
    );
  }
  return lines.join('\n');
}

describe('a tool-calling golden set through the CLI bundle', () => {
  it('blocks the candidate that calls the wrong tool on one slice, and says what it called', async () => {
    const dir = workspace({ 'evalgate.yaml': config(), 'golden.jsonl': golden() });
    const r = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--summary', 'summary.md', '--junit', 'junit.xml'],
      { cwd: dir, env: { TEST_KEY: KEY } },
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    const quality = (slice: string | null) =>
      report.checks.find((k) => k.metric === 'quality' && k.slice === slice)?.verdict;
    expect(quality('tags=billing')).toBe('fail');
    expect(quality('tags=shipping')).toBe('pass');
    expect(quality(null)).toBe('pass');

    const refund = report.cases.find((c) => c.id === 'refund-3')!;
    expect(refund.baseline).toMatchObject({
      output: expect.toSatisfy((o: unknown) => o === '' || o === null),
      scores: { tool_call: 1 },
      tool_calls: [{ name: 'refund', arguments: { order_id: 'B3', amount: 25 } }],
      error: null,
    });
    expect(refund.candidate).toMatchObject({
      scores: { tool_call: 0 },
      reasons: {
        tool_call: 'called cancel_order(order_id="B3"), expected refund(order_id="B3", amount=25)',
      },
      tool_calls: [{ name: 'cancel_order', arguments: { order_id: 'B3' } }],
    });
    const track = report.cases.find((c) => c.id === 'track-3')!;
    expect(track.candidate).toMatchObject({ scores: { tool_call: 1 }, pass: true });

    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('- candidate called cancel&#95;order(order&#95;id=&quot;B');
    expect(r.stdout + r.stderr).toContain('candidate called cancel_order(order_id="B');
    // The key went to the endpoint and nowhere else.
    expect(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')).not.toContain(KEY);
  });
});

// These need nothing from the other branches: the checks run on what the case and config hold.
const JUDGE = `judge:
  type: openai
  base_url: http://127.0.0.1:9/v1
  model: judge-model
  api_key_env: TEST_KEY
scorers:`;

const BAD_INPUT: Kind[] = [
  {
    name: 'tool_call on cases without expected tool calls',
    files: (url) => ({ [CONFIG]: cfg(url, ['  - type: exact', '  - type: tool_call']) }),
    where: ['golden.jsonl:1'],
    says: [/case "c1": scorer "tool_call" needs a `value` or the case's `expected_tool_calls`/],
  },
  {
    name: 'tool_call with match: schema and an invalid schema in a case',
    files: () => ({
      'golden.jsonl': `${GOLDEN}\n{"id": "c4", "input": "q4", "expected": "a4", "assert": [{"type": "tool_call", "match": "schema", "value": [{"name": "refund", "arguments": {"type": "nope"}}]}]}`,
    }),
    where: ['golden.jsonl:4'],
    says: [/case "c4": scorer "tool_call": is not a valid JSON Schema/],
  },
  {
    name: 'faithfulness on cases without context',
    files: (url) => ({
      [CONFIG]: cfg(url, ['scorers:\n  - type: exact', `${JUDGE}\n  - type: faithfulness`]),
    }),
    where: ['golden.jsonl:1'],
    says: [/case "c1": scorer "faithfulness": needs the case's `context`/],
  },
  {
    name: 'trajectory with an unknown order',
    files: (url) => ({
      [CONFIG]: cfg(url, ['  - type: exact', '  - {type: trajectory, order: sideways}']),
    }),
    where: (f) => [`${CONFIG}:${lineOf(f[CONFIG]!, 'sideways')} (scorers.0.order)`],
    says: [/expected one of "strict"\|"any"/],
  },
];

describe('tool and RAG scorers that cannot score a case are bad input (exit 2, nothing sent)', () => {
  itRejectsEach(BAD_INPUT, useBadInputServer());
});
