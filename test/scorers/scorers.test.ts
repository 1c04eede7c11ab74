import { describe, expect, it } from 'vitest';
import type { ScorerConfig } from '../../src/config/schema.js';
import { buildScorer, ScorerNames, scorersFor } from '../../src/scorers/build.js';
import { lastNumber } from '../../src/scorers/numeric.js';
import { levenshteinSimilarity, normalizeAnswer, tokenF1 } from '../../src/scorers/similarity.js';
import { goldenCase } from '../helpers/golden-case.js';

/** The score one scorer gives `output` for a case whose `expected` is given. */
function score(spec: ScorerConfig, output: string, expected?: unknown): number {
  const s = buildScorer(spec, spec.name ?? spec.type);
  const r = s.score(output, goldenCase({ expected }));
  if (r instanceof Promise) throw new Error('deterministic scorers are synchronous');
  return r.score;
}

type Row = [label: string, spec: ScorerConfig, output: string, expected: unknown, want: number];

const yesNo: Row[] = [
  // exact: surrounding whitespace is noise; a list means "any of these"; non-strings as JSON.
  ['exact match', { type: 'exact' }, 'Paris', 'Paris', 1],
  ['exact trims both sides', { type: 'exact' }, '  Paris\n', ' Paris ', 1],
  ['exact is case sensitive', { type: 'exact' }, 'paris', 'Paris', 0],
  ['exact keeps inner whitespace', { type: 'exact' }, 'New  York', 'New York', 0],
  ['exact: any of a list', { type: 'exact' }, 'Yes', ['No', 'Yes'], 1],
  ['exact: none of a list', { type: 'exact' }, 'Maybe', ['No', 'Yes'], 0],
  ['exact against a number', { type: 'exact' }, '42', 42, 1],
  ['exact: number text differs', { type: 'exact' }, '42.0', 42, 0],
  ['exact with `value` over expected', { type: 'exact', value: 'Lyon' }, 'Lyon', 'Paris', 1],
  ['exact negated', { type: 'exact', not: true }, 'Paris', 'Paris', 0],
  // contains / icontains / starts_with
  ['contains', { type: 'contains' }, 'Yes, within 30 days.', '30 days', 1],
  ['contains is case sensitive', { type: 'contains' }, 'Within 30 DAYS', '30 days', 0],
  ['contains any of a list', { type: 'contains' }, 'a refund', ['credit', 'refund'], 1],
  [
    'contains negated (must not leak)',
    { type: 'contains', value: 'sk-', not: true },
    'your key is sk-123',
    undefined,
    0,
  ],
  ['icontains ASCII', { type: 'icontains' }, 'Within 30 DAYS', '30 days', 1],
  ['icontains accents', { type: 'icontains' }, 'À L’ÉCOLE', 'à l’école', 1],
  ['icontains folds ß and SS', { type: 'icontains' }, 'GROSSE STRASSE', 'straße', 1],
  ['icontains folds final sigma', { type: 'icontains' }, 'Η ΟΔΟΣ ΕΙΝΑΙ', 'οδοσ', 1],
  ['icontains Cyrillic', { type: 'icontains' }, 'ПРИВЕТ, мир', 'привет', 1],
  ['icontains no match', { type: 'icontains' }, 'cat', 'dog', 0],
  ['starts_with ignores leading whitespace', { type: 'starts_with' }, '  Yes, of course', 'Yes', 1],
  ['starts_with trims the expected', { type: 'starts_with' }, 'Yes.', ' Yes ', 1],
  ['starts_with is case sensitive', { type: 'starts_with' }, 'yes', 'Yes', 0],
  ['starts_with not in the middle', { type: 'starts_with' }, 'I say Yes', 'Yes', 0],
  // regex
  ['regex from expected', { type: 'regex' }, 'order #123 shipped', '#\\d+', 1],
  ['regex no match', { type: 'regex' }, 'order shipped', '#\\d+', 0],
  ['regex needs the i flag', { type: 'regex', value: '^refund' }, 'Refund approved', undefined, 0],
  [
    'regex with the i flag',
    { type: 'regex', value: '^refund', flags: 'i' },
    'Refund approved',
    undefined,
    1,
  ],
  ['regex multiline flag', { type: 'regex', value: '^b$', flags: 'm' }, 'a\nb\nc', undefined, 1],
  [
    'regex negated',
    { type: 'regex', value: 'as an AI', not: true },
    'As an AI model, I…',
    undefined,
    1,
  ],
  [
    'regex negated, matching',
    { type: 'regex', value: 'as an AI', flags: 'i', not: true },
    'As an AI model',
    undefined,
    0,
  ],
  // json_valid
  ['json object', { type: 'json_valid' }, '{"a": [1, 2]}', undefined, 1],
  ['json with whitespace', { type: 'json_valid' }, '\n  [1, 2]  ', undefined, 1],
  ['json string scalar', { type: 'json_valid' }, '"ok"', undefined, 1],
  ['json with unquoted keys', { type: 'json_valid' }, '{a: 1}', undefined, 0],
  ['json in a code fence', { type: 'json_valid' }, '```json\n{"a":1}\n```', undefined, 0],
  ['json trailing comma', { type: 'json_valid' }, '[1, 2,]', undefined, 0],
  ['json empty output', { type: 'json_valid' }, '', undefined, 0],
  // numeric: the last number in the output, commas as thousands separators, absolute tolerance
  ['numeric last number wins', { type: 'numeric' }, 'Between 3 and 5, so 4.', 4, 1],
  ['numeric earlier number ignored', { type: 'numeric' }, '4 or maybe 5', 4, 0],
  ['numeric thousands separators', { type: 'numeric' }, 'The total is $1,234,567.50', 1234567.5, 1],
  ['numeric expected as text', { type: 'numeric' }, 'It is 1234.5', 'about 1,234.5', 1],
  ['numeric negative', { type: 'numeric' }, 'The change was -3.5%', -3.5, 1],
  ['numeric sign after an equals sign', { type: 'numeric' }, 'x=-2', -2, 1],
  // A hyphen that joins is not a minus: the range, the name and the date end in 20, 19 and 5.
  ['numeric range', { type: 'numeric' }, 'The range is 10-20', 20, 1],
  ['numeric hyphenated name', { type: 'numeric' }, 'It was COVID-19', 19, 1],
  ['numeric date', { type: 'numeric' }, 'due 2024-05', 5, 1],
  ['numeric exponent', { type: 'numeric' }, 'approximately 6.02e23', 6.02e23, 1],
  ['numeric within tolerance', { type: 'numeric', tolerance: 0.01 }, 'pi is 3.14', Math.PI, 1],
  ['numeric outside tolerance', { type: 'numeric', tolerance: 0.001 }, 'pi is 3.14', Math.PI, 0],
  ['numeric exact without tolerance', { type: 'numeric' }, '0.30000000000000004', 0.1 + 0.2, 1],
  ['numeric off by one', { type: 'numeric' }, '41', 42, 0],
  ['numeric no number in output', { type: 'numeric' }, 'I do not know', 42, 0],
  ['numeric no number expected', { type: 'numeric' }, '42', 'n/a', 0],
];

