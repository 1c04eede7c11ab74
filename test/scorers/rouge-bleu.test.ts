import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bleuFromStats, bleuStats, sentenceBleu, tokenize13a } from '../../src/scorers/bleu.js';
import { buildScorer } from '../../src/scorers/build.js';
import { lcsLength, rougeL, rougeTokens } from '../../src/scorers/rouge.js';
import { createRng } from '../../src/stats/rng.js';
import { goldenCase } from '../helpers/golden-case.js';

const testdata = JSON.parse(
  readFileSync(new URL('./fixtures/rouge-testdata.json', import.meta.url), 'utf8'),
) as { targets: string[]; predictions: string[] };

describe('rouge_l (Google rouge-score, rougeL)', () => {
  // rouge/rouge_scorer_test.py calls scorer.score(target, prediction); ours is (prediction, target).
  it.each([
    // testRougeLConsecutive: score("testing one two", "testing one") → P 1, R 2/3, F 4/5
    ['testing one', 'testing one two', { precision: 1, recall: 2 / 3, fmeasure: 4 / 5 }],
    // testRougeLNonConsecutive: score("testing one two", "testing two") → P 1, R 2/3, F 4/5
    ['testing two', 'testing one two', { precision: 1, recall: 2 / 3, fmeasure: 4 / 5 }],
    // testRougeEmpty: score("testing one two", "") → 0, 0, 0
    ['', 'testing one two', { precision: 0, recall: 0, fmeasure: 0 }],
  ])('%j against %j', (prediction, target, want) => {
    const got = rougeL(prediction, target);
    expect(got.precision).toBeCloseTo(want.precision, 12);
    expect(got.recall).toBeCloseTo(want.recall, 12);
    expect(got.fmeasure).toBeCloseTo(want.fmeasure, 12);
  });

  it('matches ROUGE-1.5.5 on rouge-score testdata (testRougeLAgainstRouge155)', () => {
    // Published to 5 places: target[0]/prediction[0] R 0.40741, P 0.68750, F 0.51163;
    // target[1]/prediction[1] R 0.40476, P 0.65385, F 0.50000.
    const want = [
      [0.40741, 0.6875, 0.51163],
      [0.40476, 0.65385, 0.5],
    ];
    want.forEach(([recall, precision, fmeasure], i) => {
      const got = rougeL(testdata.predictions[i]!, testdata.targets[i]!);
      expect(got.recall).toBeCloseTo(recall!, 5);
      expect(got.precision).toBeCloseTo(precision!, 5);
      expect(got.fmeasure).toBeCloseTo(fmeasure!, 5);
    });
  });

  it('tokenizes as rouge-score on ASCII, keeping letters and digits of other scripts', () => {
    // tokenize.py: lowercase, [^a-z0-9]+ → space, split.
    expect(rougeTokens("Don't STOP-me now, it's 9.5!")).toEqual([
      'don',
      't',
      'stop',
      'me',
      'now',
      'it',
      's',
      '9',
      '5',
    ]);
    // rouge-score would drop every one of these (its tokenizer is ASCII-only).
    expect(rougeTokens('Καλημέρα κόσμε, Привет 東京 𠮷野家 x²')).toEqual([
      'καλημέρα',
      'κόσμε',
      'привет',
      '東京',
      '𠮷野家',
      'x²',
    ]);
    expect(rougeL('Привет мир', 'привет, МИР!').fmeasure).toBe(1);
  });

  it('splits exactly like /[\\p{L}\\p{N}]+/u after lowercasing, on seeded random text', () => {
    const pieces = [
      'a',
      'Z',
      '1',
      ' ',
      '.',
      'é',
      'É',
      '😀',
      '𠮷',
      'Ω',
      '\uD800',
      'x²',
      'ß',
      '-',
      "'",
      '٣',
    ];
    const rng = createRng(5);
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      const n = 1 + Math.floor(rng() * 12);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rng() * pieces.length)];
      expect(rougeTokens(s)).toEqual(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
    }
  });

  it('computes the same LCS as the textbook table on seeded random sequences', () => {
    const rng = createRng(7);
    const table = (a: Int32Array, b: Int32Array) => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++)
          t[i]![j] =
            a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
      return t[a.length]![b.length]!;
    };
    for (let k = 0; k < 300; k++) {
      const alphabet = 1 + Math.floor(rng() * 12);
      // Lengths around the 30-bit word boundaries, where carries cross words.
      const m = Math.floor(rng() * 95);
      const a = Int32Array.from({ length: m }, () => Math.floor(rng() * alphabet));
      const b = Int32Array.from({ length: Math.floor(rng() * 95) }, () =>
        rng() < 0.1 ? -1 : Math.floor(rng() * alphabet),
      );
      expect(lcsLength(a, b, alphabet)).toBe(table(a, b));
      // rougeL passes the shorter side first, so `a` may hold −1 (no match) too.
      expect(lcsLength(b, a, alphabet)).toBe(table(a, b));
    }
  });

  it('never conflates two tokens whose hashes collide', () => {
    // "yaczfa" and "glbppa" have the same 32-bit FNV-1a hash (the tokenizers' hash).
    expect(rougeL('glbppa', 'yaczfa').fmeasure).toBe(0);
    expect(rougeL('yaczfa glbppa', 'glbppa yaczfa').fmeasure).toBe(0.5);
    expect(rougeTokens('yaczfa glbppa yaczfa')).toEqual(['yaczfa', 'glbppa', 'yaczfa']);
  });

  it('agrees with an LCS over its own tokens, on seeded random text', () => {
    const pieces = ['a', 'B', 'ab', 'Ab', 'the', 'The', ' ', ', ', '1', '-', 'é', 'É', '𠮷', 'Σ'];
    const rng = createRng(13);
    const text = () => {
      let s = '';
      const n = Math.floor(rng() * 40);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rng() * pieces.length)];
      return s;
    };
    for (let k = 0; k < 2000; k++) {
      const prediction = text();
      const target = text();
      const ids = new Map<string, number>();
      const id = (t: string) => ids.get(t) ?? ids.set(t, ids.size).get(t)!;
      const a = Int32Array.from(rougeTokens(target), id);
      const b = Int32Array.from(rougeTokens(prediction), id);
      const lcs = lcsLength(a, b, ids.size);
      const want = a.length && b.length && lcs ? (2 * lcs) / (a.length + b.length) : 0;
      expect(rougeL(prediction, target).fmeasure).toBeCloseTo(want, 12);
    }
  });

  it('gives a short text the same score before and after a long one', () => {
    // The token table grows for the long text and shrinks back after it.
    const short = () => rougeL('the cat sat on the mat', 'a cat sat on a mat').fmeasure;
    const before = short();
    const words = Array.from({ length: 18_000 }, (_, i) => `w${(i * 7919) % 3001}`).join(' ');
    expect(rougeL(words, words).fmeasure).toBe(1);
    expect(short()).toBe(before);
    expect(short()).toBe(before);
  });

  it('scores a 100 KB answer against itself and against a shuffled copy', () => {
    const words = Array.from({ length: 18_000 }, (_, i) => `w${(i * 7919) % 3001}`);
    const text = words.join(' ');
    expect(text.length).toBeGreaterThan(100_000);
    expect(rougeL(text, text).fmeasure).toBe(1);
    const reversed = [...words].reverse().join(' ');
    const f = rougeL(reversed, text).fmeasure;
    expect(f).toBeGreaterThan(0);
    expect(f).toBeLessThan(0.1);
  });

  it('is a graded scorer: the best F over a list of references, threshold 0.5', () => {
    const s = buildScorer({ type: 'rouge_l' }, 'rouge_l');
    expect(s.threshold).toBe(0.5);
    const r = s.score(
      'testing one',
      goldenCase({ expected: ['nothing alike', 'testing one two'] }),
    );
    expect(r).toEqual({ score: 4 / 5 });
    expect(s.score('', goldenCase({ expected: '' }))).toEqual({ score: 0 });
    expect(s.score('!!! ???', goldenCase({ expected: 'a' }))).toEqual({ score: 0 });
  });
});

