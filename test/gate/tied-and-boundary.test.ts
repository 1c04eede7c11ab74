import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import type { CaseReport } from '../../src/types.js';
import { pair, settings, side } from '../simulation/helpers.js';

// Two budgets make the gate test each check at a share of α (weighted Holm), at levels stricter
// than the confidence: what holds for one check alone must hold there too.

const quality = (cases: CaseReport[], budget: number) =>
  buildChecks(
    cases,
    settings({ quality: { max_drop: budget }, latency_p95: { max_increase: 0.2 } }, 1, {
      minCases: 20,
    }),
  ).checks.find((c) => c.metric === 'quality' && c.slice === null)!;

describe('quality among several checks', () => {
  it('blocks a clear drop of mostly tied small-sample scores (no infinite end at a stricter level)', () => {
    // 22 of 25 answers drop from 1 to 0.7: the bootstrap-t's strict-level bounds were infinite.
    const cases = Array.from({ length: 25 }, (_, i) =>
      pair(i, side(1, true), side(i < 22 ? 0.7 : 1, i >= 22)),
    );
    const c = quality(cases, 0.05);
    expect(c.verdict).toBe('fail');
    expect(c.ci!.every(Number.isFinite)).toBe(true);
    expect(c.adjustment).toBeDefined();
  });

  it('passes a drop equal to its budget, and does not count it as rejected when adjusting', () => {
    // Every answer 0.95 against 1: a drop of 0.050000000000000044 against a 5 pts budget.
    const cases = Array.from({ length: 40 }, (_, i) => pair(i, side(1, true), side(0.95, true)));
    const c = quality(cases, 0.05);
    expect(c.verdict).toBe('pass');
    expect(c.p_value).toBe(1);
    expect(c.p_adjusted).toBe(1);
    expect(c.reason).not.toContain('on its own');
  });
});
