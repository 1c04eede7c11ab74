import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../src/cli/calibrate.js';
import { createRng } from '../../src/stats/rng.js';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// Issue 10, item 4: `calibrate` and `run` agree. Calibrate measures the baseline against itself;
// run with the candidate on the same endpoint is the same A/A comparison. Both must then state the
// same cases needed (within 10%) for the same budgets: one calculation (power.ts), fed the spread
// of the paired difference the budget is about. The endpoint's k-th answer to question i is drawn
// from createRng(1000·i + k) whichever model asks, so the two commands see the same answers.

const KEY = 'sk-agree-test';
const CASES = 120;

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cli = (args: string[]) => cliInProcess(args, { TEST_KEY: KEY });

/** Right with probability `p` (1: deterministic), the draw fixed by question and ask count. */
function endpoint(p: number): Promise<FakeServer> {
  const asked = new Map<string, number>();
  return startFakeOpenAI((req) => {
    const q = userText(req).match(/q(\d+)/)?.[1] ?? '0';
    const k = asked.get(q) ?? 0;
    asked.set(q, k + 1);
    if (p === 1) return Number(q) % 4 === 0 ? 'not sure' : `a${q}`;
    return createRng(1000 * Number(q) + k)() < p ? `a${q}` : 'not sure';
  });
}

function config(url: string): string {
  return baseConfig(url)
    .replace('quality: {max_drop: 0.02}', 'quality: {max_drop: 0.05}')
    .replace('pass_rate: {max_drop: 0.02}', 'pass_rate: {max_drop: 0.05}');
}

async function both(p: number) {
  server = await endpoint(p);
  const dir = workspace({
    'golden.jsonl': goldenJsonl(CASES),
    'evalgate.yaml': config(server.url),
  });
  const cfg = path.join(dir, 'evalgate.yaml');
  const cal = path.join(dir, 'calibration.json');
  const c = await cli(['calibrate', '--config', cfg, '--runs', '2', '--report', cal]);
  expect(c.code, c.stderr).toBe(0);
  await server.close();
  // A fresh endpoint: run's two calls per question get the same two draws calibrate's runs got.
  server = await endpoint(p);
  const runDir = workspace({
    'golden.jsonl': goldenJsonl(CASES),
    'evalgate.yaml': config(server.url),
  });
  const report = path.join(runDir, 'report.json');
  const r = await cli(['run', '--config', path.join(runDir, 'evalgate.yaml'), '--report', report]);
  expect(r.code, r.stderr).toBe(0);
  return {
    calibration: JSON.parse(readFileSync(cal, 'utf8')) as CalibrationReport,
    report: JSON.parse(readFileSync(report, 'utf8')) as Report,
    runStderr: r.stderr,
  };
}

function expectAgreement(b: Awaited<ReturnType<typeof both>>) {
  for (const metric of ['quality', 'pass_rate'] as const) {
    const fromCalibrate = b.calibration.metrics.find((m) => m.metric === metric)!;
    const fromRun = b.report.power!.checks.find((e) => e.metric === metric && e.slice === null)!;
    expect(fromCalibrate.cases_needed, metric).not.toBeNull();
    expect(fromRun.cases_needed, metric).not.toBeNull();
    const ratio = fromRun.cases_needed! / fromCalibrate.cases_needed!;
    expect(
      ratio,
      `${metric}: run ${fromRun.cases_needed}, calibrate ${fromCalibrate.cases_needed}`,
    ).toBeGreaterThanOrEqual(0.9);
    expect(ratio).toBeLessThanOrEqual(1.1);
    expect(fromRun.cases_to_pass).toBe(fromCalibrate.cases_to_pass);
    expect(fromRun.cases_to_fail).toBe(fromCalibrate.cases_to_fail);
  }
  return b;
}

describe('calibrate and run agree on the cases needed', () => {
  it('on a deterministic endpoint: no "2 cases", the floor a 10-pt drop needs', async () => {
    const b = expectAgreement(await both(1));
    const q = b.calibration.metrics.find((m) => m.metric === 'quality')!;
    // No A/A noise: an unchanged candidate passes from min_cases on, and blocking a drop of twice
    // the 5-pt budget still takes about 290 cases: the flips are the variance, and the two
    // whole-set checks (quality, pass rate) each plan for half of α (the multiplicity procedure).
    expect(q.run_to_run_sd).toBe(0);
    expect(q.cases_to_pass).toBe(30);
    expect(q.cases_to_fail).toBeGreaterThanOrEqual(260);
    expect(q.cases_to_fail).toBeLessThanOrEqual(320);
    // 120 cases cannot block a 10-pt drop four times in five: the suggestion is above 5 pts.
    expect(q.suggested_budget!).toBeGreaterThan(0.05);
    expect(b.runStderr).toMatch(/too small for the 5 pts quality budget/);
  });

  it('on a noisy endpoint (right 80% of the time)', async () => {
    const b = expectAgreement(await both(0.8));
    const q = b.calibration.metrics.find((m) => m.metric === 'quality')!;
    expect(q.spread_sd).toBeGreaterThan(0.4);
    expect(q.cases_needed!).toBeGreaterThan(500);
  });
});
