import { describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../src/errors.js';
import { runPairs } from '../../src/runner/run-pairs.js';
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

// runPairs against a real OpenAI-compatible server on loopback. The two sides are told apart at
// the server by model name: baseline is `base-model`, candidate is `cand-model`.

const serve = serveForTest;

function targets(
  url: string,
  base: TestTargetOptions = {},
  cand: TestTargetOptions = {},
): Record<Side, Target> {
  const t = {
    baseline: testTarget(url, { role: 'baseline', model: 'base-model', ...base }),
    candidate: testTarget(url, { role: 'candidate', model: 'cand-model', ...cand }),
  };
  afterThisTest(() => {
    t.baseline.transport.close();
    t.candidate.transport.close();
  });
  return t;
}

const modelOf = (server: FakeServer, model: string) =>
  server.requests.filter((r) => r.body.model === model);
const answer = (req: ChatRequest) => userText(req).replace(/^q/, 'a');

describe('runPairs', () => {
  it('gives both sides every case, each result in its case slot', async () => {
    // The candidate gets every third case wrong.
    const server = await serve((req) => {
      const i = Number(userText(req).slice(1));
      return req.model === 'cand-model' && i % 3 === 0 ? 'wrong' : answer(req);
    });
    const cases = goldenCases(30);
    const progress: [number, number][] = [];
    const results = await runPairs(
      options({
        cases,
        targets: targets(server.url),
        onProgress: (done, total) => progress.push([done, total]),
      }),
    );

    for (const side of ['baseline', 'candidate'] as const) {
      const rows = results[side]!;
      expect(rows).toHaveLength(30);
      rows.forEach((r, i) => {
        const wrong = side === 'candidate' && i % 3 === 0;
        expect(r).toMatchObject({
          output: wrong ? 'wrong' : `a${i}`,
          pass: !wrong,
          score: wrong ? 0 : 1,
          error: null,
        });
      });
    }
    for (const model of ['base-model', 'cand-model']) {
      const inputs = modelOf(server, model).map((r) => userText(r.body));
      expect(inputs.sort()).toEqual(cases.map((c) => c.input as string).sort());
    }
    expect(progress).toHaveLength(60);
    expect(progress.at(-1)).toEqual([60, 60]);
  });

  it('runs only the sides it is given', async () => {
    const server = await serve(answer);
    const t = targets(server.url);
    const results = await runPairs(
      options({ cases: goldenCases(5), targets: { candidate: t.candidate } }),
    );
    expect(results.baseline).toBeUndefined();
    expect(results.candidate).toHaveLength(5);
    expect(modelOf(server, 'base-model')).toHaveLength(0);
  });

  it('never has more than `concurrency` calls in flight per target, and uses all of them', async () => {
    // The server holds every answer of a model until `limit` of its calls are waiting (or all
    // that remain), then lets that batch go. A correct limiter reaches the barrier every time and
    // can never pass it, so the peak equals the limit exactly. A limiter that allows too few
    // calls would never fill the barrier (the test times out); one that allows too many shows up
    // as a peak above the limit, since the batch is let go one event-loop turn after it fills.
    const total = 23;
    const limits: Record<string, number> = { 'base-model': 2, 'cand-model': 5 };
    const state = new Map<string, { held: (() => void)[]; released: number; peak: number }>();
    for (const m of Object.keys(limits)) state.set(m, { held: [], released: 0, peak: 0 });

    const server = await serve(
      (req) =>
        new Promise<FakeReply>((resolve) => {
          const s = state.get(req.model)!;
          s.held.push(() => resolve(answer(req)));
          s.peak = Math.max(s.peak, s.held.length);
          if (s.held.length === Math.min(limits[req.model]!, total - s.released)) {
            setImmediate(() => {
              const batch = s.held.splice(0);
              s.released += batch.length;
              for (const release of batch) release();
            });
          }
        }),
    );
    const results = await runPairs(
      options({
        cases: goldenCases(total),
        targets: targets(
          server.url,
          { concurrency: limits['base-model'] },
          { concurrency: limits['cand-model'] },
        ),
      }),
    );
    expect(state.get('base-model')!.peak).toBe(2);
    expect(state.get('cand-model')!.peak).toBe(5);
    expect(state.get('base-model')!.released).toBe(total);
    expect(state.get('cand-model')!.released).toBe(total);
    expect(results.candidate!.every((r) => r?.pass)).toBe(true);
  }, 10_000);

  it('sends the cases in one seeded order, the same for both sides and for the same seed', async () => {
    const n = 16;
    const run = async (seed: number) => {
      const server = await serve(answer);
      // One call at a time per side, so arrival order is dispatch order.
      await runPairs(
        options({
          cases: goldenCases(n),
          targets: targets(server.url, { concurrency: 1 }, { concurrency: 1 }),
          rng: createRng(seed),
        }),
      );
      return server;
    };
    const first = await run(7);
    const base = modelOf(first, 'base-model').map((r) => userText(r.body));
    const cand = modelOf(first, 'cand-model').map((r) => userText(r.body));
    const expected = shuffledIndices(n, createRng(7)).map((i) => `q${i}`);
    expect(base).toEqual(expected);
    expect(cand).toEqual(expected);
    expect(base).not.toEqual(goldenCases(n).map((c) => c.input)); // shuffled, not file order

    const again = await run(7);
    expect(modelOf(again, 'cand-model').map((r) => userText(r.body))).toEqual(expected);
    const other = await run(8);
    expect(modelOf(other, 'cand-model').map((r) => userText(r.body))).not.toEqual(expected);

    // Both sides run at the same time: the first half of all arrivals holds calls to both.
    const firstHalf = new Set(first.requests.slice(0, n).map((r) => r.body.model));
    expect(firstHalf).toEqual(new Set(['base-model', 'cand-model']));
  });

  it('stops a run against a dead target (503 always) without sending every case', async () => {
    // The baseline never answers: its one in-flight call must be cancelled when the run stops.
    const server = await serve((req) =>
      req.model === 'cand-model'
        ? { status: 503, body: '<h1>Service Unavailable</h1>' }
        : { hang: true },
    );
    const run = runPairs(
      options({
        cases: goldenCases(40),
        targets: targets(server.url, { concurrency: 1 }, { concurrency: 1, retries: 0 }),
        maxConsecutiveErrors: 3,
      }),
    );
    await expect(run).rejects.toThrow(RunAbortedError);
    await expect(run).rejects.toThrow(
      /^stopped: 3 cases in a row failed on target candidate \(cand-model\) after retries; last error: target candidate answered 503: Service Unavailable/,
    );
    expect(modelOf(server, 'cand-model')).toHaveLength(3);
    expect(modelOf(server, 'base-model')).toHaveLength(1);
  });

  it('stops on a rejected key after the consecutive-error limit, naming the target', async () => {
    const server = await serve((req) =>
      req.model === 'base-model' ? { status: 401, body: 'invalid key' } : answer(req),
    );
    const run = runPairs(
      options({
        cases: goldenCases(50),
        targets: targets(server.url, { concurrency: 2 }),
        maxConsecutiveErrors: 4,
      }),
    );
    await expect(run).rejects.toThrow(
      /failed on target baseline \(base-model\).*the key for target baseline was rejected \(401\)/,
    );
    // 4 failures trip the limit; at most the other in-flight call (concurrency 2) also went out.
    expect(modelOf(server, 'base-model').length).toBeLessThanOrEqual(5);
  });

  it('does not stop when failures are not consecutive, and keeps each failed case as an error', async () => {
    let candidateCalls = 0;
    const server = await serve((req) => {
      if (req.model !== 'cand-model') return answer(req);
      candidateCalls++;
      return candidateCalls % 2 === 1 ? { status: 500, body: 'boom' } : answer(req);
    });
    const results = await runPairs(
      options({
        cases: goldenCases(12),
        targets: targets(server.url, {}, { concurrency: 1, retries: 0 }),
        maxConsecutiveErrors: 2,
      }),
    );
    const rows = results.candidate!;
    expect(rows.filter((r) => r?.error)).toHaveLength(6);
    for (const r of rows.filter((r) => r?.error)) {
      expect(r).toMatchObject({ output: null, score: 0, pass: false, error: { kind: 'http_5xx' } });
    }
    expect(results.baseline!.every((r) => r?.pass)).toBe(true);
  });

  it('is cancelled by an external AbortSignal, cancelling calls in flight', async () => {
    const controller = new AbortController();
    let arrived = 0;
    const server = await serve(() => {
      // Hold every call; cancel once both sides have their first calls waiting.
      if (++arrived === 2) controller.abort();
      return { hang: true };
    });
    const run = runPairs(
      options({
        cases: goldenCases(30),
        targets: targets(server.url, { concurrency: 1 }, { concurrency: 1 }),
        signal: controller.signal,
      }),
    );
    await expect(run).rejects.toThrow(RunAbortedError);
    await expect(run).rejects.toThrow('the run was cancelled before every case was answered');
    expect(server.requests).toHaveLength(2);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const server = await serve(answer);
    const controller = new AbortController();
    controller.abort();
    const run = runPairs(
      options({ cases: goldenCases(10), targets: targets(server.url), signal: controller.signal }),
    );
    await expect(run).rejects.toThrow(RunAbortedError);
    expect(server.requests).toHaveLength(0);
  });
});
