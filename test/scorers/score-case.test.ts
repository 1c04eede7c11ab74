import { describe, expect, it } from 'vitest';
import { buildScorer } from '../../src/scorers/build.js';
import { MAX_REASON_CHARS, scoreCall } from '../../src/scorers/score-case.js';
import { type Scorer, ScoringCancelledError } from '../../src/scorers/scorer.js';
import type { CallResult } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';

function call(overrides: Partial<CallResult> = {}): CallResult {
  return {
    output: 'Yes, within 30 days',
    latency_ms: 812.345,
    input_tokens: 52,
    output_tokens: 9,
    cost_usd: 0.0000132,
    error: null,
    attempts: 1,
    ...overrides,
  };
}

/** A scorer with a fixed score, for testing how scores combine. */
function fixed(name: string, score: number, weight = 1, threshold = 1): Scorer {
  return {
    name,
    type: 'custom',
    weight,
    threshold,
    check: () => undefined,
    score: () => ({ score }),
  };
}

const c = goldenCase({ expected: 'Yes, within 30 days' });

describe('scoreCall', () => {
  it('keeps the call measurements and records each scorer by name', async () => {
    const r = await scoreCall(call({ ttft_ms: 140.04, tpot_ms: 8.26 }), c, [
      buildScorer({ type: 'exact' }, 'exact'),
    ]);
    expect(r).toEqual({
      output: 'Yes, within 30 days',
      score: 1,
      pass: true,
      scores: { exact: 1 },
      latency_ms: 812.3,
      ttft_ms: 140,
      tpot_ms: 8.26, // as measured: the statistics compare it relative to the other side's
      input_tokens: 52,
      output_tokens: 9,
      cost_usd: 0.0000132,
      error: null,
    });
  });

  it('leaves ttft/tpot out when the call has none', async () => {
    const r = await scoreCall(call(), c, [fixed('a', 1)]);
    expect(r).not.toHaveProperty('ttft_ms');
    expect(r).not.toHaveProperty('tpot_ms');
  });

  it.each([
    ['equal weights', [fixed('a', 1), fixed('b', 0)], 0.5],
    ['3:1 weights', [fixed('a', 1, 3), fixed('b', 0, 1)], 0.75],
    ['a zero weight does not count', [fixed('a', 0.2, 0), fixed('b', 0.6, 2)], 0.6],
    ['all weights zero', [fixed('a', 1, 0)], 0],
    ['no scorers', [], 0],
  ])('takes the weighted mean: %s', async (_label, scorers, want) => {
    expect((await scoreCall(call(), c, scorers)).score).toBeCloseTo(want, 12);
  });

  it('passes only when every scorer meets its threshold (at or above)', async () => {
    const pass = async (scorers: Scorer[]) => (await scoreCall(call(), c, scorers)).pass;
    expect(await pass([fixed('a', 1), fixed('b', 0.7, 1, 0.7)])).toBe(true);
    expect(await pass([fixed('a', 1), fixed('b', 0.69, 1, 0.7)])).toBe(false);
    // A high weighted mean does not rescue a scorer below its threshold.
    expect(await pass([fixed('a', 1, 100), fixed('b', 0.9, 1, 1)])).toBe(false);
    // Even a zero-weight scorer must meet its threshold.
    expect(await pass([fixed('a', 1), fixed('b', 0, 0)])).toBe(false);
  });

  it('applies the default thresholds: 1 for yes/no, 0.5 for graded', async () => {
    const f1 = buildScorer({ type: 'token_f1' }, 'f1');
    const contains = buildScorer({ type: 'contains', value: 'days' }, 'days');
    // token_f1("within 30 days", expected) = 2·1·0.75/1.75 = 6/7 ≥ 0.5; contains = 1.
    const good = await scoreCall(call({ output: 'within 30 days' }), c, [f1, contains]);
    expect(good.pass).toBe(true);
    expect(good.scores.f1).toBeCloseTo(6 / 7, 12);
    // token_f1("yes", expected) = 2·1·0.25/1.25 = 0.4: below the graded default of 0.5.
    const poor = await scoreCall(call({ output: 'yes' }), c, [f1]);
    expect(poor.scores.f1).toBeCloseTo(0.4, 12);
    expect(poor.pass).toBe(false);
    // A yes/no scorer at 1 with a graded one at exactly 0.5 passes.
    const edge = await scoreCall(call({ output: 'days' }), c, [
      fixed('half', 0.5, 1, 0.5),
      contains,
    ]);
    expect(edge.pass).toBe(true);
  });

  it('clamps scores to 0..1 and treats NaN as 0', async () => {
    const r = await scoreCall(call(), c, [
      fixed('hi', 1.7, 1, 0),
      fixed('lo', -2, 1, 0),
      fixed('nan', Number.NaN, 1, 0),
    ]);
    expect(r.scores).toEqual({ hi: 1, lo: 0, nan: 0 });
    expect(r.score).toBeCloseTo(1 / 3, 12);
  });

  it('awaits async scorers', async () => {
    const slow: Scorer = { ...fixed('async', 0), score: async () => ({ score: 0.25 }) };
    expect((await scoreCall(call(), c, [slow])).scores).toEqual({ async: 0.25 });
  });

  it('scores a failed call 0, not passing, and keeps its error', async () => {
    const error = {
      kind: 'timeout' as const,
      message: 'target candidate: no complete response within 200 ms',
    };
    const r = await scoreCall(call({ output: null, error, latency_ms: 200.06 }), c, [
      fixed('a', 1),
    ]);
    expect(r).toMatchObject({
      output: null,
      score: 0,
      pass: false,
      scores: {},
      error,
      latency_ms: 200.1,
    });
  });

  it('scores a call with no output 0 even without an error', async () => {
    const r = await scoreCall(call({ output: null }), c, [fixed('a', 1)]);
    expect(r).toMatchObject({ score: 0, pass: false, error: null });
  });

  it('turns a scorer that throws into a `scorer` error, without losing the output', async () => {
    const broken: Scorer = {
      ...fixed('judge', 1),
      score: () => {
        throw new Error('rubric missing');
      },
    };
    const r = await scoreCall(call(), c, [fixed('a', 1), broken]);
    expect(r.error).toEqual({ kind: 'scorer', message: 'scorer "judge" failed: rubric missing' });
    expect(r).toMatchObject({ output: 'Yes, within 30 days', score: 0, pass: false });
  });

  it('turns a rejected async scorer into a `scorer` error', async () => {
    const broken: Scorer = {
      ...fixed('judge', 1),
      score: () => Promise.reject(new Error('judge down')),
    };
    const r = await scoreCall(call(), c, [broken]);
    expect(r.error).toEqual({ kind: 'scorer', message: 'scorer "judge" failed: judge down' });
  });

  // Synchronous scorers are scored without a promise each: a mix with async ones must still wait
  // for every one, keep the first failure in scorer order and leave no rejection unhandled.
  it('mixes synchronous and async scorers, throwing and rejecting, in scorer order', async () => {
    const throws: Scorer = {
      ...fixed('sync-throws', 1),
      score: () => {
        throw new Error('bad regex');
      },
    };
    const rejects: Scorer = {
      ...fixed('async-rejects', 1),
      score: () => Promise.reject(new Error('judge down')),
    };
    const slow: Scorer = {
      ...fixed('async', 1, 1, 0),
      score: () => new Promise((resolve) => setImmediate(() => resolve({ score: 0.25 }))),
    };
    const mixed = await scoreCall(call(), c, [fixed('a', 1), slow, rejects, throws]);
    expect(mixed.error).toEqual({
      kind: 'scorer',
      message: 'scorer "async-rejects" failed: judge down',
    });
    // The others' values are kept beside the error, the async one's too.
    expect(mixed.scores).toEqual({ a: 1, async: 0.25 });
    const syncFirst = await scoreCall(call(), c, [throws, rejects]);
    expect(syncFirst.error?.message).toBe('scorer "sync-throws" failed: bad regex');
    const fine = await scoreCall(call(), c, [fixed('a', 1, 1), slow, fixed('b', 0.5, 1, 0)]);
    expect(fine).toMatchObject({ error: null, pass: true, scores: { a: 1, async: 0.25, b: 0.5 } });
    expect(fine.score).toBeCloseTo(1.75 / 3, 12);
  });

  it('treats a cancel thrown synchronously or rejected alike: the answer is left out', async () => {
    const cancel = (sync: boolean): Scorer => ({
      ...fixed('judge', 1),
      score: () => {
        if (sync) throw new ScoringCancelledError();
        return Promise.reject(new ScoringCancelledError());
      },
    });
    for (const sync of [true, false]) {
      const r = await scoreCall(call(), c, [fixed('a', 1), cancel(sync)]);
      expect(r.error).toEqual({ kind: 'aborted', message: 'scoring was cancelled' });
    }
  });
});

describe('reasons', () => {
  it('keeps a reason a reader can read, and cuts one of megabytes with an ellipsis', async () => {
    const saying = (reason: string): Scorer => ({
      ...fixed('says', 1),
      score: () => ({ score: 1, reason }),
    });
    const short = await scoreCall(call(), c, [saying('because')]);
    expect(short.reasons).toEqual({ says: 'because' });
    const long = await scoreCall(call(), c, [saying('r'.repeat(10_000_000))]);
    expect(long.reasons?.says).toBe(`${'r'.repeat(MAX_REASON_CHARS)}…`);
  });
});
