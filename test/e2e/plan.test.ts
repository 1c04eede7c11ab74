import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../src/runner/rate-limit.js';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// A plan renders every request as the run would and sends none of them: the loopback endpoint
// must see zero requests, whatever the plan says.
let llm: FakeServer;
const env = { TEST_KEY: 'sk-plan-key' };

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => `a${userText(req).slice(1)} and some more words`);
});
afterAll(() => llm.close());

const project = (extra = '') =>
  workspace({ 'golden.jsonl': goldenJsonl(40), 'evalgate.yaml': baseConfig(llm.url, extra) });
const cli = (dir: string, args: string[], e: NodeJS.ProcessEnv = env) =>
  runNode(CLI, args, { cwd: dir, env: e });

/** The figure in the row of `side`, column `col` (1 = calls, 2 = input, 3 = output tokens). */
function cell(out: string, side: string, col: number): string {
  const row = out.split('\n').find((l) => l.trim().startsWith(`${side} `))!;
  return row.trim().split(/\s{2,}/)[col]!;
}

describe('evalgate plan and run --dry-run', () => {
  it('run --dry-run refuses the flags only a run uses, as plan does, naming each', async () => {
    const dir = project();
    const before = llm.requests.length;
    const r = await cli(dir, [
      'run',
      '--dry-run',
      '--config',
      'evalgate.yaml',
      '--junit',
      'j.xml',
      '--seed',
      '3',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--junit: has no effect with --dry-run');
    expect(r.stderr).toContain('--seed: has no effect with --dry-run');
    expect(llm.requests.length).toBe(before);
    // What plan takes is fine with --dry-run too.
    const ok = await cli(dir, [
      'run',
      '--dry-run',
      '--config',
      'evalgate.yaml',
      '--only',
      'candidate',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('estimates calls, tokens, cost and duration; sends nothing; needs no key', async () => {
    const dir = project();
    const before = llm.requests.length;
    const plan = await cli(dir, ['plan', '--config', 'evalgate.yaml'], {});
    expect(plan.code).toBe(0);
    const dry = await cli(dir, ['run', '--dry-run', '--config', 'evalgate.yaml'], {});
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(plan.stdout);
    expect(llm.requests.length).toBe(before);

    const out = plan.stdout;
    expect(out).toContain('plan: 40 cases × 1 repeat; nothing was sent');
    expect(cell(out, 'baseline', 1)).toBe('40');
    expect(cell(out, 'total', 1)).toBe('80');
    expect(out).toContain('characters of each rendered request / 4');
    expect(out).toContain('Output tokens (candidate): assumed: 256 per call.');
    expect(out).toContain('Latency (baseline): assumed: 2 s per call.');
    // 40 calls × 256 tokens, at $2 per million output tokens plus the input at $1.
    expect(cell(out, 'candidate', 3)).toBe('10,240');
    const input = Number(cell(out, 'candidate', 2).replace(/,/g, ''));
    expect(input).toBeGreaterThan(40 * 10);
    // Concurrency 8, 40 calls, 2 s each: five rounds.
    expect(out).toMatch(/candidate .* 10s \(concurrency 8\)/);

    // One side called: its row alone, no total that only repeats it.
    const one = await cli(dir, ['plan', '--config', 'evalgate.yaml', '--only', 'candidate'], {});
    expect(one.code, one.stderr).toBe(0);
    expect(cell(one.stdout, 'candidate', 1)).toBe('40');
    expect(one.stdout).not.toMatch(/^\s+(baseline|total) /m);
    expect(one.stdout).not.toContain('the sides run at once');
  });

  it('takes output tokens and latency from a stored report', async () => {
    const dir = project();
    const first = llm.requests.length;
    const recorded = await cli(dir, ['run', '--config', 'evalgate.yaml', '--report', 'r.json']);
    expect(recorded.code).toBe(0);
    const run = llm.requests.slice(first).filter((q) => q.body.model === 'cand-model');
    const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')) as Report;
    const before = llm.requests.length;
    const plan = await cli(dir, ['plan', '--config', 'evalgate.yaml', '--from-report', 'r.json']);
    expect(plan.code).toBe(0);
    expect(llm.requests.length).toBe(before);
    const mean = report.cases.reduce((a, c) => a + c.candidate!.output_tokens, 0) / 40;
    expect(cell(plan.stdout, 'candidate', 3)).toBe(Math.round(mean * 40).toLocaleString('en-US'));
    expect(plan.stdout).toContain('Output tokens (candidate): mean of 40 answers in r.json.');
    expect(plan.stdout).toContain('Latency (baseline): mean of 40 answers in r.json.');
    // The requests the plan rendered are the ones the run sent: the same token estimate.
    const sentTokens = run.reduce((a, q) => a + estimatePromptTokens(JSON.stringify(q.body)), 0);
    expect(cell(plan.stdout, 'candidate', 2)).toBe(sentTokens.toLocaleString('en-US'));
  });

  it('run refuses a plan over run.max_cost_usd up front: exit 2, the figure and the budget', async () => {
    const dir = project('  max_cost_usd: 0.001\n');
    const before = llm.requests.length;
    const r = await cli(dir, ['run', '--config', 'evalgate.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /evalgate\.yaml \(run\.max_cost_usd\): the plan's estimated cost \$0\.\d+ exceeds run\.max_cost_usd \(\$0\.00100\): nothing was sent/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const plan = await cli(dir, ['plan', '--config', 'evalgate.yaml']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("run.max_cost_usd $0.00100: the plan's");
    expect(plan.stdout).toContain('exceeds it; run refuses to start');
    expect(llm.requests.length).toBe(before);
    // A budget the plan fits in lets the run go.
    const ok = project('  max_cost_usd: 5\n');
    expect((await cli(ok, ['run', '--config', 'evalgate.yaml'])).code).toBe(0);
  });
});
