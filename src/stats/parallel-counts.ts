import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { builtin } from '../util/builtin.js';
import type { Rng } from './rng.js';
import { applyJump, type JumpMatrix, jumpMatrix } from './xoshiro-jump.js';

// Drawing the multinomial weights is most of a bootstrap over 100,000 pairs (2000 resamples ×
// 100,000 draws). The draws of resample b are a fixed stretch of the seeded stream (draws
// b·units to (b+1)·units − 1), so a helper thread can draw some resamples while this thread
// draws others and evaluates every statistic: each resample's weights are the very ones one
// thread would have drawn, whoever draws them, so the replicates do not depend on timing.
//
// This thread never waits for the helper. It claims resamples from a shared counter like the
// helper does, evaluates whatever the helper has finished, and at the end draws itself the few
// the helper claimed but had not delivered. A helper that is slow to start, starved of CPU or
// dead only means this thread draws more.

/** At least this many draws (units × resamples) before a helper thread is worth starting. */
export const PARALLEL_FROM = 20_000_000;

/** Weight vectors the helper may have drawn ahead of this thread's evaluation. */
const SLOTS = 4;
// Words of the shared control array.
const NEXT = 0; // the next resample to claim
const FREED = 1; // bumped whenever this thread frees a slot (the helper waits on it)
const STOP = 2; // set when this thread is done: the helper drops the job

