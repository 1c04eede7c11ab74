// `normalize:` on a scorer: small, explicit rewrites of the output before it is scored, so a
// model wrapping its JSON in a code fence or shouting its answer can still be scored on content.

export interface NormalizeOptions {
  trim?: boolean;
  lowercase?: boolean;
  strip_fence?: boolean;
}

// A fenced block: ``` or ~~~ (3+), an optional info string, the body, the same fence closing it.
const FENCE = /(^|\n)[ \t]*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n?[ \t]*\2[ \t]*(?=\n|$)/;

/**
 * The content of the first Markdown code fence in the text (models write "Here it is:\n```json
 * …```"), or the text itself when it has none.
 */
export function stripFence(text: string): string {
  const m = FENCE.exec(text);
  return m ? m[3]! : text;
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
