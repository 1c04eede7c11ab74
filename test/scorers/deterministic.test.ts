import { describe, expect, it } from 'vitest';
import type { ScorerConfig } from '../../src/config/schema.js';
import { buildScorer } from '../../src/scorers/build.js';
import { normalizeText, stripFence } from '../../src/scorers/normalize.js';
import { numericMatch } from '../../src/scorers/numeric.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import type { CallResult } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';

/** The score one scorer gives `output` for a case whose `expected` is given. */
async function score(spec: ScorerConfig, output: string, expected?: unknown): Promise<number> {
  const r = buildScorer(spec, spec.name ?? spec.type).score(output, goldenCase({ expected }));
  // Only a regex that might backtrack, or one on a long answer, is matched in a worker.
  if (r instanceof Promise && spec.type !== 'regex') {
    throw new Error('deterministic scorers are synchronous');
  }
  return (await r).score;
}

const HUNDRED_KB = 'lorem ipsum dolor sit amet '.repeat(4000); // 108,000 characters

describe('normalize', () => {
  it.each([
    ['a whole-output fence', '```json\n{"a": 1}\n```', '{"a": 1}'],
    ['a fence after prose', 'Here it is:\n```json\n{"a": 1}\n```\nAnything else?', '{"a": 1}'],
    ['a fence without a language', '```\n[1, 2]\n```', '[1, 2]'],
    ['a tilde fence', '~~~\nx\n~~~', 'x'],
    ['a longer fence holding a shorter one', '````\na ``` b\n````', 'a ``` b'],
    ['the first of two fences', '```\none\n```\n```\ntwo\n```', 'one'],
    ['no fence', '{"a": 1}', '{"a": 1}'],
    ['an unclosed fence', '```json\n{"a": 1}', '```json\n{"a": 1}'],
    ['an empty fence', '```\n```', ''],
  ])('strip_fence: %s', (_label, text, want) => {
    expect(stripFence(text)).toBe(want);
  });

  it('applies fence, then trim, then case, and nothing unless asked', () => {
    const text = '  ```\n  Straße OK  \n```  ';
    expect(normalizeText(text, undefined)).toBe(text);
    expect(normalizeText(text, {})).toBe(text);
    expect(normalizeText(text, { strip_fence: true, trim: true, lowercase: true })).toBe(
      'strasse ok',
    );
  });
});

type Row = [label: string, spec: ScorerConfig, output: string, expected: unknown, want: number];

const rows: Row[] = [
  // normalize on the text scorers: output and text value both rewritten (trim and case)
  ['exact + lowercase', { type: 'exact', normalize: { lowercase: true } }, 'PARIS', 'paris', 1],
  [
    'exact + lowercase folds the value too',
    { type: 'exact', normalize: { lowercase: true } },
    'paris',
    'PARIS',
    1,
  ],
  [
    'exact + strip_fence',
    { type: 'exact', normalize: { strip_fence: true } },
    '```\nYes\n```',
    'Yes',
    1,
  ],
  [
    'contains + lowercase, list value',
    { type: 'contains', normalize: { lowercase: true } },
    'A REFUND',
    ['credit', 'Refund'],
    1,
  ],
  ['starts_with + trim', { type: 'starts_with', normalize: { trim: true } }, '\n\nYes.', 'Yes', 1],
  [
    'levenshtein + lowercase',
    { type: 'levenshtein', normalize: { lowercase: true } },
    'KITTEN',
    'kitten',
    1,
  ],
  // regex: the output is normalised, the pattern never is (lowercasing \D would change it)
  [
    'regex + lowercase keeps the pattern',
    { type: 'regex', value: '^\\D+$', normalize: { lowercase: true } },
    'ABC',
    undefined,
    1,
  ],
  // json_valid: a fence is not JSON unless strip_fence says so
  ['json_valid fenced, strict', { type: 'json_valid' }, '```json\n{"a":1}\n```', undefined, 0],
  [
    'json_valid + strip_fence',
    { type: 'json_valid', normalize: { strip_fence: true } },
    'Sure:\n```json\n{"a":1}\n```',
    undefined,
    1,
  ],
  // numeric: relative tolerance against the expected value
  ['numeric rel_tolerance inside', { type: 'numeric', rel_tolerance: 0.05 }, 'about 104', 100, 1],
  ['numeric rel_tolerance outside', { type: 'numeric', rel_tolerance: 0.05 }, 'about 106', 100, 0],
  [
    'numeric the larger tolerance wins',
    { type: 'numeric', tolerance: 10, rel_tolerance: 0.01 },
    '109',
    100,
    1,
  ],
  ['numeric rel_tolerance of a negative', { type: 'numeric', rel_tolerance: 0.1 }, '-95', -100, 1],
  [
    'numeric rel_tolerance at zero is exact',
    { type: 'numeric', rel_tolerance: 0.5 },
    '0.001',
    0,
    0,
  ],
  // unicode
  ['exact unicode', { type: 'exact' }, 'Ωmega 東京 😀', 'Ωmega 東京 😀', 1],
  ['contains emoji', { type: 'contains' }, 'well done 👍🏽!', '👍🏽', 1],
  ['icontains Greek', { type: 'icontains' }, 'ΚΑΛΗΜΕΡΑ', 'καλημέρα', 0], // accents differ: not equal
  ['icontains Greek same accents', { type: 'icontains' }, 'ΚΑΛΗΜΈΡΑ', 'καλημέρα', 1],
  ['starts_with CJK', { type: 'starts_with' }, '東京は首都です', '東京', 1],
  ['numeric Arabic-Indic digits are not numbers', { type: 'numeric' }, '٤٢', 42, 0],
  ['numeric full-width answer with ASCII digits', { type: 'numeric' }, '答えは42です', 42, 1],
  // empty outputs
  ['exact empty vs empty', { type: 'exact' }, '', '', 1],
  ['exact empty vs text', { type: 'exact' }, '', 'Paris', 0],
  ['contains in empty', { type: 'contains' }, '', 'x', 0],
  ['contains the empty string', { type: 'contains' }, 'anything', '', 1],
  ['regex on empty', { type: 'regex', value: '^$' }, '', undefined, 1],
  ['numeric on empty', { type: 'numeric' }, '', 0, 0],
  ['json_valid on whitespace', { type: 'json_valid' }, '   ', undefined, 0],
  // outputs that are not what the scorer expects
  ['numeric on prose', { type: 'numeric' }, 'I cannot answer that.', 3, 0],
  ['numeric on JSON', { type: 'numeric' }, '{"answer": 42}', 42, 1],
  ['json_valid on prose', { type: 'json_valid' }, 'The JSON would be {a: 1}', undefined, 0],
  ['exact against an object value', { type: 'exact' }, '{"a":1}', { a: 1 }, 1],
  // very long outputs (~100 KB)
  ['contains in 100 KB', { type: 'contains' }, `${HUNDRED_KB}needle`, 'needle', 1],
  ['regex over 100 KB', { type: 'regex', value: 'needle$' }, `${HUNDRED_KB}needle`, undefined, 1],
  ['numeric last number of 100 KB', { type: 'numeric' }, `${HUNDRED_KB} 7`, 7, 1],
  [
    'json_valid 100 KB array',
    { type: 'json_valid' },
    JSON.stringify(HUNDRED_KB.split(' ')),
    undefined,
    1,
  ],
];

