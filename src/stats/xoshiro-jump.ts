// Jumping the xoshiro128** generator of rng.ts ahead by any number of draws. Its state update is
// linear over GF(2), so k draws are one 128×128 bit matrix, T^k, found by repeated squaring in
// about 2·log2(k) matrix products. A bootstrap split across threads uses it to start each
// resample exactly where the single-threaded stream would be: the replicates stay the same bits.

/** A 128×128 bit matrix: column j (the image of state bit j) in words 4j..4j+3. */
export type JumpMatrix = Uint32Array;

/** One draw's state update, in place: the same as the generator in rng.ts. */
function step(s: Uint32Array): void {
  const t = s[1]! << 9;
  s[2]! ^= s[0]!;
  s[3]! ^= s[1]!;
  s[1]! ^= s[2]!;
  s[0]! ^= s[3]!;
  s[2]! ^= t;
  s[3] = (s[3]! << 11) | (s[3]! >>> 21);
}

/** `m` applied to `state` (4 words), a new state. */
export function applyJump(m: JumpMatrix, state: ArrayLike<number>): Uint32Array {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let w = 0; w < 4; w++) {
    const word = state[w]! >>> 0;
    for (let bit = 0; bit < 32; bit++) {
      if (((word >>> bit) & 1) === 0) continue;
      const j = 4 * (32 * w + bit);
      a ^= m[j]!;
      b ^= m[j + 1]!;
      c ^= m[j + 2]!;
      d ^= m[j + 3]!;
    }
  }
  return Uint32Array.of(a, b, c, d);
}

/** The product `a · b` (b applied first). */
function multiply(a: JumpMatrix, b: JumpMatrix): JumpMatrix {
  const out = new Uint32Array(512);
  for (let j = 0; j < 128; j++) out.set(applyJump(a, b.subarray(4 * j, 4 * j + 4)), 4 * j);
  return out;
}

/**
 * The matrix that moves the generator's state `draws` draws ahead.
 *
 * @param draws a safe integer >= 0.
 * @throws {RangeError} when `draws` is not a safe non-negative integer.
 */
export function jumpMatrix(draws: number): JumpMatrix {
  if (!Number.isSafeInteger(draws) || draws < 0) {
    throw new RangeError(`jumpMatrix: draws must be a safe integer >= 0, got ${draws}`);
  }
  let power: JumpMatrix = new Uint32Array(512);
  const result = new Uint32Array(512);
  for (let j = 0; j < 128; j++) {
    const basis = new Uint32Array(4);
    basis[j >>> 5] = 1 << (j & 31);
    result[4 * j + (j >>> 5)] = 1 << (j & 31); // the identity
    step(basis);
    power.set(basis, 4 * j);
  }
  let acc: JumpMatrix = result;
  for (let k = draws; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) acc = multiply(power, acc);
    if (k > 1) power = multiply(power, power);
  }
  return acc;
}
