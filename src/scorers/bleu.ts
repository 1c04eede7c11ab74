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

import { HASH_START, hashStep, SpanInterner, Spans } from './intern.js';

const MAX_ORDER = 4;

// Character classes for the 13a rules, by ASCII code.
const SPACE = 1;
const PUNCT = 2; // ([\{-\~\[-\` -\&\(-\+\:-\@\/]): ASCII punctuation except ' - . ,
const DIGIT = 4;
const DOT = 8; // . or ,
const DASH = 16;
const ASCII_CLASS = new Uint8Array(128);
for (const [a, b] of [
  [0x7b, 0x7e],
  [0x5b, 0x60],
  [0x21, 0x26],
  [0x28, 0x2b],
  [0x3a, 0x40],
  [0x2f, 0x2f],
]) {
  for (let c = a!; c <= b!; c++) ASCII_CLASS[c] = PUNCT;
}
for (let c = 0x30; c <= 0x39; c++) ASCII_CLASS[c] = DIGIT;
ASCII_CLASS[0x2e] = DOT;
ASCII_CLASS[0x2c] = DOT;
ASCII_CLASS[0x2d] = DASH;
// Python's str.split() whitespace (str.isspace): unlike JS's \s it includes \x1c-\x1f and \x85
// and excludes \ufeff.
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20])
  ASCII_CLASS[c] = SPACE;

function classOf(ch: number): number {
  if (ch < 128) return ASCII_CLASS[ch]!;
  return ch === 0x85 ||
    ch === 0xa0 ||
    ch === 0x1680 ||
    (ch >= 0x2000 && ch <= 0x200a) ||
    ch === 0x2028 ||
    ch === 0x2029 ||
    ch === 0x202f ||
    ch === 0x205f ||
    ch === 0x3000
    ? SPACE
    : 0;
}

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
 * Each token's hash is computed on the way (see intern.ts).
 */
export function scan13a(s: string, tokens: Spans): Spans {
  const n = s.length;
  tokens.clear();
  let start = -1;
  let hash = HASH_START;
  // State of the previous character (the text is padded with a space on both sides).
  let prevCls = SPACE;
  let prevR2 = false; // a period/comma matched by rule 2
  let prevR3 = false; // ... by rule 3
  let prevDashSplit = false; // a dash matched by rule 4
  let i = 0;
  while (i < n) {
    const ch = s.charCodeAt(i);
    const cls = classOf(ch);
    if (cls === SPACE) {
      if (start !== -1) tokens.push(start, i, hash);
      start = -1;
      prevCls = SPACE;
      prevR2 = prevR3 = prevDashSplit = false;
      i++;
      continue;
    }
    if (cls === 0 || cls === DIGIT) {
      // A letter or digit starts a new token only after punctuation, a split period/comma or a
      // split dash; no rule splits inside a run of them, so take the run in a tight loop.
      if (start === -1) {
        start = i;
        hash = HASH_START;
      } else if (prevCls === PUNCT || (prevCls === DOT && (prevR2 || prevR3)) || prevDashSplit) {
        tokens.push(start, i, hash);
        start = i;
        hash = HASH_START;
      }
      hash = hashStep(hash, ch);
      let last = cls;
      let j = i + 1;
      while (j < n) {
        const c = s.charCodeAt(j);
        let k: number;
        if (c < 128) {
          k = ASCII_CLASS[c]!;
          if (k !== 0 && k !== DIGIT) break;
        } else {
          if (classOf(c) === SPACE) break;
          k = 0;
        }
        hash = hashStep(hash, c);
        last = k;
        j++;
      }
      prevCls = last;
      prevR2 = prevR3 = prevDashSplit = false;
      i = j;
      continue;
    }
    let r2 = false;
    let r3 = false;
    if (cls === DOT) {
      const nextCls = i + 1 < n ? classOf(s.charCodeAt(i + 1)) : SPACE;
      // Rule 2: the previous character is not a digit and was not consumed as the \2 of the
      // match just before (which happens only when it is itself a period/comma rule 2 matched).
      r2 = prevCls !== DIGIT && !(prevCls === DOT && prevR2);
      // Neighbours after rule 2, which put spaces around each period/comma it matched; a
      // period/comma right after this one matches rule 2 exactly when this one does not.
      const nextIsSpace = r2 || (nextCls === DOT && !r2);
      const prevIsSpace = r2 || (prevCls === DOT && prevR2);
      // Rule 3: the next character is not a digit, and this one was not consumed as the \2 of
      // a rule 3 match on the period/comma just before.
      r3 = (nextIsSpace || nextCls !== DIGIT) && !(!prevIsSpace && prevCls === DOT && prevR3);
    }
    const dashSplit = cls === DASH && prevCls === DIGIT;
    if (start === -1) {
      start = i;
      hash = HASH_START;
    } else if (
      cls === PUNCT ||
      prevCls === PUNCT ||
      r2 ||
      r3 ||
      (prevCls === DOT && (prevR2 || prevR3)) ||
      dashSplit ||
      prevDashSplit
    ) {
      tokens.push(start, i, hash);
      start = i;
      hash = HASH_START;
    }
    hash = hashStep(hash, ch);
    prevCls = cls;
    prevR2 = r2;
    prevR3 = r3;
    prevDashSplit = dashSplit;
    i++;
  }
  if (start !== -1) tokens.push(start, n, hash);
  return tokens;
}

