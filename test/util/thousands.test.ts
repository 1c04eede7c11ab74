import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thousands } from '../../src/util/thousands.js';

describe('thousands', () => {
  it('writes every safe integer as en-US toLocaleString does', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(thousands(n)).toBe(n.toLocaleString('en-US'));
      }),
    );
    for (const n of [0, 7, 999, 1000, 12345, 100000, 1234567, -1000, -999999])
      expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });

  it('keeps toLocaleString for what is not a safe integer', () => {
    expect(thousands(1234.5678)).toBe('1,234.568');
    expect(thousands(2 ** 60)).toBe((2 ** 60).toLocaleString('en-US'));
  });

  it('writes negative zero as 0', () => {
    expect(thousands(-0)).toBe('0');
  });
});
