import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { hashId } from '../../src/dataset/normalize.js';
import { FIXTURES, inputError, tempDir } from './helpers.js';

const CHAT = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hi, please' },
];

// The same three cases written in every format: each must load to exactly these.
const EXPECTED = [
  {
    id: 'refund-17',
    input: 'Can I get a refund?',
    expected: 'Yes, within 30 days',
    tags: ['billing'],
    vars: { plan: 'pro' },
    metadata: { lang: 'en' },
    assert: [{ type: 'contains', value: '30 days' }],
  },
  {
    id: 'grüß-1',
    input: 'Grüß dich! 👋 ¿qué tal? 日本語',
    expected: 'Hallo',
    tags: ['i18n', 'greeting'],
    vars: {},
    metadata: { lang: 'de' },
    assert: [],
  },
  { id: hashId(CHAT), input: CHAT, expected: 'hi', tags: [], vars: {}, metadata: {}, assert: [] },
];

describe.each([
  ['cases.jsonl', [1, 3, 4]],
  ['cases.json', [2, 11, 13]],
  ['cases.yaml', [3, 13, 19]],
  ['cases.csv', [2, 3, 5]],
])('%s', (name, lines) => {
  it('loads every case with its fields, its file and its line', async () => {
    const { cases, files } = await loadDataset(name, FIXTURES);
    const file = path.join('test', 'dataset', 'fixtures', name);
    expect(files).toEqual([file]);
    expect(cases.map(({ source, ...rest }) => rest)).toEqual(EXPECTED);
    expect(cases.map((c) => c.source)).toEqual(lines.map((line) => ({ file, line })));
  });
});

describe('ids', () => {
  it('derives a stable case- id from the input when none is given', async () => {
    const dir = tempDir({ 'a.jsonl': '{"input": "hello"}\n' });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases[0]!.id).toMatch(/^case-[0-9a-f]{12}$/);
    expect(cases[0]!.id).toBe(hashId('hello'));
    // The hash is sha256 of the JSON of the input, so other tools can compute it too.
    expect(hashId('hello')).toBe('case-5aa762ae383f');
  });

  it('turns numeric ids into strings', async () => {
    const dir = tempDir({ 'a.jsonl': '{"id": 7, "input": "x"}\n{"id": 0, "input": "y"}\n' });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases.map((c) => c.id)).toEqual(['7', '0']);
  });
});

describe('JSON', () => {
  it.each(['cases', 'samples', 'data'])('accepts an object with a "%s" array', async (key) => {
    const text = `{\n  "name": "demo",\n  "${key}": [\n    {"input": "a"},\n    {\n      "input": "b"\n    }\n  ]\n}\n`;
    const dir = tempDir({ 'a.json': text });
    const { cases } = await loadDataset('a.json', dir);
    expect(cases.map((c) => [c.input, c.source.line])).toEqual([
      ['a', 4],
      ['b', 5],
    ]);
  });

  it('finds the lines of cases in a minified file and past strings holding brackets', async () => {
    const text = '[{"input": "a [x] {y}", "tags": ["]"]}, {"input": "b\\"]"},\n{"input": "c"}]';
    const dir = tempDir({ 'a.json': text });
    const { cases } = await loadDataset('a.json', dir);
    expect(cases.map((c) => [c.input, c.source.line])).toEqual([
      ['a [x] {y}', 1],
      ['b"]', 1],
      ['c', 2],
    ]);
  });

  it('uses the case array under the first container key, ignoring look-alike nested keys', async () => {
    const text = '{\n"meta": {"cases": [1, 2]},\n"cases": [\n{"input": "only"}\n]\n}';
    const dir = tempDir({ 'a.json': text });
    const { cases } = await loadDataset('a.json', dir);
    expect(cases.map((c) => [c.input, c.source.line])).toEqual([['only', 4]]);
  });
});

describe('YAML', () => {
  it('accepts a top-level list, .yml, and anchors', async () => {
    const text = '- input: one\n  tags: &common [a]\n\n- input: two\n  tags: *common\n';
    const dir = tempDir({ 'a.yml': text });
    const { cases } = await loadDataset('a.yml', dir);
    expect(cases.map((c) => [c.input, c.tags, c.source.line])).toEqual([
      ['one', ['a'], 1],
      ['two', ['a'], 4],
    ]);
  });

  it('keeps multi-line block scalars as they are', async () => {
    const dir = tempDir({ 'a.yaml': 'cases:\n  - input: |\n      line one\n      line two\n' });
    const { cases } = await loadDataset('a.yaml', dir);
    expect(cases[0]!.input).toBe('line one\nline two\n');
  });
});

describe('JSONL', () => {
  it('skips blank and whitespace-only lines and accepts CRLF', async () => {
    const dir = tempDir({ 'a.jsonl': '\r\n{"input": "a"}\r\n   \r\n{"input": "b"}' });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases.map((c) => [c.input, c.source.line])).toEqual([
      ['a', 2],
      ['b', 4],
    ]);
  });

  it('loads 20,000 lines with every line number right', async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) =>
        `{"id": "c${i}", "input": "question ${i}", "expected": "answer ${i}", "tags": ["t${i % 7}"]}`,
    );
    const dir = tempDir({ 'big.jsonl': lines.join('\n') });
    const { cases } = await loadDataset('big.jsonl', dir);
    expect(cases).toHaveLength(20_000);
    expect(cases[19_999]!.source.line).toBe(20_000);
    expect(cases[12_345]).toMatchObject({ id: 'c12345', tags: ['t4'], source: { line: 12_346 } });
  });
});

