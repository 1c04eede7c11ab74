import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { targetMetrics } from '../../src/metrics/target-metrics.js';
import { buildScorer, scorerContext } from '../../src/scorers/build.js';
import {
  classificationMetrics,
  normalizeLabel,
  OTHER_LABEL,
} from '../../src/scorers/classification.js';
import { customResult, loadCustomModule } from '../../src/scorers/custom.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { ScorerError, ScorerSetupError } from '../../src/scorers/scorer.js';
import { ScoringWorkers } from '../../src/scorers/workers.js';
import type { SideResult } from '../../src/types.js';
import { answered } from '../helpers/call-result.js';
import { goldenCase } from '../helpers/golden-case.js';

const CUSTOM = fileURLToPath(new URL('./fixtures/custom', import.meta.url));

const call = answered;

// One pool for the file, as a run has: each module is loaded once per worker.
const workers = new ScoringWorkers();
afterAll(() => workers.close());

async function customScorer(module: string) {
  const file = path.join(CUSTOM, module);
  const ctx = scorerContext({ configDir: CUSTOM, workers });
  ctx.modules.set(file, await loadCustomModule(file, module, workers));
  return buildScorer({ type: 'custom', module }, 'mine', ctx);
}

describe('custom scorers', () => {
  it.each([
    ['a sync number', 'length.mjs', 'hello', { score: 0.5 }],
    ['a CommonJS module.exports', 'commonjs.cjs', 'yes', { score: 1 }],
    ['an empty output', 'length.mjs', '', { score: 0 }],
    ['a 100 KB output', 'length.mjs', 'x'.repeat(100_000), { score: 1 }],
  ])('%s', async (_label, module, output, want) => {
    expect(await (await customScorer(module)).score(output, goldenCase())).toEqual(want);
  });

  it("hands the module the answer's tool calls as its third argument", async () => {
    const s = await customScorer('called-refund.mjs');
    const calls = [{ name: 'refund', arguments: { amount: 25 } }];
    const r = await scoreCall({ ...call(''), tool_calls: calls }, goldenCase(), [s]);
    expect(r).toMatchObject({ scores: { mine: 1 }, reasons: { mine: 'refund of 25' } });
    expect(await s.score('text only', goldenCase())).toEqual({
      score: 0,
      reason: '0 calls, no refund',
    });
  });

  it('awaits an async module and keeps its reason in the report', async () => {
    const s = await customScorer('async-reason.mjs');
    const r = await scoreCall(
      call('a purple cow'),
      goldenCase({ id: 'c7', vars: { word: 'purple' } }),
      [s],
    );
    expect(r).toMatchObject({
      score: 1,
      pass: true,
      scores: { mine: 1 },
      reasons: { mine: 'looked for "purple" in case c7' },
    });
  });

  it('passes the output and a copy of the case, with `value` as expected', async () => {
    const s = await customScorer('sees-case.mjs');
    const c = goldenCase({
      id: 'k',
      input: 'Hi 👋',
      expected: 'Hello',
      tags: ['t'],
      vars: { v: 1 },
      metadata: { lang: 'en' },
    });
    const r = (await s.score('Bonjour', c)) as { reason: string };
    expect(JSON.parse(r.reason)).toEqual({
      output: 'Bonjour',
      id: 'k',
      input: 'Hi 👋',
      expected: 'Hello',
      tags: ['t'],
      metadata: { lang: 'en' },
    });
    expect(c.vars).toEqual({ v: 1 }); // the module's write went to its copy
  });

  it.each([
    ['throws', 'throws.mjs', 'custom scorer throws.mjs threw: boom: cannot parse the answer'],
    ['rejects with a string', 'rejects.mjs', 'custom scorer rejects.mjs threw: a bare string'],
    [
      'returns a string',
      'returns-string.mjs',
      'custom scorer returns-string.mjs returned "great": not a number; expected a number in 0..1 or {score, reason?}',
    ],
    [
      'returns 1.5',
      'out-of-range.mjs',
      'custom scorer out-of-range.mjs returned 1.5: outside 0..1; expected a number in 0..1 or {score, reason?}',
    ],
    [
      'returns NaN',
      'nan.mjs',
      'custom scorer nan.mjs returned NaN: not a number; expected a number in 0..1 or {score, reason?}',
    ],
    [
      'returns a numeric reason',
      'bad-reason.mjs',
      'custom scorer bad-reason.mjs returned {"score":1,"reason":42}: reason is not a string; expected a number in 0..1 or {score, reason?}',
    ],
  ])('a module that %s is a scorer error naming it', async (_label, module, message) => {
    const s = await customScorer(module);
    const r = await scoreCall(call('x'), goldenCase(), [s]);
    expect(r.error).toEqual({ kind: 'scorer', message: `scorer "mine" failed: ${message}` });
    expect(r).toMatchObject({ score: 0, pass: false });
    await expect(Promise.resolve(s.score('x', goldenCase()))).rejects.toBeInstanceOf(ScorerError);
  });

  it.each([
    ['a missing file', 'missing.mjs', /custom scorer module not found: missing\.mjs/],
    [
      'no default export',
      'no-default.mjs',
      /no-default\.mjs has no default export function; write `export default \(output, testCase\) => score`/,
    ],
    ['not a script', 'notes.txt', /must be a \.js or \.mjs file/],
    // (TypeScript modules are tried in the CLI e2e test: under vitest, Vite would transpile them.)
  ])('refuses %s when loading, before anything is sent', async (_label, module, message) => {
    const err = await loadCustomModule(path.join(CUSTOM, module), module, workers).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScorerSetupError);
    expect((err as ScorerSetupError).path).toBe('module');
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a module that does not parse', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-custom-'));
    writeFileSync(path.join(dir, 'broken.mjs'), 'export default (output =>\n');
    const err = await loadCustomModule(path.join(dir, 'broken.mjs'), 'broken.mjs', workers).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/^custom scorer module broken\.mjs failed to load: /);
  });

  it('accepts a number or {score, reason}', () => {
    expect(customResult(0, 'm')).toEqual({ score: 0 });
    expect(customResult({ score: 0.25 }, 'm')).toEqual({ score: 0.25 });
    expect(customResult({ score: 1, reason: 'r' }, 'm')).toEqual({ score: 1, reason: 'r' });
    expect(() => customResult(true, 'm')).toThrow(/returned true: not a number/);
    expect(() => customResult(undefined, 'm')).toThrow(/returned undefined: not a number/);
    expect(() => customResult({ reason: 'no score' }, 'm')).toThrow(/not a number/);
  });
});

