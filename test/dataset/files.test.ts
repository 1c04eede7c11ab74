import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayPath } from '../../src/dataset/files.js';
import { loadDataset } from '../../src/dataset/load.js';
import { FIXTURES, inputError, tempDir } from './helpers.js';

/** A folder with golden/{b,a,c}.jsonl and golden/extra/d.yaml, one case each named after the file. */
function goldenDir(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'golden', 'extra'), { recursive: true });
  for (const name of ['b', 'a', 'c']) {
    writeFileSync(path.join(dir, 'golden', `${name}.jsonl`), `{"id": "${name}", "input": "q"}\n`);
  }
  writeFileSync(path.join(dir, 'golden', 'extra', 'd.yaml'), '- id: d\n  input: q\n');
  return dir;
}

describe('dataset spec', () => {
  it('expands a glob in sorted order', async () => {
    const dir = goldenDir();
    const { cases, files } = await loadDataset('golden/*.jsonl', dir);
    expect(cases.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(files).toEqual(['a', 'b', 'c'].map((n) => path.join(dir, 'golden', `${n}.jsonl`)));
  });

  it('expands ** and brace globs across formats', async () => {
    const dir = goldenDir();
    const { cases } = await loadDataset('golden/**/*.{jsonl,yaml}', dir);
    expect(cases.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps list order, and loads a file named twice once', async () => {
    const dir = goldenDir();
    const { cases, files } = await loadDataset(
      ['golden/extra/d.yaml', 'golden/c.jsonl', 'golden/*.jsonl'],
      dir,
    );
    expect(cases.map((c) => c.id)).toEqual(['d', 'c', 'a', 'b']);
    expect(files).toHaveLength(4);
  });

  it('accepts absolute paths and globs, and globs that climb out of baseDir', async () => {
    const dir = goldenDir();
    const abs = await loadDataset(path.join(dir, 'golden', 'a.jsonl'), '/nonexistent');
    expect(abs.cases.map((c) => c.id)).toEqual(['a']);
    const absGlob = await loadDataset(`${dir}/golden/*.jsonl`, '/nonexistent');
    expect(absGlob.cases.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    const up = await loadDataset('../*.jsonl', path.join(dir, 'golden', 'extra'));
    expect(up.cases.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('takes an existing path literally even when it looks like a glob', async () => {
    const dir = tempDir({
      'cases[1].jsonl': '{"input": "literal"}\n',
      'cases1.jsonl': '{"input": "glob"}\n',
    });
    const { cases } = await loadDataset('cases[1].jsonl', dir);
    expect(cases.map((c) => c.input)).toEqual(['literal']);
  });

  it('does not interpret glob characters in baseDir', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'evals [v2]');
    mkdirSync(base);
    writeFileSync(path.join(base, 'a.jsonl'), '{"input": "x"}\n');
    const { cases } = await loadDataset('*.jsonl', base);
    expect(cases).toHaveLength(1);
  });

  it('reads extensions case-insensitively', async () => {
    const dir = tempDir({
      'A.JSONL': '{"input": "x"}\n',
      'B.YML': '- input: y\n',
      'C.CSV': 'input\nz\n',
    });
    const { cases } = await loadDataset('*', dir);
    expect(cases.map((c) => c.input)).toEqual(['x', 'y', 'z']);
  });
});

describe('file problems', () => {
  it('a missing file is named', async () => {
    const dir = tempDir();
    const err = await inputError(loadDataset('golden/nope.jsonl', dir));
    expect(err.message).toBe(
      `${path.join(dir, 'golden', 'nope.jsonl')}: dataset file not found (dataset: "golden/nope.jsonl")`,
    );
  });

  it('a glob matching nothing is named, with every other missing entry', async () => {
    const dir = goldenDir();
    const err = await inputError(loadDataset(['golden/*.csv', 'golden/a.jsonl', 'x.yaml'], dir));
    expect(err.message.split('\n')).toEqual([
      `dataset: "golden/*.csv" matched no files (looked in ${path.join(dir, 'golden')})`,
      `${path.join(dir, 'x.yaml')}: dataset file not found (dataset: "x.yaml")`,
    ]);
  });

  it('a folder is not a file', async () => {
    const dir = goldenDir();
    const err = await inputError(loadDataset('golden', dir));
    expect(err.message).toBe(
      `${path.join(dir, 'golden')}: is a folder; name the files, e.g. "golden/*.jsonl"`,
    );
  });

  it('an unsupported extension names the file and the supported ones', async () => {
    const dir = tempDir({ 'cases.txt': 'hello\n', notes: 'x', 'ok.jsonl': '{"input": "x"}\n' });
    const err = await inputError(loadDataset(['cases.txt', 'notes', 'ok.jsonl'], dir));
    expect(err.message.split('\n')).toEqual([
      `${path.join(dir, 'cases.txt')}: unsupported dataset format ".txt"; use one of .jsonl, .json, .yaml, .yml, .csv`,
      `${path.join(dir, 'notes')}: unsupported dataset format "(no extension)"; use one of .jsonl, .json, .yaml, .yml, .csv`,
    ]);
  });

  it('an empty list is an error', async () => {
    const err = await inputError(loadDataset([], tempDir()));
    expect(err.message).toBe('dataset: no dataset files given');
  });
});

describe('file names in cases', () => {
  it('are relative to the working directory inside it', async () => {
    const { cases } = await loadDataset(path.join(FIXTURES, 'inspect.csv'), '/');
    expect(cases[0]!.source).toEqual({
      file: path.join('test', 'dataset', 'fixtures', 'inspect.csv'),
      line: 2,
    });
  });

  it('are absolute outside it', () => {
    expect(displayPath('/elsewhere/a.jsonl', '/work/repo')).toBe('/elsewhere/a.jsonl');
    expect(displayPath('/work/repo/evals/a.jsonl', '/work/repo')).toBe(
      path.join('evals', 'a.jsonl'),
    );
    expect(displayPath('/work/repo2/a.jsonl', '/work/repo')).toBe('/work/repo2/a.jsonl');
    expect(displayPath('/work/repo/..data/a.jsonl', '/work/repo')).toBe(
      path.join('..data', 'a.jsonl'),
    );
  });
});
