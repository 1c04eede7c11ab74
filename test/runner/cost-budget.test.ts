import { describe, expect, it } from 'vitest';
import { CostBudget, exceedsBudget } from '../../src/runner/cost-budget.js';

describe('CostBudget', () => {
  it('admits a call only while spent + in flight + its estimate fits', () => {
    const b = new CostBudget(1);
    expect(b.admit(0.4)).toBe(true);
    expect(b.admit(0.4)).toBe(true);
    expect(b.inFlight).toBeCloseTo(0.8, 12);
    expect(b.admit(0.4)).toBe(false); // 1.2 would not fit, and nothing was committed for it
    expect(b.inFlight).toBeCloseTo(0.8, 12);
    b.settle(0.4, 0.1); // cheaper than feared
    expect(b.spent).toBeCloseTo(0.1, 12);
    expect(b.admit(0.4)).toBe(true); // 0.1 + 0.4 + 0.4
    b.settle(0.4, 0.5);
    b.settle(0.4, 0.3);
    expect(b.spent).toBeCloseTo(0.9, 12);
    expect(b.inFlight).toBe(0);
    expect(b.admit(0.2)).toBe(false);
    expect(b.admit(0.1)).toBe(true);
  });
});

describe('CostBudget in flight', () => {
  it('counts calls, so float residue never looks like money still in flight', () => {
    const b = new CostBudget(1);
    for (let i = 0; i < 3; i++) expect(b.admit(0.1)).toBe(true);
    for (let i = 0; i < 3; i++) b.settle(0.1, 0.1);
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
    expect(exceedsBudget(plan, 0.0001536)).toBe(false);
    expect(exceedsBudget(0.0001537, 0.0001536)).toBe(true);
    const b = new CostBudget(0.0001536);
    for (let i = 0; i < 6; i++) expect(b.admit(perCall)).toBe(true);
    expect(b.admit(perCall)).toBe(false);
  });
});
