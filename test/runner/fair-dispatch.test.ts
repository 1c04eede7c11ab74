import { describe, expect, it } from 'vitest';
import { DispatchOrder, type LaneState } from '../../src/runner/dispatch-order.js';
import { runPairs } from '../../src/runner/run-pairs.js';
import { shuffledIndices } from '../../src/runner/shuffle.js';
import { createRng } from '../../src/stats/rng.js';
import type { Target } from '../../src/targets/target.js';
import type { Side } from '../../src/types.js';
import { type ChatRequest, type FakeReply, userText } from '../helpers/fake-openai.js';
import { goldenCases } from '../helpers/golden-case.js';
import { afterThisTest, serveForTest } from '../helpers/per-test.js';
import { runOptions as options, scoreExact } from '../helpers/run-options.js';
import { type TestTargetOptions, testTarget } from '../helpers/test-target.js';

// Neither side of a pair may be favoured by when its call goes out: the lanes send call by call,
// a seeded coin per case says which side goes first, and neither lane runs ahead of the other
// (unless it is failing: then it may run ahead far enough to show it is down).

const answer = (req: ChatRequest) => userText(req).replace(/^q/, 'a');
const lane = (cursor: number, room = true, failing = false): LaneState => ({
  cursor,
  room,
  failing,
});

describe('DispatchOrder', () => {
  it('sends the lane that is behind first', () => {
    const order = new DispatchOrder({ jobs: 10, lanes: 2, lead: 1, slack: 4, rng: createRng(1) });
    expect(order.next([lane(3), lane(2)])).toBe(1);
    expect(order.next([lane(2), lane(3)])).toBe(0);
  });

  it('lets a seeded coin per job pick the side that goes first when both are at that job', () => {
    const firsts = (seed: number) => {
      const order = new DispatchOrder({
        jobs: 200,
        lanes: 2,
        lead: 1,
        slack: 4,
        rng: createRng(seed),
      });
      return Array.from({ length: 200 }, (_, j) => order.next([lane(j), lane(j)]));
    };
    const coins = firsts(7);
    const candidateFirst = coins.filter((i) => i === 1).length;
    // Fair coins: about half each way (200 draws: 100 ± 3 SD is 79..121).
    expect(candidateFirst).toBeGreaterThan(79);
    expect(candidateFirst).toBeLessThan(121);
    expect(firsts(7)).toEqual(coins);
    expect(firsts(8)).not.toEqual(coins);
  });

  it('holds a lane `lead` jobs ahead of another until that one sends or is done', () => {
    const order = new DispatchOrder({ jobs: 20, lanes: 2, lead: 1, slack: 5, rng: createRng(1) });
    // The candidate has sent job 2, the baseline has no room to: nobody may send.
    expect(order.next([lane(2, false), lane(3)])).toBe(-1);
    expect(order.next([lane(3, false), lane(3)])).toBe(1);
    // A lane that has sent everything holds nobody back.
    expect(order.next([lane(20), lane(19)])).toBe(1);
    expect(order.next([lane(20, false), lane(20)])).toBe(-1);
    const wide = new DispatchOrder({ jobs: 20, lanes: 2, lead: 5, slack: 5, rng: createRng(1) });
    expect(wide.next([lane(2, false), lane(6)])).toBe(1);
    expect(wide.next([lane(2, false), lane(7)])).toBe(-1);
  });

  it('lets a failing lane run up to its slack ahead, to show it is down', () => {
    const order = new DispatchOrder({ jobs: 20, lanes: 2, lead: 1, slack: 5, rng: createRng(1) });
    expect(order.next([lane(2, false), lane(3, true, true)])).toBe(1);
    expect(order.next([lane(2, false), lane(6, true, true)])).toBe(1);
    expect(order.next([lane(2, false), lane(7, true, true)])).toBe(-1);
  });

  it('never picks a lane without room, and serves a lone lane in order', () => {
    const order = new DispatchOrder({ jobs: 3, lanes: 1, lead: 1, slack: 1, rng: createRng(1) });
    expect(order.next([lane(0)])).toBe(0);
    expect(order.next([lane(1, false)])).toBe(-1);
    expect(order.next([lane(3)])).toBe(-1);
  });
});

