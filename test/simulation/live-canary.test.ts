import { describe, expect, it } from 'vitest';
import { compareSeries } from '../../src/live/compare.js';
import type { LiveMetricConfig } from '../../src/live/config-schema.js';
import { judgeLook } from '../../src/live/judge.js';
import { runLooks } from '../../src/live/looks.js';
import type { SeriesPair, Window } from '../../src/live/series.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { jumpClock } from '../helpers/jump-clock.js';
import { ALPHA, expectAtMostAlpha, normal } from './helpers.js';

// The live judge on seeded AR(1) series, the autocorrelation that overlapping rate() windows give
// Prometheus samples. A/A (identical tracks) at a zero budget is the boundary of the fail test:
// the false-block rate there must stay at most α (+ 3 simulation SE), at ρ = 0 and at ρ = 0.8.
// A naive test treating samples as independent is shown to exceed it by far at ρ = 0.8.

/** `n` steps of a stationary AR(1) with mean `mu`, marginal SD `sd`, lag-1 correlation `rho`. */
function ar1(rng: Rng, n: number, rho: number, mu: number, sd: number): number[] {
  const out: number[] = [];
  let x = normal(rng);
  for (let i = 0; i < n; i++) {
    x = rho * x + Math.sqrt(1 - rho * rho) * normal(rng);
    out.push(mu + sd * x);
  }
  return out;
}

const metric = (name: string, budget: LiveMetricConfig['budget']): LiveMetricConfig => ({
  name,
  query: 'x{track="{{target}}"}',
  targets: { baseline: 'stable', candidate: 'canary' },
  budget,
  critical: false,
  must_have_data: false,
  missing: 'ignore',
});

function pairOf(m: LiveMetricConfig, baseline: number[], candidate: number[]): SeriesPair {
  return {
    metric: m,
    baseline,
    candidate,
    returned: { baseline: baseline.length, candidate: candidate.length },
    infinite: { baseline: 0, candidate: 0 },
  };
}

const N = 120; // a 30-minute window at a 15 s step
const RUNS = 2000;

describe('live judge, one look: A/A false blocks at most α + 3 SE', () => {
  for (const rho of [0, 0.8]) {
    it(`ρ = ${rho}: relative (max_increase: 0), drop (max_drop: 0) and ceiling checks`, () => {
      const rng = createRng(rho === 0 ? 11 : 12);
      const blocks = { max_increase: 0, max_drop: 0, max: 0, naive: 0 };
      for (let r = 0; r < RUNS; r++) {
        const b = ar1(rng, N, rho, 1, 0.2);
        const c = ar1(rng, N, rho, 1, 0.2);
        const inc = compareSeries(b, c, 'max_increase', 0, 1 - ALPHA);
        if (inc.regression && inc.regression[0] > 0) blocks.max_increase++;
        const drop = compareSeries(b, c, 'max_drop', 0, 1 - ALPHA);
        if (drop.regression && drop.regression[0] > 0) blocks.max_drop++;
        const ceil = compareSeries(b, c, 'max', 1, 1 - ALPHA);
        if (ceil.regression && ceil.regression[0] > 1) blocks.max++;
        // What ignoring autocorrelation would do: a z test on the raw samples.
        const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
        const v = (x: number[]) => x.reduce((a, y) => a + (y - mean(x)) ** 2, 0) / (x.length - 1);
        const z = (mean(c) - mean(b)) / Math.sqrt(v(b) / N + v(c) / N);
        if (z > 1.645) blocks.naive++;
      }
      console.log(`A/A one look, ρ=${rho}, n=${N}, ${RUNS} runs:`, blocks);
      expectAtMostAlpha(blocks.max_increase, RUNS, `ρ=${rho} max_increase`);
      expectAtMostAlpha(blocks.max_drop, RUNS, `ρ=${rho} max_drop`);
      expectAtMostAlpha(blocks.max, RUNS, `ρ=${rho} max`);
      if (rho > 0) expect(blocks.naive / RUNS).toBeGreaterThan(0.15);
    });
  }

  it('three metrics in one weighted-Holm family: any false block at most α + 3 SE (ρ = 0.8)', () => {
    const rng = createRng(13);
    const ms = [
      metric('a', { max_increase: 0 }),
      metric('b', { max_drop: 0 }),
      metric('c', { max: 1 }),
    ];
    let blocks = 0;
    for (let r = 0; r < RUNS; r++) {
      const pairs = ms.map((m) => pairOf(m, ar1(rng, N, 0.8, 1, 0.2), ar1(rng, N, 0.8, 1, 0.2)));
      if (judgeLook(pairs, { alpha: ALPHA, minSamples: 10 }).some((c) => c.verdict === 'fail'))
        blocks++;
    }
    console.log(`A/A family of 3, ρ=0.8: ${blocks}/${RUNS} false blocks`);
    expectAtMostAlpha(blocks, RUNS, 'family');
  });

  it('power: a real regression (mean +50% against a 10% budget) fails most runs at ρ = 0.8', () => {
    const rng = createRng(14);
    const m = metric('latency', { max_increase: 0.1 });
    const runs = 1000;
    let fails = 0;
    let passes = 0;
    for (let r = 0; r < runs; r++) {
      const pair = pairOf(m, ar1(rng, N, 0.8, 1, 0.2), ar1(rng, N, 0.8, 1.5, 0.3));
      const v = judgeLook([pair], { alpha: ALPHA, minSamples: 10 })[0]!.verdict;
      if (v === 'fail') fails++;
      if (v === 'pass') passes++;
    }
    console.log(`power, +50% vs 10% budget, ρ=0.8: ${fails}/${runs} fail, ${passes} pass`);
    expect(fails / runs).toBeGreaterThan(0.8);
    expect(passes).toBe(0);
  });
});

