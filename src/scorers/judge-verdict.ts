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

/** Every `{...}` block that parses as a JSON object, outermost first, in order of appearance. */
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
  // Scan for balanced braces outside strings, so prose or a fence around the object is ignored.
  for (let start = text.indexOf('{'); start !== -1; ) {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) break;
    if (tryParse(text.slice(start, end + 1))) start = text.indexOf('{', end + 1);
    else start = text.indexOf('{', start + 1);
  }
  return found;
}

/** A number, or a string such as "0.8", "8/10" or "80%". */
function readScore(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  let m = /^(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (m) return Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : undefined;
  m = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (m) return Number(m[1]) / 100;
  return /^-?\d+(?:\.\d+)?$/.test(s) ? Number(s) : undefined;
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
    let score = readScore(rawScore);
    if (rawScore !== undefined && score === undefined) {
      const shown = JSON.stringify(rawScore);
      throw new VerdictError((ex) => `the judge's score ${ex(shown, 80)} is not a number`);
    }
    if (rawPass !== undefined && pass === undefined) {
      const shown = JSON.stringify(rawPass);
      throw new VerdictError((ex) => `the judge's pass ${ex(shown, 80)} is not true or false`);
    }
    if (score === undefined) score = pass ? 1 : 0;
    else if (score > 1 && score <= 10) score /= 10;
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
