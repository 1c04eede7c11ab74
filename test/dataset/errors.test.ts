import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { inputError, locations, tempDir } from './helpers.js';

/** Loads one file from a fresh temp folder and returns the InputError's problems, paths relative. */
async function problemsOf(name: string, text: string) {
  const dir = tempDir({ [name]: text });
  const err = await inputError(loadDataset(name, dir));
  return {
    err,
    file: path.join(dir, name),
    lines: err.message.replaceAll(`${dir}${path.sep}`, '').split('\n'),
  };
}

describe('syntax errors name the file and line', () => {
  it('JSONL: every bad line, with the parse message', async () => {
    const { err, file, lines } = await problemsOf(
      'a.jsonl',
      '{"input": "ok"}\n{"input": "x",}\n\n{"input": tru}\n{"input": "y"} z\n',
    );
    expect(locations(err)).toEqual([`${file}:2`, `${file}:4`, `${file}:5`]);
    // V8 words its messages differently across Node versions: pin the place, not the prose.
    expect(lines[0]).toMatch(/^a\.jsonl:2: invalid JSON: .*property name.* \(column 15\)$/);
    expect(lines[1]).toMatch(/^a\.jsonl:4: invalid JSON: Unexpected token '}'$/);
    expect(lines[2]).toMatch(/^a\.jsonl:5: invalid JSON: .* \(column 16\)$/);
  });

  it('JSON: a trailing comma, where V8 gives no position', async () => {
    const { lines } = await problemsOf('a.json', '[\n  {"input": "a"},\n  {"input": "b"},\n]\n');
    expect(lines).toEqual(["a.json:4: invalid JSON: Unexpected token ']'"]);
  });

  it('JSON: a missing comma, where V8 gives the position', async () => {
    const { lines } = await problemsOf('a.json', '[\n  {"input": "a"}\n  {"input": "b"}\n]\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a\.json:3: invalid JSON: .*','/);
  });

  it('JSON: a truncated file points at its end', async () => {
    const { lines } = await problemsOf('a.json', '[\n  {"input": "a"},\n  {"input": "b"\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a\.json:4: invalid JSON: /);
  });

  it('YAML: the parser error with its line', async () => {
    const { lines } = await problemsOf('a.yaml', '- input: a\n- input: b\n  tags: [x\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a\.yaml:4: invalid YAML: /);
  });

  it('YAML: duplicate keys in a case', async () => {
    const { lines } = await problemsOf('a.yaml', '- input: a\n  input: b\n');
    expect(lines).toEqual(['a.yaml:2: invalid YAML: Map keys must be unique']);
  });

  it('CSV: every broken row with its own line, and the rows after them still checked', async () => {
    const { lines } = await problemsOf(
      'a.csv',
      'id,input\n1,a,b,c\n2,"x"y\n3,ok\n4,\n5,"never closed\n',
    );
    expect(lines).toEqual([
      'a.csv:2: row has 4 fields but the header has 2 columns (an unquoted comma or quote?)',
      'a.csv:3: invalid CSV: Invalid Closing Quote: got "y" instead of delimiter, record delimiter, trimable character (if activated) or comment',
      'a.csv:5 (input): is required: the question or chat messages to send (alias: "user_input"), or the conversation as "messages"',
      'a.csv:6: invalid CSV: Quote Not Closed: the parsing is finished with an opening quote',
    ]);
  });

  it('CSV: a header naming a column twice', async () => {
    const { lines } = await problemsOf('a.csv', 'input,tags,tags\na,b,c\n');
    expect(lines).toEqual(['a.csv:1: column "tags" appears twice in the header']);
  });

  it('CSV: an assert cell that is not JSON', async () => {
    const { lines } = await problemsOf('a.csv', 'input,assert\na,not json\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a\.csv:2 \(assert\): is not valid JSON: Unexpected token 'o'$/);
  });
});

describe('case problems name the file, the line and the field', () => {
  it('collects every problem of every case before throwing', async () => {
    const text = [
      '{"input": "fine"}',
      '[1]',
      '{"id": {}, "input": 3, "tags": [1], "vars": [], "metadata": "m", "assert": {"type": "exact"}}',
      '{"inptu": "x"}',
      '{"input": [{"role": "user"}, {"content": 1}, "hi"]}',
      '{"input": "  "}',
      '{"input": []}',
      '{"input": "ok", "tags": {"a": 1}, "id": true}',
      `{"input": "ok", "id": "${'i'.repeat(257)}"}`,
    ].join('\n');
    const { lines } = await problemsOf('a.jsonl', text);
    expect(lines).toEqual([
      'a.jsonl:2: each case must be an object with an "input", got an array',
      'a.jsonl:3 (input): must be a string or a list of {role, content} messages, got a number',
      'a.jsonl:3 (id): must be a non-empty string or a number, got an object',
      'a.jsonl:3 (tags.0): must be a string, got a number',
      'a.jsonl:3 (vars): must be an object (key: value), got an array',
      'a.jsonl:3 (metadata): must be an object (key: value), got a string',
      'a.jsonl:3 (assert): must be a list of scorers, got an object',
      'a.jsonl:4 (input): is required: the question or chat messages to send (alias: "user_input"), or the conversation as "messages"; did you mean "inptu"?',
      'a.jsonl:5 (input.0.content): is required',
      'a.jsonl:5 (input.1.role): is required',
      'a.jsonl:5 (input.1.content): must be a string, got a number',
      'a.jsonl:5 (input.2): each message must be an object {role, content}, got a string',
      'a.jsonl:6 (input): must not be empty',
      'a.jsonl:7 (input): must not be an empty list of messages',
      'a.jsonl:8 (id): must be a non-empty string or a number, got a boolean',
      'a.jsonl:8 (tags): must be a string or a list of strings, got an object',
      'a.jsonl:9 (id): is 257 characters long; keep ids to 256 or fewer',
    ]);
  });

  it('names the alias the user wrote when its value is wrong', async () => {
    const { lines } = await problemsOf(
      'a.jsonl',
      '{"user_input": [{"role": "user", "content": ["part"]}]}',
    );
    expect(lines).toEqual(['a.jsonl:1 (user_input.0.content): must be a string, got an array']);
  });

  it('stops at 20 problems a file and says how many more there are', async () => {
    const text = Array.from({ length: 30 }, () => '{"expected": "x"}').join('\n');
    const { err, lines } = await problemsOf('a.jsonl', text);
    expect(err.problems).toHaveLength(21);
    expect(lines[19]).toMatch(/^a\.jsonl:20 \(input\): is required/);
    expect(lines[20]).toBe('a.jsonl: ... and 10 more problems in this file');
  });

  it('reports problems in several files together', async () => {
    const dir = tempDir({ 'a.jsonl': '{"expected": 1}\n', 'b.yaml': '- input: ok\n- tags: x\n' });
    const err = await inputError(loadDataset(['a.jsonl', 'b.yaml'], dir));
    expect(locations(err)).toEqual([path.join(dir, 'a.jsonl:1'), path.join(dir, 'b.yaml:2')]);
  });
});

describe('assert is checked against the scorer schema', () => {
  it('JSON: unknown scorer type and unknown key, with field paths', async () => {
    const { err, lines } = await problemsOf(
      'a.json',
      '[\n  {"input": "a",\n   "assert": [{"type": "exakt"}, {"type": "regex", "valu": "x"}]}\n]\n',
    );
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([
      [2, 'assert.0.type'],
      [2, 'assert.1.valu'],
    ]);
    expect(lines[0]).toMatch(
      /^a\.json:2 \(assert\.0\.type\): unknown type; expected one of: exact, /,
    );
    expect(lines[1]).toMatch(
      /^a\.json:2 \(assert\.1\.valu\): unknown key "valu" \(did you mean "value"\?\)/,
    );
  });

  it('YAML: the line of the offending key itself', async () => {
    const { err, lines } = await problemsOf(
      'a.yaml',
      'cases:\n  - input: a\n    assert:\n      - type: exact\n        threshhold: 1\n      - type: contains\n        weight: heavy\n',
    );
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([
      [5, 'assert.0.threshhold'],
      [7, 'assert.1.weight'],
    ]);
    expect(lines[0]).toMatch(
      /^a\.yaml:5 \(assert\.0\.threshhold\): unknown key "threshhold" \(did you mean "threshold"\?\)/,
    );
  });

  it('JSONL and CSV: the case line', async () => {
    const jsonl = await problemsOf(
      'a.jsonl',
      '{"input": "a"}\n{"input": "b", "assert": [{"value": 1}]}\n',
    );
    expect(jsonl.err.problems.map((p) => [p.line, p.path])).toEqual([[2, 'assert.0.type']]);
    const csv = await problemsOf('a.csv', 'input,assert\na,\nb,"[{""type"": ""nope""}]"\n');
    expect(csv.err.problems.map((p) => [p.line, p.path])).toEqual([[3, 'assert.0.type']]);
    expect(csv.lines[0]).toMatch(/^a\.csv:3 \(assert\.0\.type\): unknown type; expected one of: /);
  });
});

describe('duplicate ids', () => {
  it('names both places, within a file and across files', async () => {
    const dir = tempDir({
      'a.jsonl':
        '{"id": "x", "input": "1"}\n{"id": "y", "input": "2"}\n{"id": "x", "input": "3"}\n',
      'b.yaml': '- id: y\n  input: four\n',
    });
    const err = await inputError(loadDataset(['a.jsonl', 'b.yaml'], dir));
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.yaml');
    expect(err.message.split('\n')).toEqual([
      `${a}:3 (id): duplicate id "x" (first at ${a}:1)`,
      `${b}:1 (id): duplicate id "y" (first at ${a}:2)`,
    ]);
  });

  it('numeric and string ids collide ("7" and 7 are the same case in a report)', async () => {
    const { lines } = await problemsOf(
      'a.jsonl',
      '{"id": 7, "input": "1"}\n{"id": "7", "input": "2"}\n',
    );
    expect(lines[0]).toMatch(/^a\.jsonl:2 \(id\): duplicate id "7" \(first at .*a\.jsonl:1\)$/);
  });

  it('explains a collision between generated ids', async () => {
    const { lines } = await problemsOf('a.jsonl', '{"input": "same"}\n{"input": "same"}\n');
    expect(lines[0]).toMatch(/duplicate id "case-[0-9a-f]{12}".*same input: give them ids$/);
  });
});

describe('empty datasets', () => {
  it.each([
    ['a.jsonl', ''],
    ['a.jsonl', '\n  \n'],
    ['a.json', '[]'],
    ['a.json', '{"cases": []}'],
    ['a.yaml', ''],
    ['a.yaml', '# only a comment\n'],
    ['a.yaml', 'cases: []\n'],
    ['a.csv', ''],
    ['a.csv', 'id,input,expected\n'],
    ['a.csv', 'id,input\n,\n'],
  ])('%s containing %j has no cases', async (name, text) => {
    const { lines } = await problemsOf(name, text);
    expect(lines).toEqual([`${name}: has no cases`]);
  });

  it('rejects a top level that holds no case list', async () => {
    expect((await problemsOf('a.yaml', 'foo: 1\n')).lines).toEqual([
      'a.yaml:1: expected a list of cases, or a mapping with a "cases:", "samples:", "data:" list',
    ]);
    expect((await problemsOf('a.json', '{"cases": 3}')).lines).toEqual([
      'a.json:1 (cases): expected an array of cases, got a number',
    ]);
    expect((await problemsOf('a.json', '"text"')).lines).toEqual([
      'a.json:1: expected an array of cases, got a string',
    ]);
    expect((await problemsOf('a.yaml', 'just text\n')).lines).toEqual([
      'a.yaml:1: expected a list of cases, got a string',
    ]);
  });
});
