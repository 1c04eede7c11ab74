import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/plan/estimate.js';
import type { SideResult } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { workspace } from '../helpers/workspace.js';

// `evalgate plan` for an agent set: a case with tool_results on a target with max_steps above 1
// makes up to max_steps calls. The plan counts the calls it assumes (one per canned result plus
// the answer) and says what every loop running to max_steps would cost. Nothing is sent: the
// base_url is a port nobody listens on.

const N = 20;
const golden = Array.from({ length: N }, (_, i) =>
  JSON.stringify({
    id: `order-${i}`,
    input: `Where is order ${i}?`,
    expected: `shipped-${i}`,
    // Half the cases need two tool results (two steps and the answer), half one.
    tool_results: [
      { name: 'lookup_order', result: { status: `shipped-${i}` } },
      ...(i % 2 === 0 ? [{ name: 'track', result: 'in transit' }] : []),
    ],
  }),
).join('\n');

const side = (model: string, maxSteps: number) => `    type: openai
    base_url: http://127.0.0.1:9/v1
    model: ${model}
    params: {max_tokens: 100}
    price: {input_per_mtok: 1, output_per_mtok: 2}
    max_steps: ${maxSteps}
    tools:
      - {type: function, function: {name: lookup_order}}
      - {type: function, function: {name: track}}`;

const config = `version: 1
dataset: golden.jsonl
targets:
  baseline:
${side('agent-a', 6)}
  candidate:
${side('agent-b', 1)}
scorers: [{type: exact}]
run: {repeats: 2}
`;

const cell = (out: string, row: string, col: number) =>
  Number(
    out
      .split('\n')
      .find((l) => l.trim().startsWith(`${row} `))!
      .trim()
      .split(/\s{2,}/)
      [col]!.replace(/[,$]/g, ''),
  );

describe('plan: agent loops', () => {
  it('assumes one call per canned result plus the answer, and states the max_steps worst case', async () => {
    const dir = workspace({ 'evalgate.yaml': config, 'golden.jsonl': golden });
    const r = await cliInProcess(['plan', '--config', path.join(dir, 'evalgate.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    // Baseline: (10 cases × 3 calls + 10 × 2) × 2 repeats. Candidate (max_steps 1): one a case.
    expect(cell(r.stdout, 'baseline', 1)).toBe(100);
    expect(cell(r.stdout, 'candidate', 1)).toBe(40);
    expect(cell(r.stdout, 'baseline', 3)).toBe(100 * 100);
    // The history grows each step, so an agent case sends more than its first request per call.
    const perCallBase = cell(r.stdout, 'baseline', 2) / 100;
    const perCallCand = cell(r.stdout, 'candidate', 2) / 40;
    expect(perCallBase).toBeGreaterThan(perCallCand);
    expect(r.stdout).toContain(
      'Agent loops (baseline): 40 cases run an agent loop of up to max_steps 6 calls; the figures assume one call per canned tool result plus the answer (2.5 a case on average), and a history that grows by each result; if every loop ran to max_steps: 240 calls and $',
    );
    expect(r.stdout).not.toContain('Agent loops (candidate)');
    const worst = Number(/max_steps: 240 calls and \$(\d+(?:\.\d+)?)/.exec(r.stdout)![1]);
    expect(worst, r.stdout).toBeGreaterThan(cell(r.stdout, 'baseline', 4));
  });
});

describe('plan: figures from a stored report with agent answers', () => {
  it('counts an agent answer as one call per step, so per-call figures are not inflated', () => {
    const answer = (output_tokens: number, latency_ms: number, steps = 0) =>
      ({
        input_tokens: 20,
        output_tokens,
        latency_ms,
        error: null,
        ...(steps
          ? { steps: Array.from({ length: steps }, () => ({ input_tokens: 5, output_tokens: 10 })) }
          : {}),
      }) as unknown as SideResult;
    const seen = observe('r.json', { candidate: [answer(30, 300, 3), answer(10, 100)] });
    expect(seen.sides.candidate).toEqual({
      outputTokens: 10,
      counted: 2,
      latencyMs: 100,
      answers: 2,
    });
  });
});

describe('plan: RAG judge scorers', () => {
  it('counts faithfulness and answer_relevance as judge calls', async () => {
    const cases = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({ id: `r${i}`, input: `q${i}`, context: ['p'], expected: 'a' }),
    ).join('\n');
    const target = `    type: openai
    base_url: http://127.0.0.1:9/v1
    model: m`;
    const dir = workspace({
      'golden.jsonl': cases,
      'evalgate.yaml': `version: 1
dataset: golden.jsonl
targets:
  baseline:
${target}
  candidate:
${target}
judge:
${target}
scorers: [{type: faithfulness}, {type: answer_relevance}, {type: exact}]
`,
    });
    const r = await cliInProcess(['plan', '--config', path.join(dir, 'evalgate.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    // 5 cases × 2 judged scorers × 2 sides.
    expect(r.stdout).toContain('Judge: 20 judge calls');
  });
});
