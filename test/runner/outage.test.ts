import { describe, expect, it } from 'vitest';
import { type RunOptions, RunStoppedError, runPairs } from '../../src/runner/run-pairs.js';
import { shuffledIndices } from '../../src/runner/shuffle.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { createRng } from '../../src/stats/rng.js';
import { outageWindow } from '../../src/targets/outage.js';
import { partlyFailing } from '../helpers/burst-endpoint.js';
import { type FakeReply, userText } from '../helpers/fake-openai.js';
import { goldenCases } from '../helpers/golden-case.js';
import { afterThisTest, serveForTest } from '../helpers/per-test.js';
import { type TestTargetOptions, testTarget } from '../helpers/test-target.js';

// When a target is down (targets/outage.ts): a run of failed calls in the order they were sent,
// never in the order the replies came back. One target (the candidate) against a loopback
// endpoint; calls are not retried unless a test says so, so a failed case is a failed call.

const exact = [buildScorer({ type: 'exact' }, 'exact')];
const SEED = 1;

function candidateRun(
  url: string,
  n: number,
  target: TestTargetOptions,
  o: Partial<RunOptions> = {},
): Promise<Awaited<ReturnType<typeof runPairs>>> {
  const candidate = testTarget(url, { model: 'cand-model', retries: 0, ...target });
  afterThisTest(() => candidate.transport.close());
  return runPairs({
    cases: goldenCases(n),
    score: async (c, _side, call) => scoreCall(call, c, exact),
    rng: createRng(SEED),
    maxConsecutiveErrors: 5,
    ...o,
    targets: { ...o.targets, candidate },
  });
}

