import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { decide } from '../../src/gate/decide.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import type { CaseReport, SideResult } from '../../src/types.js';
import {
  ALPHA,
  expectAtMostAlpha,
  normal,
  pair,
  report,
  settings,
  side,
  simulationSe,
} from './helpers.js';

// Slices and multiplicity: a regression confined to one slice is caught there while the whole
// set passes, and ten slices under A/A do not multiply the false blocks (weighted Holm; the
// power it leaves the whole-set check is in slices-power.test.ts).

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

describe('weighted Holm: the family-wise false-block rate', () => {
  it('stays at α with ten slices and four whole-set budgets under A/A, all at their null boundary', () => {
    const rng = createRng(47);
    const runs = 1000;
    const CASES = 400;
    let blocks = 0;
    let rawBlocks = 0;
    const budgets = {
      quality: { max_drop: 0 },
      pass_rate: { max_drop: 0 },
      latency_p95: { max_increase: 0 },
      error_rate: { max: 0.02 },
    };
    for (let r = 0; r < runs; r++) {
      // Independent answers from one distribution (A/A): graded scores, a pass at 0.5, the same
      // latency distribution, and 2% of inputs that break both sides (the candidate's error rate
      // sits exactly at its 2% ceiling; a failed baseline leaves the pair out of quality).
      const cases: CaseReport[] = [];
      for (let i = 0; i < CASES; i++) {
        const answer = () => {
          const score = Math.sqrt(rng());
          return side(score, score >= 0.5, 500 * Math.exp(0.5 * normal(rng)));
        };
        let b = answer();
        let c = answer();
        if (rng() < 0.02) {
          const failed = (x: SideResult): SideResult => ({
            ...x,
            score: 0,
            pass: false,
            error: { kind: 'http_5xx', message: 'HTTP 500' },
          });
          b = failed(b);
          c = failed(c);
        }
        cases.push(pair(i, b, c, [`tags=s${i % SLICES}`]));
      }
      const { checks } = buildChecks(
        cases,
        settings(budgets, r, {
          resamples: 499,
          slices: { by: ['tags'], min_cases: 20, budgets: { quality: { max_drop: 0 } } },
        }),
      );
      if (decide(checks) === 'fail') blocks++;
      // Without the correction, any check whose own p-value clears α would have blocked.
      if (checks.some((c) => c.p_value !== null && c.p_value <= ALPHA)) rawBlocks++;
    }
    const se = simulationSe(ALPHA, runs);
    report(
      `A/A family-wise false-block rate, 14 checks (4 whole-set, 10 slices), ${runs} runs: ` +
        `${(blocks / runs).toFixed(4)} (limit α + 3 SE = ${(ALPHA + 3 * se).toFixed(4)}, SE ${se.toFixed(4)}); ` +
        `uncorrected ${(rawBlocks / runs).toFixed(3)}`,
    );
    expectAtMostAlpha(blocks, runs, 'weighted Holm, 14 checks');
    // The test can fail: uncorrected, fourteen checks block equally good systems far more often.
    expect(rawBlocks / runs).toBeGreaterThan(0.25);
  });
});
