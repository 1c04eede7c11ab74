import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from '../../src/runner/adaptive-concurrency.js';

describe('AdaptiveConcurrency (AIMD)', () => {
  it('starts at the configured concurrency and never grows past it', () => {
    const c = new AdaptiveConcurrency(8);
    expect(c.limit).toBe(8);
    for (let i = 0; i < 100; i++) c.answered();
    expect(c.limit).toBe(8);
  });

  it('halves on a 429, once per generation of calls, down to one', () => {
    const c = new AdaptiveConcurrency(16);
    const sentBefore = c.epoch;
    expect(c.rateLimited(sentBefore)).toBe(true);
    expect(c.limit).toBe(8);
    // The other calls of that burst were sent before the cut: their 429s say nothing new.
    for (let i = 0; i < 10; i++) expect(c.rateLimited(sentBefore)).toBe(false);
    expect(c.limit).toBe(8);
    // A call sent after the cut that is still refused cuts again.
    expect(c.rateLimited(c.epoch)).toBe(true);
    expect(c.limit).toBe(4);
    c.rateLimited(c.epoch);
    c.rateLimited(c.epoch);
    c.rateLimited(c.epoch);
    expect(c.limit).toBe(1);
  });

  it('recovers additively: about one slot per window of answered calls', () => {
    const c = new AdaptiveConcurrency(8);
    c.rateLimited(c.epoch); // 4
    const limits: number[] = [];
    for (let i = 0; i < 40; i++) {
      c.answered();
      limits.push(c.limit);
    }
    // 4 answers to reach 5, 5 more to reach 6, 6 more to reach 7, 7 more to reach 8.
    expect(limits.indexOf(5)).toBe(3);
    expect(limits.indexOf(6)).toBe(8);
    expect(limits.indexOf(7)).toBe(14);
    expect(limits.indexOf(8)).toBe(21);
    expect(Math.max(...limits)).toBe(8);
    for (let i = 1; i < limits.length; i++)
      expect(limits[i]).toBeGreaterThanOrEqual(limits[i - 1]!);
  });
});