/** The longest run of failed cases in the order the run sends them. */
function longestInSendOrder(n: number, fails: (input: string) => boolean): number {
  let best = 0;
  let run = 0;
  for (const i of shuffledIndices(n, createRng(SEED))) {
    run = fails(`q${i}`) ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

describe('a partly failing endpoint is judged on its errors, never taken for one that is down', () => {
  // Failures answered at once, answers after 20-40 ms: in the order replies arrive the first
  // dozens are failures. Which cases fail is fixed by the seed, so every assertion below holds
  // for any order the replies come back in.
  const N = 300;
  for (const concurrency of [32, 64]) {
    for (const rate of [0.1, 0.2, 0.3]) {
      it(`${rate * 100}% fast failures at concurrency ${concurrency}: every run completes (3 seeds)`, async () => {
        for (const seed of [11, 12, 13]) {
          const endpoint = partlyFailing(seed, rate);
          const server = await serveForTest((req) => endpoint.reply(req));
          const results = await candidateRun(server.url, N, { concurrency });

          const failing = goldenCases(N).filter((c) =>
            endpoint.fails('cand-model', String(c.input)),
          );
          const rows = results.candidate!;
          expect(rows.filter((r) => r?.error?.kind === 'http_5xx')).toHaveLength(failing.length);
          expect(rows.filter((r) => r?.pass)).toHaveLength(N - failing.length);
          expect(results.stats).toMatchObject({ planned: N, done: N, failed: failing.length });
          // The draw is what the test means: about `rate` fail, far from a window in send order.
          expect(failing.length / N).toBeGreaterThan(rate - 0.07);
          expect(failing.length / N).toBeLessThan(rate + 0.07);
          expect(
            longestInSendOrder(N, (input) => endpoint.fails('cand-model', input)),
          ).toBeLessThan(outageWindow(5, concurrency));
        }
      });
    }
  }

  it('completes when every failure comes back before any success, while a completion-order count would stop', async () => {
    // Concurrency 4, max_consecutive_errors 8: the window is 8. Every 4th case in send order
    // succeeds, and the endpoint holds each success until all 4 slots hold one: 12 failures
    // come back before the first success, every time. In send order no more than 3 fail in a row.
    const n = 64;
    const position = new Map(shuffledIndices(n, createRng(SEED)).map((i, at) => [`q${i}`, at]));
    const held: (() => void)[] = [];
    const replies: ('fail' | 'ok')[] = [];
    const server = await serveForTest(async (req): Promise<FakeReply> => {
      const input = userText(req);
      if (position.get(input)! % 4 !== 3) {
        replies.push('fail');
        return { status: 503, body: 'busy' };
      }
      await new Promise<void>((release) => {
        held.push(release);
        if (held.length === 4) for (const r of held.splice(0)) r();
      });
      replies.push('ok');
      return input.replace(/^q/, 'a');
    });
    const results = await candidateRun(
      server.url,
      n,
      { concurrency: 4 },
      { maxConsecutiveErrors: 8 },
    );
    expect(replies.indexOf('ok')).toBe(12);
    expect(results.candidate!.filter((r) => r?.error)).toHaveLength(48);
    expect(results.candidate!.filter((r) => r?.pass)).toHaveLength(16);
  });
});

describe('an endpoint that is down still stops the run', () => {
  it('dead (503 to everything) at concurrency 32: stops after 64 failures in a row', async () => {
    const server = await serveForTest(() => ({ status: 503, body: 'Service Unavailable' }));
    const run = candidateRun(server.url, 1000, { concurrency: 32 });
    await expect(run).rejects.toThrow(RunStoppedError);
    await expect(run).rejects.toMatchObject({
      reason: 'errors',
      message: expect.stringMatching(
        /^stopped: 64 cases in a row failed on target candidate \(cand-model\) after retries; last error: target candidate answered 503/,
      ),
    });
    // The window, and at most one concurrency's worth of calls that were already going out.
    expect(server.requests.length).toBeGreaterThanOrEqual(64);
    expect(server.requests.length).toBeLessThanOrEqual(64 + 32);
  });

  it('a baseline that refused every call on a set smaller than the window (a wrong key): could not judge', async () => {
    const base = await serveForTest(() => ({ status: 401, body: 'Unauthorized' }));
    const cand = await serveForTest((req) => userText(req).replace(/^q/, 'a'));
    const baseline = testTarget(base.url, { model: 'base-model', retries: 0, concurrency: 16 });
    afterThisTest(() => baseline.transport.close());
    const run = candidateRun(cand.url, 6, { concurrency: 16 }, { targets: { baseline } });
    await expect(run).rejects.toMatchObject({
      reason: 'errors',
      message: expect.stringMatching(
        /^stopped: every call to target baseline \(base-model\) failed after retries; last error: .*401/,
      ),
    });
    expect(base.requests).toHaveLength(6);
  });

  it('a candidate that refused every call is judged (the run completes), and one baseline answer is enough', async () => {
    const server = await serveForTest(() => ({ status: 401, body: 'Unauthorized' }));
    const results = await candidateRun(server.url, 6, { concurrency: 16 });
    expect(results.candidate!.filter((r) => r?.error?.kind === 'http_4xx')).toHaveLength(6);
    const base = await serveForTest((req) =>
      userText(req) === 'q3' ? 'a3' : { status: 401, body: 'Unauthorized' },
    );
    const cand = await serveForTest((req) => userText(req).replace(/^q/, 'a'));
    const baseline = testTarget(base.url, { model: 'base-model', retries: 0, concurrency: 16 });
    afterThisTest(() => baseline.transport.close());
    const paired = await candidateRun(cand.url, 6, { concurrency: 16 }, { targets: { baseline } });
    expect(paired.baseline!.filter((r) => r?.pass)).toHaveLength(1);
  });

  it('hanging (never answers): timed-out calls count, so it stops after two rounds of timeouts', async () => {
    const server = await serveForTest(() => ({ hang: true }));
    const run = candidateRun(server.url, 200, { concurrency: 4, timeoutMs: 200 });
    await expect(run).rejects.toMatchObject({
      reason: 'errors',
      message: expect.stringMatching(
        /^stopped: 8 cases in a row failed .*no complete response within 200 ms/,
      ),
    });
    expect(server.requests.length).toBeLessThanOrEqual(8 + 4);
  });

  it('going down while an earlier call hangs: the failures after it are enough, no wait for it', async () => {
    // The first call sent never comes back (its timeout is far past the test's); every later
    // one fails at once. The 8 failures sent after it are a window of their own.
    const server = await serveForTest((_req, n) =>
      n === 1 ? { hang: true } : { status: 502, body: 'Bad Gateway' },
    );
    const run = candidateRun(server.url, 200, { concurrency: 4, timeoutMs: 600_000 });
    await expect(run).rejects.toMatchObject({
      reason: 'errors',
      message: expect.stringMatching(/^stopped: 8 cases in a row failed .*answered 502/),
    });
    expect(server.requests.length).toBeLessThanOrEqual(1 + 8 + 3);
  });

  it('counts a case that failed after its retries once, in its place in send order', async () => {
    // Retried calls take longer than fresh ones; what counts is the order the cases went out.
    const server = await serveForTest(() => ({ status: 500, body: 'boom' }));
    const run = candidateRun(server.url, 100, { concurrency: 2, retries: 2 });
    // At least 5: more when a later case's retries happened to finish before the fifth's
    // (full-jitter backoff makes that a matter of timing), since the run stops once the cases
    // that came back form an unbroken run of failures from the first one sent.
    const err = await run.then(
      () => expect.fail('the run should have stopped'),
      (e: unknown) => e as Error,
    );
    const m = /^stopped: (\d+) cases in a row failed/.exec(err.message);
    expect(m, err.message).not.toBeNull();
    const cases = Number(m![1]);
    expect(cases).toBeGreaterThanOrEqual(5);
    // Every case counted went out 3 times (once, plus 2 retries) — a case counted per attempt
    // would have stopped the run after 5 requests. At most one more case was still in flight.
    expect(server.requests.length).toBeGreaterThanOrEqual(cases * 3);
    expect(server.requests.length).toBeLessThanOrEqual((cases + 1) * 3);
  });
});