describe('CSV', () => {
  it('splits tags on ";" or ",", or reads them as a JSON array', async () => {
    const csv = [
      'input,tags',
      'a,x;y',
      'b,"x, y"',
      'c,"[""x"", ""y, z""]"',
      'd,[draft]',
      'e,',
    ].join('\n');
    const dir = tempDir({ 'a.csv': csv });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases.map((c) => c.tags)).toEqual([
      ['x', 'y'],
      ['x', 'y'],
      ['x', 'y, z'],
      ['[draft]'],
      [],
    ]);
  });

  it('fills vars and metadata from dotted columns and JSON columns', async () => {
    const csv =
      'input,vars,vars.name,metadata.lang,source\nhi,"{""plan"": ""pro""}",Ada,en,forum\n';
    const dir = tempDir({ 'a.csv': csv });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases[0]).toMatchObject({
      vars: { plan: 'pro', name: 'Ada' },
      metadata: { lang: 'en', source: 'forum' },
    });
  });

  it('reads a JSON chat array in input but leaves other JSON-looking cells as strings', async () => {
    const csv = [
      'input,expected',
      '"[{""role"": ""user"", ""content"": ""hi""}]","{""a"": 1}"',
      '"[1, 2]",[3]',
      '[not json,x',
    ].join('\n');
    const dir = tempDir({ 'a.csv': csv });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases.map((c) => [c.input, c.expected])).toEqual([
      [[{ role: 'user', content: 'hi' }], '{"a": 1}'],
      ['[1, 2]', '[3]'],
      ['[not json', 'x'],
    ]);
  });

  it('accepts one scorer object or a list in the assert column', async () => {
    const csv =
      'input,assert\na,"{""type"": ""exact""}"\nb,"[{""type"": ""regex"", ""value"": ""^b""}]"\n';
    const dir = tempDir({ 'a.csv': csv });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases.map((c) => c.assert)).toEqual([
      [{ type: 'exact' }],
      [{ type: 'regex', value: '^b' }],
    ]);
  });

  it('numbers rows by the line they start on, across quoted line breaks, CRLF and blank rows', async () => {
    const csv = 'id,input\r\na,"one\r\ntwo"\r\n\r\n,,\r\nb,"x\ny\n\nz"\r\nc,plain';
    const dir = tempDir({ 'a.csv': csv });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases.map((c) => [c.id, c.input, c.source.line])).toEqual([
      ['a', 'one\r\ntwo', 2],
      ['b', 'x\ny\n\nz', 6],
      ['c', 'plain', 10],
    ]);
  });

  it('strips a byte order mark and ignores unnamed index columns (pandas to_csv)', async () => {
    const dir = tempDir({ 'a.csv': '\uFEFF,input,expected\n0,hi,hello\n' });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases[0]).toMatchObject({ input: 'hi', expected: 'hello', metadata: {} });
  });

  it('treats an empty cell as absent, not as an empty string', async () => {
    const dir = tempDir({ 'a.csv': 'id,input,expected\nx,hi,\n' });
    const { cases } = await loadDataset('a.csv', dir);
    expect(cases[0]).not.toHaveProperty('expected');
  });
});

describe('YAML anchors', () => {
  it('allow one shared scorer list on many cases', async () => {
    const head = '- input: q0\n  assert: &std\n    - type: contains\n      value: x\n';
    const rest = Array.from({ length: 500 }, (_, i) => `- input: q${i + 1}\n  assert: *std\n`).join(
      '',
    );
    const dir = tempDir({ 'a.yaml': head + rest });
    const { cases } = await loadDataset('a.yaml', dir);
    expect(cases).toHaveLength(501);
    expect(cases[500]!.assert).toEqual([{ type: 'contains', value: 'x' }]);
  });

  it('refuse a large value repeated past what a golden set may hold, at the first alias', async () => {
    // 1 MiB written once, used 600 times: 600 MiB once written out (report, hashes).
    const big = 'x'.repeat(1024 * 1024);
    const rest = Array.from({ length: 600 }, (_, i) => `- input: q${i + 1}\n  expected: *big\n`);
    const dir = tempDir({ 'a.yaml': `- input: q0\n  expected: &big "${big}"\n${rest.join('')}` });
    const err = await inputError(loadDataset('a.yaml', dir));
    expect(err.message).toBe(
      `${path.join(dir, 'a.yaml')}:4: its aliases expand it past 512 MiB, the most a golden set may hold; write the repeated values out, or make them smaller`,
    );
  });

  it('still refuse an alias bomb', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const dir = tempDir({
      'a.yaml': `cases:\n  - input: boom\n    vars:\n${levels.map((l) => `      ${l}`).join('\n')}\n`,
    });
    const err = await inputError(loadDataset('a.yaml', dir));
    expect(err.message).toBe(
      `${path.join(dir, 'a.yaml')}:5: invalid YAML: Excessive alias count indicates a resource exhaustion attack`,
    );
  });
});
