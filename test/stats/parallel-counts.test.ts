import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { HELPER_SOURCE, parallelCounts } from '../../src/stats/parallel-counts.js';
import { createRng } from '../../src/stats/rng.js';
import { weightBootstrap } from '../../src/stats/weight-bootstrap.js';
import { applyJump, jumpMatrix } from '../../src/stats/xoshiro-jump.js';

/** toEqual on typed arrays walks them slowly: compare the bytes, show the arrays when they differ. */
function expectSame(actual: Uint32Array, expected: Uint32Array): void {
  const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (!bytes(actual).equals(bytes(expected))) expect(actual).toEqual(expected);
}

/** The counts of `resamples` resamples of `units` draws each, drawn one after another. */
function sequentialCounts(seed: number, units: number, resamples: number): Uint32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: resamples }, () => {
    const counts = new Uint32Array(units);
    rng.countIndices!(counts, units, units);
    return counts;
  });
}

describe('jumpMatrix', () => {
  it('moves the state exactly as many draws ahead', () => {
    for (const draws of [0, 1, 2, 31, 1000, 100_003]) {
      const walked = createRng(11);
      const jumped = createRng(11);
      for (let i = 0; i < draws; i++) walked();
      jumped.setState!(applyJump(jumpMatrix(draws), jumped.state!()));
      expect(jumped.state!()).toEqual(walked.state!());
      expect(jumped()).toBe(walked());
    }
  });

  it('refuses a negative or fractional number of draws', () => {
    expect(() => jumpMatrix(-1)).toThrow(RangeError);
    expect(() => jumpMatrix(1.5)).toThrow(RangeError);
  });
});

describe('the helper thread', () => {
  it('draws the counts of the resamples it claims, as the generator would', async () => {
    // Four resamples fill its four slots and it never waits for one to be freed; nothing here
    // claims any, so it draws them all.
    const units = 1009;
    const resamples = 4;
    const ctrl = new Int32Array(new SharedArrayBuffer(12));
    const ready = new Int32Array(new SharedArrayBuffer(16));
    const index = new Int32Array(new SharedArrayBuffer(16));
    const counts = new SharedArrayBuffer(4 * units * 4);
    const worker = new Worker(HELPER_SOURCE, { eval: true });
    try {
      worker.postMessage({
        ctrl: ctrl.buffer,
        ready: ready.buffer,
        index: index.buffer,
        counts,
        units,
        resamples,
        state: createRng(5).state!(),
        matrix: jumpMatrix(units),
      });
      // It marks a slot ready with a plain store (nobody waits on it in a run): look each turn.
      while ([0, 1, 2, 3].some((k) => Atomics.load(ready, k) === 0)) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const expected = sequentialCounts(5, units, resamples);
      for (let k = 0; k < 4; k++) {
        const b = index[k]!;
        expectSame(new Uint32Array(counts, k * units * 4, units), expected[b]!);
      }
      expect([...index].sort()).toEqual([0, 1, 2, 3]);
    } finally {
      await worker.terminate();
    }
  });
});

describe('parallelCounts', () => {
  it('hands every resample its sequential counts once, and leaves the generator where they end', () => {
    const units = 2003;
    const resamples = 300;
    const rng = createRng(3);
    const seen = new Map<number, Uint32Array>();
    parallelCounts(units, resamples, rng, (b, counts) => {
      expect(seen.has(b)).toBe(false);
      seen.set(b, counts.slice());
    });
    const expected = sequentialCounts(3, units, resamples);
    expect(seen.size).toBe(resamples);
    for (let b = 0; b < resamples; b++) expectSame(seen.get(b)!, expected[b]!);
    const walked = createRng(3);
    for (let i = 0; i < units * resamples; i++) walked();
    expect(rng()).toBe(walked());
  });

  it('gives weightBootstrap the same replicates as one thread, clusters or not', () => {
    const n = 3001;
    const values = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
    const groups = Uint32Array.from({ length: n }, (_, i) => Math.floor(i / 3));
    const sum = (w: Uint32Array, total: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += w[i]! * values[i]!;
      return s / total;
    };
    for (const clusters of [undefined, groups]) {
      const units = clusters ? 1001 : n;
      const options = (parallel: boolean) => ({
        resamples: 400,
        rng: createRng(8),
        parallel,
        ...(clusters ? { groups: clusters } : {}),
      });
      expect(weightBootstrap(units, [sum], options(true))).toEqual(
        weightBootstrap(units, [sum], options(false)),
      );
    }
  });
});