describe('yes/no scorers', () => {
  it.each(yesNo)('%s', (_label, spec, output, expected, want) => {
    expect(score(spec, output, expected)).toBe(want);
  });

  it('strips a g flag, so scoring the same output twice gives the same answer', () => {
    const s = buildScorer({ type: 'regex', value: 'days', flags: 'gi' }, 'r');
    const c = goldenCase();
    expect([s.score('30 DAYS', c), s.score('30 DAYS', c), s.score('30 DAYS', c)]).toEqual([
      { score: 1 },
      { score: 1 },
      { score: 1 },
    ]);
  });

  it("matches a sticky (y) pattern from each answer's start, whatever came before", async () => {
    const s = buildScorer({ type: 'regex', value: 'ok', flags: 'y' }, 'r');
    const c = goldenCase();
    const answers = ['ok answer', 'ok answer', 'not ok', 'ok answer', 'not ok', 'ok answer'];
    expect(answers.map((a) => s.score(a, c))).toEqual(
      answers.map((a) => ({ score: a.startsWith('ok') ? 1 : 0 })),
    );
    // A long answer is matched in a worker: the same rule.
    expect(await s.score(`ok ${'x'.repeat(10_000)}`, c)).toEqual({ score: 1 });
    expect(await s.score(`not ok ${'x'.repeat(10_000)}`, c)).toEqual({ score: 0 });
  });

  it('compiles a pattern from each case anew', () => {
    const s = buildScorer({ type: 'regex' }, 'r');
    expect(s.score('abc', goldenCase({ expected: '^a' }))).toEqual({ score: 1 });
    expect(s.score('abc', goldenCase({ expected: '^b' }))).toEqual({ score: 0 });
  });

  it('finds the last number in text', () => {
    expect(lastNumber('no digits')).toBeUndefined();
    expect(lastNumber('1, 2 and 3')).toBe(3);
    expect(lastNumber('costs 1,000,000 dollars')).toBe(1_000_000);
    expect(lastNumber('.5 of it')).toBe(0.5);
    expect(lastNumber('the e5 road, 12 km')).toBe(12);
  });
});

