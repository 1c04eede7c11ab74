import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { partlyFailing } from '../helpers/burst-endpoint.js';
import { serveForTest } from '../helpers/per-test.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// Issue 10, item 5: an error burst is not an outage. A candidate failing 15% of its calls, the
// failures answered at once and the answers after 20-40 ms, is judged by its error_rate budget
// (exit 1); an endpoint that is really down (refused, or never answering) still stops the run
// with exit 3 and a partial report, within a bound well under 30 s.

const env = { TEST_KEY: 'sk-outage' };
const N = 200;

async function gate(cfg: string) {
  const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(N) });
  const started = Date.now();
  const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--report', 'r.json'], {
    cwd: dir,
    env,
  });
  const seconds = (Date.now() - started) / 1000;
  const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')) as Report;
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return { ...r, report, seconds };
}

/** The config at concurrency 32 with the candidate's base_url (and run settings) swapped. */
function config(url: string, candidateUrl: string, run: Record<string, string>): string {
  let cfg = baseConfig(url).replace('concurrency: 8', 'concurrency: 32');
  for (const [from, to] of Object.entries(run)) cfg = cfg.replace(from, to);
  const lines = cfg.split('\n');
  const at = lines.findIndex((l) => l.includes('model: cand-model'));
  lines[at - 1] = `    base_url: ${candidateUrl}`;
  return lines.join('\n');
}

describe('an error burst is judged, an outage stops the run', () => {
  it.each([7, 9])(
    '15% fast failures at concurrency 32 (seed %i): the run completes and error_rate blocks it (exit 1)',
    async (seed) => {
      const endpoint = partlyFailing(seed, 0.15, (model) => model === 'cand-model');
      const server = await serveForTest((req) => endpoint.reply(req));
      const r = await gate(
        config(server.url, server.url, { 'error_rate: {max: 0.05}': 'error_rate: {max: 0.01}' }),
      );
      const failing = Array.from({ length: N }, (_, i) => `q${i}`).filter((q) =>
        endpoint.fails('cand-model', q),
      ).length;
      expect(failing / N).toBeGreaterThan(0.1);
      expect(failing / N).toBeLessThan(0.2);

      expect(r.code).toBe(1);
      expect(r.report.incomplete).toBeUndefined();
      expect(r.report.decision).toBe('fail');
      expect(r.report.meta.calls).toMatchObject({ planned: 2 * N, done: 2 * N, failed: failing });
      const errorRate = r.report.checks.find((k) => k.metric === 'error_rate' && k.slice === null);
      expect(errorRate).toMatchObject({ verdict: 'fail', candidate: failing / N, budget: 0.01 });
    },
  );

  it('a dead candidate (connection refused) at concurrency 32: exit 3 and a partial report', async () => {
    const server = await serveForTest((req) => (req.model === 'base-model' ? 'a' : 'x'));
    const r = await gate(
      config(server.url, 'http://127.0.0.1:1/v1', { 'retries: 2': 'retries: 1' }),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /could not judge: stopped: 64 cases in a row failed on target candidate \(cand-model\)/,
    );
    expect(r.stderr).toContain('partial report, marked incomplete');
    expect(r.report.incomplete).toBe(true);
    expect(r.report.incomplete_reason).toMatch(/^stopped: 64 cases in a row failed/);
    expect(r.report.decision).toBe('inconclusive');
    expect(r.seconds).toBeLessThan(30);
  });

  it('a hanging candidate (never answers; timeout_ms 500, retries 1): exit 3 within 30 s', async () => {
    const server = await serveForTest((req) =>
      req.model === 'base-model' ? req.messages.at(-1)!.content.replace(/^q/, 'a') : { hang: true },
    );
    const r = await gate(
      config(server.url, server.url, {
        'retries: 2': 'retries: 1',
        'timeout_ms: 5000': 'timeout_ms: 500',
      }),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /could not judge: stopped: 64 cases in a row failed on target candidate .*no complete response within 500 ms/,
    );
    expect(r.report.incomplete).toBe(true);
    expect(r.report.decision).toBe('inconclusive');
    // What the baseline answered before the stop is kept.
    expect(r.report.cases.some((c) => c.baseline?.pass)).toBe(true);
    expect(r.seconds).toBeLessThan(30);
  });
});
