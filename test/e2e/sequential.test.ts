import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { readReport } from '../helpers/report-schema.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// gate.sequential through the real CLI bundle against a loopback endpoint that counts requests:
// a clear regression stops at an early look, with fewer calls than cases × 2, exit 1, and the
// report saying where and why; an unchanged candidate stops early too and passes.

const env = { TEST_KEY: 'sk-sequential-test' };
const CASES = 400;
let server: FakeServer;
let wrong = (_i: number) => false;
beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const i = Number(userText(req).match(/q(\d+)/)?.[1]);
    return req.model === 'cand-model' && wrong(i) ? 'nope' : `a${i}`;
  });
});
afterAll(() => server.close());

function setup(): string {
  return workspace({
    'golden.jsonl': goldenJsonl(CASES),
    'evalgate.yaml': baseConfig(server.url).replace(
      'gate:\n  min_cases: 30',
      'gate:\n  min_cases: 30\n  sequential: true',
    ),
  });
}

async function run(dir: string) {
  server.requests.length = 0;
  const r = await runNode(
    CLI,
    ['run', '--config', 'evalgate.yaml', '--report', 'r.json', '--summary', 's.md'],
    { cwd: dir, env },
  );
  return { ...r, report: readReport(path.join(dir, 'r.json')), requests: server.requests.length };
}

describe('gate.sequential', () => {
  it('stops a clear regression at an early look: fewer calls, exit 1, meta.sequential says where and why', async () => {
    wrong = (i) => i % 5 < 2; // the candidate loses 40 points
    const dir = setup();
    const r = await run(dir);
    expect(r.code, r.stderr).toBe(1);
    const seq = r.report.meta.sequential!;
    expect(seq.planned_cases).toBe(CASES);
    expect(seq.planned_looks).toEqual([100, 200, 300, 400]);
    expect(seq.stopped_at_case).toBeLessThan(CASES);
    expect(seq.reason).toMatch(/^settled: every check (failed|failed or passed)$/);
    expect(seq.looks.at(-1)).toMatchObject({ cases: seq.stopped_at_case, open: 0 });
    // Nothing past the look was sent; everything sent is in the report.
    expect(r.requests).toBe(seq.stopped_at_case * 2);
    expect(r.requests).toBeLessThan(CASES * 2);
    expect(r.report.cases).toHaveLength(seq.stopped_at_case);
    expect(r.report.meta.calls).toMatchObject({ planned: CASES * 2, done: r.requests });
    expect(r.report.decision).toBe('fail');
    const quality = r.report.checks.find((c) => c.metric === 'quality' && c.slice === null)!;
    expect(quality.verdict).toBe('fail');
    expect(quality.look).toMatchObject({ looks: 4 });
    expect(quality.reason).toMatch(
      /\(group-sequential CI .* Settled at look \d of 4 \(\d+ of 400 cases\) on group-sequential bounds\.$/,
    );
    expect(r.report.summary).toMatch(
      new RegExp(`stopped at ${seq.stopped_at_case} of ${CASES} cases \\(gate\\.sequential:`),
    );
    expect(readFileSync(path.join(dir, 's.md'), 'utf8')).toMatch(/stopped at \d+ of 400 cases/);
    expect(r.stdout + r.stderr).toMatch(/stopped at \d+ of 400 cases/);
    expect(r.stderr).toMatch(/gate\.sequential: looks at 100, 200, 300 and 400 cases/);
  });

  it('stops an unchanged candidate early too, and passes', async () => {
    wrong = () => false;
    const r = await run(setup());
    expect(r.code, r.stderr).toBe(0);
    const seq = r.report.meta.sequential!;
    expect(seq.reason).toBe('settled: every check passed');
    expect(seq.stopped_at_case).toBeLessThan(CASES);
    expect(r.requests).toBe(seq.stopped_at_case * 2);
    expect(r.report.checks.every((c) => c.verdict === 'pass')).toBe(true);
  });
});