describe('levenshtein', () => {
  it.each([
    ['identical', 'kitten', 'kitten', 1],
    ['kitten → sitting (3 edits over 7)', 'kitten', 'sitting', 1 - 3 / 7],
    ['both empty', '', '', 1],
    ['one empty', '', 'abc', 0],
    ['other empty', 'abc', '', 0],
    // Code points, not UTF-16 units: an emoji is one character (units would give 1 - 2/3).
    ['emoji is one character', '😀a', '😀b', 0.5],
    ['astral CJK', '𠮷野家', '𠮷野屋', 1 - 1 / 3],
    ['precomposed accent vs plain', 'naïve', 'naive', 0.8],
  ])('%s', (_label, a, b, want) => {
    expect(levenshteinSimilarity(a, b)).toBeCloseTo(want, 12);
  });

  it('scores against the best of a list and defaults to the 0.5 threshold', () => {
    const s = buildScorer({ type: 'levenshtein' }, 'lev');
    expect(s.threshold).toBe(0.5);
    expect(s.score('colour', goldenCase({ expected: ['flavor', 'color'] }))).toEqual({
      score: 1 - 1 / 6,
    });
    expect(score({ type: 'levenshtein', not: true }, 'abcd', 'abxd')).toBeCloseTo(0.25, 12);
  });
});

describe('token_f1 (SQuAD)', () => {
  // Reference values computed by hand with the official SQuAD evaluation script
  // (evaluate-v2.0.py: normalize_answer, then compute_f1 on the normalised tokens).
  it.each([
    // pred [cat, sat]; gold [cat, sat, on, mat]: P = 2/2, R = 2/4, F1 = 2·1·½ / (1 + ½) = 2/3.
    ['the cat sat', 'cat sat on the mat', 2 / 3],
    // Articles and punctuation vanish: [denver, broncos] both sides.
    ['Denver Broncos', 'the Denver Broncos.', 1],
    // Punctuation is deleted, not spaced: "U.S." → "us".
    ['U.S. Navy', 'the US Navy', 1],
    // Token counts clip: common = min(3, 1) = 1; P = 1/3, R = 1; F1 = (2/3) / (4/3) = 1/2.
    ['cat cat cat', 'the cat', 0.5],
    // SQuAD dev, Super Bowl 50: gold has 11 tokens after normalisation (levis stadium in san
    // francisco bay area at santa clara california); common 3: P = 1, R = 3/11, F1 = 6/14 = 3/7.
    [
      'Santa Clara, California',
      "Levi's Stadium in the San Francisco Bay Area at Santa Clara, California.",
      3 / 7,
    ],
    // compute_f1: when either side is empty after normalisation, F1 = int(pred_toks == gold_toks).
    ['a', 'the', 1],
    ['', 'Paris', 0],
    ['Paris', '...', 0],
    ['London', 'Paris', 0],
    // Articles go only as whole words, also next to non-ASCII letters.
    ['léa', 'lé', 0],
  ])('%j vs %j', (prediction, reference, want) => {
    expect(tokenF1(prediction, reference)).toBeCloseTo(want, 12);
  });

  it('normalises like SQuAD', () => {
    expect(normalizeAnswer('The  U.S. (Navy), an ARMY!')).toEqual(['us', 'navy', 'army']);
    expect(normalizeAnswer("don't")).toEqual(['dont']);
    expect(normalizeAnswer('theatre anna')).toEqual(['theatre', 'anna']);
  });

  it('takes the best reference of a list', () => {
    expect(
      score({ type: 'token_f1' }, 'the cat sat', ['dog', 'cat sat on the mat', 'cat sat']),
    ).toBe(1);
    expect(score({ type: 'token_f1' }, 'the cat sat', ['dog', 'cat sat on the mat'])).toBeCloseTo(
      2 / 3,
      12,
    );
  });
});

