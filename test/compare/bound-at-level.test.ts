import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/comparison.js';
import { scoreDrift } from '../../src/compare/drift.js';
import { compareErrorCeiling } from '../../src/compare/error-ceiling.js';
import { comparePairedMeans } from '../../src/compare/paired-mean.js';
import { compareRatio } from '../../src/compare/ratio.js';
import { resampleTogether } from '../../src/compare/resampled.js';
import { createRng, type Rng } from '../../src/stats/rng.js';

// Every comparison's bound at any level agrees with its own p-value: p ≤ a exactly when the
// optimistic bound at 1 − a is past the budget. The multiplicity procedure tests a check at a
// share of α by that bound and reports the adjusted p-value; this is what keeps the two saying
// the same thing. Resampled and exact paths agree to the last replicate (a = p itself included);
// t paths agree except within rounding of the boundary.

const CONFIDENCE = 0.95;

/** Tails to test at: the procedure's shares of α, random ones, and the p-value itself. */
function tails(p: number, rng: Rng): number[] {
  const out = [0.05, 0.05 * 0.85, 0.05 / 3, 0.0075 / 10, 0.001];
  for (let i = 0; i < 6; i++) out.push(0.1 * rng() ** 2);
  if (p > 0 && p < 1) out.push(p, p * (1 - 1e-6), Math.min(0.999, p * (1 + 1e-6)));
  return out.filter((a) => 1 - a < 1); // a level of exactly 1 is no level
}

/**
 * Checks the equivalence at every tail. `exact`: discrete paths, where it must hold even at
 * a = p; otherwise a tail within 1e-9 (relative) of p is rounding's to decide and is skipped.
 */
function expectAgrees(c: Comparison, budget: number, exact: boolean, seed: number): void {
  expect(c.regression).not.toBeNull();
  const p = c.p_value!;
  expect(c.optimisticAt!(CONFIDENCE)).toBe(c.regression![0]);
  let previous = Number.POSITIVE_INFINITY;
  const rng = createRng(seed);
  const sorted = tails(p, rng).sort((x, y) => y - x); // rising levels
  for (const a of sorted) {
    const bound = c.optimisticAt!(1 - a);
    expect(bound, `bound falls as the level rises (a = ${a})`).toBeLessThanOrEqual(previous);
    previous = bound;
    // A level near 1 holds its tail only to about 1e-16 absolute.
    if (!exact && Math.abs(p - a) <= 1e-9 * a + 4e-16) continue;
    expect(bound > budget, `${c.method}: p = ${p}, a = ${a}, bound ${bound} vs ${budget}`).toBe(
      p <= a,
    );
  }
}

const scores = (n: number, rng: Rng, levels: number) =>
  Array.from({ length: n }, () => Math.round(rng() * levels) / levels);

describe('optimisticAt(1 − a) > budget ⇔ p ≤ a', () => {
  it('paired t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 400 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: -0.1, max: 0.4, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (n, budget, shift, seed) => {
          const rng = createRng(seed);
          const b = scores(n, rng, 20);
          const c = b.map((x) => Math.min(1, Math.max(0, x - shift * rng() + 0.1 * (rng() - 0.5))));
          const cmp = comparePairedMeans(b, c, budget, CONFIDENCE);
          fc.pre(cmp.method === 'paired t');
          expectAgrees(cmp, budget, false, seed);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('cluster-robust t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 2, max: 8 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (n, size, budget, seed) => {
          const rng = createRng(seed);
          const b = scores(n, rng, 10);
          const c = b.map((x) => Math.min(1, Math.max(0, x - 0.3 * rng())));
          const clusters = Uint32Array.from({ length: n }, (_, i) => Math.floor(i / size));
          const cmp = comparePairedMeans(b, c, budget, CONFIDENCE, { clusters });
          fc.pre(cmp.method === 'cluster-robust t');
          expectAgrees(cmp, budget, false, seed);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it('exact McNemar + t (0/1 scores, few discordant pairs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 500 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 24 }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (n, losses, winsWanted, budget) => {
          const wins = Math.min(winsWanted, 24 - losses, n - losses);
          fc.pre(losses + wins > 0 && losses + wins <= n);
          const b = Array.from({ length: n }, (_, i) =>
            i < losses ? 1 : i < losses + wins ? 0 : 1,
          );
          const c = Array.from({ length: n }, (_, i) => (i < losses ? 0 : 1));
          const cmp = comparePairedMeans(b, c, budget, CONFIDENCE);
          expect(cmp.method).toBe('exact McNemar + t');
          expectAgrees(cmp, budget, false, n + losses);
        },
      ),
      { seed: 13, numRuns: 300 },
    );
  });

  it('bootstrap-t checked against t (below 30 pairs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 29 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.constantFrom(199, 999, 2000),
        fc.integer({ min: 1, max: 1e6 }),
        (n, budget, resamples, seed) => {
          const rng = createRng(seed);
          const b = scores(n, rng, 10);
          const c = b.map((x) => Math.min(1, Math.max(0, x - 0.4 * rng() + 0.1)));
          const cmp = comparePairedMeans(b, c, budget, CONFIDENCE, {
            rng: createRng(seed + 1),
            resamples,
          });
          fc.pre(cmp.method === 'bootstrap-t + t');
          // The larger p-value may be t's, which holds its tail only to rounding at a = p.
          expectAgrees(cmp, budget, false, seed);
        },
      ),
      { seed: 14, numRuns: 200 },
    );
  });

  it('percentile bootstrap of a ratio (p95 and total), to the replicate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 300 }),
        fc.constantFrom('p95' as const, 'sum' as const),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.constantFrom(199, 999, 2000),
        fc.integer({ min: 1, max: 1e6 }),
        (n, statistic, budget, resamples, seed) => {
          const rng = createRng(seed);
          const b = Float64Array.from({ length: n }, () => 200 + 1800 * rng() ** 2);
          const c = b.map((x) => x * (0.9 + 0.6 * rng()));
          const cmp = compareRatio(b, c, {
            statistic,
            maxIncrease: budget,
            confidence: CONFIDENCE,
            rng: createRng(seed + 1),
            resamples,
          });
          expectAgrees(cmp, budget, true, seed);
        },
      ),
      { seed: 15, numRuns: 200 },
    );
  });

  it('drift (basic bootstrap of the PSI), to the replicate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 300 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (n, budget, seed) => {
          const rng = createRng(seed);
          const b = Array.from({ length: n }, () => rng());
          const c = b.map((x) => Math.min(1, Math.max(0, x + 0.3 * (rng() - 0.3))));
          const [cmp] = resampleTogether([scoreDrift(b, c, budget, CONFIDENCE)], n, {
            rng: createRng(seed + 1),
            resamples: 999,
          });
          expectAgrees(cmp!, budget, true, seed);
        },
      ),
      { seed: 16, numRuns: 150 },
    );
  });

  it('Clopper–Pearson error ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0.001, max: 0.2, noNaN: true }),
        (n, rate, max) => {
          const errors = Math.round(rate * n);
          const cmp = compareErrorCeiling(0, n, errors, n, max, CONFIDENCE);
          expectAgrees(cmp, max, false, n + errors);
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });
});
