import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildScorer, scorerContext } from '../../src/scorers/build.js';
import { clip, INPUT_LIMITS } from '../../src/scorers/clip.js';
import { parseVerdict, VerdictError } from '../../src/scorers/judge-verdict.js';
import { FENCE_REGEX, stripFence } from '../../src/scorers/normalize.js';
import { IN_PROCESS_MAX_CHARS, isTamePattern } from '../../src/scorers/regex.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { codePointDistance, levenshteinSimilarity } from '../../src/scorers/similarity.js';
import { ScoringWorkers } from '../../src/scorers/workers.js';
import { editDistance } from '../../src/util/closest.js';
import { answered } from '../helpers/call-result.js';
import { goldenCase } from '../helpers/golden-case.js';

// The repros of issue 9 for the built-in scorers: a catastrophic regex, 100 KB of code fences,
// an 80 KB judge reply of nested braces, Levenshtein on 1 MB. Each must finish quickly (the
// test's own timeout is the bound) with the same answer as before on ordinary input.

const workers = new ScoringWorkers({ timeoutMs: 500, concurrency: 2 });
afterAll(() => workers.close());
const ctx = scorerContext({ workers });

const ok = answered;

describe('regex: a pattern that may backtrack runs in a worker with the deadline', () => {
  it.each([
    ['^\\d+$', true],
    ['refund.*30 days', true],
    ['^(yes|no)$', true],
    ['[A-Z]{3}-\\d{4}', true],
    ['(?<word>\\w+)!', true],
    ['a[(*+]b', true],
    ['\\u{1F600}', true],
    ['^(a+)+$', false],
    ['(a|ab)*c', false],
    ['^\\s*yes\\s*$', false],
    ['(\\w)\\1', false],
    ['(?<x>a)\\k<x>', false],
    ['(?=a)a*', false],
    ['a(?!b)', false],
    ['(a|b|c|d|e)', false],
    ['a{1,40}b{2,}', false],
  ])('%s is tame: %s', (pattern, tame) => {
    expect(isTamePattern(pattern)).toBe(tame);
  });

  it('matches a tame pattern on a short answer in-process, synchronously', () => {
    const s = buildScorer({ type: 'regex', value: '^\\d+$' }, 'r', ctx);
    expect(s.score('12345', goldenCase())).toEqual({ score: 1 });
    expect(s.score('12a45', goldenCase())).toEqual({ score: 0 });
  });

  it('matches a tame pattern on a long answer in a worker, with the same result', async () => {
    const s = buildScorer({ type: 'regex', value: 'needle$' }, 'r', ctx);
    const long = `${'hay '.repeat(IN_PROCESS_MAX_CHARS)}needle`;
    const r = s.score(long, goldenCase());
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toEqual({ score: 1 });
  });

  it('^(a+)+$ on a 41-character answer: scorer_timeout, and the event loop stays free', async () => {
    const s = buildScorer({ type: 'regex', value: '^(a+)+$' }, 'catastrophic', ctx);
    const scored = scoreCall(ok(`${'a'.repeat(40)}!`), goldenCase(), [s]);
    // The main thread keeps running while the worker backtracks (SIGTERM would be handled).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const r = await scored;
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(0);
    expect(r.error?.kind).toBe('scorer_timeout');
    expect(r.error?.message).toMatch(
      /^scorer "catastrophic" failed: the regex \/\^\(a\+\)\+\$\/ did not finish within run\.scorer_timeout_ms \(500 ms\) on a 41-character answer; it was stopped/,
    );
    // The worker was replaced: the same pattern on a matching answer scores.
    expect(await s.score('aaaa', goldenCase())).toEqual({ score: 1 });
  });
});

