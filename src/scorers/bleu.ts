// Sentence BLEU exactly as sacrebleu's `sentence_bleu(hyp, refs)` computes it with its defaults
// (sacrebleu 2.x: tokenize='13a', smooth_method='exp', lowercase=False, use_effective_order=True),
// divided by 100. Following sacrebleu/metrics/bleu.py (BLEU.compute_bleu):
//   - n-gram matches (n = 1..4) clipped by the maximum count in any one reference;
//   - the reference length is the one closest to the hypothesis length (ties: the shorter);
//   - brevity penalty exp(1 − r/c) when c < r (0 when the hypothesis is empty);
//   - no matching n-gram of any order at all: BLEU is 0;
//   - "exp" smoothing (mteval-v13a's): the k-th order with 0 matches gets precision 1/(2^k·total);
//   - effective order: orders with no hypothesis n-grams (short sentences) are left out of the
//     geometric mean instead of zeroing it.

import { HASH_PRIME, HASH_START, TokenTable, tokenStrings } from './intern.js';

const MAX_ORDER = 4;

// Character classes for the 13a rules. Letters (anything not below) and digits come first, so
// that one comparison (≤ DIGIT) tells whether a run of them goes on.
const LETTER = 0;
const DIGIT = 1;
const SPACE = 2;
const PUNCT = 3; // ([\{-\~\[-\` -\&\(-\+\:-\@\/]): ASCII punctuation except ' - . ,
const DOT = 4; // . or ,
const DASH = 5;
// By UTF-16 unit: one lookup, no branching on the range, while scanning.
const CLASS = new Uint8Array(0x10000).fill(LETTER);
for (const [a, b] of [
  [0x7b, 0x7e],
  [0x5b, 0x60],
  [0x21, 0x26],
  [0x28, 0x2b],
  [0x3a, 0x40],
  [0x2f, 0x2f],
]) {
  for (let c = a!; c <= b!; c++) CLASS[c] = PUNCT;
}
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
CLASS[0x2e] = DOT;
CLASS[0x2c] = DOT;
CLASS[0x2d] = DASH;
// Python's str.split() whitespace (str.isspace): unlike JS's \s it includes \x1c-\x1f and \x85
// and excludes \ufeff.
for (const c of [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029,
  0x202f, 0x205f, 0x3000,
])
  CLASS[c] = SPACE;
CLASS.fill(SPACE, 0x2000, 0x200b);

/**
 * sacrebleu's TokenizerRegexp (tokenizers/tokenizer_re.py) in one pass over the text. It applies
 * four substitutions in turn, each only inserting spaces:
 *   1. ([\{-\~\[-\` -\&\(-\+\:-\@\/])  → ' \1 '    punctuation stands alone
 *   2. ([^0-9])([\.,])  → '\1 \2 '   period/comma split off unless after a digit
 *   3. ([\.,])([^0-9])  → ' \1 \2'   period/comma split off unless before a digit
 *   4. ([0-9])(-)       → '\1 \2 '   dash split off after a digit
 * then splits on whitespace. Instead of building three intermediate strings, we decide at each
 * character whether one of the rules would put a space before it, honouring re.sub's
 * non-overlapping matches: in "a..b" rule 2 consumes the first period, so the second is split
 * off by rule 3 alone. The test suite checks this against the four regexes on random text.
 * Each token's hash is computed on the way, and its id asked for where it ends: a Scanner
 * (intern.ts).
 */