describe('live judge, progressive looks: A/A false blocks across all looks at most α + 3 SE', () => {
  // 12 looks (every 5 m for 1 h at a 15 s step): the window grows by 20 steps per look.
  const every = 20;
  const looks = 12;
  for (const rho of [0, 0.8]) {
    it(`ρ = ${rho}: 12 looks over a growing window`, async () => {
      const rng = createRng(rho === 0 ? 21 : 22);
      const m = metric('err', { max_drop: 0 });
      const runs = 1000;
      let blocks = 0;
      let early = 0;
      for (let r = 0; r < runs; r++) {
        const b = ar1(rng, every * looks, rho, 1, 0.2);
        const c = ar1(rng, every * looks, rho, 1, 0.2);
        let start = 0;
        const fetch = async (w: Window) => {
          if (start === 0) start = w.startMs;
          const k = Math.round((w.endMs - start) / w.stepMs);
          return [pairOf(m, b.slice(0, k), c.slice(0, k))];
        };
        const out = await runLooks(
          { historyMs: 0, everyMs: every * 15_000, forMs: looks * every * 15_000, stepMs: 15_000 },
          ALPHA,
          10,
          fetch,
          jumpClock(1_000_000),
        );
        if (out.stopped === 'fail') {
          blocks++;
          if (out.looks.length < looks) early++;
        }
      }
      console.log(
        `A/A progressive, ρ=${rho}, ${looks} looks, ${runs} runs: ${blocks} false blocks (${early} before the last look)`,
      );
      expectAtMostAlpha(blocks, runs, `progressive ρ=${rho}`);
    });
  }

  it('power: a drop of 5× the budget is caught, often before the last look (ρ = 0.8)', async () => {
    const rng = createRng(23);
    const m = metric('err', { max_drop: 0.05 });
    const runs = 300;
    let fails = 0;
    let early = 0;
    for (let r = 0; r < runs; r++) {
      const b = ar1(rng, every * looks, 0.8, 1, 0.2);
      const c = ar1(rng, every * looks, 0.8, 0.75, 0.2);
      let start = 0;
      const fetch = async (w: Window) => {
        if (start === 0) start = w.startMs;
        const k = Math.round((w.endMs - start) / w.stepMs);
        return [pairOf(m, b.slice(0, k), c.slice(0, k))];
      };
      const out = await runLooks(
        { historyMs: 0, everyMs: every * 15_000, forMs: looks * every * 15_000, stepMs: 15_000 },
        ALPHA,
        10,
        fetch,
        jumpClock(1_000_000),
      );
      if (out.stopped === 'fail') {
        fails++;
        if (out.looks.length < looks) early++;
      }
    }
    console.log(
      `progressive power, drop 0.25 vs 0.05 budget, ρ=0.8: ${fails}/${runs} fail, ${early} early`,
    );
    expect(fails / runs).toBeGreaterThan(0.8);
    expect(early).toBeGreaterThan(0);
  });
});