describe('deterministic scorers, table-driven', () => {
  it.each(rows)('%s', async (_label, spec, output, expected, want) => {
    expect(await score(spec, output, expected)).toBe(want);
  });

  it('applies the same absolute and relative tolerance rule everywhere', () => {
    // |got − want| ≤ max(tolerance, rel_tolerance · |want|)
    expect(numericMatch('1.02', 1, 0.02)).toBe(1);
    expect(numericMatch('1.0201', 1, 0.02)).toBe(0);
    expect(numericMatch('990', 1000, 0, 0.01)).toBe(1);
    expect(numericMatch('989', 1000, 0, 0.01)).toBe(0);
  });
});

describe('common keys on every scorer type', () => {
  // One output and case each type can score without a network: `not`, `weight`, `threshold`
  // and `value` behave the same for all of them.
  const cases: [ScorerConfig, string, unknown][] = [
    [{ type: 'exact' }, 'yes', 'yes'],
    [{ type: 'contains' }, 'yes', 'yes'],
    [{ type: 'icontains' }, 'YES', 'yes'],
    [{ type: 'starts_with' }, 'yes', 'yes'],
    [{ type: 'regex' }, 'yes', '^y'],
    [{ type: 'json_valid' }, '{}', undefined],
    [{ type: 'json_schema', schema: { type: 'object' } }, '{}', undefined],
    [{ type: 'numeric' }, '42', 42],
    [{ type: 'levenshtein' }, 'yes', 'yes'],
    [{ type: 'token_f1' }, 'yes', 'yes'],
    [{ type: 'rouge_l' }, 'yes', 'yes'],
    [{ type: 'bleu' }, 'yes', 'yes'],
    [{ type: 'classification' }, 'yes', 'yes'],
  ];

  it.each(cases)('%j: not, weight, threshold, value', async (spec, output, expected) => {
    const c = goldenCase({ expected });
    const plain = await buildScorer(spec, 's').score(output, c);
    expect(plain.score).toBe(1);
    expect((await buildScorer({ ...spec, not: true }, 's').score(output, c)).score).toBe(0);
    const tuned = buildScorer({ ...spec, weight: 3, threshold: 0.25 }, 's');
    expect(tuned).toMatchObject({ weight: 3, threshold: 0.25 });
    if (expected !== undefined) {
      // `value` wins over the case's expected: compare with something the output is not.
      const other = spec.type === 'numeric' ? 7 : spec.type === 'regex' ? '^z' : 'zzz';
      expect((await buildScorer({ ...spec, value: other }, 's').score(output, c)).score).toBe(0);
    }
  });

  it('gives every graded type the 0.5 default and every yes/no type 1', () => {
    const graded = ['levenshtein', 'token_f1', 'rouge_l', 'bleu'] as const;
    for (const type of graded) expect(buildScorer({ type }, type).threshold).toBe(0.5);
    expect(buildScorer({ type: 'json_schema', schema: {} }, 'j').threshold).toBe(1);
    expect(buildScorer({ type: 'classification' }, 'c').threshold).toBe(1);
  });
});

describe('scoreCall with several scorers', () => {
  const call = (output: string): CallResult => ({
    output,
    latency_ms: 10,
    input_tokens: 1,
    output_tokens: 1,
    cost_usd: 0,
    error: null,
    attempts: 1,
  });

  it('keeps each value under scores, the weighted mean as score, and the json_schema reason', async () => {
    const scorers = [
      buildScorer({ type: 'json_valid', weight: 1 }, 'json'),
      buildScorer(
        {
          type: 'json_schema',
          weight: 3,
          schema: { type: 'object', required: ['answer'] },
        },
        'shape',
      ),
    ];
    const r = await scoreCall(call('{"reply": 1}'), goldenCase(), scorers);
    expect(r.scores).toEqual({ json: 1, shape: 0 });
    expect(r.score).toBeCloseTo(0.25, 12);
    expect(r.pass).toBe(false);
    expect(r.reasons).toEqual({ shape: "(root) must have required property 'answer'" });
  });
});
