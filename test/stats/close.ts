import { expect } from 'vitest';

/**
 * Asserts |actual − expected| <= max(rel·|expected|, abs), with both numbers in the message.
 * Exact matches (including equal infinities and 0 = 0) always pass.
 */
export function expectClose(actual: number, expected: number, rel: number, abs = 0): void {
  if (actual === expected) return;
  const error = Math.abs(actual - expected);
  const tolerance = Math.max(rel * Math.abs(expected), abs);
  expect(error, `got ${actual}, expected ${expected} (tolerance ${tolerance})`).toBeLessThanOrEqual(
    tolerance,
  );
}