export function scan13a(
  table: TokenTable,
  from: number,
  to: number,
  add: boolean,
  ids: Int32Array,
): number {
  const { units } = table;
  // Module constants in locals: bundled, they become `var`s, which V8 reloads on every use.
  const classes = CLASS;
  const space = SPACE;
  const punct = PUNCT;
  const digit = DIGIT;
  const dot = DOT;
  const dash = DASH;
  const start0 = HASH_START;
  const prime = HASH_PRIME;
  let n = 0;
  let start = -1;
  let hash = start0;
  // State of the previous character (the text is padded with a space on both sides).
  let prevCls = space;
  let prevR2 = false; // a period/comma matched by rule 2
  let prevR3 = false; // ... by rule 3
  let prevDashSplit = false; // a dash matched by rule 4
  let i = from;
  while (i < to) {
    const ch = units[i]!;
    const cls = classes[ch]!;
    if (cls === space) {
      if (start !== -1) ids[n++] = table.idOf(start, i - start, hash, add);
      start = -1;
      prevCls = space;
      prevR2 = prevR3 = prevDashSplit = false;
      i++;
      continue;
    }
    if (cls <= digit) {
      // A letter or digit starts a new token only after punctuation, a split period/comma or a
      // split dash; no rule splits inside a run of them, so take the run in a tight loop.
      if (start === -1) {
        start = i;
        hash = start0;
      } else if (prevCls === punct || (prevCls === dot && (prevR2 || prevR3)) || prevDashSplit) {
        ids[n++] = table.idOf(start, i - start, hash, add);
        start = i;
        hash = start0;
      }
      hash = Math.imul(hash ^ ch, prime);
      let last = cls;
      let j = i + 1;
      for (; j < to; j++) {
        const c = units[j]!;
        const k = classes[c]!;
        if (k > digit) break;
        hash = Math.imul(hash ^ c, prime);
        last = k;
      }
      prevCls = last;
      prevR2 = prevR3 = prevDashSplit = false;
      i = j;
      continue;
    }
    let r2 = false;
    let r3 = false;
    if (cls === dot) {
      const nextCls = i + 1 < to ? classes[units[i + 1]!]! : space;
      // Rule 2: the previous character is not a digit and was not consumed as the \2 of the
      // match just before (which happens only when it is itself a period/comma rule 2 matched).
      r2 = prevCls !== digit && !(prevCls === dot && prevR2);
      // Neighbours after rule 2, which put spaces around each period/comma it matched; a
      // period/comma right after this one matches rule 2 exactly when this one does not.
      const nextIsSpace = r2 || (nextCls === dot && !r2);
      const prevIsSpace = r2 || (prevCls === dot && prevR2);
      // Rule 3: the next character is not a digit, and this one was not consumed as the \2 of
      // a rule 3 match on the period/comma just before.
      r3 = (nextIsSpace || nextCls !== digit) && !(!prevIsSpace && prevCls === dot && prevR3);
    }
    const dashSplit = cls === dash && prevCls === digit;
    if (start === -1) {
      start = i;
      hash = start0;
    } else if (
      cls === punct ||
      prevCls === punct ||
      r2 ||
      r3 ||
      (prevCls === dot && (prevR2 || prevR3)) ||
      dashSplit ||
      prevDashSplit
    ) {
      ids[n++] = table.idOf(start, i - start, hash, add);
      start = i;
      hash = start0;
    }
    hash = Math.imul(hash ^ ch, prime);
    prevCls = cls;
    prevR2 = r2;
    prevR3 = r3;
    prevDashSplit = dashSplit;
    i++;
  }
  if (start !== -1) ids[n++] = table.idOf(start, to - start, hash, add);
  return n;
}

/** The text 13a splits: rstripped, <skipped> removed, lines joined, four entities unescaped. */
export function preprocess13a(text: string): string {
  // BLEU._preprocess_segment rstrips (before the newline handling below, so it matters for a
  // trailing "-\n"); Tokenizer13a then removes <skipped>, joins hyphenated line breaks, turns
  // newlines into spaces and unescapes four HTML entities.
  let end = text.length;
  while (end > 0 && CLASS[text.charCodeAt(end - 1)] === SPACE) end--;
  let s = end === text.length ? text : text.slice(0, end);
  if (s.includes('<skipped>')) s = s.replaceAll('<skipped>', '');
  if (s.includes('\n')) s = s.replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  return s;
}

/** sacrebleu's '13a' tokenizer (mteval-v13a.pl), as tokens. */
export function tokenize13a(text: string): string[] {
  return tokenStrings(preprocess13a(text), scan13a);
}

export interface BleuStats {
  /** Clipped n-gram matches for n = 1..4. */
  correct: number[];
  /** Hypothesis n-grams for n = 1..4. */
  total: number[];
  sysLen: number;
  refLen: number;
}

/**
 * Dense ids for (prefix id, token id) pairs: an open-addressing table on one typed array, four
 * ints a slot (generation stamp, prefix, token, id) so that a probe reads one cache line, reused
 * across orders and calls (the stamp clears it in O(1)). Scoring is synchronous, so one
 * module-level table is safe, and it spares the allocation and zeroing that dominated otherwise.
 */
const pairs = { slots: 1024, shift: 22, gen: 0, table: new Int32Array(1024 * 4) };

/** Empties the table for `capacity` pairs and returns the generation that marks a used slot. */
function resetPairs(capacity: number): number {
  // Grow to fit; shrink back after a long text, whose table would spread a short text's few
  // entries over more memory than the cache holds.
  if (capacity * 2 > pairs.slots || (pairs.slots > 1024 && capacity * 16 < pairs.slots)) {
    let slots = 1024;
    while (slots < capacity * 2) slots *= 2;
    pairs.slots = slots;
    pairs.shift = 32 - Math.log2(slots);
    pairs.table = new Int32Array(slots * 4);
    pairs.gen = 0;
  }
  // Stamps are compared as int32: wrap before the sign bit.
  if (++pairs.gen === 0x7fffffff) {
    pairs.table.fill(0);
    pairs.gen = 1;
  }
  return pairs.gen;
}

