import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../../src/report/format.js';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { openAiStream } from '../helpers/sse-endpoint.js';
import { CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';
import { checksTable } from '../report/inert.js';
import { outcome, parseXml, suite } from '../report/xml.js';

// What the report's surfaces say, through real runs. Figures an endpoint never sent (no `usage`,
// no stream): the check, the targets table and the terminal say what is missing instead of
// "$0 → $0" or "the baseline value is zero". A figure in two tables reads the same or is
// labelled, and improved cases are listed next to regressed ones.
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
    const i = Number(userText(req).replace(/^q/, ''));
    const answer = `a${i}`;
    // Fails fast on every tenth case (the checks compare the pairs both sides answered) and
    // gets right every tenth case the baseline gets wrong.
    if (req.model === 'flaky' && i % 10 === 3) return { status: 500, body: 'down' };
    if (req.model === 'base-model' && i % 10 === 5) return 'wrong';
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

/** A Markdown table's rows as cells, by the first cell. */
function rows(lines: string[]): Map<string, string[]> {
  return new Map(
    lines.slice(2).map((l) => {
      const cells = l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
      return [cells[0]!, cells.slice(1)];
    }),
  );
}

describe('figures and cases on every surface', () => {
  it('one number per figure, and improved cases next to regressed ones', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(60),
      'evalgate.yaml': config(
        openai('base-model'),
        openai('flaky'),
        '  quality: {max_drop: 0.5}\n  pass_rate: {max_drop: 0.5}\n  latency_p95: {max_increase: 500%}\n  cost: {max_increase: 500%}\n  error_rate: {max: 0.5}',
      ).replace('gate:', 'run:\n  retries: 0\ngate:'),
    });
    const r = await run(dir, ['--junit', 'j.xml']);
    expect([0, 1], r.stderr).toContain(r.code);
    const checks = rows(checksTable(r.md));
    const lines = r.md.split('\n');
    const start = lines.indexOf('### Targets') + 2;
    const targets = rows(
      lines.slice(
        start,
        lines.findIndex((l, i) => i > start && !l.startsWith('|')),
      ),
    );
    const same: [string, string][] = [
      ['quality', 'Quality'],
      ['pass rate', 'Pass rate'],
      ['error rate', 'Error rate'],
      ['latency p95', 'Latency p95'],
      ['cost', 'Cost'],
    ];
    for (const [check, target] of same) {
      const [base, cand] = checks.get(check)!;
      const labelled = base!.endsWith(' †') && cand!.endsWith(' †');
      if (!labelled) expect([base, cand], check).toEqual(targets.get(target));
      else expect(r.md).toMatch(new RegExp(`<sub>† ${check}: `));
    }
    // The baseline's p95 over the 54 pairs both answered is not its p95 over 60 calls: the
    // report's numbers say whether the row needed its label.
    const latency = r.report.checks.find((c) => c.metric === 'latency_p95')!;
    expect(latency.n).toBe(54);
    // As the tables show them (a loopback p95 of 2.4 ms against 2.6 ms rounds alike but reads
    // differently), on either side: timings decide which, so the test asks the report.
    const shown = (v: number) => formatValue('latency_p95', v);
    const differs = (['baseline', 'candidate'] as const).some(
      (side) => shown(latency[side]!) !== shown(r.report.targets[side]!.latency_ms.p95),
    );
    expect(checks.get('latency p95')![0]!.endsWith(' †')).toBe(differs);

    // Improved cases: terminal, summary, JUnit.
    expect(r.stdout).toContain('Top improved cases (5 of 6):');
    expect(r.stdout).toMatch(/ {2}case-15\s+0\.00 → 1\.00 \(\+1\.00\), now passing/);
    expect(r.md).toContain('### Improved cases (6)');
    expect(r.md).toContain(
      '<summary><code>case-5</code> · 0.00 → 1.00 (+1.00), now passing</summary>',
    );
    const junit = suite(parseXml(readFileSync(path.join(dir, 'j.xml'), 'utf8')), 'evalgate cases');
    const improved = junit.children.filter((t) => t.children.some((c) => c.name === 'properties'));
    expect(improved.map((t) => t.attrs.name)).toEqual(
      [5, 15, 25, 35, 45, 55].map((i) => `case-${i}`),
    );
    for (const t of improved) expect(outcome(t)).toBe('pass');
  }, 30_000);
});
