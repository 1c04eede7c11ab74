import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { decide } from '../../src/gate/decide.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import type { CaseReport } from '../../src/types.js';
import { ALPHA, expectAtMostAlpha, pair, settings, side } from './helpers.js';

// Slices and multiplicity: a regression confined to one slice is caught there while the whole
// set passes, and ten slices under A/A do not multiply the false blocks (Holm).

const correct = (rng: Rng) => (rng() < 0.85 ? 1 : 0);
const SLICES = 10;

/** 2000 cases in ten slices of 200; the candidate repeats the baseline's answer 90% of the time. */
function sliced(rng: Rng, regressed: number | null): CaseReport[] {
  const cases: CaseReport[] = [];
  for (let i = 0; i < 2000; i++) {
    const slice = i % SLICES;
    const b = correct(rng);
    let c = rng() < 0.9 ? b : correct(rng);
    // The regressed slice loses 30% of what the baseline got right.
    if (slice === regressed && b === 1 && rng() < 0.3) c = 0;
    cases.push(pair(i, side(b), side(c), [`tags=s${slice}`]));
  }
  return cases;
}

describe('slices', () => {
  it('catches a regression confined to a 10% slice on that slice, while the whole set passes', () => {
    const rng = createRng(31);
    const runs = 300;
    let caught = 0;
    let wholePassed = 0;
    let otherSliceFailed = 0;
    for (let r = 0; r < runs; r++) {
      const { checks } = buildChecks(
        sliced(rng, 3),
        settings({ quality: { max_drop: 0.05 } }, r, {
          slices: { by: ['tags'], min_cases: 20, budgets: { quality: { max_drop: 0.1 } } },
        }),
      );
      const whole = checks.find((c) => c.slice === null)!;
      const bad = checks.find((c) => c.slice === 'tags=s3')!;
      if (bad.verdict === 'fail') caught++;
      if (whole.verdict === 'pass') wholePassed++;
      if (checks.some((c) => c.slice !== null && c.slice !== 'tags=s3' && c.verdict === 'fail'))
        otherSliceFailed++;
    }
    // −25 pts on the slice (budget 10), −2.5 pts overall (budget 5).
    expect(caught / runs).toBeGreaterThanOrEqual(0.9);
    expect(wholePassed / runs).toBeGreaterThanOrEqual(0.9);
    expect(otherSliceFailed / runs).toBeLessThanOrEqual(ALPHA);
  });
});

describe("Holm's correction", () => {
  it('keeps the family-wise false-block rate at α with 10 slices under A/A', () => {
    const rng = createRng(47);
    const runs = 1000;
    let blocks = 0;
    let rawBlocks = 0;
    for (let r = 0; r < runs; r++) {
      // Independent answers (A/A): every slice's difference is pure noise.
      const cases: CaseReport[] = [];
      for (let i = 0; i < 2000; i++)
        cases.push(pair(i, side(correct(rng)), side(correct(rng)), [`tags=s${i % SLICES}`]));
      const { checks } = buildChecks(
        cases,
        settings({ quality: { max_drop: 0 } }, r, {
          slices: { by: ['tags'], min_cases: 20, budgets: { quality: { max_drop: 0 } } },
        }),
      );
      if (decide(checks) === 'fail') blocks++;
      // Without the correction, any check whose own p-value clears α would have blocked.
      if (checks.some((c) => c.p_value !== null && c.p_value <= ALPHA)) rawBlocks++;
    }
    expectAtMostAlpha(blocks, runs, 'Holm, 11 checks');
    // The test can fail: uncorrected, eleven checks block equally good systems far more often.
    expect(rawBlocks / runs).toBeGreaterThan(0.25);
  });
});
