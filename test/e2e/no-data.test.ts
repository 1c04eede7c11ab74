import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { openAiStream } from '../helpers/sse-endpoint.js';
import { CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// Figures an endpoint never sent, through a real run: an endpoint that answers without `usage`
// and a target that does not stream. The check, the targets table and the terminal say what is
// missing instead of "$0 → $0" or "the baseline value is zero".
let llm: FakeServer;

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    // The http target's own app: `{question}` in, `{answer}` out, no token counts.
    if (!Array.isArray(req.messages)) {
      const q = String((req as { question?: unknown }).question ?? '');
      return {
        status: 200,
        body: JSON.stringify({ answer: q.replace(/^q/, 'a') }),
        headers: JSON_TYPE,
      };
    }
    const answer = userText(req).replace(/^q/, 'a');
    if (req.model === 'no-usage') {
      const body = { choices: [{ index: 0, message: { role: 'assistant', content: answer } }] };
      return { status: 200, body: JSON.stringify(body), headers: JSON_TYPE };
    }
    if (req.stream) {
      return {
        status: 200,
        body: openAiStream([answer.slice(0, 1), answer.slice(1)]),
        headers: { 'content-type': 'text/event-stream' },
      };
    }
    return answer;
  });
});
afterAll(() => llm.close());

const JSON_TYPE = { 'content-type': 'application/json' };
const PRICE = 'price: {input_per_mtok: 1, output_per_mtok: 2}';

function openai(model: string, extra = ''): string {
  return `    type: openai
    base_url: ${llm.url}
    model: ${model}
    api_key_env: TEST_KEY
    ${PRICE}${extra}`;
}

function config(baseline: string, candidate: string, budgets: string): string {
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
${baseline}
  candidate:
${candidate}
scorers:
  - type: exact
budgets:
${budgets}
gate:
  min_cases: 30
`;
}

async function run(dir: string, args: string[] = []) {
  const r = await runNode(
    CLI,
    ['run', '--config', 'evalgate.yaml', '--summary', 'summary.md', ...args],
    { cwd: dir, env: { TEST_KEY: 'k' } },
  );
  const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')) as Report;
  return { ...r, report, md: readFileSync(path.join(dir, 'summary.md'), 'utf8') };
}

describe('no data', () => {
  it('a candidate endpoint that sends no token counts: its cost is unknown, not $0', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(40),
      'evalgate.yaml': config(
        openai('base-model'),
        openai('no-usage'),
        '  quality: {max_drop: 0.05}\n  cost: {max_increase: 10%}',
      ),
    });
    const r = await run(dir);
    expect(r.code, r.stderr).toBe(0);
    const why = 'the candidate endpoint sent no token counts, so its cost is unknown';
    const cost = r.report.checks.find((c) => c.metric === 'cost')!;
    expect(cost).toMatchObject({
      verdict: 'inconclusive',
      candidate: null,
      ci: null,
      reason: `cost: no data: ${why}.`,
    });
    expect(cost.baseline).toBeGreaterThan(0);
    expect(r.report.targets.candidate?.no_data).toMatchObject({ cost_usd: why });
    expect(r.report.targets.baseline?.no_data?.cost_usd).toBeUndefined();
    expect(r.report.summary.startsWith(`inconclusive: cost: no data: ${why}`)).toBe(true);
    // The job summary: the check's row, its reason, and the targets table.
    expect(r.md).toMatch(/\| cost \| &#36;[\d.e-]+ \| – \| – \|/);
    expect(r.md).toContain('| Cost | &#36;');
    expect(r.md).toMatch(/\| Cost \| &#36;[\d.e-]+ \| unknown \|/);
    expect(r.md).toMatch(/\| Input tokens \| 400 \| unknown \|/);
    expect(r.md).toContain(`- Unknown: ${why}.`);
    expect(r.md).not.toContain('baseline value is zero');
    // The terminal.
    expect(r.stdout).toContain(`Why:\n  cost: no data: ${why}.`);
  }, 30_000);

  it('a TTFT budget on a target that does not stream says so', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(40),
      'evalgate.yaml': config(
        openai('streamer', '\n    stream: true'),
        `    type: http
    url: ${llm.url}/app
    body: {question: "{{input}}"}
    output: answer
    ${PRICE}`,
        '  ttft_p95: {max_increase: 20%}\n  tpot_p95: {max_increase: 20%}',
      ),
    });
    const r = await run(dir);
    expect(r.code, r.stderr).toBe(0);
    const ttft = r.report.checks.find((c) => c.metric === 'ttft_p95')!;
    expect(ttft.reason).toBe(
      'TTFT p95: no data: target candidate (http) does not stream, so there is no time to first token.',
    );
    expect(r.report.checks.find((c) => c.metric === 'tpot_p95')!.reason).toBe(
      'TPOT p95: no data: target candidate (http) does not stream, so there is no time per output token.',
    );
    expect(r.report.targets.candidate?.no_data?.tokens).toBe(
      'target candidate (http) has no `usage` paths, so it reports no token counts',
    );
    expect(r.md).toMatch(/\| TTFT p95 \| \d+(\.\d)? ms \| unknown \|/);
    expect(r.md).toContain(
      '- Unknown: target candidate (http) does not stream, so there is no time to first token.',
    );
  }, 30_000);

  it('a baseline recorded with stream: false has no time to first token to compare', async () => {
    const golden = goldenJsonl(40);
    const rec = workspace({
      'golden.jsonl': golden,
      'evalgate.yaml': config(
        openai('streamer'),
        openai('streamer', '\n    stream: false'),
        '  quality: {max_drop: 0.05}',
      ),
    });
    const recorded = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--only', 'candidate', '--report', 'main.json'],
      { cwd: rec, env: { TEST_KEY: 'k' } },
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    const dir = workspace({
      'golden.jsonl': golden,
      'main.json': readFileSync(path.join(rec, 'main.json'), 'utf8'),
      'evalgate.yaml': config(
        openai('streamer', '\n    stream: true'),
        openai('streamer', '\n    stream: true'),
        '  ttft_p95: {max_increase: 20%}',
      ),
    });
    const r = await run(dir, ['--baseline-report', 'main.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.checks[0]!.reason).toBe(
      'TTFT p95: no data: the recorded baseline has no time to first token (it was recorded without streaming).',
    );
    expect(r.report.summary).toBe(
      'inconclusive: TTFT p95: no data: the recorded baseline has no time to first token (it was recorded without streaming)',
    );
  }, 30_000);
});
