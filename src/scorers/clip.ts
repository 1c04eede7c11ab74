import { thousands as count } from '../util/thousands.js';
// How much of an answer (and of the value it is compared with) each scorer whose cost grows faster
// than the text reads. Levenshtein on two 1 MB answers took 3.7 s each; a judge or an embeddings
// model has a context limit anyway. Past the limit the scorer compares the start of the text and
// the answer's reason says so. Limits are in characters (UTF-16 units, never splitting a pair).

export const INPUT_LIMITS = {
  /** The edit-distance table is quadratic: 4,096 × 4,096 cells, a few tens of milliseconds. */
  levenshtein: 4096,
  /** Bit-parallel LCS: quadratic in words / 30. */
  rouge_l: 65_536,
  /** Linear, but n-gram tables and Unicode punctuation stripping are not free. */
  bleu: 65_536,
  token_f1: 65_536,
  /** The largest embedding contexts are about 32,000 tokens: 128 K characters of English. */
  embedding_similarity: 131_072,
  /** Each of the answer and the reference in the judge's prompt. */
  llm_judge: 65_536,
} as const;

/** The first `max` characters of `text`, without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** What a scorer compared, when it cut a side: "compared the first 4,096 characters of …". */
export function cutReason(
  max: number,
  outputLength: number,
  referenceLength: number,
  lead = 'compared',
): string {
  const sides: string[] = [];
  if (outputLength > max) sides.push(`the output (${count(outputLength)})`);
  if (referenceLength > max) sides.push(`the reference (${count(referenceLength)})`);
  return `${lead} the first ${count(max)} characters of ${sides.join(' and of ')}`;
}

/**
 * Scores on at most `max` characters of the output and of each reference (a list means "any of
 * these"); a cut is named in the reason. Below the limit the scorer sees exactly what it did before.
 */
export function boundedText(
  max: number,
  score: (output: string, references: string[]) => number,
): (output: string, value: unknown) => number | { score: number; reason: string } {
  return (output, value) => {
    const refs = (Array.isArray(value) ? value : [value]).map(asText);
    let longest = 0;
    for (const r of refs) if (r.length > longest) longest = r.length;
    if (output.length <= max && longest <= max) return score(output, refs);
    const s = score(
      clip(output, max),
      refs.map((r) => clip(r, max)),
    );
    return { score: s, reason: cutReason(max, output.length, longest) };
  };
}

export function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
