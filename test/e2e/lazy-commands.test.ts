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