describe('buildScorer', () => {
  it('gives yes/no scorers threshold 1 and graded ones 0.5, weight 1, unless configured', () => {
    for (const type of [
      'exact',
      'contains',
      'icontains',
      'starts_with',
      'regex',
      'json_valid',
      'numeric',
    ] as const) {
      expect(buildScorer({ type }, type)).toMatchObject({ threshold: 1, weight: 1 });
    }
    for (const type of ['levenshtein', 'token_f1'] as const) {
      expect(buildScorer({ type }, type)).toMatchObject({ threshold: 0.5, weight: 1 });
    }
    expect(buildScorer({ type: 'token_f1', threshold: 0.8, weight: 3 }, 'f1')).toMatchObject({
      threshold: 0.8,
      weight: 3,
    });
  });

  it('checks before sending that a scorer has something to compare with', () => {
    const exact = buildScorer({ type: 'exact' }, 'exact');
    expect(exact.check(goldenCase({ expected: undefined }))).toBe(
      'scorer "exact" needs a `value` or the case\'s `expected`',
    );
    expect(exact.check(goldenCase({ expected: 'x' }))).toBeUndefined();
    expect(
      buildScorer({ type: 'exact', value: 'x' }, 'v').check(goldenCase({ expected: undefined })),
    ).toBeUndefined();
    expect(
      buildScorer({ type: 'json_valid' }, 'j').check(goldenCase({ expected: undefined })),
    ).toBeUndefined();
  });

  it('reports an expected value that is not a valid pattern', () => {
    const msg = buildScorer({ type: 'regex' }, 're').check(goldenCase({ expected: '(unclosed' }));
    expect(msg).toMatch(/^scorer "re": expected is not a valid regular expression/);
  });

  it('names a case’s own scorers uniquely after the global ones', () => {
    const global = [buildScorer({ type: 'exact' }, 'exact')];
    expect(scorersFor(global, [])).toBe(global);
    const all = scorersFor(global, [
      { type: 'exact' },
      { type: 'exact' },
      { type: 'contains', name: 'has-days' },
    ]);
    expect(all.map((s) => s.name)).toEqual(['exact', 'exact#2', 'exact#3', 'has-days']);
  });

  it('numbers names past ones given explicitly, and names thousands of one type in turn', () => {
    const names = new ScorerNames(['exact']);
    const specs: ScorerConfig[] = [
      { type: 'exact', name: 'exact#3' },
      { type: 'exact' },
      { type: 'exact' },
      { type: 'exact' },
      { type: 'contains', name: 'exact' },
    ];
    expect(specs.map((s) => names.take(s))).toEqual([
      'exact#3',
      'exact#2',
      'exact#4',
      'exact#5',
      'exact#6',
    ]);
    const many = new ScorerNames();
    const taken = Array.from({ length: 20_000 }, () => many.take({ type: 'icontains' }));
    expect(new Set(taken).size).toBe(20_000);
    expect(taken.at(-1)).toBe('icontains#20000');
  });
});
