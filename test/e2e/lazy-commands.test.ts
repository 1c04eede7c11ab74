import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userText } from '../helpers/fake-openai.js';
import { serveForTest } from '../helpers/per-test.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// init, calibrate and canary are loaded from their own chunks only when asked for, and their
// other tests run the sources in process: here each one runs from the bundle, so a chunk that
// fails to load (a missing split, a built-in not loaded) is caught. plan, merge and view have
// their own end-to-end tests through dist/cli.js.

const env = { TEST_KEY: 'sk-lazy-test' };

describe('commands loaded on demand, from the bundle', () => {
  it('init writes its files', async () => {
    const dir = workspace({});
    const r = await runNode(CLI, ['init', '--provider', 'openai', '--dir', dir], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'evals/evalgate.yaml'))).toBe(true);
  });

  it('calibrate runs the baseline against itself and writes its report', async () => {
    const server = await serveForTest((req) => `a${userText(req).replace(/^q/, '')}`);
    const dir = workspace({
      'golden.jsonl': goldenJsonl(30),
      'evalgate.yaml': baseConfig(server.url),
    });
    const r = await runNode(
      CLI,
      ['calibrate', '--config', 'evalgate.yaml', '--runs', '2', '--report', 'cal.json'],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(60);
    expect(JSON.parse(readFileSync(path.join(dir, 'cal.json'), 'utf8'))).toMatchObject({
      runs: 2,
      cases: 30,
    });
  });

  it('canary reads its config: one without `live` is bad input', async () => {
    const dir = workspace({ 'evalgate.yaml': 'version: 1\ndataset: x.jsonl\n' });
    const r = await runNode(CLI, ['canary', '--config', 'evalgate.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\(live\): is required/);
  });
});

// ajv and the CSV parser are loaded only for a run that needs them: a schema named only by a
// case's own `assert:` (not in the config's text), and a CSV golden set.
describe('code loaded on demand by a run, from the bundle', () => {
  it("a case's own json_schema assert compiles and scores", async () => {
    const server = await serveForTest((req) =>
      userText(req) === 'q0' ? '{"amount": 5}' : '{"amount": -1}',
    );
    const schema = { type: 'object', properties: { amount: { type: 'number', minimum: 0 } } };
    const golden = ['q0', 'q1']
      .map((q) => JSON.stringify({ id: q, input: q, assert: [{ type: 'json_schema', schema }] }))
      .join('\n');
    const config = baseConfig(server.url).replace('scorers:\n  - type: exact\n', '');
    const dir = workspace({ 'golden.jsonl': golden, 'evalgate.yaml': config });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.stderr).not.toContain('internal');
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    const byId = Object.fromEntries(report.cases.map((c: { id: string }) => [c.id, c]));
    expect(byId.q0.candidate.pass).toBe(true);
    expect(byId.q1.candidate.pass).toBe(false);
    expect(byId.q1.candidate.reasons.json_schema).toContain('must be >= 0');
  });

  it('a CSV golden set is read', async () => {
    const server = await serveForTest((req) => `a${userText(req).replace(/^q/, '')}`);
    const rows = Array.from({ length: 30 }, (_, i) => `case-${i},q${i},a${i}`);
    const dir = workspace({
      'golden.csv': ['id,input,expected', ...rows].join('\n'),
      'evalgate.yaml': baseConfig(server.url).replace(
        'dataset: golden.jsonl',
        'dataset: golden.csv',
      ),
    });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    expect(report.cases).toHaveLength(30);
  });
});
