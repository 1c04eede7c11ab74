import { describe, expect, it } from 'vitest';
import { scanJson } from '../../src/dataset/json-scan.js';
import { hashId, normalizeRecord } from '../../src/dataset/normalize.js';
import type { InputProblem } from '../../src/errors.js';

function normalize(value: unknown) {
  const problems: InputProblem[] = [];
  const result = normalizeRecord({ line: 3, value }, 'g.jsonl', problems);
  return { result, problems };
}

describe('normalizeRecord', () => {
  it('fills defaults and records the source', () => {
    const { result, problems } = normalize({ id: 'a', input: 'q' });
    expect(problems).toEqual([]);
    expect(result).toEqual({
      testCase: {
        id: 'a',
        input: 'q',
        tags: [],
        vars: {},
        metadata: {},
        assert: [],
        source: { file: 'g.jsonl', line: 3 },
      },
      generatedId: false,
    });
    expect(result!.testCase).not.toHaveProperty('expected');
  });

  it('takes a single tag as a string', () => {
    expect(normalize({ input: 'q', tags: 'billing' }).result!.testCase.tags).toEqual(['billing']);
  });

  it('keeps falsy expected values such as 0, false and ""', () => {
    for (const expected of [0, false, '']) {
      expect(normalize({ input: 'q', expected }).result!.testCase.expected).toBe(expected);
    }
  });

  it('drops DeepEval actual_output and null unknown fields, keeps the rest as metadata', () => {
    const { result } = normalize({
      input: 'q',
      actual_output: 'old',
      comments: null,
      source_file: 'x.pdf',
    });
    expect(result!.testCase.metadata).toEqual({ source_file: 'x.pdf' });
  });

  it('returns the scorer as the schema parsed it', () => {
    const { result } = normalize({
      input: 'q',
      assert: [{ type: 'numeric', value: 3, tolerance: 0.5, weight: 2 }],
    });
    expect(result!.testCase.assert).toEqual([
      { type: 'numeric', value: 3, tolerance: 0.5, weight: 2 },
    ]);
  });

  it('marks derived ids, hashing the normalized chat input', () => {
    const { result } = normalize({ input: [{ role: 'user', content: 'hi', name: 'x' }] });
    expect(result!.generatedId).toBe(true);
    expect(result!.testCase.id).toBe(hashId([{ role: 'user', content: 'hi' }]));
  });

  it('returns no case when a field is wrong, even if input is fine', () => {
    const { result, problems } = normalize({ input: 'q', vars: 'x' });
    expect(result).toBeUndefined();
    expect(problems).toEqual([
      {
        file: 'g.jsonl',
        line: 3,
        path: 'vars',
        message: 'must be an object (key: value), got a string',
      },
    ]);
  });
});

describe('scanJson', () => {
  it('finds element starts of the top-level array or of a keyed array', () => {
    const text = '[ {"a": [1, {"b": "]"}]}, 2 ,"x" ]';
    expect(scanJson(text, null)).toEqual({ elements: [2, 26, 29] });
    expect(scanJson('{"data": [true, null], "x": {"data": [1]}}', 'data')).toEqual({
      elements: [10, 16],
    });
  });

  it('takes the last occurrence of a repeated key, as JSON.parse does', () => {
    expect(scanJson('{"cases": [1], "cases": [2, 3]}', 'cases').elements).toEqual([25, 28]);
  });

  it('locates syntax errors JSON.parse gives no position for', () => {
    expect(scanJson('[1,]', null).error).toBe(3);
    expect(scanJson('{"a": tru}', null).error).toBe(6);
    expect(scanJson('["\\q"]', null).error).toBe(2);
    expect(scanJson('[1] x', null).error).toBe(4);
    expect(scanJson('[1, 2', null).error).toBe(5);
    expect(scanJson('  "ok"  ', null).error).toBeUndefined();
  });
});