/**
 * Reusable Int32Arrays by slot, grown on demand. Allocating (and zeroing) a few typed arrays per
 * call was a fifth of BLEU's time; scoring is synchronous, so the buffers are never shared.
 */
const scratch = {
  buffers: [] as Int32Array[],
  /** At least `length` elements; the contents are whatever the last user left. */
  take(slot: number, length: number): Int32Array {
    let b = this.buffers[slot];
    if (!b || b.length < length) {
      b = new Int32Array(Math.max(length, 1024));
      this.buffers[slot] = b;
    }
    return b;
  },
};

/**
 * n-gram statistics of a hypothesis against references, both as token ids: reference ids dense
 * in 0..vocab−1, hypothesis ids −1 where the token is in no reference.
 *
 * Only an n-gram present on both sides can match, so rather than count every reference n-gram,
 * the hypothesis's n-grams are numbered (order by order: an n-gram's id comes from its (n−1)-gram
 * prefix id and its last token id, so no n-gram is ever built as a string) and a reference
 * n-gram is looked up only when its prefix occurs in the hypothesis. An n-gram can only match if
 * both of its (n−1)-grams (the prefix and the one starting a token later) occur on the other
 * side, so gram ids of −1 mark "cannot match" and spare the lookups of every n-gram containing
 * them. Matches are then Σ min(hyp count, ref count) per id, the reference count being the
 * largest in any one reference (sacrebleu merges refs with max).
 */
export function bleuStatsOfIds(
  hypToks: Int32Array,
  refToks: Int32Array[],
  vocab: number,
): BleuStats {
  const hypLen = hypToks.length;
  const single = refToks.length === 1;
  const refLens: number[] = [];
  for (const r of refToks) refLens.push(r.length);
  const size0 = Math.max(vocab, hypLen, 1);
  // Counts per gram id: the hypothesis's, the references' (merged by max) for this order and
  // the previous one (swapped each order), and one reference's when there are several. Reused
  // across calls (see `scratch`).
  const curHyp = scratch.take(0, size0);
  let curRef = scratch.take(1, size0);
  let prevRef = scratch.take(2, size0);
  const one = single ? curRef : scratch.take(3, size0);
  curHyp.fill(0, 0, size0);
  curRef.fill(0, 0, size0);
  const correct = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];

  // Order 1: token ids. A reference token the hypothesis never uses cannot start a match.
  for (let i = 0; i < hypLen; i++) {
    const t = hypToks[i]!;
    if (t >= 0) curHyp[t]!++;
  }
  const refGrams: Int32Array[] = [];
  for (let r = 0; r < refToks.length; r++) {
    const toks = refToks[r]!;
    const g = single ? scratch.take(4, toks.length) : new Int32Array(toks.length);
    if (!single) one.fill(0, 0, vocab);
    const counts = single ? curRef : one;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      counts[t]!++;
      g[i] = curHyp[t]! > 0 ? t : -1;
    }
    if (!single) for (let k = 0; k < vocab; k++) if (one[k]! > curRef[k]!) curRef[k] = one[k]!;
    refGrams.push(g);
  }
  let count = vocab;
  const hypGrams = scratch.take(5, hypLen);
  hypGrams.set(hypToks);

  for (let n = 1; n <= MAX_ORDER; n++) {
    const grams = Math.max(0, hypLen - n + 1);
    total[n - 1] = grams;
    if (n > 1) {
      // This order's counts start from zero; the previous order's reference counts prune.
      const swap = prevRef;
      prevRef = curRef;
      curRef = swap;
      // Order n overwrites order n − 1 in place: gram i needs only the old gram i (its prefix)
      // and token i + n − 1. The table is held in locals and the probes written out.
      const gen = resetPairs(grams);
      const { table, shift } = pairs;
      const mask = pairs.slots - 1;
      let size = 0;
      for (let i = 0; i < grams; i++) {
        const p = hypGrams[i]!;
        // The (n−1)-gram after it, not yet overwritten.
        const q = hypGrams[i + 1]!;
        // An n-gram matches only if both its (n−1)-grams occur in a reference.
        if ((p | q) < 0 || prevRef[p] === 0 || prevRef[q] === 0) {
          hypGrams[i] = -1;
          continue;
        }
        const l = hypToks[i + n - 1]!;
        // Multiplicative hashing, high bits: the ids are small and dense, low bits would collide.
        let h = Math.imul(Math.imul(p, 0x9e3779b1) + l, 0x85ebca6b) >>> shift;
        let k = -1;
        while (table[4 * h] === gen) {
          if (table[4 * h + 1] === p && table[4 * h + 2] === l) {
            k = table[4 * h + 3]!;
            break;
          }
          h = (h + 1) & mask;
        }
        if (k === -1) {
          k = size++;
          table[4 * h] = gen;
          table[4 * h + 1] = p;
          table[4 * h + 2] = l;
          table[4 * h + 3] = k;
          curHyp[k] = 1;
          curRef[k] = 0;
        } else curHyp[k]!++;
        hypGrams[i] = k;
      }
      for (let r = 0; r < refGrams.length; r++) {
        const g = refGrams[r]!;
        const toks = refToks[r]!;
        const counts = single ? curRef : one;
        if (!single) one.fill(0, 0, size);
        const last = toks.length - n + 1;
        for (let i = 0; i < last; i++) {
          const p = g[i]!;
          // Both (n−1)-grams must occur in the hypothesis too.
          if ((p | g[i + 1]!) < 0) {
            g[i] = -1;
            continue;
          }
          const l = toks[i + n - 1]!;
          let h = Math.imul(Math.imul(p, 0x9e3779b1) + l, 0x85ebca6b) >>> shift;
          let k = -1;
          while (table[4 * h] === gen) {
            if (table[4 * h + 1] === p && table[4 * h + 2] === l) {
              k = table[4 * h + 3]!;
              break;
            }
            h = (h + 1) & mask;
          }
          g[i] = k;
          if (k >= 0) counts[k]!++;
        }
        if (!single) for (let k = 0; k < size; k++) if (one[k]! > curRef[k]!) curRef[k] = one[k]!;
      }
      count = size;
    }
    let matched = 0;
    for (let k = 0; k < count; k++) {
      const h = curHyp[k]!;
      const r = curRef[k]!;
      matched += Math.min(h, r);
    }
    correct[n - 1] = matched;
  }
  return { correct, total, sysLen: hypLen, refLen: closestRefLength(hypLen, refLens) };
}

