import { describe, expect, it } from 'vitest';
import { type RunOptions, RunStoppedError, runPairs } from '../../src/runner/run-pairs.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { createRng } from '../../src/stats/rng.js';
import type { Target } from '../../src/targets/target.js';
import type { FakeServer } from '../helpers/fake-openai.js';
import { goldenCases } from '../helpers/golden-case.js';
import { afterThisTest, serveForTest } from '../helpers/per-test.js';
import { testTarget } from '../helpers/test-target.js';

// An unexpected error inside a call must settle the run: before the fix a call that threw stayed
// counted in flight, the run waited for it forever and Node exited 13 with nothing said.

const exact = [buildScorer({ type: 'exact' }, 'exact')];
const serve = (): Promise<FakeServer> => serveForTest(() => 'a');

function target(url: string, role: string, o: Parameters<typeof testTarget>[1] = {}): Target {
  const t = testTarget(url, { role, model: `${role}-model`, ...o });
  afterThisTest(() => t.transport.close());
  return t;
}

function options(o: Pick<RunOptions, 'targets'> & Partial<RunOptions>): RunOptions {
  return {
    cases: goldenCases(20),
    score: async (c, _side, call) => scoreCall(call, c, exact),
    rng: createRng(1),
    maxConsecutiveErrors: 5,
    ...o,
  };
}

describe('runPairs: unexpected errors settle the run', () => {
  it('rejects, instead of hanging, when a transport throws synchronously', async () => {
    const server = await serve();
    const candidate = target(server.url, 'candidate');
    const bug = new Error('transport bug');
    candidate.transport = {
      send: () => {
        throw bug;
      },
      close: () => {},
    };
    const baseline = target(server.url, 'baseline');
    await expect(runPairs(options({ targets: { baseline, candidate } }))).rejects.toBe(bug);
    // The rest of the run was cancelled: the baseline did not go on through all 20 cases.
    expect(server.requests.length).toBeLessThan(20);
  });

  it('rejects when scoring throws inside progress reporting', async () => {
    const server = await serve();
    const bug = new Error('progress bug');
    const run = runPairs(
      options({
        targets: { candidate: target(server.url, 'candidate') },
        onProgress: () => {
          throw bug;
        },
      }),
    );
    await expect(run).rejects.toBe(bug);
  });

  it('a header node:http refuses to send is a failed call, and the run stops as an outage', async () => {
    const server = await serve();
    // A key read with `$(cat key.txt)`: prepare() refuses it, this is the runner's safety net.
    const candidate = target(server.url, 'candidate', { apiKey: 'sk-test\n', retries: 0 });
    const run = runPairs(options({ targets: { candidate } }));
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RunStoppedError);
    expect((err as RunStoppedError).reason).toBe('errors');
    expect((err as Error).message).toMatch(/could not be sent \(ERR_INVALID_CHAR/);
    expect((err as Error).message).not.toContain('sk-test');
    expect(server.requests).toHaveLength(0);
  });
});