// The helper's code: a string run with `eval: true`, like the scoring workers (see
// src/scorers/worker-source.ts for why not a file). The jump and the draws repeat rng.ts and
// xoshiro-jump.ts; test/stats/parallel-counts.test.ts checks them against the originals.
export const HELPER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
function jump(m, s) {
  let a = 0, b = 0, c = 0, d = 0;
  for (let w = 0; w < 4; w++) {
    const word = s[w] >>> 0;
    for (let bit = 0; bit < 32; bit++) {
      if (((word >>> bit) & 1) === 0) continue;
      const j = 4 * (32 * w + bit);
      a ^= m[j]; b ^= m[j + 1]; c ^= m[j + 2]; d ^= m[j + 3];
    }
  }
  return Uint32Array.of(a, b, c, d);
}
function count(s, counts, units) {
  const scale = units / 4294967296;
  let a = s[0] | 0, b = s[1] | 0, c = s[2] | 0, d = s[3] | 0;
  for (let i = 0; i < units; i++) {
    const m = Math.imul(b, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = (d << 11) | (d >>> 21);
    counts[((result >>> 0) * scale) >>> 0]++;
  }
  s[0] = a; s[1] = b; s[2] = c; s[3] = d;
}
parentPort.on('message', (job) => {
  const ctrl = new Int32Array(job.ctrl);
  const ready = new Int32Array(job.ready);
  const index = new Int32Array(job.index);
  const { units, resamples, matrix } = job;
  let state = Uint32Array.from(job.state);
  let at = 0;
  for (;;) {
    const b = Atomics.add(ctrl, ${NEXT}, 1);
    if (b >= resamples || Atomics.load(ctrl, ${STOP})) return;
    let slot = -1;
    for (;;) {
      const seen = Atomics.load(ctrl, ${FREED});
      for (let k = 0; k < ${SLOTS} && slot < 0; k++) if (Atomics.load(ready, k) === 0) slot = k;
      if (slot >= 0 || Atomics.load(ctrl, ${STOP})) break;
      Atomics.wait(ctrl, ${FREED}, seen);
    }
    if (slot < 0) return;
    while (at < b) { state = jump(matrix, state); at++; }
    const counts = new Uint32Array(job.counts, slot * units * 4, units);
    counts.fill(0);
    count(state, counts, units);
    at = b + 1;
    Atomics.store(index, slot, b);
    Atomics.store(ready, slot, 1);
  }
});
`;

/** The helper thread, started on first use; null once it failed (or cannot help here). */
let helper: Worker | null | undefined;

function helperThread(): Worker | null {
  if (helper !== undefined) return helper;
  helper = null;
  if (availableParallelism() < 2) return null;
  try {
    const worker = new (builtin.workerThreads().Worker)(HELPER_SOURCE, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
    // Idle between bootstraps: it must not keep the process alive.
    worker.unref();
    const gone = () => {
      if (helper === worker) helper = null;
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    helper = worker;
  } catch {
    // No thread: every bootstrap draws on this one.
  }
  return helper;
}

/** The last jump matrix: every slice of one size, and every call over the whole set, reuse it. */
let cachedJump: { units: number; matrix: JumpMatrix } | undefined;

function resampleJump(units: number): JumpMatrix {
  if (cachedJump?.units !== units) cachedJump = { units, matrix: jumpMatrix(units) };
  return cachedJump.matrix;
}

/**
 * Whether {@link parallelCounts} can share the draws of this bootstrap with a helper thread, and
 * it pays: a generator that hands over its state, enough draws to repay the thread, more than one
 * core and a helper that started.
 */
export function drawsInParallel(rng: Rng, units: number, resamples: number): boolean {
  return (
    units * resamples >= PARALLEL_FROM &&
    units <= 0x3fffffff &&
    usable(rng) &&
    helperThread() !== null
  );
}

/** A generator {@link parallelCounts} can drive. */
export function usable(rng: Rng): boolean {
  return rng.state !== undefined && rng.setState !== undefined && rng.countIndices !== undefined;
}

/**
 * The multinomial weights of every resample (`units` draws each, counted per unit), handed to
 * `use(b, counts)` once per resample b in [0, resamples) in no particular order: the same counts
 * `rng.countIndices` gives resample b when the resamples are drawn one after another. `counts` is
 * reused after `use` returns. Leaves `rng` where those draws end, as the sequential loop does.
 * The helper thread shares the work when there is one; `rng` must be {@link usable}.
 *
 * @returns how many resamples the helper drew (0 when it had not started in time).
 */
export function parallelCounts(
  units: number,
  resamples: number,
  rng: Rng,
  use: (b: number, counts: Uint32Array) => void,
): { helped: number } {
  const worker = helperThread();
  const own = new Uint32Array(units);
  const matrix = resampleJump(units);
  const start = rng.state!();
  let state = start;
  let at = 0;
  const draw = (b: number) => {
    // A resample the helper claimed may lie behind this thread's position: start over.
    if (b < at) {
      state = start;
      at = 0;
    }
    while (at < b) {
      state = applyJump(matrix, state);
      at++;
    }
    rng.setState!(state);
    own.fill(0);
    rng.countIndices!(own, units, units);
    state = rng.state!();
    at = b + 1;
    use(b, own);
  };

  const ctrl = new Int32Array(new SharedArrayBuffer(3 * 4));
  const ready = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  const index = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  const counts = new SharedArrayBuffer(SLOTS * units * 4);
  const done = new Uint8Array(resamples);
  let helped = 0;
  const deliver = () => {
    for (let k = 0; k < SLOTS; k++) {
      if (Atomics.load(ready, k) !== 1) continue;
      const b = Atomics.load(index, k);
      if (!done[b]) {
        done[b] = 1;
        helped++;
        use(b, new Uint32Array(counts, k * units * 4, units));
      }
      Atomics.store(ready, k, 0);
      Atomics.add(ctrl, FREED, 1);
      Atomics.notify(ctrl, FREED);
    }
  };
  if (worker) {
    try {
      worker.postMessage({
        ctrl: ctrl.buffer,
        ready: ready.buffer,
        index: index.buffer,
        counts,
        units,
        resamples,
        state,
        matrix,
      });
    } catch {
      // Drawn here alone, as if there were no helper.
    }
  }
  for (;;) {
    deliver();
    const b = Atomics.add(ctrl, NEXT, 1);
    if (b >= resamples) break;
    done[b] = 1;
    draw(b);
  }
  deliver();
  Atomics.store(ctrl, STOP, 1);
  Atomics.add(ctrl, FREED, 1);
  Atomics.notify(ctrl, FREED);
  // What the helper claimed but has not delivered: drawn here, to the same counts.
  for (let b = 0; b < resamples; b++) if (!done[b]) draw(b);
  while (at < resamples) {
    state = applyJump(matrix, state);
    at++;
  }
  rng.setState!(state);
  return { helped };
}