/** bleuStatsOfIds for string tokens (tests, and anyone with their own tokenizer). */
export function bleuStats(hyp: string[], refs: string[][]): BleuStats {
  const vocab = new Map<string, number>();
  const id = (t: string) => {
    let v = vocab.get(t);
    if (v === undefined) {
      v = vocab.size;
      vocab.set(t, v);
    }
    return v;
  };
  const refIds = refs.map((r) => Int32Array.from(r, id));
  const hypIds = Int32Array.from(hyp, (t) => vocab.get(t) ?? -1);
  return bleuStatsOfIds(hypIds, refIds, vocab.size);
}

/** sacrebleu's _get_closest_ref_len: the closest length; on a tie, the shorter. */
function closestRefLength(hypLen: number, refLens: number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

/** BLEU on 0..1 from its sufficient statistics (compute_bleu with 'exp' smoothing, effective order). */
export function bleuFromStats(s: BleuStats): number {
  const bp = s.sysLen < s.refLen ? (s.sysLen > 0 ? Math.exp(1 - s.refLen / s.sysLen) : 0) : 1;
  if (!s.correct.some((c) => c > 0)) return 0;
  let smooth = 1;
  let order = 0;
  let logSum = 0;
  for (let n = 0; n < MAX_ORDER; n++) {
    const total = s.total[n]!;
    if (total === 0) break;
    order = n + 1;
    const correct = s.correct[n]!;
    let p: number;
    if (correct === 0) {
      smooth *= 2;
      p = 1 / (smooth * total);
    } else p = correct / total;
    logSum += Math.log(p);
  }
  return bp * Math.exp(logSum / order);
}

const table = new TokenTable();

/** Sentence BLEU-4 of a hypothesis against one or more references, on 0..1. */
export function sentenceBleu(hypothesis: string, references: string[]): number {
  if (references.length === 0) return 0;
  table.reset();
  const starts = references.map((r) => table.load(preprocess13a(r)));
  const hypStart = table.load(preprocess13a(hypothesis));
  const hypEnd = table.end;
  // Slots 6 and up hold token ids (0..5 are bleuStatsOfIds's); a text of n units has at most n
  // tokens, and views cost no zeroing.
  const refIds = starts.map((from, r) => {
    const to = r + 1 < starts.length ? starts[r + 1]! : hypStart;
    const ids = scratch.take(6 + r, to - from);
    return ids.subarray(0, scan13a(table, from, to, true, ids));
  });
  const ids = scratch.take(6 + starts.length, hypEnd - hypStart);
  const hypIds = ids.subarray(0, scan13a(table, hypStart, hypEnd, false, ids));
  return bleuFromStats(bleuStatsOfIds(hypIds, refIds, table.size));
}
