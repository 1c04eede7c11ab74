import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { parseStoredBaseline } from '../../src/report/stored-baseline.js';
import { combineRepeats } from '../../src/runner/repeats.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { createRng } from '../../src/stats/rng.js';
import type { CallResult, CaseReport, SideResult } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';

// Time per output token is a fraction of a millisecond on a fast model: what the statistics
// read of it must be the figure as measured, not one rounded to 0.1 ms.

const c = goldenCase({ expected: 'ok' });
const exact = [buildScorer({ type: 'exact' }, 'exact')];

function streamed(tpotMs: number): CallResult {
  return {
    output: 'ok',
    latency_ms: 900,
    ttft_ms: 100,
    tpot_ms: tpotMs,
    input_tokens: 20,
    output_tokens: 2000,
    cost_usd: 0.001,
    error: null,
    attempts: 1,
  };
}

const scored = (tpotMs: number) => scoreCall(streamed(tpotMs), c, exact) as SideResult;

/** Cases whose baseline takes `perToken` ms a token (± `spread`), the candidate `ratio` times that. */
function cases(perToken: number, ratio: number, spread = 0.25): CaseReport[] {
  const rng = createRng(7);
  return Array.from({ length: 200 }, (_, i) => {
    const b = perToken * (1 - spread + 2 * spread * rng());
    return { id: `case-${i}`, slices: [], baseline: scored(b), candidate: scored(b * ratio) };
  });
}

function tpotCheck(all: CaseReport[]) {
  const { checks } = buildChecks(all, {
    budgets: { tpot_p95: { max_increase: 0.2 } },
    confidence: 0.95,
    minCases: 30,
    seed: 1,
    resamples: 500,
  });
  return checks.find((x) => x.metric === 'tpot_p95')!;
}

describe('time per output token keeps its precision', () => {
  it('is scored as measured', () => {
    expect(scored(0.0201234).tpot_ms).toBe(0.0201234);
    expect(scored(0.88).tpot_ms).toBe(0.88);
  });

  it('compares 0.8 against 0.88 ms as +10%, not +12.5%', () => {
    const check = tpotCheck(cases(0.8, 1.1, 0));
    expect(check.delta).toBeCloseTo(0.1, 9);
  });

  it('compares answers of 2000 tokens at ~0.02 ms a token, rather than finding a zero baseline', () => {
    const check = tpotCheck(cases(0.02, 1.1));
    expect(check.reason).not.toMatch(/zero/);
    expect(check.delta).toBeCloseTo(0.1, 9);
    expect(check.verdict).toBe('pass');
  });

  it('keeps it through repeats and through a stored baseline', () => {
    const folded = combineRepeats([scored(0.02), scored(0.021)]);
    expect(folded.tpot_ms).toBeCloseTo(0.0205, 15);
    const recording = JSON.stringify({
      schema_version: 1,
      cases: [{ id: 'a', slices: [], candidate: scored(0.0201234) }],
      meta: { started_at: '2025-01-01T00:00:00.000Z', models: { candidate: 'm' } },
    });
    const stored = parseStoredBaseline(recording, 'main.json');
    expect(stored.byId.get('a')!.tpot_ms).toBe(0.0201234);
  });
});