/** A target whose every send is logged as `side:input`, in the order the runner sends. */
function logged(url: string, side: Side, log: string[], o: TestTargetOptions = {}): Target {
  const t = testTarget(url, {
    role: side,
    model: side === 'baseline' ? 'base-model' : 'cand-model',
    ...o,
  });
  afterThisTest(() => t.transport.close());
  const inner = t.transport;
  return {
    ...t,
    transport: {
      send(req) {
        const body = JSON.parse(req.body!) as ChatRequest;
        log.push(`${side}:${userText(body)}`);
        return inner.send(req);
      },
      close: () => inner.close(),
    },
  };
}

describe('runPairs: fair dispatch', () => {
  it('sends the first wave pair by pair, the side that goes first varying by case', async () => {
    const server = await serveForTest(answer);
    const n = 60;
    const log: string[] = [];
    await runPairs(
      options({
        cases: goldenCases(n),
        targets: {
          baseline: logged(server.url, 'baseline', log, { concurrency: n }),
          candidate: logged(server.url, 'candidate', log, { concurrency: n }),
        },
        rng: createRng(3),
      }),
    );
    // The whole run is one wave: before, the baseline sent all 60, then the candidate.
    const order = shuffledIndices(n, createRng(3));
    let candidateFirst = 0;
    for (let m = 0; m < n; m++) {
      const pair = log.slice(2 * m, 2 * m + 2);
      const q = `q${order[m]}`;
      expect(new Set(pair)).toEqual(new Set([`baseline:${q}`, `candidate:${q}`]));
      if (pair[0]!.startsWith('candidate')) candidateFirst++;
    }
    expect(candidateFirst).toBeGreaterThan(15);
    expect(candidateFirst).toBeLessThan(45);
  });

  // The baseline's first two calls are held until the candidate is as far ahead as it may go;
  // then they are answered and both sides finish. The widest lead seen is the one the runner
  // allows: 1 on one host; on two, an outage window, max(5, 2 × concurrency 2) = 5.
  for (const [hosts, lead] of [
    ['one host', 1],
    ['two hosts', 5],
  ] as const) {
    it(`holds the faster side ${lead} call(s) ahead of the slower one on ${hosts}, then lets both finish`, async () => {
      const n = 20;
      const held: (() => void)[] = [];
      let holding = true;
      const server = await serveForTest((req) => {
        if (req.model === 'cand-model' || !holding) return answer(req);
        return new Promise<FakeReply>((resolve) => held.push(() => resolve(answer(req))));
      });
      const log: string[] = [];
      const sent = { baseline: 0, candidate: 0 };
      let widest = 0;
      let scored = 0;
      const release = () => {
        holding = false;
        for (const go of held.splice(0)) go();
      };
      const candidate = logged(server.url, 'candidate', log, { concurrency: 2 });
      // Both servers are on loopback: the runner knows hosts only by the targets' `host`.
      if (hosts === 'two hosts') candidate.host = 'candidate.example';
      const results = await runPairs(
        options({
          cases: goldenCases(n),
          targets: {
            baseline: logged(server.url, 'baseline', log, { concurrency: 2 }),
            candidate,
          },
          score: async (c, side, call) => {
            for (const entry of log.splice(0)) {
              sent[entry.startsWith('baseline') ? 'baseline' : 'candidate']++;
              widest = Math.max(widest, sent.candidate - sent.baseline);
            }
            // Scoring runs after the runner started whatever it could: the candidate is stuck.
            if (side === 'candidate' && ++scored === sent.candidate && holding) {
              if (sent.candidate === sent.baseline + lead || sent.candidate === n) release();
            }
            return scoreExact(c, call);
          },
        }),
      );
      expect(widest).toBe(lead);
      expect(results.baseline!.every((r) => r?.pass)).toBe(true);
      expect(results.candidate!.every((r) => r?.pass)).toBe(true);
    });
  }
});
