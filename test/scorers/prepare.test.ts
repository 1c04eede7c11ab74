import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import { prepareScorers } from '../../src/scorers/prepare.js';
import type { GoldenCase, ScorerSpec } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

function config(scorers: string, extra = '') {
  return parseConfig(
    `version: 1
dataset: golden.jsonl
targets:
  baseline: {type: openai, base_url: "http://127.0.0.1:9/v1", model: a}
  candidate: {type: openai, base_url: "http://127.0.0.1:9/v1", model: b}
scorers:
${scorers}
${extra}`,
    'evalgate.yaml',
    {},
  ).config;
}

const withAssert = (id: string, line: number, assert: ScorerSpec[]): GoldenCase =>
  goldenCase({ id, assert, source: { file: 'golden.jsonl', line } });

async function prepare(cfg: ReturnType<typeof config>, cases: GoldenCase[] = [goldenCase()]) {
  const p = await prepareScorers(cfg, cases, {
    configFile: 'evalgate.yaml',
    configDir: FIXTURES,
    maxConsecutiveErrors: 5,
  });
  p.resources.close();
  return p;
}

describe('prepareScorers', () => {
  it('builds the global scorers and each case’s own, with unique names', async () => {
    const cfg = config(
      '  - {type: exact}\n  - {type: json_schema, schema: {file: order.schema.json}}',
    );
    const p = await prepare(cfg, [
      goldenCase(),
      withAssert('c2', 2, [{ type: 'exact' }, { type: 'custom', module: 'custom/length.mjs' }]),
    ]);
    expect(p.problems).toEqual([]);
    expect(p.scorers[0]!.map((s) => s.name)).toEqual(['exact', 'json_schema']);
    expect(p.scorers[1]!.map((s) => s.name)).toEqual(['exact', 'json_schema', 'exact#2', 'custom']);
    expect(p.scorers[0]).toBe(p.scorers[0]); // cases without `assert` share the global list
    expect(p.resources.usage()).toBeUndefined();
  });

  it('reports what cannot work with the file and field path, once per distinct problem', async () => {
    const cfg = config(
      [
        '  - {type: json_schema, schema: {type: object, requried: [a]}}',
        '  - {type: llm_judge, rubric: "Is it right?"}',
        '  - {type: embedding_similarity}',
        '  - {type: custom, module: custom/missing.mjs}',
        '  - {type: llm_judge, rubric: {file: nope.md}}',
      ].join('\n'),
    );
    const broken = { type: 'json_schema', schema: { file: 'broken.schema.json' } };
    const p = await prepare(cfg, [
      withAssert('a', 3, [broken]),
      withAssert('b', 4, [broken]),
      withAssert('c', 5, [{ type: 'custom', module: 'custom/no-default.mjs' }]),
    ]);
    const shown = p.problems.map(
      (x) => `${x.file}${x.line ? `:${x.line}` : ''} (${x.path}): ${x.message}`,
    );
    expect(shown).toEqual([
      expect.stringMatching(
        /^evalgate\.yaml \(scorers\.3\.module\): custom scorer module not found: custom\/missing\.mjs/,
      ),
      expect.stringMatching(
        /^golden\.jsonl:5 \(assert\.0\.module\): case "c": custom scorer module custom\/no-default\.mjs has no default export function/,
      ),
      expect.stringMatching(
        /^evalgate\.yaml \(scorers\.0\.schema\): is not a valid JSON Schema \(2020-12\): strict mode: unknown keyword: "requried"/,
      ),
      'evalgate.yaml (scorers.1): llm_judge needs a `judge:` target in the config',
      'evalgate.yaml (scorers.2): embedding_similarity needs an `embeddings:` endpoint in the config',
      expect.stringMatching(
        /^golden\.jsonl:3 \(assert\.0\.schema\.file\): case "a": cannot parse .*broken\.schema\.json/,
      ),
    ]);
  });

  it('refuses two classification scorers on one case', async () => {
    const cfg = config('  - {type: classification}');
    const p = await prepare(cfg, [
      goldenCase(),
      withAssert('two', 9, [{ type: 'classification', name: 'again' }]),
    ]);
    expect(p.problems).toEqual([
      {
        file: 'golden.jsonl',
        line: 9,
        message:
          'case "two" has more than one classification scorer; use one per case (the per-target confusion matrix describes it)',
      },
    ]);
  });
});

describe('scorer config keys', () => {
  const problems = (scorers: string, extra = '') => {
    try {
      config(scorers, extra);
      return [];
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return err.problems.map((p) => `${p.line}:${p.path}: ${p.message}`);
    }
  };

  it('accepts every scorer of the contract with its keys', () => {
    expect(
      problems(
        [
          '  - {type: json_schema, schema: {type: object}, normalize: {strip_fence: true}}',
          '  - {type: json_schema, schema: {file: s.json}}',
          '  - {type: numeric, tolerance: 0.01, rel_tolerance: 0.05}',
          '  - {type: rouge_l, threshold: 0.4}',
          '  - {type: bleu, weight: 2}',
          '  - {type: llm_judge, rubric: {file: rubric.md}}',
          '  - {type: embedding_similarity, threshold: 0.8}',
          '  - {type: classification, labels: [spam, ham]}',
          '  - {type: custom, module: scorers/mine.mjs, not: true}',
          '  - {type: exact, normalize: {trim: true, lowercase: true}, value: x}',
        ].join('\n'),
        'judge: {type: anthropic, base_url: "http://127.0.0.1:9", model: j}\nembeddings: {type: openai, base_url: "http://127.0.0.1:9/v1", model: e, batch_size: 100}',
      ),
    ).toEqual([]);
  });

  it.each([
    ['  - {type: numeric, rel_tolerance: -1}', /^7:scorers\.0\.rel_tolerance: /],
    [
      '  - {type: exact, normalize: {lowercas: true}}',
      /^7:scorers\.0\.normalize\.lowercas: unknown key "lowercas" \(did you mean "lowercase"\?\)/,
    ],
    ['  - {type: json_schema}', /^7:scorers\.0\.schema: is required/],
    ['  - {type: llm_judge}', /^7:scorers\.0\.rubric: is required/],
    ['  - {type: custom}', /^7:scorers\.0\.module: is required/],
    ['  - {type: classification, labels: []}', /^7:scorers\.0\.labels: /],
    ['  - {type: rouge_l, rubric: x}', /^7:scorers\.0\.rubric: unknown key "rubric"/],
    ['  - {type: rouge}', /^7:scorers\.0\.type: unknown type; .*\(did you mean "rouge_l"\?\)/],
  ])('refuses %s with its line and path', (scorers, message) => {
    expect(problems(scorers)).toEqual([expect.stringMatching(message)]);
  });

  it('allows only chat dialects for the judge and OpenAI for embeddings', () => {
    expect(
      problems('  - {type: exact}', 'judge: {type: http, url: "http://127.0.0.1:9", output: x}'),
    ).toEqual([
      expect.stringMatching(/^8:judge\.type: unknown type; expected one of: openai, anthropic/),
    ]);
    expect(
      problems(
        '  - {type: exact}',
        'embeddings: {type: anthropic, base_url: "http://127.0.0.1:9", model: e}',
      ),
    ).toEqual([expect.stringMatching(/^8:embeddings\.type: /)]);
  });
});
