import { describe, expect, it } from 'vitest';
import { CostBudget } from '../../src/runner/cost-budget.js';
import { pastBudget } from '../../src/stats/past-budget.js';

describe('CostBudget', () => {
  it('admits a call only while spent + in flight + its estimate fits', () => {
    const b = new CostBudget(1);
    const s = b.share(0.4);
    expect(b.admit(s, 0)).toBe(true);
    expect(b.admit(s, 0)).toBe(true);
    expect(b.inFlight).toBeCloseTo(0.8, 12);
    expect(b.admit(s, 0)).toBe(false); // 1.2 would not fit, and nothing was committed for it
    expect(b.inFlight).toBeCloseTo(0.8, 12);
    b.settle(s, 0, 0.1); // cheaper than feared: the guess still stands for the others
    expect(b.spent).toBeCloseTo(0.1, 12);
    expect(b.admit(s, 0)).toBe(true); // 0.1 + 0.4 + 0.4
    b.settle(s, 0, 0.3);
    b.settle(s, 0, 0.3);
    expect(b.spent).toBeCloseTo(0.7, 12);
    expect(b.inFlight).toBe(0);
    expect(b.admit(s, 0)).toBe(false); // 0.7 + 0.4
    expect(b.admit(b.share(0.3), 0)).toBe(true); // another target's guess is its own
  });

  it('counts the calls still in flight at the most a reply has shown a call to cost', () => {
    // Guessed at $0.1 a call, five fit in $1; the first reply costs $0.3, so the four still out
    // will likely cost about that too: $1.5 in all, and nothing more may start.
    const b = new CostBudget(1);
    const s = b.share(0.1);
    for (let i = 0; i < 5; i++) expect(b.admit(s, 0)).toBe(true);
    b.settle(s, 0, 0.3);
    expect(b.inFlight).toBeCloseTo(1.2, 12);
    expect(b.admit(s, 0)).toBe(false);
    // Cheaper replies later do not lower it: the costliest one is what a call may cost.
    b.settle(s, 0, 0.05);
    expect(b.inFlight).toBeCloseTo(0.9, 12);
    expect(s.estimate(0)).toBeCloseTo(0.3, 12);
  });

  it("adds each call's own prompt, and learns only what calls cost beyond theirs", () => {
    const b = new CostBudget(10);
    const s = b.share(0.1);
    expect(s.estimate(0.5)).toBeCloseTo(0.6, 12);
    expect(b.admit(s, 0.5)).toBe(true);
    expect(b.admit(s, 2)).toBe(true);
    expect(b.inFlight).toBeCloseTo(2.7, 12);
    b.settle(s, 2, 2.4); // 0.4 beyond its prompt
    expect(b.inFlight).toBeCloseTo(0.9, 12);
    expect(s.estimate(0)).toBeCloseTo(0.4, 12);
    // A failed call costs nothing: it says nothing about what an answer costs.
    b.settle(s, 0.5, 0);
    expect(s.estimate(0)).toBeCloseTo(0.4, 12);
  });
});

describe('CostBudget in flight', () => {
  it('counts calls, so float residue never looks like money still in flight', () => {
    const b = new CostBudget(1);
    const s = b.share(0);
    for (let i = 0; i < 3; i++) expect(b.admit(s, 0.1)).toBe(true);
    for (let i = 0; i < 3; i++) b.settle(s, 0.1, 0.1);
    expect(b.callsInFlight).toBe(0);
    expect(b.inFlight).toBe(0);
  });
});

describe('a budget met exactly', () => {
  it('fits, though the sum of its parts carries float rounding', () => {
    const perCall = (256 * 0.1) / 1e6;
    let plan = 0;
    for (let i = 0; i < 6; i++) plan += perCall;
    expect(plan).not.toBe(0.0001536); // 0.00015360000000000002
    expect(pastBudget(plan, 0.0001536)).toBe(false);
    expect(pastBudget(0.0001537, 0.0001536)).toBe(true);
    const b = new CostBudget(0.0001536);
    const s = b.share(perCall);
    for (let i = 0; i < 6; i++) expect(b.admit(s, 0)).toBe(true);
    expect(b.admit(s, 0)).toBe(false);
  });
});