describe('normalize.strip_fence is linear and reads fences as the regex did', () => {
  const regexStrip = (t: string) => FENCE_REGEX.exec(t)?.[3] ?? t;

  it('agrees with the regex on random fence-heavy text', () => {
    const piece = fc.constantFrom(
      '`',
      '~',
      ' ',
      '\t',
      '\n',
      'a',
      '```',
      '~~~',
      '\n```',
      '\n~~~~',
      '``',
      'x~',
      '````',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 50 }), (parts) => {
        const t = parts.join('');
        expect(stripFence(t)).toBe(regexStrip(t));
      }),
      { numRuns: 5000, seed: 9 },
    );
  });

  it.each([
    ['a fenced block after prose', 'Here:\n```json\n{"a": 1}\n```\nbye', '{"a": 1}'],
    ['tildes closed by a shorter run', '~~~~~\nx\n~~~', 'x'],
    ['an indented fence', '  ```\n  code\n  ```', '  code'],
    ['no fence', 'plain', 'plain'],
  ])('%s', (_l, text, want) => {
    expect(stripFence(text)).toBe(want);
    expect(regexStrip(text)).toBe(want);
  });

  it('100 KB of opening fences with no close (6.5 s before) is returned as it is', () => {
    const text = '```a\n'.repeat(20_000);
    expect(stripFence(text)).toBe(text);
    expect(stripFence(`${text}\`\`\``)).toBe(text.slice(5, -1));
  });
});

describe("the judge's reply is read in linear time", () => {
  it('an 80 KB reply of nested braces is no verdict, found quickly', () => {
    const reply = `${'{'.repeat(40_000)}${'}'.repeat(40_000)}`;
    expect(() => parseVerdict(reply)).toThrow(VerdictError);
  });

  it('finds the verdict after 80 KB of nested braces and of broken objects', () => {
    const nested = `${'{'.repeat(40_000)}${'}'.repeat(40_000)}`;
    expect(parseVerdict(`${nested} {"score": 0.75, "reason": "ok"}`)).toEqual({
      score: 0.75,
      reason: 'ok',
    });
    const broken = '{"a": {"b": 1,}} '.repeat(5_000);
    expect(parseVerdict(`${broken}{"pass": true}`)).toEqual({ score: 1, pass: true, reason: '' });
  });

  it('reads ordinary replies as before', () => {
    expect(
      parseVerdict('Sure.\n```json\n{"score": 8, "pass": true, "reason": "r {x}"}\n```'),
    ).toEqual({
      score: 0.8,
      pass: true,
      reason: 'r {x}',
    });
    expect(parseVerdict('Use {x}. {"Score": "80%"}')).toEqual({ score: 0.8, reason: '' });
  });
});

describe('quadratic and similarity scorers compare a bounded start of each text', () => {
  it('Levenshtein on code points is the same distance as before', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 30 }),
        (a, b) => {
          expect(codePointDistance(cps(a), cps(b))).toBe(editDistance([...a], [...b]));
        },
      ),
      { numRuns: 2000, seed: 9 },
    );
  });

  it('Levenshtein on two 1 MB answers compares the first 4,096 characters and says so', () => {
    const mb = 'abcdefghij'.repeat(104_858);
    const other = 'abcdefghik'.repeat(104_858);
    const s = buildScorer({ type: 'levenshtein' }, 'lev', ctx);
    const r = s.score(mb, goldenCase({ expected: other }));
    expect(r).toEqual({
      score: levenshteinSimilarity(clip(mb, 4096), clip(other, 4096)),
      reason:
        'compared the first 4,096 characters of the output (1,048,580) and of the reference (1,048,580)',
    });
  });

  it.each(['rouge_l', 'bleu', 'token_f1'] as const)(
    '%s on a 1 MB answer against a short reference cuts the answer only',
    (type) => {
      const s = buildScorer({ type }, type, ctx);
      const r = s.score('the cat sat '.repeat(90_000), goldenCase({ expected: 'the cat sat' }));
      expect(r).toMatchObject({
        reason: `compared the first ${INPUT_LIMITS[type].toLocaleString('en-US')} characters of the output (1,080,000)`,
      });
    },
  );

  it('does not split a surrogate pair at the cut', () => {
    expect(clip('ab😀', 3)).toBe('ab');
    expect(clip('ab😀', 4)).toBe('ab😀');
  });
});

function cps(s: string): Int32Array {
  return Int32Array.from([...s].map((ch) => ch.codePointAt(0)!));
}
