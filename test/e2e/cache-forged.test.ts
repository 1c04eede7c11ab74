import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// The response cache sits in a folder a pull request or a restored CI cache can fill. Entries
// forged to make the baseline look as bad as the candidate (every answer wrong), each also
// carrying a value we never write (a negative cost, a latency of 1e308, a count as a string,
// negative tokens), must be ignored: the baseline is asked again and the gate still blocks.

const KEY = 'sk-cache-forged-777';
const ECHO = `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`;
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const q = userText(req);
    const n = Number(q.slice(1));
    // The candidate gets half the cases wrong: a clear regression.
    if (req.model === 'cand-model' && n % 2 === 0) return 'wrong';
    // An endpoint that echoes credentials (in base64, as a Basic header) in a third of its answers.
    if (req.model === 'echo-model' && n % 3 === 0) return `${q.replace(/^q/, 'a')} ${ECHO}`;
    return q.replace(/^q/, 'a');
  });
});
afterAll(() => server.close());

function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

const FORGERIES: Record<string, unknown>[] = [
  { cost_usd: -5 },
  { latency_ms: 1e308 },
  { input_tokens: '12' },
  { output_tokens: -1 },
];

describe('forged response-cache entries', () => {
  it('are ignored with a warning and do not change the decision', async () => {
    const cfg = baseConfig(server.url, '  cache: {dir: .cache}\n');
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(40) });
    const run = () =>
      runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir, env: { TEST_KEY: KEY } });
    const baselineCalls = () => server.requests.filter((q) => q.body.model === 'base-model').length;

    const first = await run();
    expect(first.code, first.stderr).toBe(1);
    const b0 = baselineCalls();

    const files = entries(path.join(dir, '.cache'));
    expect(files).toHaveLength(40);
    files.forEach((f, i) => {
      const entry = JSON.parse(readFileSync(f, 'utf8'));
      writeFileSync(f, JSON.stringify({ ...entry, output: 'wrong', ...FORGERIES[i % 4] }));
    });

    const second = await run();
    expect(second.code, second.stderr).toBe(1);
    expect(baselineCalls() - b0).toBe(40); // every forged answer was asked for again
    expect(second.stderr).toMatch(
      /response cache entry .*\.json is ignored \(.+\); its call is made again/,
    );
    expect(second.stderr).toMatch(/40 response cache entries in .* were invalid and ignored/);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.decision).toBe('fail');
    expect(report.targets.baseline?.cached).toBeUndefined();
    for (const c of report.cases) expect(c.baseline?.output).toMatch(/^a\d+$/);

    // The fresh answers replaced the forgeries: a third run is served from the cache.
    for (const f of entries(path.join(dir, '.cache')))
      expect(JSON.parse(readFileSync(f, 'utf8')).output).toMatch(/^a\d+$/);
    const third = await run();
    expect(third.code).toBe(1);
    expect(baselineCalls() - b0).toBe(40);
    expect(third.stderr).toMatch(/40 from cache/);
  });
});

describe('answers quoting a secret', () => {
  it('are not cached, in any encoding', async () => {
    const cfg = baseConfig(server.url, '  cache: {dir: .cache}\n').replace(
      'model: base-model',
      'model: echo-model',
    );
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(30) });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd: dir,
      env: { TEST_KEY: KEY },
    });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).toMatch(/an answer quoted a secret .* so it was not cached/);
    const files = entries(path.join(dir, '.cache'));
    expect(files).toHaveLength(20);
    const b64 = Buffer.from(`user:${KEY}`).toString('base64');
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(b64.slice(8, 24));
    }
  });
});
