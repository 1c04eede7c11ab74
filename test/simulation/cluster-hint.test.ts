import { describe, expect, it } from 'vitest';
import { likelyClusterKey } from '../../src/gate/cluster-hint.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { normal } from './helpers.js';

// The unstated-cluster warning: rare on independent cases, reliable on clustered ones. Cases
// carry a conversation id (groups of `size`), a template drawn from 20, a language (two values),
// a unique id and the turn number; only the paired differences and the metadata are needed.

type Data = { meta: Record<string, unknown>[]; d: number[] };
type Gen = (rng: Rng, n: number, size: number) => Data;

const bern = (rng: Rng, p: number) => (rng() < p ? 1 : 0);

function generate(n: number, size: number, rng: Rng, diff: (i: number) => number): Data {
  const meta: Record<string, unknown>[] = [];
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    d.push(diff(i));
    meta.push({
      conversation: `c${Math.floor(i / size)}`,
      template: `t${Math.floor(rng() * 20)}`,
      lang: i % 2 ? 'en' : 'fr',
      uid: `u${i}`,
      turn: i % size,
    });
  }
  return { meta, d };
}

const INDEPENDENT: Record<string, Gen> = {
  // 0/1 scores, the candidate repeats the baseline's answer 90% of the time: few disagreements.
  'sparse 0/1': (rng, n, size) =>
    generate(n, size, rng, () => {
      const b = bern(rng, 0.85);
      return (rng() < 0.9 ? b : bern(rng, 0.85)) - b;
    }),
  // Conversations differ in difficulty, which both sides share: correlated scores, independent changes.
  'shared difficulty': (rng, n, size) => {
    let p = 0.5;
    return generate(n, size, rng, (i) => {
      if (i % size === 0) p = rng();
      return bern(rng, p) - bern(rng, p);
    });
  },
  continuous: (rng, n, size) =>
    generate(n, size, rng, () => {
      const score = () => Math.min(1, Math.max(0, 0.7 + 0.2 * normal(rng)));
      return score() - score();
    }),
};

/** Equal systems (50% right on both sides), but a share `rho` of conversations goes wrong (or right) together. */
function clustered(rng: Rng, n: number, size: number, rho: number): Data {
  let e = 0;
  return generate(n, size, rng, (i) => {
    if (i % size === 0) e = rng() < rho ? (rng() < 0.5 ? -1 : 1) : 0;
    const b = bern(rng, 0.5);
    let c = rng() < 0.9 ? b : bern(rng, 0.5);
    if (e === -1 && rng() < 0.6) c = 0;
    if (e === 1 && rng() < 0.6) c = 1;
    return c - b;
  });
}

describe('unstated clusters', () => {
  for (const [name, gen] of Object.entries(INDEPENDENT)) {
    it(`warns on under 1% of runs of independent cases: ${name}`, () => {
      const rng = createRng(7);
      const runs = 600;
      let warned = 0;
      for (let r = 0; r < runs; r++) {
        const [n, size] = r % 2 ? [100, 4] : [300, 3];
        const { meta, d } = gen(rng, n, size);
        if (likelyClusterKey(meta, d, r)) warned++;
      }
      // Measured with 2,000 runs per setting (60–1,000 cases, groups of 2–5): at most 8 (0.4%).
      expect(warned / runs).toBeLessThan(0.01);
    });
  }

  it('names the conversation when 40% of conversations move together', () => {
    const rng = createRng(8);
    let named = 0;
    let small = 0;
    for (let r = 0; r < 60; r++) {
      const big = clustered(rng, 1000, 5, 0.4);
      if (likelyClusterKey(big.meta, big.d, r)?.key === 'conversation') named++;
      const few = clustered(rng, 300, 3, 0.4);
      if (likelyClusterKey(few.meta, few.d, r)?.key === 'conversation') small++;
    }
    // Measured with 500 runs: 100% at 1,000 cases in groups of 5 (98% when 20% move together),
    // 60% at 300 cases in groups of 3 (33% at 20%), 16% at 100 cases in groups of 4.
    expect(named / 60).toBeGreaterThanOrEqual(0.95);
    expect(small / 60).toBeGreaterThanOrEqual(0.45);
  });
});
