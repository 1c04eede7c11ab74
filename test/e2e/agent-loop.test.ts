import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import {
  type Loopback,
  openAiReply,
  openAiToolReply,
  sendJson,
  startLoopback,
} from '../helpers/loopback.js';
import { CLI, runNode, workspace } from '../helpers/workspace.js';

// An agent golden set through the CLI bundle (run `npm run build` first). The endpoint plays an
// order-status agent: it calls `lookup_order`, and once the tool's result is in the history it
// answers with the status. The candidate model never stops calling the tool: its loop ends at
// max_steps, is scored (wrong), and blocks the gate; nothing hangs.

const N = 32;
const golden = Array.from({ length: N }, (_, i) =>
  JSON.stringify({
    id: `order-${i}`,
    input: `Where is order ${i}?`,
    expected: `shipped-${i}`,
    tool_results: [
      {
        name: 'lookup_order',
        arguments: { order_id: String(i) },
        result: { status: `shipped-${i}` },
      },
    ],
  }),
).join('\n');

let server: Loopback;

beforeAll(async () => {
  server = await startLoopback((req, res) => {
    const body = JSON.parse(req.body) as {
      model: string;
      messages: { role: string; content: string | null }[];
    };
    const tool = body.messages.findLast((m) => m.role === 'tool');
    const order = /order (\d+)/.exec(body.messages[0]!.content ?? '')?.[1] ?? '?';
    if (tool && body.model === 'good-agent') {
      sendJson(res, openAiReply((JSON.parse(tool.content!) as { status: string }).status));
      return;
    }
    const n = body.messages.length;
    sendJson(
      res,
      openAiToolReply([
        { id: `call_${n}`, name: 'lookup_order', arguments: JSON.stringify({ order_id: order }) },
      ]),
    );
  });
});
afterAll(() => server?.close());

const config = (url: string) => `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: ${url}/v1
    model: good-agent
    tools: &tools
      - type: function
        function:
          name: lookup_order
          description: The status of an order
          parameters:
            type: object
            properties: {order_id: {type: string}}
            required: [order_id]
    max_steps: 3
  candidate:
    type: openai
    base_url: ${url}/v1
    model: looping-agent
    tools: *tools
    max_steps: 3
scorers: [{type: exact}]
budgets: {quality: {max_drop: 0.05}}
gate: {min_cases: 30}
run: {concurrency: 4, retries: 0, timeout_ms: 5000}
`;

describe('an agent golden set (CLI bundle)', () => {
  it('runs the loop, scores the final answer, and a looping candidate ends at max_steps and is blocked', async () => {
    const dir = workspace({ 'evalgate.yaml': config(server.url), 'golden.jsonl': golden });
    const before = server.requests.length;
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env: {} });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(1);
    const sent = server.requests.slice(before).map((q) => JSON.parse(q.body).model as string);
    // Two steps a case for the baseline, three (max_steps) for the candidate: bounded.
    expect(sent.filter((m) => m === 'good-agent')).toHaveLength(2 * N);
    expect(sent.filter((m) => m === 'looping-agent')).toHaveLength(3 * N);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.targets.baseline).toMatchObject({ quality: 1, error_rate: 0 });
    expect(report.targets.candidate).toMatchObject({ quality: 0, error_rate: 0 });
    const c0 = report.cases.find((c) => c.id === 'order-0')!;
    expect(c0.baseline!.output).toBe('shipped-0');
    expect(c0.candidate).toMatchObject({ output: '', error: null, pass: false });
  }, 30_000);
});
