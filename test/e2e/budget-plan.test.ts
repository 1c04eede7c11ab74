import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { startLoopback } from '../helpers/loopback.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// The plan made before anything is sent, through the real CLI bundle against a loopback endpoint
// that counts requests: validate prints it; a ceiling the set size cannot pass is a warning, or,
// under on_inconclusive: fail, bad input (exit 2) with nothing sent.

const env = { TEST_KEY: 'sk-plan-test' };
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI((req) => `a${userText(req).match(/q(\d+)/)?.[1]}`);
});
afterAll(() => server.close());

function setup(extra: string, onInconclusive: 'pass' | 'fail' = 'pass', url = server.url): string {
  const text = baseConfig(url, extra)
    .replace(
      'gate:\n  min_cases: 30',
      `gate:\n  min_cases: 30\n  on_inconclusive: ${onInconclusive}`,
    )
    .replace(
      'error_rate: {max: 0.05}',
      `error_rate: {max: 0.01}\n  latency_p95: {max_increase: 20%}`,
    )
    .replace('quality: {max_drop: 0.02}', 'quality: {max_drop: 0.05}');
  return workspace({
    'golden.jsonl': goldenJsonl(60, (i) => (i % 10 === 0 ? 'rare' : 'common')),
    'evalgate.yaml': text,
  });
}

const SLICES = `slices:
  by: [tags]
  min_cases: 20
  budgets: {pass_rate: {max_drop: 0.1}}
`;

describe('the up-front plan', () => {
  it('validate prints every check with the cases it needs, and what this size cannot decide', async () => {
    const dir = setup(SLICES);
    const r = await runNode(CLI, ['validate', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const out = r.stdout;
    expect(out).toMatch(/^\s+quality\s+5 pts\s+60\s+≥ 30\s+≥ \d{3}\s+assumes no noise/m);
    expect(out).toMatch(
      /^\s+latency p95\s+\+20%\s+60\s+depends on the spread\s+–\s+run `evalgate calibrate`/m,
    );
    expect(out).toMatch(/^\s+error rate\s+≤ 1%\s+60\s+≥ 299\s+[\d,]+\s+cannot pass at this size$/m);
    expect(out).toMatch(/^\s+pass rate \[tags=common\]\s+10 pts\s+54\s+≥ 20\s+≥ \d+/m);
    expect(out).toMatch(/will not be gated: tags=rare \(6\)/);
    expect(out).toMatch(
      /cannot be decided \(budgets\.error_rate\.max\): the error-rate ceiling of 1% cannot pass with 60 cases: .* only from 299 calls; raise the ceiling to 4\.9% or add 239 cases/,
    );
  });

  it('with on_inconclusive: fail, an impossible ceiling is bad input: exit 2, file, field, sizes, nothing sent', async () => {
    const dir = setup('', 'fail');
    for (const command of ['validate', 'run']) {
      const r = await runNode(CLI, [command, '--config', 'evalgate.yaml'], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/bad input; nothing was sent/);
      expect(r.stderr).toMatch(
        /evalgate\.yaml \(budgets\.error_rate\.max\): the error-rate ceiling of 1% cannot pass with 60 cases: .*299 calls; raise the ceiling to 4\.9% or add 239 cases \(gate\.on_inconclusive is fail/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(server.requests).toHaveLength(0);
    }
  });

  it('without it, run logs the plan and warns as its first calls go out, and the report says how many cases would decide', async () => {
    const dir = setup('');
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--report', 'r.json'], {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const warned = r.stderr.indexOf(
      'warning: the error-rate ceiling of 1% cannot pass with 60 cases',
    );
    expect(warned).toBeGreaterThan(-1);
    expect(r.stderr.indexOf('plan: ')).toBeLessThan(warned);
    expect(server.requests.length).toBe(120);
    const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    const ceiling = report.checks.find((c: { metric: string }) => c.metric === 'error_rate');
    expect(ceiling.verdict).toBe('inconclusive');
    const entry = report.power.checks.find((e: { metric: string }) => e.metric === 'error_rate');
    // Alone, a 1% ceiling blocks a 2% rate from 905 calls; one of four whole-set checks plans
    // for its share of α (multiplicity.ts), so it needs more, and the reason gives that figure.
    expect(entry).toMatchObject({ n: 60, cases_to_pass: 299 });
    expect(entry.cases_to_fail).toBeGreaterThan(905);
    expect(entry.cases_needed).toBe(entry.cases_to_fail);
    expect(ceiling.reason).toContain(
      `about ${entry.cases_needed.toLocaleString('en-US')} calls would decide it.`,
    );
    const latency = report.power.checks.find((e: { metric: string }) => e.metric === 'latency_p95');
    expect(latency.cases_to_pass).toBeGreaterThanOrEqual(30);
  });

  // The plan is printed once the first calls are in flight: a run whose calls all fail at once
  // still prints it (once) and writes its report; --only plans nothing (it judges no check).
  it('a run whose endpoint is down at once still prints the plan once and writes its report', async () => {
    const down = await startLoopback(() => {});
    await down.close();
    const at = setup('', 'pass', `${down.url}/v1`);
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--report', 'r.json'], {
      cwd: at,
      env,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.split('\nplan: ')).toHaveLength(2);
    expect(existsSync(path.join(at, 'r.json'))).toBe(true);
  });

  it('--only records one side without a plan', async () => {
    const dir = setup('');
    const before = server.requests.length;
    const r = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--only', 'baseline', '--report', 'b.json'],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('plan: ');
    expect(server.requests.length - before).toBe(60);
  });
});
