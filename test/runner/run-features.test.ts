import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from '../../src/runner/adaptive-concurrency.js';
import { ResponseCache } from '../../src/runner/cache.js';
import { RunStoppedError, runPairs } from '../../src/runner/run-pairs.js';
import { shuffledIndices } from '../../src/runner/shuffle.js';
import { createRng } from '../../src/stats/rng.js';
import type { Target } from '../../src/targets/target.js';
import type { Side } from '../../src/types.js';
import {
  type ChatRequest,
  type FakeReply,
  type FakeServer,
  userText,
} from '../helpers/fake-openai.js';
import { goldenCases } from '../helpers/golden-case.js';
import { afterThisTest, serveForTest } from '../helpers/per-test.js';
import { runOptions as options } from '../helpers/run-options.js';
import { type TestTargetOptions, testTarget } from '../helpers/test-target.js';

// The runner's options (repeats, cache, cost budget, adaptive concurrency, rate limits) against
// a real OpenAI-compatible server on loopback. Sides are told apart by model name.

const serve = serveForTest;

function target(url: string, side: Side, o: TestTargetOptions = {}): Target {
  const t = testTarget(url, {
    role: side,
    model: side === 'baseline' ? 'base-model' : 'cand-model',
    ...o,
  });
  afterThisTest(() => t.transport.close());
  return t;
}

const modelOf = (server: FakeServer, model: string) =>
  server.requests.filter((r) => r.body.model === model);
