import fc from 'fast-check';
import { describe } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseStoredBaseline } from '../../src/report/stored-baseline.js';
import { normalizeLabel } from '../../src/scorers/classification.js';
import { parseVerdict, VerdictError } from '../../src/scorers/judge-verdict.js';
import { stripFence } from '../../src/scorers/normalize.js';
import { lastNumber } from '../../src/scorers/numeric.js';
import { buildMessages, renderTemplate, TemplateError } from '../../src/targets/template.js';
import type { GoldenCase } from '../../src/types.js';
import { getPath } from '../../src/util/dot-path.js';
import {
  AWKWARD_NUMBERS,
  checkInputError,
  fuzzProperty,
  must,
  mustSerialise,
  outcome,
  soup,
} from './support.js';

const SUITE = 'other';

describe('judge verdicts', () => {
  const verdictObject = fc
    .record(
      {
        score: fc.oneof(
          fc.constantFrom(...AWKWARD_NUMBERS),
          fc.double(),
          fc.constantFrom('8/10', '0/0', '1/0', '80%', '1e308%', '-1', '10.0001', '0.5 ', '7 / 10'),
        ),
        pass: fc.oneof(fc.boolean(), fc.constantFrom('yes', 'NO', 'maybe', 1, null)),
        reason: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    )
    .map((o) => {
      const text = JSON.stringify(o) ?? '{}';
      return text.replace(/"(score|pass|reason)"/g, (m) => (m.length % 2 ? m.toUpperCase() : m));
    });
  const reply = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.tuple(fc.string(), verdictObject, fc.string()).map(([a, b, c]) => `${a}${b}${c}`),
    fc
      .tuple(
        fc.constantFrom('```json\n', 'Sure! ', ''),
        verdictObject,
        fc.constantFrom('\n```', '', ' {'),
      )
      .map((p) => p.join('')),
    soup([
      '{',
      '}',
      '"',
      '\\',
      '"score"',
      '"pass"',
      ':',
      ',',
      '0.8',
      'true',
      '10',
      '"8/10"',
      ' ',
      '\n',
      '```',
    ]),
  );

  fuzzProperty(
    SUITE,
    'judge verdict: a score in 0..1 or a VerdictError',
    reply,
    (text) =>
      outcome(
        () => parseVerdict(text),
        (err) => err instanceof VerdictError,
        (v) => {
          must(Number.isFinite(v.score) && v.score >= 0 && v.score <= 1, `score ${v.score}`);
          must(typeof v.reason === 'string', 'reason is not a string');
          must(v.pass === undefined || typeof v.pass === 'boolean', `pass ${String(v.pass)}`);
        },
        (err) =>
          must(
            (err as Error).message.length < 1_000,
            'an error message longer than 1,000 characters',
          ),
      ),
    { numRuns: 1_500 },
  );
});

/**
 * Parsers that read a model's answer must be linear: a hostile answer that takes quadratic time
 * blocks the event loop for seconds (every other call then times out). 400 ms for 24 KB is a
 * hundred times what a linear pass needs; a quadratic one needs seconds.
 */
const LINEAR_MS = 400;

const hostileAnswer = fc
  .record({
    unit: fc.constantFrom(
      '{',
      '{"a":',
      '{x',
      '{"',
      '"',
      '\\',
      '.',
      '.*',
      '**',
      '`',
      '```\n',
      '~~~ ',
      '\n',
      '1,',
      '1',
      ' ',
      '1e',
      '-',
      '},{',
    ),
    tail: fc.constantFrom('', 'x', '}', '```', '\n'),
    // Opened and closed again: `{x{x…}}` is balanced at every start, which a naive scan re-reads.
    nest: fc.boolean(),
    kb: fc.integer({ min: 16, max: 24 }),
  })
  .map(({ unit, tail, nest, kb }) => {
    const n = Math.ceil((kb * 1024) / unit.length);
    return { kb, unit, text: unit.repeat(n) + (nest ? '}'.repeat(n) : '') + tail };
  });