/** The text 13a splits: rstripped, <skipped> removed, lines joined, four entities unescaped. */
export function preprocess13a(text: string): string {
  // BLEU._preprocess_segment rstrips (before the newline handling below, so it matters for a
  // trailing "-\n"); Tokenizer13a then removes <skipped>, joins hyphenated line breaks, turns
  // newlines into spaces and unescapes four HTML entities.
  let end = text.length;
  while (end > 0 && classOf(text.charCodeAt(end - 1)) === SPACE) end--;
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
  const s = preprocess13a(text);
  return scan13a(s, new Spans()).strings(s);
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
 * Dense ids for (prefix id, token id) pairs: an open-addressing table on typed arrays, reused
 * across orders and calls (a generation stamp clears it in O(1)). Scoring is synchronous, so one
 * module-level table is safe, and it spares the allocation and zeroing that dominated otherwise.
 */
const pairs = {
  slots: 0,
  gen: 0,
  stamp: new Uint32Array(0),
  prefix: new Int32Array(0),
  last: new Int32Array(0),
  id: new Int32Array(0),
};

/** Empties the table for `capacity` pairs and returns the generation that marks a used slot. */
function resetPairs(capacity: number): number {
  if (capacity * 2 > pairs.slots) {
    let slots = 1024;
    while (slots < capacity * 2) slots *= 2;
    pairs.slots = slots;
    pairs.stamp = new Uint32Array(slots);
    pairs.prefix = new Int32Array(slots);
    pairs.last = new Int32Array(slots);
    pairs.id = new Int32Array(slots);
    pairs.gen = 0;
  }
  if (++pairs.gen === 0xffffffff) {
    pairs.stamp.fill(0);
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
 * n-gram is looked up only when its prefix occurs in the hypothesis. Gram ids of −1 mark "cannot
 * match", and their extensions are skipped. Matches are then Σ min(hyp count, ref count) per id,
 * the reference count being the largest in any one reference (sacrebleu merges refs with max).
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
  // Counts per gram id of the previous and the current order (swapped each order), and one
  // reference's counts when there are several; reused across calls (see `scratch`).
  let prevRef = scratch.take(0, size0);
  const curHyp = scratch.take(1, size0);
  let curRef = scratch.take(2, size0);
  const one = single ? curRef : scratch.take(3, size0);
  curHyp.fill(0, 0, size0);
  curRef.fill(0, 0, size0);
  const correct = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];

  // Order 1: token ids. A reference token the hypothesis never uses cannot start a match.
  for (let i = 0; i < hypLen; i++) if (hypToks[i]! >= 0) curHyp[hypToks[i]!]!++;
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
      [prevRef, curRef] = [curRef, prevRef];
      curHyp.fill(0, 0, count);
      curRef.fill(0, 0, count);
      // Order n overwrites order n − 1 in place: gram i needs only the old gram i (its prefix)
      // and token i + n − 1. The table's arrays are held in locals and the probes written out.
      const gen = resetPairs(hypLen);
      const { stamp, prefix: pre, last: lst, id } = pairs;
      const mask = pairs.slots - 1;
      let size = 0;
      for (let i = 0; i < grams; i++) {
        const p = hypGrams[i]!;
        const l = hypToks[i + n - 1]!;
        // A prefix found in no reference cannot be extended into a match.
        if (p < 0 || l < 0 || prevRef[p] === 0) {
          hypGrams[i] = -1;
          continue;
        }
        let h = (Math.imul(p, 0x9e3779b1) ^ Math.imul(l + 1, 0x85ebca77)) & mask;
        while (stamp[h] === gen && (pre[h] !== p || lst[h] !== l)) h = (h + 1) & mask;
        if (stamp[h] !== gen) {
          stamp[h] = gen;
          pre[h] = p;
          lst[h] = l;
          id[h] = size++;
          curHyp[size - 1] = 0;
          curRef[size - 1] = 0;
        }
        const k = id[h]!;
        hypGrams[i] = k;
        curHyp[k]!++;
      }
      for (let r = 0; r < refGrams.length; r++) {
        const g = refGrams[r]!;
        const toks = refToks[r]!;
        const counts = single ? curRef : one;
        if (!single) one.fill(0, 0, size);
        for (let i = 0; i + n - 1 < toks.length; i++) {
          const p = g[i]!;
          if (p < 0) continue;
          const l = toks[i + n - 1]!;
          let h = (Math.imul(p, 0x9e3779b1) ^ Math.imul(l + 1, 0x85ebca77)) & mask;
          while (stamp[h] === gen && (pre[h] !== p || lst[h] !== l)) h = (h + 1) & mask;
          if (stamp[h] === gen) {
            const k = id[h]!;
            g[i] = k;
            counts[k]!++;
          } else g[i] = -1;
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

const interner = new SpanInterner();
const spans = new Spans();

/** Sentence BLEU-4 of a hypothesis against one or more references, on 0..1. */
export function sentenceBleu(hypothesis: string, references: string[]): number {
  if (references.length === 0) return 0;
  const refTexts = references.map(preprocess13a);
  const hypText = preprocess13a(hypothesis);
  // Size the token table by tokens, not characters: a table that fits in L1 probes faster.
  let capacity = 0;
  if (refTexts.length === 1) capacity = scan13a(refTexts[0]!, spans).count;
  else for (const t of refTexts) capacity += t.length;
  interner.reset(capacity);
  const refIds = refTexts.map((t, r) => {
    if (refTexts.length > 1) scan13a(t, spans);
    // Slots 6 and up hold token ids (0..5 are bleuStatsOfIds's); views cost no zeroing.
    const ids = scratch.take(6 + r, spans.count).subarray(0, spans.count);
    interner.intern(t, spans, true, ids);
    return ids;
  });
  scan13a(hypText, spans);
  const hypIds = scratch.take(6 + refTexts.length, spans.count).subarray(0, spans.count);
  interner.intern(hypText, spans, false, hypIds);
  return bleuFromStats(bleuStatsOfIds(hypIds, refIds, interner.size));
}