const answer = (req: ChatRequest) => userText(req).replace(/^q/, 'a');

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'evalgate-run-test-'));
  afterThisTest(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('run.repeats', () => {
  it('calls each case k times per target, repeats back to back in the shared seeded order', async () => {
    // The candidate is right on the 1st and 3rd call of each case and wrong on the 2nd.
    const seen = new Map<string, number>();
    const server = await serve((req) => {
      if (req.model !== 'cand-model') return answer(req);
      const q = userText(req);
      const n = (seen.get(q) ?? 0) + 1;
      seen.set(q, n);
      return n === 2 ? 'wrong' : answer(req);
    });
    const cases = goldenCases(6);
    const progress: number[] = [];
    const results = await runPairs(
      options({
        cases,
        targets: {
          baseline: target(server.url, 'baseline', { concurrency: 1 }),
          candidate: target(server.url, 'candidate', { concurrency: 1 }),
        },
        repeats: 3,
        onProgress: (_done, total) => progress.push(total),
      }),
    );
    const order = shuffledIndices(6, createRng(1)).flatMap((i) => [`q${i}`, `q${i}`, `q${i}`]);
    expect(modelOf(server, 'base-model').map((r) => userText(r.body))).toEqual(order);
    expect(modelOf(server, 'cand-model').map((r) => userText(r.body))).toEqual(order);
    expect(progress).toHaveLength(36);
    expect(new Set(progress)).toEqual(new Set([36]));
    expect(results.stats).toMatchObject({ planned: 36, done: 36, failed: 0, cached: 0 });

    for (const r of results.baseline!) {
      expect(r).toMatchObject({ score: 1, pass: true, repeat_scores: [1, 1, 1] });
      expect(r!.distinct_outputs).toBe(1);
      expect(r!.repeat_latency_ms).toHaveLength(3);
    }
    results.candidate!.forEach((r, i) => {
      expect(r!.score).toBeCloseTo(2 / 3, 12);
      expect(r).toMatchObject({
        pass: true,
        output: `a${i}`,
        repeat_scores: [1, 0, 1],
        repeat_pass: [true, false, true],
        distinct_outputs: 2,
        input_tokens: 30, // three calls' worth
      });
    });
  });
});

describe('run.cache', () => {
  it('answers a re-run from disk: no call, marked cached, same answers and cost', async () => {
    const dir = tempDir();
    const server = await serve(answer);
    const cases = goldenCases(8);
    const price = { input_per_mtok: 1, output_per_mtok: 2 };
    const run = () =>
      runPairs(
        options({
          cases,
          targets: {
            baseline: target(server.url, 'baseline', { price }),
            candidate: target(server.url, 'candidate', { price }),
          },
          cache: new ResponseCache(dir, ['sk-test']),
          sides: { baseline: { cache: true }, candidate: { cache: false } },
        }),
      );
    const first = await run();
    expect(modelOf(server, 'base-model')).toHaveLength(8);
    expect(first.stats.cached).toBe(0);
    expect(first.baseline!.some((r) => r?.cached)).toBe(false);

    const second = await run();
    expect(modelOf(server, 'base-model')).toHaveLength(8); // nothing new asked
    expect(modelOf(server, 'cand-model')).toHaveLength(16); // the candidate is always asked
    expect(second.stats).toMatchObject({ planned: 16, done: 16, cached: 8 });
    second.baseline!.forEach((r, i) => {
      const before = first.baseline![i]!;
      expect(r).toMatchObject({
        cached: true,
        output: before.output,
        score: before.score,
        input_tokens: before.input_tokens,
        output_tokens: before.output_tokens,
        latency_ms: before.latency_ms,
      });
      expect(r!.cost_usd).toBeCloseTo(before.cost_usd, 15);
    });
    expect(second.candidate!.some((r) => r?.cached)).toBe(false);
  });

  it('caches only successful answers: a failed case is asked again next time', async () => {
    const dir = tempDir();
    let failing = true;
    const server = await serve((req) =>
      failing && userText(req) === 'q1' ? { status: 500, body: 'boom' } : answer(req),
    );
    const run = () =>
      runPairs(
        options({
          cases: goldenCases(3),
          targets: { baseline: target(server.url, 'baseline', { retries: 0 }) },
          cache: new ResponseCache(dir),
          sides: { baseline: { cache: true } },
        }),
      );
    const first = await run();
    expect(first.baseline![1]!.error?.kind).toBe('http_5xx');
    failing = false;
    const before = server.requests.length;
    const second = await run();
    expect(server.requests.slice(before).map((r) => userText(r.body))).toEqual(['q1']);
    expect(second.baseline![1]).toMatchObject({ output: 'a1', error: null });
    expect(second.baseline![1]!.cached).toBeUndefined();
  });
});

describe('run.max_cost_usd', () => {
  // Each answer is one word, one output token at $1: every call costs exactly $1.
  const price = { input_per_mtok: 0, output_per_mtok: 1_000_000 };

  it('stops before the budget is spent, keeping what was answered', async () => {
    const server = await serve(answer);
    const run = runPairs(
      options({
        cases: goldenCases(20),
        targets: { candidate: target(server.url, 'candidate', { price, concurrency: 1 }) },
        maxCostUsd: 5,
        sides: { candidate: { outputTokensGuess: 1 } },
      }),
    );
    const err = (await run.catch((e) => e)) as RunStoppedError;
    expect(err).toBeInstanceOf(RunStoppedError);
    expect(err.reason).toBe('budget');
    expect(err.message).toMatch(
      /^stopped before run\.max_cost_usd \(\$5\.00\) was spent: \$5\.00 spent so far, and the next call would cost about \$1\.00\. 5 of 20 calls were made/,
    );
    expect(server.requests).toHaveLength(5);
    const answered = err.partial.candidate!.filter((r) => r !== undefined);
    expect(answered).toHaveLength(5);
    expect(answered.reduce((s, r) => s + r.cost_usd, 0)).toBe(5);
  });

  it('counts calls in flight on both targets, so concurrency cannot overshoot it', async () => {
    const server = await serve(answer);
    const err = (await runPairs(
      options({
        cases: goldenCases(40),
        targets: {
          baseline: target(server.url, 'baseline', { price, concurrency: 8 }),
          candidate: target(server.url, 'candidate', { price, concurrency: 8 }),
        },
        maxCostUsd: 13,
        sides: { baseline: { outputTokensGuess: 1 }, candidate: { outputTokensGuess: 1 } },
      }),
    ).catch((e) => e)) as RunStoppedError;
    expect(err.reason).toBe('budget');
    expect(server.requests).toHaveLength(13);
    const spent = (['baseline', 'candidate'] as const)
      .flatMap((s) => err.partial[s]!)
      .reduce((sum, r) => sum + (r?.cost_usd ?? 0), 0);
    expect(spent).toBe(13);
  });

  it('does not stop a run that fits', async () => {
    const server = await serve(answer);
    const results = await runPairs(
      options({
        cases: goldenCases(4),
        targets: { candidate: target(server.url, 'candidate', { price }) },
        maxCostUsd: 4,
        sides: { candidate: { outputTokensGuess: 1 } },
      }),
    );
    expect(results.candidate!.every((r) => r?.pass)).toBe(true);
  });
});

describe('adaptive concurrency', () => {
  it('halves the calls in flight after a burst of 429s, then recovers to the limit', async () => {
    // The first 8 cases are refused once with Retry-After: 0. From then on the server holds the calls
    // of each wave until as many have arrived as AIMD allows (computed below with the class
    // itself), lets them go together one event-loop turn later, and records the largest number
    // it held. A runner that admits more shows a peak above the wave; one that admits fewer
    // never fills the barrier (the test times out).
    const cases = 60;
    const model = new AdaptiveConcurrency(8);
    model.rateLimited(model.epoch);
    const expected = [8]; // the refused calls retry: they keep their slots
    let remaining = cases - 8;
    let wave = 8;
    while (remaining > 0) {
      for (let i = 0; i < wave; i++) model.answered();
      wave = Math.min(model.limit, remaining);
      remaining -= wave;
      expected.push(wave);
    }
    expect(expected.slice(0, 6)).toEqual([8, 5, 6, 7, 8, 8]);

    // Refused by case, not by arrival: a quick retry may arrive before the last first call does.
    const refused = new Set<string>();
    const held: (() => void)[] = [];
    const peaks: number[] = [];
    const server = await serve((req) => {
      const q = userText(req);
      if (refused.size < 8 && !refused.has(q)) {
        refused.add(q);
        return { status: 429, body: 'slow down', headers: { 'retry-after': '0' } };
      }
      return new Promise<FakeReply>((resolve) => {
        held.push(() => resolve(answer(req)));
        const w = peaks.length;
        if (held.length === expected[w]) {
          setImmediate(() => {
            peaks.push(held.length);
            for (const go of held.splice(0)) go();
          });
        }
      });
    });
    const results = await runPairs(
      options({
        cases: goldenCases(cases),
        targets: { candidate: target(server.url, 'candidate', { concurrency: 8 }) },
      }),
    );
    expect(results.candidate!.every((r) => r?.pass)).toBe(true);
    expect(results.stats.retries).toBe(8);
    expect(peaks).toEqual(expected);
  }, 10_000);
});

describe('rate limits', () => {
  it('holds a target to its rpm: after the first second’s share, calls wait for refills, untimed', async () => {
    const arrivals: number[] = [];
    const server = await serve((req) => {
      arrivals.push(performance.now());
      return answer(req);
    });
    const started = performance.now();
    const results = await runPairs(
      options({
        cases: goldenCases(13),
        targets: { candidate: target(server.url, 'candidate', { concurrency: 13 }) },
        sides: { candidate: { limits: { rpm: 600 } } }, // 10 a second: 10 at once, then one per 100 ms
      }),
    );
    expect(results.candidate!.every((r) => r?.pass)).toBe(true);
    expect(arrivals).toHaveLength(13);
    // Lower bounds only: a slow machine can make these later, never earlier.
    expect(arrivals[10]! - started).toBeGreaterThanOrEqual(99);
    expect(arrivals[12]! - started).toBeGreaterThanOrEqual(299);
    // The wait for a slot is the client's time, not the endpoint's: none of it is latency.
    const waited = arrivals[12]! - started;
    for (const r of results.candidate!) expect(r!.latency_ms).toBeLessThan(waited / 2);
  });

  it('does not keep a rate-limited run waiting once it is cancelled', async () => {
    const server = await serve(answer);
    const controller = new AbortController();
    const run = runPairs(
      options({
        cases: goldenCases(50),
        targets: { candidate: target(server.url, 'candidate', { concurrency: 4 }) },
        sides: { candidate: { limits: { rpm: 60 } } }, // one call, then one a second
        signal: controller.signal,
        onProgress: () => controller.abort('SIGTERM'),
      }),
    );
    const err = (await run.catch((e) => e)) as RunStoppedError;
    expect(err.reason).toBe('cancelled');
    expect(err.message).toBe('the run was cancelled before every case was answered (SIGTERM)');
    expect(server.requests).toHaveLength(1);
    expect(err.partial.candidate!.filter(Boolean)).toHaveLength(1);
    expect(err.stats).toMatchObject({ planned: 50, done: 1 });
  });
});

describe('a bug in scoring', () => {
  it('stops the run and reaches the caller as itself, not as an endpoint failure', async () => {
    const server = await serve(answer);
    const run = runPairs(
      options({
        cases: goldenCases(20),
        targets: { candidate: target(server.url, 'candidate', { concurrency: 2 }) },
        score: () => {
          throw new TypeError('a bug');
        },
      }),
    );
    await expect(run).rejects.toThrow(TypeError);
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });
});
