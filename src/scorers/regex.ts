// The regex scorer. JavaScript's regex engine backtracks: `^(a+)+$` on 41 characters takes
// minutes, and even `.*x` is quadratic (4.5 s on 100 KB). A match must never pin the event loop,
// so it runs in a worker with run.scorer_timeout_ms as its deadline, unless its cost is provably
// small; a worker round trip costs about 0.1 ms, a tame match on a short answer microseconds.

import { compileRegex } from './match.js';
import { type ScoreResult, ScorerError, ScoringCancelledError } from './scorer.js';
import { WorkerFailure } from './worker-pool.js';
import { type ScoringWorkers, showTimeout } from './workers.js';

/**
 * Answers up to this many UTF-16 units are matched in-process with a tame pattern: a pattern with
 * one variable quantifier costs at most about n² steps (16 M, a few milliseconds, at 4,096).
 */
export const IN_PROCESS_MAX_CHARS = 4096;

// `{2}`, `{2,}`, `{2,5}`.
const BRACES = /^\{(\d+)(,(\d*))?\}/;

/**
 * Whether a pattern's backtracking is provably bounded by about n² steps on an n-unit text: no
 * backreference, no lookaround, no quantified group, at most one quantifier that can match a
 * varying number of times (`*`, `+`, `?`, `{m,}`, `{m,n}` with m < n), and at most three `|`
 * inside groups (alternatives in sequence multiply). Anything this reader does not follow (the
 * `v` flag's nested classes, inline modifiers) is not tame: it goes to a worker, which is safe.
 */
export function isTamePattern(pattern: string, flags = ''): boolean {
  if (flags.includes('v')) return false;
  let variable = 0;
  let groupBars = 0;
  let depth = 0;
  let inClass = false;
  const quantifierAt = (i: number) => {
    const ch = pattern[i];
    return ch === '*' || ch === '+' || ch === '?' || (ch === '{' && BRACES.test(pattern.slice(i)));
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      // \1..\9 and \k<name> refer back to a group: matching them is NP-hard in general.
      if ((next >= '1' && next <= '9') || next === 'k') return false;
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    switch (ch) {
      case '[':
        inClass = true;
        break;
      case '(':
        depth++;
        if (pattern[i + 1] === '?') {
          const rest = pattern.slice(i + 2, i + 4);
          if (rest.startsWith(':')) i += 2;
          else if (rest.startsWith('<') && rest !== '<=' && rest !== '<!') {
            const close = pattern.indexOf('>', i);
            if (close === -1) return false;
            i = close;
          } else return false; // lookaround, or a modifier group
        }
        break;
      case ')':
        depth--;
        if (quantifierAt(i + 1)) return false;
        break;
      case '|':
        if (depth > 0 && ++groupBars > 3) return false;
        break;
      case '*':
      case '+':
      case '?':
        variable++;
        if (pattern[i + 1] === '?') i++; // lazy
        break;
      case '{': {
        const m = BRACES.exec(pattern.slice(i, i + 32));
        if (!m) break; // a literal brace
        if (m[2] !== undefined && m[3] !== m[1]) variable++;
        i += m[0].length - 1;
        if (pattern[i + 1] === '?') i++;
        break;
      }
    }
    if (variable > 1) return false;
  }
  return true;
}

/** Matches `text` against a pattern: in-process when provably cheap, else in a worker. */
export function matchRegex(
  re: RegExp,
  tame: boolean,
  text: string,
  workers: ScoringWorkers,
): number | Promise<ScoreResult> {
  if (tame && text.length <= IN_PROCESS_MAX_CHARS) {
    // A sticky (`y`) pattern starts where its last match ended: one answer's score would
    // depend on the answer before it. Each answer is matched from its start, as in a worker.
    re.lastIndex = 0;
    return re.test(text) ? 1 : 0;
  }
  return workers
    .regex()
    .run({ type: 'regex', pattern: re.source, flags: re.flags, text })
    .then(
      (reply) => {
        if (reply.threw !== undefined) throw new ScorerError('scorer', reply.threw);
        return { score: reply.value === true ? 1 : 0 };
      },
      (err: unknown) => {
        if (!(err instanceof WorkerFailure)) throw err;
        if (err.reason === 'cancelled') throw new ScoringCancelledError();
        if (err.reason === 'timeout') {
          throw new ScorerError(
            'scorer_timeout',
            `the regex /${shorten(re.source)}/ did not finish within run.scorer_timeout_ms (${showTimeout(workers.timeoutMs)}) on a ${text.length}-character answer; it was stopped (a pattern that backtracks, such as a quantified group holding a quantifier, can take forever)`,
          );
        }
        throw new ScorerError('scorer', `the regex worker ${err.message}`);
      },
    );
}

/** A regex bound to its pattern, tameness decided once. */
export function compiledRegex(pattern: string, flags: string | undefined) {
  const re = compileRegex(pattern, flags);
  return { re, tame: isTamePattern(pattern, re.flags) };
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
