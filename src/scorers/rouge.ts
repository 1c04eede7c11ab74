// ROUGE-L as Google's `rouge-score` package computes `rougeL` (rouge_scorer.py, _score_lcs):
// P = LCS / |prediction|, R = LCS / |target|, F = 2PR / (P + R), and 0 when either side has no
// tokens. Its default tokenizer (tokenize.py) lowercases and turns everything but [a-z0-9] into
// spaces; we keep letters and digits of every script instead, which gives the same tokens on
// ASCII text and does not erase Greek, Cyrillic or CJK answers (rouge-score scores those 0).

import { HASH_PRIME, HASH_START, hashStep, TokenTable, tokenStrings } from './intern.js';

const WORD_CHAR = /^[\p{L}\p{N}]$/u;

// What each UTF-16 unit is: a letter or digit, something else, a high surrogate (classified with
// the unit after it), or not yet known. Non-ASCII units are asked of the regex engine once each.
const UNKNOWN = 0;
const WORD = 1;
const OTHER = 2;
const HIGH = 3;
const KIND = new Uint8Array(0x10000).fill(UNKNOWN);
for (let c = 0; c < 128; c++) KIND[c] = OTHER;
for (let c = 0x30; c <= 0x39; c++) KIND[c] = WORD;
for (let c = 0x61; c <= 0x7a; c++) KIND[c] = WORD;
for (let c = 0x41; c <= 0x5a; c++) KIND[c] = WORD;
KIND.fill(HIGH, 0xd800, 0xdc00);
// A lone low surrogate is no letter.
KIND.fill(OTHER, 0xdc00, 0xe000);
const astral = new Map<number, boolean>();

function kindOf(unit: number): number {
  const k = WORD_CHAR.test(String.fromCharCode(unit)) ? WORD : OTHER;
  KIND[unit] = k;
  return k;
}

function isWordAstral(cp: number): boolean {
  let yes = astral.get(cp);
  if (yes === undefined) {
    yes = WORD_CHAR.test(String.fromCodePoint(cp));
    astral.set(cp, yes);
  }
  return yes;
}

/** How many units of a letter or digit start at units[i] (0: none), off the ASCII fast path. */
function wordWidth(units: Uint16Array, i: number, to: number): number {
  const unit = units[i]!;
  let kind = KIND[unit]!;
  if (kind === UNKNOWN) kind = kindOf(unit);
  if (kind === WORD) return 1;
  if (kind === HIGH && i + 1 < to) {
    // A surrogate pair is one code point (CJK extension B, many emoji): classify it whole.
    const lo = units[i + 1]!;
    if (
      lo >= 0xdc00 &&
      lo <= 0xdfff &&
      isWordAstral(((unit - 0xd800) << 10) + (lo - 0xdc00) + 0x10000)
    )
      return 2;
  }
  return 0;
}

/**
 * Numbers the runs of letters and digits in `table.units[from, to)` (an already lowercased
 * text): a Scanner (intern.ts). ASCII stays on tight loops; anything else asks `wordWidth`.
 */
export function scanWords(
  table: TokenTable,
  from: number,
  to: number,
  add: boolean,
  ids: Int32Array,
): number {
  const { units } = table;
  // Module constants in locals: bundled, they become `var`s, which V8 reloads on every use.
  const kinds = KIND;
  const word = WORD;
  const other = OTHER;
  const start0 = HASH_START;
  const prime = HASH_PRIME;
  let n = 0;
  let i = from;
  // The loops are shaped for V8 (measured: a sixth faster than one loop that tests each unit's
  // kind in turn): between words, skip the ASCII separators; in a word, take the ASCII letters and
  // digits; leave each loop only for a non-ASCII unit, which `wordWidth` classifies.
  outer: while (i < to) {
    let unit = units[i]!;
    let kind = kinds[unit]!;
    while (kind === other) {
      if (++i >= to) break outer;
      unit = units[i]!;
      kind = kinds[unit]!;
    }
    let width = 1;
    if (kind !== word) {
      width = wordWidth(units, i, to);
      if (width === 0) {
        i++;
        continue;
      }
    }
    const start = i;
    let hash = Math.imul(start0 ^ unit, prime);
    if (width === 2) hash = hashStep(hash, units[i + 1]!);
    for (i += width; i < to; i++) {
      unit = units[i]!;
      if (kinds[unit] !== word) {
        if (kinds[unit] === other) break;
        width = wordWidth(units, i, to);
        if (width === 0) break;
        if (width === 2) {
          // Hash the high surrogate here and the low one below, as the unit at i.
          hash = Math.imul(hash ^ unit, prime);
          unit = units[++i]!;
        }
      }
      hash = Math.imul(hash ^ unit, prime);
    }
    ids[n++] = table.idOf(start, i - start, hash, add);
  }
  return n;
}

