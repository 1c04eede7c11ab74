/** The code points of a string, as numbers. */
function codePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (const ch of s) out[n++] = ch.codePointAt(0)!;
  return out.subarray(0, n);
}

/** Levenshtein distance by the two-row table, on typed arrays (four times the plain version). */
export function codePointDistance(a: Int32Array, b: Int32Array): number {
  // The shorter side indexes the row: less memory, the same count.
  if (a.length < b.length) [a, b] = [b, a];
  const m = b.length;
  const row = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1]!;
    let diag = row[0]!;
    row[0] = i;
    let left = i;
    for (let j = 1; j <= m; j++) {
      const up = row[j]!;
      let d = diag + (ai === b[j - 1] ? 0 : 1);
      if (up + 1 < d) d = up + 1;
      if (left + 1 < d) d = left + 1;
      row[j] = d;
      left = d;
      diag = up;
    }
  }
  return row[m]!;
}

/** 1 − distance / longer length, on code points so emoji and CJK count as one character. */
export function levenshteinSimilarity(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  const longer = Math.max(x.length, y.length);
  if (longer === 0) return 1;
  return 1 - codePointDistance(x, y) / longer;
}

const ARTICLES = new Set(['a', 'an', 'the']);

/**
 * SQuAD normalisation: lower case, delete punctuation (so "U.S." is "us", as in the official
 * script), drop the articles, split on whitespace. Articles are dropped as whole tokens: JS `\b`
 * is ASCII-only and would cut the "a" out of "léa".
 */
export function normalizeAnswer(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .split(/\s+/)
    .filter((t) => t !== '' && !ARTICLES.has(t));
}

/** SQuAD-style token F1 between an answer and a reference. */
export function tokenF1(prediction: string, reference: string): number {
  const p = normalizeAnswer(prediction);
  const r = normalizeAnswer(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}
