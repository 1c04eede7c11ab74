// Reading a judge's answer. Models asked for "only a JSON object" still wrap it in a code fence,
// add a sentence before it, write the score as "0.8" or on a 0..10 scale: accept those, and
// refuse anything we would have to guess at (a missing score and verdict, a score of 37).

import { type Excerpt, QuotingError } from '../util/quoted-error.js';
import { CUT_MARK } from '../util/redact.js';

export interface Verdict {
  /** 0..1 */
  score: number;
  /** The judge's own yes/no, when it gave one. */
  pass?: boolean;
  reason: string;
}

/** Quotes the reply: cut only once masked, by whoever holds the redactor (see QuotingError). */
export class VerdictError extends QuotingError {}

const OPEN = 0x7b;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const UNKNOWN = -2;
const UNCLOSED = -1;

/**
 * Every `{...}` block that parses as a JSON object, outermost first, in order of appearance. Time
 * linear in the text: one scan from a `{` finds where every brace it meets (outside strings)
 * closes, and those ends are kept, so nested braces are not rescanned; what is handed to
 * JSON.parse is capped at a few times the text's length (an 80 KB reply of nested braces used
 * to block the event loop until other calls timed out).
 */
function jsonObjects(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const tryParse = (s: string) => {
    try {
      const v = JSON.parse(s) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        found.push(v as Record<string, unknown>);
        return true;
      }
    } catch {
      // not this one
    }
    return false;
  };
  if (tryParse(text.trim())) return found;
  const n = text.length;
  let budget = 4 * n + 65_536;
  let ends: Int32Array | undefined;
  // Scans from the brace at `start` as if nothing came before it: strings are tracked from there.
  const scan = (start: number) => {
    ends ??= new Int32Array(n).fill(UNKNOWN);
    const open: number[] = [];
    let inString = false;
    let i = start;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (ch === BACKSLASH) i++;
        else if (ch === QUOTE) inString = false;
      } else if (ch === QUOTE) inString = true;
      else if (ch === OPEN) open.push(i);
      else if (ch === CLOSE && open.length > 0) {
        ends[open.pop()!] = i;
        if (open.length === 0) break;
      }
    }
    budget -= i - start;
    // A brace left open when the text ends would stay open scanned from itself too.
    for (const p of open) ends[p] = UNCLOSED;
  };
  for (let start = text.indexOf('{'); start !== -1 && budget > 0; ) {
    if (ends === undefined || ends[start] === UNKNOWN) scan(start);
    const end = ends![start]!;
    if (end === UNCLOSED) break;
    // A JSON object's first token is a key or its closing brace: skip the others unparsed.
    let k = start + 1;
    while (k < end && /\s/.test(text[k]!)) k++;
    const first = text.charCodeAt(k);
    let parsed = false;
    if (first === QUOTE || first === CLOSE) {
      budget -= end + 1 - start;
      parsed = tryParse(text.slice(start, end + 1));
    }
    start = text.indexOf('{', parsed ? end + 1 : start + 1);
  }
  return found;
}

/**
 * A number, or a string such as "0.8", "8/10" or "80%"; `onItsScale` when the judge named its
 * scale (a fraction, a percent), which is then not read again as 0..10.
 */
function readScore(v: unknown): { score: number; onItsScale: boolean } | undefined {
  if (typeof v === 'number')
    return Number.isFinite(v) ? { score: v, onItsScale: false } : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  let m = /^(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (m) {
    return Number(m[2]) > 0 ? { score: Number(m[1]) / Number(m[2]), onItsScale: true } : undefined;
  }
  m = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (m) return { score: Number(m[1]) / 100, onItsScale: true };
  return /^-?\d+(?:\.\d+)?$/.test(s) ? { score: Number(s), onItsScale: false } : undefined;
}

function readPass(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'pass', 'passed'].includes(s)) return true;
  if (['false', 'no', 'fail', 'failed'].includes(s)) return false;
  return undefined;
}

/** Keys compared without case, so {"Score": 8, "Pass": true} reads too. */
function field(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const key = Object.keys(o).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : o[key];
}

/**
 * Parses `{"score": 0..1, "pass": bool, "reason": "..."}` from a judge's reply.
 *
 * The score may be a number or a numeric string; a score above 1 and up to 10 is read on a 0..10
 * scale (8 → 0.8), "8/10" and "80%" as written. With only `pass`, the score is 1 or 0; with only
 * `score`, there is no veto. The first JSON object in the text that has a score or a pass wins.
 *
 * @throws VerdictError when no such object is found or the score is out of range.
 */
export function parseVerdict(text: string): Verdict {
  const objects = jsonObjects(text);
  if (objects.length === 0) {
    throw new VerdictError(
      (ex) => `the judge did not answer with a JSON object (${quote(text, ex)})`,
    );
  }
  for (const o of objects) {
    const rawScore = field(o, 'score');
    const rawPass = field(o, 'pass');
    if (rawScore === undefined && rawPass === undefined) continue;
    const pass = readPass(rawPass);
    const read = readScore(rawScore);
    if (rawScore !== undefined && read === undefined) {
      // JSON.stringify writes 1e309 (Infinity) as null: say what the judge sent.
      const shown = typeof rawScore === 'number' ? String(rawScore) : JSON.stringify(rawScore);
      throw new VerdictError((ex) => `the judge's score ${ex(shown, 80)} is not a number`);
    }
    let score = read?.score;
    if (rawPass !== undefined && pass === undefined) {
      const shown = JSON.stringify(rawPass);
      throw new VerdictError((ex) => `the judge's pass ${ex(shown, 80)} is not true or false`);
    }
    if (score === undefined) score = pass ? 1 : 0;
    // "12/10" or "150%" is past its own scale: out of range, not 0.12 or 0.15.
    else if (!read?.onItsScale && score > 1 && score <= 10) score /= 10;
    if (score < 0 || score > 1) {
      throw new VerdictError(`the judge's score ${score} is outside 0..1 (or 0..10)`);
    }
    const reason = field(o, 'reason');
    return {
      score,
      ...(pass !== undefined ? { pass } : {}),
      reason: typeof reason === 'string' ? reason : reason === undefined ? '' : String(reason),
    };
  }
  const first = JSON.stringify(objects[0]);
  throw new VerdictError(
    (ex) => `the judge's JSON has neither "score" nor "pass" (${quote(first, ex)})`,
  );
}

function quote(s: string, excerpt: Excerpt): string {
  const shown = excerpt(s, 81);
  return shown.endsWith(CUT_MARK) ? `starts with "${shown}"` : `"${shown}"`;
}