/** rouge-score's tokenizer, widened from [a-z0-9] to Unicode letters and digits. */
export function rougeTokens(text: string): string[] {
  return tokenStrings(text.toLowerCase(), scanWords);
}

// Bits per word of the LCS bit vectors: 30, not 32, so that every word and every sum of two
// words stays a small integer in V8 (a Uint32 at or above 2^31 is a double), which makes the
// inner loop about a third faster.
const BITS = 30;
const FULL = (1 << BITS) - 1;
let maskBuffer = new Int32Array(4096);
let vBuffer = new Int32Array(64);

/**
 * Length of the longest common subsequence of two id sequences, by the bit-parallel algorithm of
 * Allison–Dix / Hyyrö (2004): O(|b| · |a|/30) word operations instead of the O(|a|·|b|) table,
 * which is what keeps 10,000 answers of 2 KB well within the benchmark's budget.
 *
 * Ids are in 0..alphabet-1; one outside that range (−1 for a token the other text lacks) never
 * matches. The cost grows with |a|, so pass the shorter sequence as `a`.
 */
export function lcsLength(a: Int32Array, b: Int32Array, alphabet: number): number {
  const m = a.length;
  if (m === 0 || b.length === 0) return 0;
  const words = Math.ceil(m / BITS);
  // The vectors are padded to a multiple of four words so that the inner loop can take four at
  // a time (a fifth faster: fewer loop tests and bounds checks). The padding's mask bits are 0,
  // so it only swallows the carry out of the top word, as the top word would have.
  const stride = (words + 3) & ~3;
  // One bit mask per symbol: bit i of masks[sym] is set where a[i] === sym. The buffers are
  // reused across calls (scoring is synchronous): allocating them cost as much as the LCS.
  if (maskBuffer.length < alphabet * stride) maskBuffer = new Int32Array(alphabet * stride * 2);
  const masks = maskBuffer;
  masks.fill(0, 0, alphabet * stride);
  for (let i = 0; i < m; i++) {
    const sym = a[i]!;
    if (sym < 0 || sym >= alphabet) continue;
    const w = (i / BITS) | 0;
    masks[sym * stride + w]! |= 1 << (i - w * BITS);
  }
  // V has a 0 bit for every position of `a` that is part of the LCS so far.
  if (vBuffer.length < stride) vBuffer = new Int32Array(stride * 2);
  const v = vBuffer;
  v.fill(FULL, 0, stride);
  const full = FULL;
  const bits = BITS;
  for (let j = 0; j < b.length; j++) {
    const sym = b[j]!;
    if (sym < 0 || sym >= alphabet) continue; // no match anywhere: V is unchanged
    const base = sym * stride;
    let carry = 0;
    // V' = (V + (V & M)) | (V & ~M), the addition carried across words; V & ~M = V ^ (V & M).
    for (let w = 0; w < stride; w += 4) {
      let vw = v[w]!;
      let x = vw & masks[base + w]!;
      let sum = vw + x + carry;
      carry = sum >>> bits;
      v[w] = (sum | (vw ^ x)) & full;
      vw = v[w + 1]!;
      x = vw & masks[base + w + 1]!;
      sum = vw + x + carry;
      carry = sum >>> bits;
      v[w + 1] = (sum | (vw ^ x)) & full;
      vw = v[w + 2]!;
      x = vw & masks[base + w + 2]!;
      sum = vw + x + carry;
      carry = sum >>> bits;
      v[w + 2] = (sum | (vw ^ x)) & full;
      vw = v[w + 3]!;
      x = vw & masks[base + w + 3]!;
      sum = vw + x + carry;
      carry = sum >>> bits;
      v[w + 3] = (sum | (vw ^ x)) & full;
    }
  }
  let ones = 0;
  const rest = m - (words - 1) * BITS;
  for (let w = 0; w < words; w++) {
    let x = v[w]!;
    if (w === words - 1 && rest < BITS) x &= (1 << rest) - 1;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    ones += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return m - ones;
}

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

const table = new TokenTable();
let targetIds = new Int32Array(4096);
let predictionIds = new Int32Array(4096);

/** ROUGE-L of a prediction against one target (reference), as rouge-score's `rougeL`. */
export function rougeL(prediction: string, target: string): RougeScore {
  table.reset();
  const t = table.load(target.toLowerCase());
  const p = table.load(prediction.toLowerCase());
  const end = table.end;
  // A text of n units has at most n tokens.
  if (targetIds.length < p - t) targetIds = new Int32Array((p - t) * 2);
  if (predictionIds.length < end - p) predictionIds = new Int32Array((end - p) * 2);
  const a = targetIds.subarray(0, scanWords(table, t, p, true, targetIds));
  const b = predictionIds.subarray(0, scanWords(table, p, end, false, predictionIds));
  if (a.length === 0 || b.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = b.length < a.length ? lcsLength(b, a, table.size) : lcsLength(a, b, table.size);
  const precision = lcs / b.length;
  const recall = lcs / a.length;
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}