describe('classification', () => {
  it.each([
    ['Positive', 'positive'],
    ['  **Positive**. ', 'positive'],
    ['"negative"', 'negative'],
    ['`Neutral`!', 'neutral'],
    ['Very   Positive', 'very positive'],
    ['« Positif »', 'positif'],
    ['STRASSE', 'strasse'],
    ['', ''],
  ])('normalises %j to %j', (text, want) => {
    expect(normalizeLabel(text)).toBe(want);
  });

  it('scores label equality, records both labels, and maps unknown predictions to (other)', () => {
    const free = buildScorer({ type: 'classification' }, 'label');
    expect(free.threshold).toBe(1);
    expect(free.score('**Spam**', goldenCase({ expected: 'spam' }))).toEqual({
      score: 1,
      label: { expected: 'spam', predicted: 'spam' },
    });
    const listed = buildScorer({ type: 'classification', labels: ['spam', 'ham'] }, 'label');
    expect(listed.score('I think it is spam', goldenCase({ expected: 'spam' }))).toEqual({
      score: 0,
      label: { expected: 'spam', predicted: OTHER_LABEL },
    });
    expect(listed.check(goldenCase({ expected: 'eggs' }))).toBe(
      'scorer "label": the expected label "eggs" is not one of labels: spam, ham',
    );
    expect(listed.check(goldenCase({ expected: ['spam'] }))).toBe(
      'scorer "label": the expected label must be one label, not a list',
    );
    expect(listed.score('', goldenCase({ expected: 'ham' }))).toMatchObject({ score: 0 });
  });

  it('computes accuracy, macro-F1 and the confusion matrix as scikit-learn does', () => {
    // y_true = [cat, cat, cat, dog, dog, bird], y_pred = [cat, cat, dog, dog, cat, bird]
    // sklearn.metrics.confusion_matrix (labels sorted: bird, cat, dog):
    //   [[1, 0, 0], [0, 2, 1], [0, 1, 1]]
    // F1: bird 2·1/(2·1+0+0) = 1; cat 2·2/(2·2+1+1) = 2/3; dog 2·1/(2·1+1+1) = 1/2
    // f1_score(average='macro') = (1 + 2/3 + 1/2)/3 = 13/18; accuracy_score = 4/6
    const pairs: [string, string][] = [
      ['cat', 'cat'],
      ['cat', 'cat'],
      ['cat', 'dog'],
      ['dog', 'dog'],
      ['dog', 'cat'],
      ['bird', 'bird'],
    ];
    const rows = pairs.map(
      ([expected, predicted]) => ({ label: { expected, predicted } }) as SideResult,
    );
    const m = classificationMetrics([...rows, undefined])!;
    expect(m.cases).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.macro_f1).toBeCloseTo(13 / 18, 12);
    expect(m.labels).toEqual(['bird', 'cat', 'dog']);
    expect(m.confusion).toEqual([
      [1, 0, 0],
      [0, 2, 1],
      [0, 1, 1],
    ]);
  });

  it('counts a predicted-only label in macro-F1 with F1 0, as sklearn does', () => {
    // y_true = [a, a], y_pred = [a, (other)]: a: 2·1/(2+0+1) = 2/3; (other): 0 → macro 1/3
    const rows = [
      { label: { expected: 'a', predicted: 'a' } },
      { label: { expected: 'a', predicted: OTHER_LABEL } },
    ] as SideResult[];
    const m = classificationMetrics(rows)!;
    expect(m.labels).toEqual([OTHER_LABEL, 'a']);
    expect(m.macro_f1).toBeCloseTo(1 / 3, 12);
  });

  it('leaves out the matrix, not the metrics, past 100 labels', () => {
    const rows = Array.from(
      { length: 150 },
      (_, i) => ({ label: { expected: `l${i}`, predicted: `l${i}` } }) as SideResult,
    );
    const m = classificationMetrics(rows)!;
    expect(m).toMatchObject({ accuracy: 1, macro_f1: 1, confusion: [] });
    expect(m.labels).toHaveLength(150);
  });

  it('puts the metrics under targets.<side>.classification through a real scoring pass', async () => {
    const s = buildScorer({ type: 'classification', labels: ['spam', 'ham'] }, 'label');
    const results = await Promise.all(
      [
        ['spam', 'Spam.'],
        ['ham', 'ham'],
        ['ham', 'spam'],
      ].map(([expected, output]) => scoreCall(call(output!), goldenCase({ expected }), [s])),
    );
    const errored = {
      ...results[0]!,
      label: undefined,
      error: { kind: 'timeout' as const, message: 't' },
    };
    const m = targetMetrics([...results, errored]);
    expect(m.classification).toEqual({
      cases: 3,
      accuracy: 2 / 3,
      // ham: 2·1/(2+0+1) = 2/3; spam: 2·1/(2+1+0) = 2/3
      macro_f1: 2 / 3,
      labels: ['ham', 'spam'],
      confusion: [
        [1, 1],
        [0, 1],
      ],
    });
    expect(targetMetrics([results[0]!]).classification?.accuracy).toBe(1);
    expect(targetMetrics([errored]).classification).toBeUndefined();
  });
});
