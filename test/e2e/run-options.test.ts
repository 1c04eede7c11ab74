import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// run.max_cost_usd, run.cache and run.repeats through the CLI bundle, as users configure them.
// The candidate model `flaky-model` answers the second of every three calls to a case wrong.

let server: FakeServer;
const KEY = 'sk-options-secret-555';
const seen = new Map<string, number>();

beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const q = userText(req);
    const right = q.replace(/^q/, 'a');
    // Far longer answers than a plan assumes: 2000 output tokens each.
    if (req.model === 'verbose-model') return 'word '.repeat(2000).trim();
    if (req.model !== 'flaky-model') return right;
    const k = `${req.model}:${q}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n % 3 === 2 ? 'wrong' : right;
  });
});
afterAll(() => server.close());

const env = { TEST_KEY: KEY };
const readReport = (dir: string, name = 'evalgate-report.json') =>
  JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Report;

function files(dir: string): { name: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({
      name: path.relative(dir, path.join(e.parentPath, e.name)),
      text: readFileSync(path.join(e.parentPath, e.name), 'utf8'),
    }));
}

describe('run options through the CLI', () => {
  it('run.max_cost_usd: stops before the budget is spent, exit 3, a partial report, no verdict', async () => {
    // The plan (256 output tokens a call assumed) fits in $1.5: 200 calls at about $0.0053. The
    // answers are 2000 tokens, $0.0401 a call: only the running cost stop can catch that.
    const cfg = baseConfig(server.url, '  max_cost_usd: 1.5\n')
      .replaceAll(
        'price: {input_per_mtok: 1, output_per_mtok: 2}',
        'price: {input_per_mtok: 10, output_per_mtok: 20}',
      )
      .replace(/model: (base|cand)-model/g, 'model: verbose-model')
      .replace('concurrency: 8', 'concurrency: 2');
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(100) });
    const before = server.requests.length;
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--summary', 's.md'], {
      cwd: dir,
      env,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /could not judge: stopped before run\.max_cost_usd \(\$1\.50\) was spent: \$1\.\d+ spent so far/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const report = readReport(dir);
    expect(report.incomplete).toBe(true);
    expect(report.decision).toBe('inconclusive');
    expect(report.checks).toEqual([]); // never reported as a regression
    expect(report.summary).toMatch(/^incomplete: the run stopped at its cost budget/);
    const spent = report.cases.reduce(
      (s, c) => s + (c.baseline?.cost_usd ?? 0) + (c.candidate?.cost_usd ?? 0),
      0,
    );
    expect(spent).toBeLessThanOrEqual(1.5);
    expect(spent).toBeGreaterThan(1.5 - 0.0401 * 5); // it used the budget, within a few calls
    const sent = server.requests.length - before;
    expect(sent).toBeLessThan(200);
    expect(report.meta.calls?.done).toBe(sent);
    expect(readFileSync(path.join(dir, 's.md'), 'utf8')).toContain('incomplete');
  });

  it('run.max_cost_usd without a price is bad input, and nothing is sent', async () => {
    const cfg = baseConfig(server.url, '  max_cost_usd: 1\n').replace(
      /( {2}candidate:\n(?: {4}.*\n)*?) {4}price: .*\n/,
      '$1',
    );
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(40) });
    const before = server.requests.length;
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'evalgate.yaml (targets.candidate.price): run.max_cost_usd is set, so this target needs a price',
    );
    expect(server.requests.length).toBe(before);
  });

  it('run.cache: a re-run asks the baseline nothing, marks its answers cached, keeps no key', async () => {
    const cfg = baseConfig(server.url, '  cache: {dir: .cache}\n');
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(40) });
    const run = () => runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    const count = (model: string) => server.requests.filter((q) => q.body.model === model).length;

    const b0 = count('base-model');
    const c0 = count('cand-model');
    expect((await run()).code).toBe(0);
    expect(count('base-model') - b0).toBe(40);
    const first = readReport(dir);
    expect(first.targets.baseline?.cached).toBeUndefined();

    const second = await run();
    expect(second.code).toBe(0);
    expect(count('base-model') - b0).toBe(40); // nothing new for the baseline
    expect(count('cand-model') - c0).toBe(80); // the candidate is asked every time
    expect(second.stderr).toMatch(/40 from cache/);
    const report = readReport(dir);
    expect(report.targets.baseline?.cached).toBe(40);
    expect(report.meta.calls).toMatchObject({ planned: 80, cached: 40 });
    for (const c of report.cases) {
      expect(c.baseline?.cached).toBe(true);
      expect(c.candidate?.cached).toBeUndefined();
      const before = first.cases.find((x) => x.id === c.id)!;
      expect(c.baseline?.output).toBe(before.baseline?.output);
      expect(c.baseline?.cost_usd).toBeCloseTo(before.baseline!.cost_usd, 15);
    }

    const stored = files(path.join(dir, '.cache'));
    expect(stored).toHaveLength(40);
    for (const f of stored) {
      expect(f.name).not.toContain(KEY);
      expect(f.text).not.toContain(KEY);
    }
  });

  it('run.repeats: k calls per case, mean scores, and a stability figure per target', async () => {
    const cfg = baseConfig(server.url, '  repeats: 3\n').replace(
      'model: cand-model',
      'model: flaky-model',
    );
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(40) });
    const before = server.requests.length;
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(server.requests.length - before).toBe(240);
    const report = readReport(dir);
    expect(report.meta.repeats).toBe(3);
    expect(report.meta.calls).toMatchObject({ planned: 240, done: 240 });
    const c = report.cases[0]!.candidate!;
    // A case's repeats run at the same time: which of them the server answers second varies.
    expect([...c.repeat_scores!].sort()).toEqual([0, 1, 1]);
    expect(c.score).toBeCloseTo(2 / 3, 12);
    expect(c.pass).toBe(true);
    expect(report.targets.baseline?.stability).toEqual({
      cases: 40,
      identical_outputs: 1,
      pass_agreement: 1,
    });
    expect(report.targets.candidate?.stability?.identical_outputs).toBe(0);
    expect(report.targets.candidate?.stability?.pass_agreement).toBeCloseTo(1 / 3, 12);
    // Quality drops by a third on the candidate: the gate blocks it.
    expect(r.code).toBe(1);
    expect(
      report.checks.find((k) => k.metric === 'quality' && k.slice === null)?.delta,
    ).toBeCloseTo(-1 / 3, 12);
  });
});