describe('answer parsers are linear', () => {
  const parsers: Record<string, (s: string) => unknown> = {
    'judge verdict': (s) => {
      try {
        return parseVerdict(s);
      } catch (err) {
        if (!(err instanceof VerdictError)) throw err;
      }
    },
    'code fence stripping': stripFence,
    'last number': lastNumber,
    'classification label': normalizeLabel,
  };
  for (const [name, parse] of Object.entries(parsers)) {
    fuzzProperty(
      SUITE,
      `${name}: a 16–24 KB repetitive answer is parsed in linear time`,
      hostileAnswer,
      ({ unit, text, kb }) =>
        outcome(
          () => {
            const started = performance.now();
            parse(text);
            const ms = performance.now() - started;
            must(ms < LINEAR_MS, `${Math.round(ms)} ms for ${kb} KB of ${JSON.stringify(unit)}`);
          },
          () => false,
        ),
      { numRuns: 25, shrink: false },
    );
  }
});

/** normalizeLabel as it was written first (replaces to a fixed point), as a reference model. */
function labelReference(text: string): string {
  let s = text.trim().toUpperCase().toLowerCase().replace(/\s+/g, ' ');
  let prev: string;
  do {
    prev = s;
    s = s
      .replace(/^["'`*_“‘«]+|["'`*_”’»]+$/g, '')
      .replace(/[.!?:;,]+$/, '')
      .trim();
  } while (s !== prev);
  return s;
}

describe('classification labels', () => {
  fuzzProperty(
    SUITE,
    'classification label: the one-pass normaliser equals the fixed-point reference',
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      soup(
        [
          '"',
          "'",
          '`',
          '*',
          '_',
          '“',
          '‘',
          '«',
          '”',
          '’',
          '»',
          '.',
          '!',
          '?',
          ':',
          ';',
          ',',
          ' ',
          '\t',
          '\n',
          'Yes',
          'no',
          'ß',
          '\u00a0',
          '\ufeff',
        ],
        20,
      ),
    ),
    (text) =>
      outcome(
        () => {
          const got = normalizeLabel(text);
          const want = labelReference(text);
          must(
            got === want,
            `${JSON.stringify(text)}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`,
          );
        },
        () => false,
      ),
    { numRuns: 1_000 },
  );
});

describe('stored baseline reports', () => {
  const recorded = fc.record(
    {
      output: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
      score: fc.oneof(fc.double(), fc.constantFrom(...AWKWARD_NUMBERS)),
      pass: fc.oneof(fc.boolean(), fc.constantFrom('true', 1)),
      scores: fc.oneof(
        fc.dictionary(
          fc.string({ maxLength: 4 }),
          fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(...AWKWARD_NUMBERS)),
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      latency_ms: fc.constantFrom(...AWKWARD_NUMBERS),
      input_tokens: fc.constantFrom(...AWKWARD_NUMBERS),
      output_tokens: fc.constantFrom(...AWKWARD_NUMBERS),
      cost_usd: fc.constantFrom(...AWKWARD_NUMBERS),
      error: fc.oneof(
        fc.constant(null),
        fc.record({ kind: fc.string(), message: fc.string() }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: [] },
  );
  // Mostly what our own reports write, so accepted recordings are generated too.
  const validSide = fc.record({
    output: fc.oneof(fc.string(), fc.constant(null)),
    score: fc.double({ min: 0, max: 1, noNaN: true }),
    pass: fc.boolean(),
    scores: fc.dictionary(fc.string({ maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true })),
    latency_ms: fc.nat(),
    input_tokens: fc.nat(),
    output_tokens: fc.nat(),
    cost_usd: fc.double({ min: 0, max: 1, noNaN: true }),
    error: fc.constant(null),
  });
  const sideOrBroken = fc.oneof(
    { weight: 3, arbitrary: validSide },
    { weight: 1, arbitrary: recorded },
  );
  const validReport = fc.record({
    schema_version: fc.constant(1),
    cases: fc.array(
      fc.record({
        id: fc.string({ maxLength: 6 }),
        candidate: sideOrBroken,
        baseline: sideOrBroken,
      }),
      { minLength: 1, maxLength: 4 },
    ),
    meta: fc.record(
      {
        only: fc.constantFrom('baseline', 'candidate'),
        datasets: fc.array(fc.string(), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  });
  const report = fc.record(
    {
      schema_version: fc.constantFrom(1, '1', 2, null),
      cases: fc.oneof(
        fc.array(
          fc.record(
            {
              id: fc.oneof(
                fc.string({ maxLength: 6 }),
                fc.constantFrom('__proto__', 'constructor', 1, null),
              ),
              candidate: recorded,
              baseline: recorded,
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      meta: fc.record(
        {
          only: fc.constantFrom('baseline', 'candidate', 1, null),
          models: fc.jsonValue({ maxDepth: 1 }),
          datasets: fc.jsonValue({ maxDepth: 1 }),
          started_at: fc.jsonValue({ maxDepth: 0 }),
          fingerprints: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );

  fuzzProperty(
    SUITE,
    'stored baseline: arbitrary and report-shaped JSON give results or an InputError with file and path',
    fc.oneof(
      validReport.map((r) => JSON.stringify(r)),
      report.map((r) => JSON.stringify(r)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    ),
    (text) =>
      outcome(
        () => parseStoredBaseline(text, 'baseline.json'),
        (err) => err instanceof InputError,
        (b) => {
          must(b.byId.size > 0, 'accepted with no results');
          for (const r of b.byId.values()) {
            must(Number.isFinite(r.score) && r.score >= 0 && r.score <= 1, `score ${r.score}`);
            for (const k of ['latency_ms', 'input_tokens', 'output_tokens', 'cost_usd'] as const)
              must(Number.isFinite(r[k]) && r[k] >= 0, `${k} ${r[k]}`);
          }
          must(Array.isArray(b.datasets), `datasets is ${typeof b.datasets}`);
          mustSerialise([...b.byId.values()], 'the recorded results');
        },
        (err) => checkInputError(err, 'baseline.json'),
      ),
    { numRuns: 1_000 },
  );
});

describe('templates and dot paths', () => {
  const name = fc.oneof(
    fc.constantFrom(
      'input',
      'expected',
      'id',
      'vars.x',
      'metadata.y',
      'vars.__proto__',
      'vars.constructor',
      'metadata.toString',
      'vars.',
      'nope',
      'vars.a.b',
    ),
    fc.string({ maxLength: 8 }),
  );
  const template = fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 10 }),
        name.map((n) => `{{ ${n} }}`),
        fc.constantFrom('{{', '}}', '{{{input}}}', '{{input}'),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(''));
  const testCase: fc.Arbitrary<GoldenCase> = fc.record({
    id: fc.string({ minLength: 1, maxLength: 6 }),
    input: fc.oneof(
      fc.string(),
      fc.array(
        fc.record({ role: fc.constantFrom('user', 'system', 'assistant'), content: fc.string() }),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    expected: fc.jsonValue({ maxDepth: 3 }),
    tags: fc.constant([]),
    vars: fc.dictionary(
      fc.constantFrom('x', 'a', 'a.b', '__proto__'),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    metadata: fc.dictionary(fc.constantFrom('y', 'toString'), fc.jsonValue({ maxDepth: 3 })),
    assert: fc.constant([]),
    source: fc.constant({ file: 'g.jsonl', line: 1 }),
  });

  fuzzProperty(
    SUITE,
    'templates: any template over any case renders text or throws TemplateError',
    fc.record({
      prompt: fc.option(template),
      system: fc.option(template),
      c: testCase,
      url: fc.boolean(),
    }),
    ({ prompt, system, c, url }) =>
      outcome(
        () =>
          url
            ? [
                {
                  role: 'user',
                  content: renderTemplate(prompt ?? '', c, undefined, encodeURIComponent),
                },
              ]
            : buildMessages(c, prompt ?? undefined, system ?? undefined),
        (err) => err instanceof TemplateError,
        (messages) => {
          for (const m of messages)
            must(
              typeof m.content === 'string' && typeof m.role === 'string',
              `message ${JSON.stringify(m)}`,
            );
        },
      ),
    { numRuns: 800 },
  );

  fuzzProperty(
    SUITE,
    'dot paths: any path over any JSON reads a JSON value or undefined, never the prototype',
    fc.record({
      json: fc.jsonValue({ maxDepth: 3 }),
      path: fc
        .array(
          fc.constantFrom(
            'a',
            '0',
            '1',
            '',
            '__proto__',
            'constructor',
            'toString',
            'length',
            'prototype',
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((s) => s.join('.')),
    }),
    ({ json, path }) =>
      outcome(
        () => getPath(json, path),
        () => false,
        (v) => {
          must(typeof v !== 'function', `${path} reached a function`);
          must(v !== Object.prototype && v !== Array.prototype, `${path} reached a prototype`);
        },
      ),
    { numRuns: 800 },
  );
});
