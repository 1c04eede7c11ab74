import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FamilyTest, WHOLE_SET_SHARE, weightedHolm } from '../../src/gate/multiplicity.js';
import { holmAdjust } from '../../src/stats/holm.js';

// The weighted Holm procedure on its own: it is the closed test it claims to be, Holm's
// procedure when there is one group, and its adjusted p-values say what it rejected.

const byP =
  (alpha: number) =>
  (whole: boolean, p: number): FamilyTest => ({ whole, p, rejects: (w) => p <= w * alpha });

/** The closed test of weighted Bonferroni tests, by brute force over every intersection. */
function closedTest(tests: { whole: boolean; p: number }[], alpha: number): boolean[] {
  const m = tests.length;
  const intersectionRejected = new Map<number, boolean>();
  for (let mask = 1; mask < 1 << m; mask++) {
    const members = tests.map((t, i) => ({ ...t, i })).filter((t) => mask & (1 << t.i));
    const whole = members.filter((t) => t.whole).length;
    const slices = members.length - whole;
    const weight = (t: { whole: boolean }) =>
      t.whole ? (slices ? WHOLE_SET_SHARE : 1) / whole : (whole ? 1 - WHOLE_SET_SHARE : 1) / slices;
    intersectionRejected.set(
      mask,
      members.some((t) => t.p <= weight(t) * alpha),
    );
  }
  return tests.map((_, i) => {
    for (let mask = 1; mask < 1 << m; mask++)
      if (mask & (1 << i) && !intersectionRejected.get(mask)) return false;
    return true;
  });
}

const family = fc.array(
  fc.record({
    whole: fc.boolean(),
    // Small p-values often, so that rejections happen; some ties.
    p: fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 0.06, noNaN: true }),
      fc.constantFrom(0.01, 0.02),
    ),
  }),
  { minLength: 1, maxLength: 7 },
);

describe('weightedHolm', () => {
  it('rejects exactly what the closed test of weighted Bonferroni tests rejects', () => {
    fc.assert(
      fc.property(family, fc.constantFrom(0.05, 0.1, 0.01), (tests, alpha) => {
        const out = weightedHolm(
          tests.map((t) => byP(alpha)(t.whole, t.p)),
          alpha,
        );
        expect(out.map((o) => o.rejected)).toEqual(closedTest(tests, alpha));
      }),
      { seed: 21, numRuns: 2000 },
    );
  });

  it('has adjusted p-values at most α exactly for the tests it rejected, and never below p', () => {
    fc.assert(
      fc.property(family, fc.constantFrom(0.05, 0.1, 0.01), (tests, alpha) => {
        const out = weightedHolm(
          tests.map((t) => byP(alpha)(t.whole, t.p)),
          alpha,
        );
        out.forEach((o, i) => {
          expect(o.pAdjusted <= alpha).toBe(o.rejected);
          expect(o.pAdjusted).toBeGreaterThanOrEqual(Math.min(tests[i]!.p, alpha));
          expect(o.pAdjusted).toBeLessThanOrEqual(1);
        });
      }),
      { seed: 22, numRuns: 2000 },
    );
  });

  it("is Holm's procedure when every test is in one group", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (ps, whole) => {
          const out = weightedHolm(
            ps.map((p) => byP(0.05)(whole, p)),
            0.05,
          );
          const holm = holmAdjust(ps);
          out.forEach((o, i) => {
            // Holm's (m − j + 1)·p and the procedure's p / (1/(m − j + 1)) differ in rounding only.
            expect(o.pAdjusted).toBeCloseTo(holm[i]!, 12);
          });
        },
      ),
      { seed: 23, numRuns: 500 },
    );
  });

  it('records the share each test was rejected at, or ended at', () => {
    // One whole-set test and three slices; the whole set and one slice are rejected.
    const out = weightedHolm(
      [
        byP(0.05)(true, 0.001),
        byP(0.05)(false, 0.0001),
        byP(0.05)(false, 0.9),
        byP(0.05)(false, 0.8),
      ],
      0.05,
    );
    expect(out.map((o) => o.rejected)).toEqual([true, true, false, false]);
    // Round one: the whole set at 0.85, the first slice at 0.15 / 3; then the whole set's share
    // and the rejected slice's pass to the two slices left.
    expect(out.map((o) => o.weight)).toEqual(
      [0.85, 0.05, 0.5, 0.5].map((w) => expect.closeTo(w, 15)),
    );
  });

  it('lets the bounds decide where rounding at the boundary would make p say otherwise', () => {
    // A bound that rejects although p sits a hair above α, and one that does not although p is
    // at α: the adjusted p follows the decision.
    const out = weightedHolm(
      [
        { whole: true, p: 0.05 + 1e-17, rejects: () => true },
        { whole: true, p: 0.01, rejects: () => false },
      ],
      0.05,
    );
    expect(out.map((o) => o.rejected)).toEqual([true, false]);
    expect(out[0]!.pAdjusted).toBeLessThanOrEqual(0.05);
    expect(out[1]!.pAdjusted).toBeGreaterThan(0.05);
  });
});
