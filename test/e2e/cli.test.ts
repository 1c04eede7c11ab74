import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// One loopback endpoint speaking the OpenAI dialect. The candidate model's behaviour is chosen
// by its name, so one server serves every scenario:
//   same-model:  answers every case exactly like the baseline;
//   bad-model:   answers 20% of cases wrong (a clear regression);
//   slice-model: answers wrong only on cases tagged "billing".
let server: FakeServer;
const KEY = 'sk-test-secret-value-123';

beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const q = userText(req);
    const i = Number(q.replace(/^q/, ''));
    const right = `a${i}`;
    if (req.model === 'bad-model' && i % 5 === 0) return 'wrong';
    if (req.model === 'slice-model' && q.startsWith('q') && billing(i)) return 'wrong';
    return right;
  });
});
afterAll(() => server.close());

const billing = (i: number) => i % 10 === 0;

function setup(candidateModel: string, extra = '', n = 100) {
  const cfg = baseConfig(server.url, extra).replace(
    'model: cand-model',
    `model: ${candidateModel}`,
  );
  return workspace({
    'evalgate.yaml': cfg,
    'golden.jsonl': goldenJsonl(n, (i) => (billing(i) ? 'billing' : 'general')),
  });
}

const env = { TEST_KEY: KEY };

describe('evalgate run (the CLI bundle as a process)', () => {
  it('passes an identical candidate with exit 0 and writes the report the contract describes', async () => {
    const dir = setup('same-model');
    const before = server.requests.length;
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(server.requests.length - before).toBe(200);

    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.schema_version).toBe(1);
    expect(report.decision).toBe('pass');
    expect(report.cases).toHaveLength(100);
    const c = report.cases.find((x) => x.id === 'case-3')!;
    expect(c.slices).toEqual([]);
    expect(c.baseline).toMatchObject({
      output: 'a3',
      score: 1,
      pass: true,
      scores: { exact: 1 },
      error: null,
    });
    expect(c.candidate?.input_tokens).toBe(10);
    expect(c.candidate?.cost_usd).toBeCloseTo((10 * 1 + 1 * 2) / 1e6, 12);
    expect(report.targets.baseline).toMatchObject({
      cases: 100,
      quality: 1,
      pass_rate: 1,
      error_rate: 0,
    });
    expect(Object.keys(report.targets.candidate!.latency_ms)).toEqual([
      'p50',
      'p95',
      'p99',
      'mean',
    ]);
    const quality = report.checks.find((k) => k.metric === 'quality' && k.slice === null)!;
    expect(quality).toMatchObject({ verdict: 'pass', delta: 0, ci: [0, 0], n: 100, budget: 0.02 });
    expect(Object.keys(quality)).toEqual(
      expect.arrayContaining([
        'metric',
        'slice',
        'baseline',
        'candidate',
        'delta',
        'ci',
        'budget',
        'p_value',
        'n',
        'verdict',
        'reason',
      ]),
    );
    // The key reached the endpoint but nowhere else.
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('blocks a clearly regressed candidate with exit 1 and a failing quality check', async () => {
    const dir = setup('bad-model');
    const r = await runNode(
      CLI,
      [
        'run',
        '--config',
        'evalgate.yaml',
        '--junit',
        'out/junit.xml',
        '--summary',
        'out/summary.md',
      ],
      {
        cwd: dir,
        env,
      },
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.decision).toBe('fail');
    const quality = report.checks.find((k) => k.metric === 'quality' && k.slice === null)!;
    expect(quality.verdict).toBe('fail');
    expect(quality.delta).toBeCloseTo(-0.2, 10);
    expect(quality.ci![1]).toBeLessThan(-0.02);
    expect(report.summary).toMatch(/^blocked: /);
    expect(r.stdout).toContain('FAIL');
    const junit = readFileSync(path.join(dir, 'out/junit.xml'), 'utf8');
    expect(junit.match(/<failure/g)?.length).toBeGreaterThanOrEqual(20);
    const summary = readFileSync(path.join(dir, 'out/summary.md'), 'utf8');
    expect(summary).toContain(report.summary.replace(/^blocked: /, '').slice(0, 20));
  });

  it('catches a regression confined to one slice, and reports that slice first', async () => {
    const dir = setup(
      'slice-model',
      `slices:
  by: [tags]
  min_cases: 10
  budgets: {quality: {max_drop: 0.05}}
`,
      300,
    );
    // Loosen the whole-set budget so only the slice can block.
    const cfgPath = path.join(dir, 'evalgate.yaml');
    writeFileSync(
      cfgPath,
      readFileSync(cfgPath, 'utf8')
        .replace('quality: {max_drop: 0.02}', 'quality: {max_drop: 0.2}')
        .replace('  pass_rate: {max_drop: 0.02}\n', ''),
    );
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.code).toBe(1);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.checks[0]).toMatchObject({
      metric: 'quality',
      slice: 'tags=billing',
      verdict: 'fail',
    });
    expect(report.checks.find((k) => k.metric === 'quality' && k.slice === null)?.verdict).toBe(
      'pass',
    );
    expect(report.cases.find((c) => c.id === 'case-10')?.slices).toEqual(['tags=billing']);
  });

  it('exits 3, not 1, when the candidate endpoint is unreachable', async () => {
    const dir = setup('same-model');
    const cfgPath = path.join(dir, 'evalgate.yaml');
    const cfg = readFileSync(cfgPath, 'utf8');
    // Point the candidate at a closed port: connection refused on every call.
    const lines = cfg.split('\n');
    const at = lines.findIndex((l) => l.includes('model: same-model'));
    lines[at - 1] = '    base_url: http://127.0.0.1:1/v1';
    writeFileSync(cfgPath, lines.join('\n'));
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not judge: .*target candidate/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('records one side with --only candidate and compares against it with --baseline-report', async () => {
    const dir = setup('same-model');
    const before = server.requests.length;
    const rec = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--only', 'candidate', '--report', 'main.json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(rec.code).toBe(0);
    expect(server.requests.length - before).toBe(100);
    const recorded = JSON.parse(readFileSync(path.join(dir, 'main.json'), 'utf8')) as Report;
    expect(recorded.meta.only).toBe('candidate');
    expect(recorded.checks).toEqual([]);

    const cfgPath = path.join(dir, 'evalgate.yaml');
    writeFileSync(
      cfgPath,
      readFileSync(cfgPath, 'utf8').replace('model: same-model', 'model: bad-model'),
    );
    const mid = server.requests.length;
    const cmp = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--baseline-report', 'main.json'],
      { cwd: dir, env },
    );
    expect(cmp.code).toBe(1);
    // Only the candidate was called.
    expect(server.requests.slice(mid).every((q) => q.body.model === 'bad-model')).toBe(true);
    expect(server.requests.length - mid).toBe(100);
  });

  it('records the baseline side with --only baseline, and a later run compares against it', async () => {
    const dir = setup('bad-model');
    const before = server.requests.length;
    const rec = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--only', 'baseline', '--report', 'base.json'],
      { cwd: dir, env },
    );
    expect(rec.code).toBe(0);
    expect(server.requests.slice(before).every((q) => q.body.model === 'base-model')).toBe(true);
    expect(server.requests.length - before).toBe(100);
    const recorded = JSON.parse(readFileSync(path.join(dir, 'base.json'), 'utf8')) as Report;
    expect(recorded.meta.only).toBe('baseline');
    expect(recorded.cases.every((c) => c.baseline && !c.candidate)).toBe(true);

    const mid = server.requests.length;
    const cmp = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--baseline-report', 'base.json'],
      { cwd: dir, env },
    );
    expect(cmp.code).toBe(1);
    expect(server.requests.slice(mid).every((q) => q.body.model === 'bad-model')).toBe(true);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.meta.models.baseline).toBe('base-model');
    expect(report.checks.find((k) => k.metric === 'quality' && k.slice === null)?.verdict).toBe(
      'fail',
    );
  });

  it('validate sends nothing and exits 0 on a good config', async () => {
    const dir = setup('same-model');
    const before = server.requests.length;
    const r = await runNode(CLI, ['validate', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/100 cases/);
    expect(server.requests.length).toBe(before);
  });
});
