import { describe, expect, it } from 'vitest';
import { runPairs } from '../../src/runner/run-pairs.js';
import { shuffledIndices } from '../../src/runner/shuffle.js';
import { createRng } from '../../src/stats/rng.js';
import type { Side } from '../../src/types.js';
import { userText } from '../helpers/fake-openai.js';
import { goldenCases } from '../helpers/golden-case.js';
import { afterThisTest, serveForTest } from '../helpers/per-test.js';
import { runOptions } from '../helpers/run-options.js';
import { testTarget } from '../helpers/test-target.js';

// The runner's looks (gate.sequential): dispatch waits at each look until every case before it
// in the run's order is answered and scored, and a look that says stop ends the run there with
// the later cases never sent, as a finished run (not a stopped one).

function targets(url: string) {
  const t = {
    baseline: testTarget(url, { role: 'baseline', model: 'base-model', concurrency: 4 }),
    candidate: testTarget(url, { role: 'candidate', model: 'cand-model', concurrency: 4 }),
  };
  afterThisTest(() => {
    t.baseline.transport.close();
    t.candidate.transport.close();
  });
  return t;
}

describe('runPairs looks', () => {
  for (const repeats of [1, 2]) {
    it(`waits at each look, stops where the look says, sends nothing after (repeats ${repeats})`, async () => {
      const server = await serveForTest((req) => userText(req).replace(/^q/, 'a'));
      const n = 20;
      const order = shuffledIndices(n, createRng(3));
      const seen: { cases: number; answered: number[]; sent: number }[] = [];
      const results = await runPairs(
        runOptions({
          cases: goldenCases(n),
          targets: targets(server.url),
          rng: createRng(3),
          repeats,
          looks: {
            at: [5, 10, 15],
            look: (cases, r) => {
              const answered: number[] = [];
              for (const side of ['baseline', 'candidate'] as Side[])
                r[side]!.forEach((x, i) => {
                  if (x) answered.push(i);
                });
              seen.push({ cases, answered, sent: server.requests.length });
              return cases >= 10;
            },
          },
        }),
      );
      expect(seen.map((s) => s.cases)).toEqual([5, 10]);
      for (const s of seen) {
        // Exactly the first `cases` of the run's order, both sides, every repeat: nothing ahead.
        const first = order.slice(0, s.cases).sort((a, b) => a - b);
        expect([...new Set(s.answered)].sort((a, b) => a - b)).toEqual(first);
        expect(s.sent).toBe(s.cases * 2 * repeats);
      }
      expect(server.requests).toHaveLength(10 * 2 * repeats);
      expect(results.stats.done).toBe(10 * 2 * repeats);
      expect(results.candidate!.filter((x) => x !== undefined)).toHaveLength(10);
    });
  }

  it('a look that never stops runs every case', async () => {
    const server = await serveForTest((req) => userText(req).replace(/^q/, 'a'));
    const calls: number[] = [];
    const results = await runPairs(
      runOptions({
        cases: goldenCases(12),
        targets: targets(server.url),
        looks: {
          at: [3, 6, 9, 12],
          look: (cases) => {
            calls.push(cases);
            return false;
          },
        },
      }),
    );
    // The last look is the end of the run: the runner does not ask there.
    expect(calls).toEqual([3, 6, 9]);
    expect(server.requests).toHaveLength(24);
    expect(results.stats.done).toBe(24);
  });
});
