import { describe, expect, it } from 'vitest';
import { nominalLevels, obrienFlemingSpending } from '../../src/stats/group-sequential.js';
import { normalQuantile } from '../../src/stats/normal-quantile.js';
import { createRng } from '../../src/stats/rng.js';

const z = (levels: number[]) => levels.map((a) => normalQuantile(1 - a));

describe('nominalLevels (Lan–DeMets O’Brien–Fleming-type spending)', () => {
  it('reproduces the published boundaries: 4 equal looks, one-sided α = 0.025', () => {
    // Jennison & Turnbull (2000), Table 7.6 / gsDesign: 4.333, 2.963, 2.359, 2.014.
    const bounds = z(nominalLevels([0.25, 0.5, 0.75, 1], 0.025));
    [4.3326, 2.9631, 2.359, 2.0141].forEach((b, k) => {
      expect(bounds[k]!).toBeCloseTo(b, 2);
    });
  });

  it('reproduces two equal looks at one-sided α = 0.025: 2.963, 1.969', () => {
    // Not the classical O'Brien–Fleming 2.797, 1.977: the spending version spends less early.
    const bounds = z(nominalLevels([0.5, 1], 0.025));
    expect(bounds[0]!).toBeCloseTo(2.9626, 2);
    expect(bounds[1]!).toBeCloseTo(1.9686, 2);
  });

  it('one look is the fixed-size test', () => {
    expect(nominalLevels([1], 0.05)[0]!).toBeCloseTo(0.05, 10);
  });

  it('spends exactly α across the looks of a simulated Brownian motion', () => {
    const fractions = [0.25, 0.5, 0.75, 1];
    const alpha = 0.05;
    const bounds = z(nominalLevels(fractions, alpha));
    const rng = createRng(7);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const runs = 40_000;
    let crossed = 0;
    for (let r = 0; r < runs; r++) {
      let w = 0;
      let prev = 0;
      for (let k = 0; k < fractions.length; k++) {
        const t = fractions[k]!;
        w += gauss() * Math.sqrt(t - prev);
        prev = t;
        if (w / Math.sqrt(t) >= bounds[k]!) {
          crossed++;
          break;
        }
      }
    }
    const se = Math.sqrt((alpha * (1 - alpha)) / runs);
    expect(Math.abs(crossed / runs - alpha)).toBeLessThan(3 * se);
  });

  it('the spending function spends α by the end and little early', () => {
    expect(obrienFlemingSpending(0.05, 1)).toBe(0.05);
    expect(obrienFlemingSpending(0.05, 0.25)).toBeLessThan(1e-4);
  });

  it('rejects fractions that do not increase', () => {
    expect(() => nominalLevels([0.5, 0.5, 1], 0.05)).toThrow(RangeError);
  });
});
