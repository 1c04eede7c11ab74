import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../src/cli/calibrate.js';
import { createRng } from '../../src/stats/rng.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// `evalgate calibrate` end to end: the real CLI entry (in process), the real engine and HTTP
// client, against a loopback OpenAI-compatible server whose baseline answers with seeded noise.

const KEY = 'sk-calibrate-test';
const CASES = 60;

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cli = (args: string[]) => cliInProcess(args, { TEST_KEY: KEY });

/**
 * The right answer `a<i>` with probability 0.8: the k-th time question i is asked, the draw is
 * `createRng(1000·i + k)()`, so the answers do not depend on the order requests arrive in.
 */
async function noisyServer(): Promise<FakeServer> {
  const asked = new Map<string, number>();
  return startFakeOpenAI((req) => {
    const q = userText(req).match(/q(\d+)/)?.[1] ?? '0';
    const k = asked.get(q) ?? 0;
    asked.set(q, k + 1);
    return createRng(1000 * Number(q) + k)() < 0.8 ? `a${q}` : 'not sure';
  });
}

function setup(url: string): { dir: string; config: string } {
  const dir = workspace({ 'golden.jsonl': goldenJsonl(CASES), 'evalgate.yaml': baseConfig(url) });
  return { dir, config: path.join(dir, 'evalgate.yaml') };
}

describe('evalgate calibrate', () => {
  it('runs the baseline against itself k times and reports noise, power and case counts', async () => {
    server = await noisyServer();
    const { dir, config } = setup(server.url);
    const out = path.join(dir, 'calibration.json');
    const r = await cli(['calibrate', '--config', config, '--runs', '3', '--report', out]);
    expect(r.code, r.stderr).toBe(0);

    // Each run calls the baseline once per case; the candidate is never called.
    expect(server.requests).toHaveLength(3 * CASES);
    expect(server.requests.every((q) => q.body.model === 'base-model')).toBe(true);

    const report = JSON.parse(readFileSync(out, 'utf8')) as CalibrationReport;
    expect(report).toMatchObject({
      schema_version: 1,
      runs: 3,
      cases: CASES,
      confidence: 0.95,
      power: 0.8,
    });
    const quality = report.metrics.find((m) => m.metric === 'quality')!;
    expect(quality.values).toHaveLength(3);
    for (const v of quality.values) expect(v).toBeGreaterThan(0.6);
    // Answers flip between runs about 2·0.8·0.2 = 32% of the time: real noise, measured.
    expect(quality.run_to_run_sd).toBeGreaterThan(0);
    expect(quality.case_sd!).toBeGreaterThan(0.4);
    expect(quality.case_sd!).toBeLessThan(0.75);
    // The detectable change at 60 cases is large, so the 2-pt budget needs many more cases.
    expect(quality.mde).toBeGreaterThan(0.1);
    expect(quality.budget).toBe(0.02);
    expect(quality.cases_needed!).toBeGreaterThan(1000);
    // The smallest budget 60 cases decide both ways is past the detectable change, if any is.
    if (quality.suggested_budget !== null)
      expect(quality.suggested_budget).toBeGreaterThanOrEqual(quality.mde);
    expect(quality.cases_to_fail!).toBeGreaterThan(quality.cases_to_pass!);
    expect(report.metrics.map((m) => m.metric)).toEqual(
      expect.arrayContaining(['quality', 'pass_rate', 'latency_p95', 'cost']),
    );

    // The table says the same, and the key went nowhere but the endpoint.
    expect(r.stdout).toMatch(/the baseline \(base-model\) against itself, 3 runs of 60 cases/);
    expect(r.stdout).toMatch(
      /^quality\s+\d+\.\d pts\s+\d+\.\d pts\s+2\.0 pts\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+(\d+\.\d pts|–)$/m,
    );
    expect(r.stderr).toContain(`calibration: ${out}`);
    expect(readFileSync(out, 'utf8')).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('gives the same calibration for the same seed against the same endpoint', async () => {
    server = await noisyServer();
    const a = setup(server.url);
    const outA = path.join(a.dir, 'a.json');
    expect(
      (await cli(['calibrate', '--config', a.config, '--runs', '2', '--report', outA])).code,
    ).toBe(0);
    await server.close();
    server = await noisyServer();
    const b = setup(server.url);
    const outB = path.join(b.dir, 'b.json');
    expect(
      (await cli(['calibrate', '--config', b.config, '--runs', '2', '--report', outB])).code,
    ).toBe(0);
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CalibrationReport;
    // Scores depend only on the seeded answers, not on timing: quality and pass rate repeat
    // exactly (latency, measured on the wall clock, does not).
    for (const metric of ['quality', 'pass_rate'] as const) {
      const x = read(outA).metrics.find((m) => m.metric === metric);
      expect(read(outB).metrics.find((m) => m.metric === metric)).toEqual(x);
      expect(x!.run_to_run_sd).toBeGreaterThan(0);
    }
  });

  it('rejects fewer than two runs as bad input and sends nothing', async () => {
    server = await noisyServer();
    const { config } = setup(server.url);
    const r = await cli(['calibrate', '--config', config, '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--runs.*must be a whole number ≥ 2, got "1"/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a bad config as bad input before anything is sent', async () => {
    server = await noisyServer();
    const dir = workspace({
      'golden.jsonl': goldenJsonl(CASES),
      'evalgate.yaml': baseConfig(server.url).replace(
        'budgets:',
        'budgets:\n  drift: {max_psi: -1}',
      ),
    });
    const r = await cli(['calibrate', '--config', path.join(dir, 'evalgate.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/budgets\.drift\.max_psi/);
    expect(server.requests).toHaveLength(0);
  });

  it('exits 3 when the baseline endpoint is down, as run does', async () => {
    server = await startFakeOpenAI(() => ({ status: 503, body: 'down' }));
    const { dir, config } = setup(server.url);
    const r = await cli(['calibrate', '--config', config, '--report', path.join(dir, 'c.json')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not judge/);
  });

  it('exits 3 when every call failed, though too few cases failed in a row to call it down', async () => {
    // Three cases never make the 32 failures in a row that stop a run: the calibration itself
    // must see that nothing answered (it reported "0.0 pts" of noise, exit 0).
    server = await startFakeOpenAI(() => ({ status: 503, body: 'down' }));
    const dir = workspace({
      'golden.jsonl': goldenJsonl(3),
      'evalgate.yaml': baseConfig(server.url),
    });
    const r = await cli([
      'calibrate',
      '--config',
      path.join(dir, 'evalgate.yaml'),
      '--report',
      path.join(dir, 'c.json'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('every one of its 3 calls failed');
  });

  it('warns when some calls failed', async () => {
    let n = 0;
    server = await startFakeOpenAI((req) =>
      n++ % 10 === 0 ? { status: 400, body: 'no' } : `a${userText(req).replace(/^q/, '')}`,
    );
    const { dir, config } = setup(server.url);
    const r = await cli(['calibrate', '--config', config, '--report', path.join(dir, 'c.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/calibration run 1: \d+ of 60 calls failed/);
  });
});
