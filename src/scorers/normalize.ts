// `normalize:` on a scorer: small, explicit rewrites of the output before it is scored, so a
// model wrapping its JSON in a code fence or shouting its answer can still be scored on content.

export interface NormalizeOptions {
  trim?: boolean;
  lowercase?: boolean;
  strip_fence?: boolean;
}

// A fenced block: ``` or ~~~ (3+), an optional info string, the body, the same fence closing it.
// This regex defines what stripFence returns; it backtracks quadratically (100 KB of opening
// fences took 6.5 s), so stripFence computes the same match in one pass (tests compare the two).
export const FENCE_REGEX = /(^|\n)[ \t]*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n?[ \t]*\2[ \t]*(?=\n|$)/;

const BACKTICK = 0x60;
const TILDE = 0x7e;
const isBlank = (u: number) => u === 0x20 || u === 0x09;

/**
 * The content of the first Markdown code fence in the text (models write "Here it is:\n```json
 * …```"), or the text itself when it has none. Linear time.
 *
 * As FENCE_REGEX reads it: an opening line is blanks, a run of k ≥ 3 backticks (or tildes), then
 * no backtick before the line's newline. A closing line is any later line whose end, blanks
 * trimmed, is a run of at least j fence characters, where j = k for backticks and, for tildes,
 * the largest j ≤ k that some later line reaches (the regex's greedy `~{3,}` gives way). The
 * first opening line with a closing line wins, with the first such closing line; the body runs
 * up to that run, less blanks and one newline before it.
 */
export function stripFence(text: string): string {
  const n = text.length;
  // Each line's start, and the fence run that ends it (blanks trimmed): its character and length.
  const starts: number[] = [];
  const runChar: number[] = [];
  const runLen: number[] = [];
  const runAt: number[] = [];
  for (let b = 0; b <= n; ) {
    let e = text.indexOf('\n', b);
    if (e === -1) e = n;
    let t = e;
    while (t > b && isBlank(text.charCodeAt(t - 1))) t--;
    const c = t > b ? text.charCodeAt(t - 1) : -1;
    let r = t;
    if (c === BACKTICK || c === TILDE) while (r > b && text.charCodeAt(r - 1) === c) r--;
    starts.push(b);
    runChar.push(c === BACKTICK || c === TILDE ? c : -1);
    runLen.push(t - r);
    runAt.push(r);
    b = e + 1;
  }
  const lines = starts.length;
  // The longest closing run of each kind on any line from i on.
  const maxTicks = new Int32Array(lines + 1);
  const maxTildes = new Int32Array(lines + 1);
  for (let i = lines - 1; i >= 0; i--) {
    maxTicks[i] = Math.max(maxTicks[i + 1]!, runChar[i] === BACKTICK ? runLen[i]! : 0);
    maxTildes[i] = Math.max(maxTildes[i + 1]!, runChar[i] === TILDE ? runLen[i]! : 0);
  }
  for (let i = 0; i < lines - 1; i++) {
    let p = starts[i]!;
    const lineEnd = starts[i + 1]! - 1; // the newline the opening needs
    while (p < lineEnd && isBlank(text.charCodeAt(p))) p++;
    const c = text.charCodeAt(p);
    if (c !== BACKTICK && c !== TILDE) continue;
    let k = 0;
    while (p + k < lineEnd && text.charCodeAt(p + k) === c) k++;
    if (k < 3 || text.slice(p + k, lineEnd).includes('`')) continue;
    const j = Math.min(k, c === BACKTICK ? (maxTicks[i + 1]! >= k ? k : 0) : maxTildes[i + 1]!);
    if (j < 3) continue;
    const bodyStart = lineEnd + 1;
    for (let l = i + 1; l < lines; l++) {
      if (runChar[l] !== c || runLen[l]! < j) continue;
      const r = runAt[l]! + runLen[l]! - j; // where the closing fence's j characters start
      let e = r;
      while (e > bodyStart && isBlank(text.charCodeAt(e - 1))) e--;
      if (e > bodyStart && text.charCodeAt(e - 1) === 0x0a) e--;
      return text.slice(bodyStart, e);
    }
  }
  return text;
}

/**
 * Upper then lower case approximates Unicode full case folding (ß ~ SS, final ς ~ σ) and, unlike
 * toLocaleLowerCase, does not depend on the machine's locale (a Turkish runner would fold I to ı).
 */
export function foldCase(s: string): string {
  return s.toUpperCase().toLowerCase();
}

/** Applies the options in a fixed order: fence first (it may be indented), then trim, then case. */
export function normalizeText(text: string, o: NormalizeOptions | undefined): string {
  if (!o) return text;
  let s = text;
  if (o.strip_fence) s = stripFence(s);
  if (o.trim) s = s.trim();
  if (o.lowercase) s = foldCase(s);
  return s;
}

/** The expected side gets the same trim and case rewrites (a fence is only ever on the output). */
export function normalizeExpected(value: unknown, o: NormalizeOptions | undefined): unknown {
  if (!o || (!o.trim && !o.lowercase)) return value;
  const one = (v: unknown) =>
    typeof v === 'string' ? normalizeText(v, { trim: o.trim, lowercase: o.lowercase }) : v;
  return Array.isArray(value) ? value.map(one) : one(value);
}
