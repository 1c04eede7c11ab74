import { assertInteger } from './assert.js';

/**
 * A source of uniform floats in [0, 1), like `Math.random`, but seeded and reproducible.
 * `fillIndices`, when present, is a fast path for drawing many indices at once: it must leave
 * `out[i] = Math.floor(next() * n)` for each i in turn, exactly as calling the function would.
 */
export interface Rng {
  (): number;
  fillIndices?: (out: Uint32Array, n: number, length?: number) => void;
  /** Adds 1 to `counts[Math.floor(next() * n)]`, `draws` times: a multinomial resample. */
  countIndices?: (counts: Uint32Array, n: number, draws: number) => void;
  /** The generator's state (four 32-bit words), for a thread that continues the same stream. */
  state?: () => Uint32Array;
  /** Puts the generator in a state that {@link Rng.state} returned (or one jumped from it). */
  setState?: (state: ArrayLike<number>) => void;
}

const TWO_POW_32 = 4294967296;
/**
 * Exactly 2^-32. `r * (n * INV_TWO_POW_32)` is `(r * n) / 2^32` to the bit (scaling by a power
 * of two is exact, so both round the same real product once), and V8 does not turn the division
 * into that multiplication itself: the hot loops below run about a third faster for it.
 */
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/** splitmix32: a tiny, well-mixed generator used only to expand a seed into generator state. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

/**
 * A seeded pseudo-random source: xoshiro128** (Blackman & Vigna) whose 128-bit state is filled by
 * splitmix32 from the seed. Fast, passes BigCrush, period 2^128 − 1. Each call returns a float in
 * [0, 1) with 32 random bits, which is plenty for resampling indices.
 *
 * Every integer seed (negative, or up to 2^53) gives its own stream; the same seed always gives
 * the same stream, on every platform.
 *
 * @param seed a safe integer.
 * @returns a function returning the next float in [0, 1).
 * @throws {RangeError} when `seed` is not a safe integer.
 * @example
 * const rng = createRng(1);
 * rng(); // 0.43300839234143496, on every platform
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`createRng: seed must be a safe integer, got ${String(seed)}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const a = splitmix32(lo);
  const b = splitmix32(hi ^ 0x5bd1e995);
  let s0 = (a() ^ b()) >>> 0;
  let s1 = (a() ^ b()) >>> 0;
  let s2 = (a() ^ b()) >>> 0;
  let s3 = (a() ^ b()) >>> 0;
  if ((s0 | s1 | s2 | s3) === 0) s3 = 1; // the all-zero state is a fixed point

  const next: Rng = () => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return (result >>> 0) / TWO_POW_32;
  };
  // The same generator with its state in locals: a bootstrap over 100,000 cases draws hundreds of
  // millions of indices, and a call per draw through the closure costs about three times as much.
  // (r · n) / 2^32 rounds exactly as (r / 2^32) · n does, so the stream is the one `next` gives.
  next.fillIndices = (out: Uint32Array, n: number, length = out.length) => {
    const scale = n * INV_TWO_POW_32;
    let a = s0;
    let b = s1;
    let c = s2;
    let d = s3;
    for (let i = 0; i < length; i++) {
      const m = Math.imul(b, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      out[i] = (result >>> 0) * scale; // a Uint32Array truncates toward zero
    }
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  };
  // The bootstrap's hot loop: drawing and counting in one pass saves writing the indices out.
  next.countIndices = (counts: Uint32Array, n: number, draws: number) => {
    const scale = n * INV_TWO_POW_32;
    let a = s0;
    let b = s1;
    let c = s2;
    let d = s3;
    for (let i = 0; i < draws; i++) {
      const m = Math.imul(b, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      counts[((result >>> 0) * scale) >>> 0]!++; // >>> 0 floors, as a Uint32Array store does
    }
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  };
  next.state = () => Uint32Array.of(s0, s1, s2, s3);
  next.setState = (state) => {
    s0 = state[0]! | 0;
    s1 = state[1]! | 0;
    s2 = state[2]! | 0;
    s3 = state[3]! | 0;
  };
  return next;
}

/**
 * A uniform integer in [0, n) drawn from `rng`. The bias from the 32-bit resolution is below
 * n / 2^32 (under 5e-7 for n = 2000).
 *
 * @param rng a source of floats in [0, 1), such as {@link createRng}.
 * @param n the number of possible values, an integer in [1, 2^32].
 * @throws {RangeError} when `n` is not an integer in [1, 2^32].
 * @example
 * const rng = createRng(7);
 * randomInt(rng, 6); // one of 0..5
 */
export function randomInt(rng: Rng, n: number): number {
  assertInteger(n, 1, 'n', 'randomInt');
  if (n > TWO_POW_32) throw new RangeError(`randomInt: n must be at most 2^32, got ${n}`);
  return Math.floor(rng() * n);
}
