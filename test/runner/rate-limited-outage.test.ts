import { describe, expect, it } from 'vitest';
import { type RunOptions, RunStoppedError, runPairs } from '../../src/runner/run-pairs.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { createRng } from '../../src/stats/rng.js';
import { outageWindow } from '../../src/targets/outage.js';
import { goldenCases } from '../helpers/golden-case.js';
import { afterThisTest, serveForTest } from '../helpers/per-test.js';
import { type TestTargetOptions, testTarget } from '../helpers/test-target.js';

// An endpoint that answers nothing but 429 is cut to one call at a time (AIMD), so the outage
// window's second round is counted at that pace: one full burst plus one call, not a second
// burst sent one by one, each case waiting out its retries.

const exact = [buildScorer({ type: 'exact' }, 'exact')];

function candidateRun(url: string, n: number, target: TestTargetOptions, o: Partial<RunOptions>) {
  const candidate = testTarget(url, { model: 'cand-model', ...target });
  afterThisTest(() => candidate.transport.close());
  return runPairs({
    cases: goldenCases(n),
    score: async (c, _side, call) => scoreCall(call, c, exact),
    rng: createRng(1),
    maxConsecutiveErrors: 2,
    ...o,
    targets: { candidate },
  });
}

/** How many cases the run counted in a row when it stopped. */
async function stoppedAfter(run: Promise<unknown>): Promise<{ cases: number; message: string }> {
  const err = await run.then(
    () => expect.fail('the run should have stopped'),
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(RunStoppedError);
  const m = /^stopped: (\d+) cases in a row failed on target candidate/.exec(err.message);
  expect(m, err.message).not.toBeNull();
  return { cases: Number(m![1]), message: err.message };
}

const tooMany = { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '0' } };

describe('outageWindow follows the pace the endpoint is called at', () => {
  it('is one burst plus one round at the current pace: twice the concurrency when not cut', () => {
    expect(outageWindow(5, 16)).toBe(32);
    expect(outageWindow(5, 16, 16)).toBe(32);
    expect(outageWindow(5, 16, 1)).toBe(17);
    expect(outageWindow(5, 16, 4)).toBe(20);
    expect(outageWindow(40, 16, 1)).toBe(40);
    expect(outageWindow(5, 1, 1)).toBe(5);
  });
});

describe('an endpoint that answers only 429 is found down as fast as any other', () => {
  it('concurrency 2, 2 retries: the burst of 2, then 1 case at the pace of 1, then stop', async () => {
    // The first 429 cuts the limit to 1, so the third case goes out alone once both of the
    // burst's have failed; its failure completes the window (2 + 1). Counting a second full
    // burst would take a fourth case.
    const server = await serveForTest(() => tooMany);
    const { cases, message } = await stoppedAfter(
      candidateRun(server.url, 100, { concurrency: 2, retries: 2 }, {}),
    );
    expect(cases).toBe(3);
    expect(message).toContain('last error: target candidate answered 429: Too Many Requests');
    expect(server.requests).toHaveLength(3 * 3);
  });

  it('concurrency 16, 4 retries: stops after one burst and a few more cases, well before 32', async () => {
    // The tester's case: each case is 5 attempts, and after the first 429 the cases go out a few
    // at a time, then one at a time. However the replies interleave, the limit is at most 8
    // once a case has failed, so the window is 17 to 24 cases, never 2 × 16.
    const server = await serveForTest(() => tooMany);
    const { cases } = await stoppedAfter(
      candidateRun(
        server.url,
        20_000,
        { concurrency: 16, retries: 4 },
        { maxConsecutiveErrors: 5 },
      ),
    );
    expect(cases).toBeGreaterThanOrEqual(17);
    expect(cases).toBeLessThanOrEqual(24);
    // Every case counted went out 5 times; at most a limit's worth more were in flight.
    expect(server.requests.length).toBeGreaterThanOrEqual(cases * 5);
    expect(server.requests.length).toBeLessThan(32 * 5);
  });

  it('a 503 endpoint, whose limit is never cut, still needs twice the concurrency', async () => {
    const server = await serveForTest(() => ({ ...tooMany, status: 503 }));
    const { cases } = await stoppedAfter(
      candidateRun(server.url, 200, { concurrency: 2, retries: 2 }, {}),
    );
    expect(cases).toBe(4);
  });

  it('a Retry-After past the cap fails each case at its first attempt: the run stops after the window', async () => {
    // Four retries each, and a server that asks to wait 11 days: nothing is waited for, so the
    // run ends after one request per case (2 + 1 cases) instead of sitting out 120 s per retry.
    const server = await serveForTest(() => ({
      ...tooMany,
      headers: { 'retry-after': '1000000' },
    }));
    const { cases, message } = await stoppedAfter(
      candidateRun(server.url, 100, { concurrency: 2, retries: 4 }, {}),
    );
    expect(cases).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(message).toContain(
      "the server asked to wait 1000000 s before retrying, past evalgate's 120 s cap",
    );
  });
});