describe('bleu (sacrebleu sentence_bleu: 13a, exp smoothing, effective order)', () => {
  it('matches sacrebleu test_sentence_bleu.py', () => {
    // test_cases: ('exp', None, False, '13a', 8.493) with effective order, EPSILON 1e-3.
    const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
    const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
    expect(Math.abs(sentenceBleu(SYS, [REF]) * 100 - 8.493)).toBeLessThan(1e-3);
    // test_cases_zero_bleu (#141): no matching n-gram of any order is 0, whatever the smoothing.
    expect(sentenceBleu('this is a cat', ['okay thanks'])).toBe(0);
  });

  // Hand-computed from BLEU.compute_bleu (sacrebleu/metrics/bleu.py); 13a keeps these tokens as
  // words. p_n = correct/total; exp smoothing gives the k-th order with 0 matches 1/(2^k·total).
  it.each([
    ['identical', 'The cat sat on the mat.', ['The cat sat on the mat.'], 1],
    // 5/6, 3/5, 2/4, 1/3: (1/12)^(1/4)
    ['no smoothing needed', 'the cat sat on a mat', ['the cat sat on the mat'], (1 / 12) ** 0.25],
    // 3/6, 2/5, 1/4, 0/3 → 1/(2·3): (1/120)^(1/4)
    [
      'one order smoothed',
      'a cat sat on mats today',
      ['the cat sat on the mat'],
      (1 / 120) ** 0.25,
    ],
    // 3/6, 1/5, 0/4 → 1/(2·4), 0/3 → 1/(4·3): (1/960)^(1/4)
    ['two orders smoothed', 'cat sat x on y z', ['the cat sat on the mat'], (1 / 960) ** 0.25],
    // 2/2, 1/1, no 3- or 4-grams: effective order 2; BP = exp(1 − 6/2)
    ['brevity penalty', 'the cat', ['the cat sat on the mat'], Math.exp(-2)],
    // 2/2, 1/1; BP = exp(1 − 3/2)
    ['effective order and BP', 'cat sat', ['the cat sat'], Math.exp(-0.5)],
    // "the" clipped at 2 (the second reference), "the the" at 1; 3-gram 0/1 → 1/2; the
    // reference lengths 2 and 4 tie on distance, the shorter wins, so BP = 1: (1/6)^(1/3)
    ['several references', 'the the the', ['the cat', 'the the mat sat'], (1 / 6) ** (1 / 3)],
    ['empty hypothesis', '', ['the cat'], 0],
    ['empty reference', 'the cat', [''], 0],
    ['both empty', '', [''], 0],
    ['unicode words', '東京 は 首都 です', ['東京 は 首都 です'], 1],
  ])('%s', (_label, hyp, refs, want) => {
    expect(sentenceBleu(hyp, refs)).toBeCloseTo(want, 12);
  });

  it.each([
    ['Hello, world!', ['Hello', ',', 'world', '!']],
    ['3.14 and 1,000', ['3.14', 'and', '1,000']],
    ['end.', ['end', '.']],
    ['e.g. U.S.', ['e', '.', 'g', '.', 'U', '.', 'S', '.']],
    ['1-2', ['1', '-', '2']],
    ['well-known', ['well-known']],
    ["it's", ["it's"]],
    ['Tom &amp; Jerry', ['Tom', '&', 'Jerry']],
    ['a..b', ['a', '.', '.', 'b']],
    ['x-\ny', ['xy']],
    ['(50%) [a]', ['(', '50', '%', ')', '[', 'a', ']']],
    ['$5.00.', ['$', '5.00', '.']],
    ['snake_case/path', ['snake', '_', 'case', '/', 'path']],
    ['  trailing  \t', ['trailing']],
  ])('13a tokenizes %j as sacrebleu does', (text, want) => {
    expect(tokenize13a(text)).toEqual(want);
  });

  it('tokenizes exactly like the four TokenizerRegexp substitutions, on seeded random text', () => {
    // tokenizers/tokenizer_13a.py + tokenizer_re.py, transcribed regex for regex.
    const reference = (text: string) => {
      let s = text.replace(
        /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/,
        '',
      );
      s = s.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
      s = s
        .replaceAll('&quot;', '"')
        .replaceAll('&amp;', '&')
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>');
      s = ` ${s} `
        .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
        .replace(/([^0-9])([.,])/g, '$1 $2 ')
        .replace(/([.,])([^0-9])/g, ' $1 $2')
        .replace(/([0-9])(-)/g, '$1 $2 ');
      return s
        .split(/[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/)
        .filter((t) => t !== '');
    };
    const pieces = [
      'a',
      'B',
      '1',
      '2',
      '.',
      ',',
      '-',
      ' ',
      '\n',
      "'",
      '"',
      '(',
      '$',
      '😀',
      'é',
      '&amp;',
      '\t',
      '..',
      '9.5',
      'x-',
      '\u3000',
      '\x1c',
      '\ufeff',
      '<skipped>',
    ];
    const rng = createRng(11);
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      const n = 1 + Math.floor(rng() * 14);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rng() * pieces.length)];
      expect(tokenize13a(s)).toEqual(reference(s));
    }
  });

  it('never conflates two tokens whose hashes collide, or a lone surrogate with U+FFFD', () => {
    // "yaczfa" and "glbppa" have the same 32-bit FNV-1a hash (the tokenizers' hash).
    expect(sentenceBleu('glbppa', ['yaczfa'])).toBe(0);
    expect(tokenize13a('yaczfa glbppa yaczfa')).toEqual(['yaczfa', 'glbppa', 'yaczfa']);
    expect(sentenceBleu('x\uD800', ['x\uFFFD'])).toBe(0);
    expect(sentenceBleu('x\uD800', ['x\uD800'])).toBe(1);
  });

  it('counts n-grams as a plain count of joined n-grams does, on seeded random tokens', () => {
    // A four-word vocabulary, so that long n-grams recur and every pruning path is taken.
    const rng = createRng(17);
    const tokens = (max: number) =>
      Array.from({ length: Math.floor(rng() * max) }, () => 'abcd'[Math.floor(rng() * 4)]!);
    const counts = (toks: string[], n: number) => {
      const m = new Map<string, number>();
      for (let i = 0; i + n <= toks.length; i++) {
        const g = toks.slice(i, i + n).join(' ');
        m.set(g, (m.get(g) ?? 0) + 1);
      }
      return m;
    };
    for (let k = 0; k < 3000; k++) {
      const hyp = tokens(30);
      const refs = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => tokens(30));
      const correct = [1, 2, 3, 4].map((n) => {
        const maxRef = new Map<string, number>();
        for (const r of refs)
          for (const [g, c] of counts(r, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
        let sum = 0;
        for (const [g, c] of counts(hyp, n)) sum += Math.min(c, maxRef.get(g) ?? 0);
        return sum;
      });
      const s = bleuStats(hyp, refs);
      expect(s.correct).toEqual(correct);
      expect(s.total).toEqual([1, 2, 3, 4].map((n) => Math.max(0, hyp.length - n + 1)));
    }
  });

  it('scores as its string tokenizer and token-list statistics do, on seeded random text', () => {
    const pieces = [
      'a',
      'B',
      'the',
      'The',
      ' ',
      ', ',
      '.',
      '1',
      '-',
      '"',
      'é',
      '😀',
      '&amp;',
      '\n',
    ];
    const rng = createRng(19);
    const text = () => {
      let s = '';
      const n = Math.floor(rng() * 40);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rng() * pieces.length)];
      return s;
    };
    for (let k = 0; k < 2000; k++) {
      const hyp = text();
      const refs = Array.from({ length: 1 + Math.floor(rng() * 3) }, text);
      const want = bleuFromStats(bleuStats(tokenize13a(hyp), refs.map(tokenize13a)));
      expect(sentenceBleu(hyp, refs)).toBe(want);
    }
  });

  it('gives a short text the same score before and after a long one', () => {
    // The token and n-gram tables grow for the long text and shrink back after it.
    const short = () => sentenceBleu('the cat sat on a mat', ['the cat sat on the mat']);
    const before = short();
    const words = Array.from({ length: 18_000 }, (_, i) => `w${(i * 7919) % 3001}`).join(' ');
    expect(sentenceBleu(words, [words])).toBeCloseTo(1, 12);
    expect(short()).toBe(before);
    expect(short()).toBe(before);
  });

  it('counts clipped n-grams from token lists', () => {
    const s = bleuStats(
      ['the', 'the', 'the'],
      [
        ['the', 'cat'],
        ['the', 'the', 'mat', 'sat'],
      ],
    );
    expect(s).toEqual({ correct: [2, 1, 0, 0], total: [3, 2, 1, 0], sysLen: 3, refLen: 2 });
    expect(bleuFromStats(s)).toBeCloseTo((1 / 6) ** (1 / 3), 12);
  });

  it('scores a 100 KB answer', () => {
    // A sequence of period 3001 (7919 is prime to it), so every n-gram recurs regularly.
    const words = Array.from({ length: 18_000 }, (_, i) => `w${(i * 7919) % 3001}`);
    const text = words.join(' ');
    const half = words.slice(0, 9000).join(' ');
    expect(text.length).toBeGreaterThan(100_000);
    expect(sentenceBleu(text, [text])).toBeCloseTo(1, 12);
    // Half as long as the reference: every n-gram matches, BP = exp(1 − 18000/9000).
    expect(sentenceBleu(half, [text])).toBeCloseTo(Math.exp(-1), 12);
    // Twice as long: each n-gram is clipped to the reference's count, p_n = (9001 − n)/(18001 − n).
    const p = [1, 2, 3, 4].map((n) => (9001 - n) / (18001 - n));
    expect(sentenceBleu(text, [half])).toBeCloseTo((p[0]! * p[1]! * p[2]! * p[3]!) ** 0.25, 12);
  });

  it('treats a list value as several references', () => {
    const s = buildScorer({ type: 'bleu' }, 'bleu');
    expect(s.threshold).toBe(0.5);
    const r = s.score('the the the', goldenCase({ expected: ['the cat', 'the the mat sat'] }));
    expect((r as { score: number }).score).toBeCloseTo((1 / 6) ** (1 / 3), 12);
  });
});
