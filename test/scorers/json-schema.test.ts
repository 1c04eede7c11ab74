import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ScorerConfig } from '../../src/config/schema.js';
import { buildScorer, scorerContext } from '../../src/scorers/build.js';
import { draftOf, SchemaCache } from '../../src/scorers/json-schema.js';
import { ScorerSetupError } from '../../src/scorers/scorer.js';
import { goldenCase } from '../helpers/golden-case.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

function scorer(schema: Record<string, unknown>, extra: Partial<ScorerConfig> = {}) {
  return buildScorer(
    { type: 'json_schema', schema, ...extra } as ScorerConfig,
    'schema',
    scorerContext({ configDir: FIXTURES }),
  );
}

async function result(s: ReturnType<typeof scorer>, output: string) {
  return s.score(output, goldenCase());
}

function setupError(fn: () => unknown): ScorerSetupError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScorerSetupError) return err;
    throw err;
  }
  throw new Error('expected a ScorerSetupError');
}

const order = { file: 'order.schema.json' };

describe('json_schema', () => {
  it.each([
    ['a valid order', '{"id": 7, "email": "a@b.co", "items": ["tea"]}', 1, undefined],
    [
      'a format violation',
      '{"id": 7, "email": "not-an-email", "items": []}',
      0,
      '/email must match format "email"',
    ],
    [
      'a missing property',
      '{"id": 7, "items": []}',
      0,
      "(root) must have required property 'email'",
    ],
    [
      'an extra item (2020-12 prefixItems + items: false)',
      '{"id": 7, "email": "a@b.co", "items": ["tea", "milk"]}',
      0,
      '/items must NOT have more than 1 items',
    ],
    [
      'an extra property',
      '{"id": 7, "email": "a@b.co", "items": [], "x": 1}',
      0,
      '(root) must NOT have additional properties',
    ],
    ['prose instead of JSON', 'Your order is #7.', 0, 'the output is not JSON'],
    ['an empty output', '', 0, 'the output is not JSON'],
    ['JSON of the wrong type', '[1, 2]', 0, '(root) must be object'],
    ['unicode values', '{"id": 1, "email": "a@b.co", "items": ["東京 😀"]}', 1, undefined],
  ])('%s', async (_label, output, want, reason) => {
    const r = await result(scorer(order), output);
    expect(r.score).toBe(want);
    expect(r.reason).toBe(reason);
  });

  it('reads draft-07 from a YAML file: items as a tuple, additionalItems', async () => {
    const s = scorer({ file: 'point.schema.yaml' });
    expect((await result(s, '[1.5, 2]')).score).toBe(1);
    expect((await result(s, '[1.5, 2, 3]')).score).toBe(0);
    expect((await result(s, '[1.5, "2"]')).score).toBe(0);
  });

  it('uses draft 2020-12 when $schema is absent', () => {
    expect(draftOf({ type: 'object' })).toBe('2020-12');
    expect(draftOf({ $schema: 'https://json-schema.org/draft/2020-12/schema' })).toBe('2020-12');
    expect(draftOf({ $schema: 'https://json-schema.org/draft/2019-09/schema' })).toBe('2019-09');
    expect(draftOf({ $schema: 'http://json-schema.org/draft-07/schema#' })).toBe('draft-07');
    // The same keyword means different things by draft: tuple `items` is a 2020-12 error.
    expect(() => scorer({ type: 'array', items: [{ type: 'number' }] })).toThrow(
      /is not a valid JSON Schema \(2020-12\)/,
    );
  });

  it('strips a fence only when asked', async () => {
    const fenced = 'Here:\n```json\n{"id": 7, "email": "a@b.co", "items": []}\n```';
    expect((await result(scorer(order), fenced)).score).toBe(0);
    expect((await result(scorer(order, { normalize: { strip_fence: true } }), fenced)).score).toBe(
      1,
    );
  });

  it('validates a 100 KB output', async () => {
    const s = scorer({ type: 'array', items: { type: 'string', maxLength: 5 } });
    const big = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => String(i % 1000)));
    expect(big.length).toBeGreaterThan(100_000);
    expect((await result(s, big)).score).toBe(1);
  });

  it.each([
    [
      'an unknown keyword (a typo)',
      { type: 'object', requried: ['a'] },
      'schema',
      /unknown keyword: "requried"/,
    ],
    [
      'an unknown format',
      { type: 'string', format: 'postcode' },
      'schema',
      /unknown format "postcode"/,
    ],
    ['a bad type', { type: 'strng' }, 'schema', /is not a valid JSON Schema/],
    [
      'an unsupported draft',
      { $schema: 'http://json-schema.org/draft-04/schema#' },
      'schema.$schema',
      /unsupported JSON Schema version/,
    ],
    ['a missing file', { file: 'nope.json' }, 'schema.file', /schema file not found: .*nope\.json/],
    [
      'a file that is not JSON',
      { file: 'broken.schema.json' },
      'schema.file',
      /cannot parse .*broken\.schema\.json/,
    ],
  ])('refuses %s as bad input naming the field', (_label, schema, at, message) => {
    const err = setupError(() => scorer(schema as Record<string, unknown>));
    expect(err.path).toBe(at);
    expect(err.message).toMatch(message);
  });

  it('compiles each distinct schema once, even one with an $id used by many scorers', () => {
    const ctx = scorerContext({ configDir: FIXTURES });
    const compile = ctx.schemas.compile.bind(ctx.schemas);
    let compiled = 0;
    ctx.schemas.compile = (s) => {
      compiled++;
      return compile(s);
    };
    const a = buildScorer({ type: 'json_schema', schema: order }, 'a', ctx);
    const b = buildScorer({ type: 'json_schema', schema: order }, 'b', ctx);
    expect(a.score('{"id": 1, "email": "a@b.co", "items": []}', goldenCase())).toEqual({
      score: 1,
    });
    expect(b.score('{"id": 1, "email": "a@b.co", "items": []}', goldenCase())).toEqual({
      score: 1,
    });
    expect(compiled).toBe(2); // asked twice ...
    const cache = new SchemaCache();
    const schema = { $id: 'https://example.com/x', type: 'object' };
    // ... but ajv would throw "schema with key or id already exists" had it compiled twice.
    expect(cache.compile(schema)).toBe(cache.compile({ ...schema }));
  });

  it('resolves a schema file against the config folder', () => {
    const elsewhere = scorerContext({ configDir: path.dirname(FIXTURES) });
    expect(
      buildScorer(
        { type: 'json_schema', schema: { file: 'fixtures/order.schema.json' } },
        's',
        elsewhere,
      ).check(goldenCase()),
    ).toBeUndefined();
  });
});
