import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { readCsv } from '../../src/dataset/csv.js';
import { readJson } from '../../src/dataset/json.js';
import { jsonlPieces } from '../../src/dataset/jsonl.js';
import { type Dataset, loadDataset } from '../../src/dataset/load.js';
import { normalizeRecord } from '../../src/dataset/normalize.js';
import type { FormatReader } from '../../src/dataset/raw.js';
import { readYaml } from '../../src/dataset/yaml.js';
import { InputError, type InputProblem } from '../../src/errors.js';
import {
  checkInputError,
  fuzzProperty,
  must,
  mustSerialise,
  type Outcome,
  outcome,
  soup,
} from './support.js';

const SUITE = 'dataset';
const FORMATS = ['jsonl', 'json', 'yaml', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const READERS: Record<Format, FormatReader> = {
  // The whole file as one piece: what the loader reads, without its pauses.
  jsonl: (text, file) => [...jsonlPieces(text, file, Number.POSITIVE_INFINITY)][0]!,
  json: readJson,
  yaml: readYaml,
  csv: readCsv,
};

/** Problems about a whole file rather than a place in it; every other problem names its line. */
const WHOLE_FILE = /^(has no cases|\.\.\. and \d+ more problems|cannot read dataset file)/;

function checkProblem(p: InputProblem, file: string): void {
  must(p.file === file, `a problem without its file: ${JSON.stringify(p).slice(0, 300)}`);
  must(typeof p.message === 'string' && p.message.trim() !== '', 'a problem with no message');
  must(
    WHOLE_FILE.test(p.message) || (Number.isInteger(p.line) && p.line! >= 1),
    `a problem without a line: ${JSON.stringify(p).slice(0, 300)}`,
  );
}

/** What the run does with a loaded dataset: ids must pair up and the cases must serialise. */
function checkDataset(d: Dataset): void {
  const ids = new Set<string>();
  for (const c of d.cases) {
    must(typeof c.id === 'string' && c.id !== '', `case id ${String(c.id)}`);
    must(!ids.has(c.id), `duplicate id ${c.id} accepted`);
    ids.add(c.id);
    must(
      (typeof c.input === 'string' && c.input.trim() !== '') ||
        (Array.isArray(c.input) && c.input.length > 0),
      `case ${c.id} has input ${JSON.stringify(c.input)?.slice(0, 80)}`,
    );
    must(
      Number.isInteger(c.source.line) && c.source.line >= 1,
      `case ${c.id} at line ${c.source.line}`,
    );
  }
  mustSerialise(d.cases, 'the loaded cases');
}

// --- generated cases, in every format -------------------------------------------------------

const chat = fc.array(
  fc.record(
    {
      role: fc.constantFrom('user', 'system', 'assistant', '', 'tool'),
      content: fc.oneof(fc.string(), fc.integer()),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 3 },
);

const scorerLike = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom(
        'exact',
        'contains',
        'regex',
        'numeric',
        'json_schema',
        'nope',
        'custom',
      ),
      value: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('(', '[a-', '^(a+)+$'),
        fc.integer(),
      ),
      weight: fc.oneof(fc.double(), fc.integer()),
    },
    { requiredKeys: ['type'] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const record = fc.record(
  {
    id: fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom(null, '', ' ', 1.5, true, {}, [], 1e308, '__proto__'),
    ),
    input: fc.oneof(fc.string({ maxLength: 40 }), chat, fc.jsonValue({ maxDepth: 2 })),
    expected: fc.jsonValue({ maxDepth: 3 }),
    tags: fc.oneof(
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      fc.string(),
      fc.integer(),
    ),
    vars: fc.oneof(
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
      fc.string(),
    ),
    metadata: fc.jsonValue({ maxDepth: 2 }),
    assert: fc.oneof(fc.array(scorerLike, { maxLength: 2 }), scorerLike),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['input'] },
);

const INPUT_NAMES = ['input', 'user_input'];
const EXPECTED_NAMES = ['expected', 'ideal', 'target', 'expected_output', 'reference'];
const EXTRA_NAMES = [
  '__proto__',
  'constructor',
  'actual_output',
  'retrieved_contexts',
  'vars.x',
  'metadata.y',
  '',
];

type Rec = Record<string, unknown>;

/** A case the loader should take as it is, so accepted datasets are generated too. */
const validRecord = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/), fc.integer({ min: 0, max: 99 })),
    input: fc.oneof(
      fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim() !== ''),
      fc.array(fc.record({ role: fc.constantFrom('user', 'system'), content: fc.string() }), {
        minLength: 1,
        maxLength: 2,
      }),
    ),
    expected: fc.jsonValue({ maxDepth: 2 }),
    tags: fc.array(fc.stringMatching(/^[a-z]{1,5}$/), { maxLength: 2 }),
    vars: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.string({ maxLength: 8 })),
    assert: fc.array(
      fc.record({ type: fc.constantFrom('exact', 'contains'), value: fc.string({ maxLength: 6 }) }),
      { maxLength: 1 },
    ),
  },
  { requiredKeys: ['input'] },
);

/** A record under the names another tool would give its fields. */
const renamed = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: validRecord }, { weight: 1, arbitrary: record }),
    fc.nat(),
    fc.nat(),
    fc.nat(),
  )
  .map(([r, i, e, x]) => {
    const out: Rec = {};
    for (const [k, v] of Object.entries(r)) {
      const name =
        k === 'input'
          ? INPUT_NAMES[i % INPUT_NAMES.length]!
          : k === 'expected'
            ? EXPECTED_NAMES[e % EXPECTED_NAMES.length]!
            : k === 'extra'
              ? EXTRA_NAMES[x % EXTRA_NAMES.length]!
              : k;
      // defineProperty: `out.__proto__ = v` would set the prototype instead of a field.
      Object.defineProperty(out, name, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  });

function csvCell(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  return `"${text.replace(/"/g, '""')}"`;
}

function serialise(records: Rec[], format: Format, wrap: number): string {
  if (format === 'jsonl') return records.map((r) => JSON.stringify(r)).join('\n');
  const container = ['cases', 'samples', 'data'][wrap % 4];
  const top = container ? { [container]: records } : records;
  if (format === 'json') return JSON.stringify(top, null, wrap % 2 ? 2 : undefined);
  if (format === 'yaml') return toYaml(top, { aliasDuplicateObjects: false });
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return [
    columns.map(csvCell).join(','),
    ...records.map((r) => columns.map((c) => (c in r ? csvCell(r[c]) : '')).join(',')),
  ].join('\n');
}

function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

/** Damage as files really get it: a BOM, CRLF, a duplicated line, a cut, stray or invalid bytes. */
const damage = fc.record({
  bom: fc.boolean(),
  crlf: fc.boolean(),
  // Each is absent two times in three: a file damaged everywhere at once says little.
  duplicateLine: rarely(fc.nat()),
  cut: rarely(fc.nat()),
  junk: rarely(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }))),
});

type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function damaged(text: string, d: Damage): Buffer {
  let t = text;
  if (d.duplicateLine !== null) {
    const lines = t.split('\n');
    const i = d.duplicateLine % lines.length;
    lines.splice(i, 0, lines[i]!);
    t = lines.join('\n');
  }
  if (d.cut !== null) t = t.slice(0, d.cut % (t.length + 1));
  if (d.crlf) t = t.replace(/\n/g, '\r\n');
  let bytes = Buffer.from(t);
  if (d.junk !== null) {
    const at = d.junk[0] % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(d.junk[1]), bytes.subarray(at)]);
  }
  return d.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
}

describe('dataset readers and normaliser (pure)', () => {
  const PIECES: Record<Format, string[]> = {
    jsonl: [
      '{',
      '}',
      '[',
      ']',
      '"input"',
      '"id"',
      ':',
      ',',
      '"x"',
      '1',
      'null',
      '\n',
      '\r\n',
      '\\u0000',
      '"\\ud800"',
      '1e999',
      ' ',
    ],
    json: [
      '{',
      '}',
      '[',
      ']',
      '"cases"',
      '"input"',
      '"id"',
      ':',
      ',',
      '"x"',
      '-0',
      'true',
      '\n',
      '"\\',
      '1e999',
      ' ',
    ],
    yaml: [
      '- ',
      'input: ',
      'id: ',
      'cases:\n',
      '\n',
      '  ',
      '&a ',
      '*a',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '? ',
      '---\n',
      '|\n',
      '!!str ',
      '<<: *a',
    ],
    csv: [
      'input',
      'id',
      'expected',
      'tags',
      'vars',
      'assert',
      'vars.x',
      ',',
      '"',
      '""',
      '\n',
      '\r',
      '\r\n',
      '[',
      '{"a":1}',
      ' ',
    ],
  };

  for (const format of FORMATS) {
    fuzzProperty(
      SUITE,
      `${format}: arbitrary text gives records and problems with file and line, never a throw`,
      fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), soup(PIECES[format], 80)),
      async (text) => {
        const file = `golden.${format}`;
        let problemCount = 0;
        const result = await outcome(
          () => {
            const { records, problems } = READERS[format](text, file);
            const cases = [];
            for (const r of records) {
              must(Number.isInteger(r.line) && r.line >= 1, `a record at line ${r.line}`);
              const c = normalizeRecord(r, file, problems);
              if (c) cases.push(c.testCase);
            }
            for (const p of problems) checkProblem(p, file);
            mustSerialise(cases, 'the normalised cases');
            problemCount = problems.length;
          },
          () => false,
        );
        // A file with problems is what the loader turns into an InputError: count it as rejected.
        return problemCount > 0 ? 'rejected' : result;
      },
      { numRuns: 600 },
    );
  }
});

describe('dataset loader (files in a temp folder)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-fuzz-dataset-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  async function load(format: Format, bytes: Buffer | string): Promise<Outcome> {
    const name = `d${n++}.${format}`;
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    try {
      return await outcome(
        () => loadDataset(name, dir),
        (err) => err instanceof InputError,
        checkDataset,
        (err) => {
          checkInputError(err, file);
          for (const p of (err as InputError).problems) checkProblem(p, file);
        },
      );
    } finally {
      rmSync(file, { force: true });
    }
  }

  fuzzProperty(
    SUITE,
    'generated cases under any field names, damaged: cases or an InputError naming file:line',
    fc.record({
      format: fc.constantFrom(...FORMATS),
      records: fc.array(renamed, { minLength: 1, maxLength: 6 }),
      wrap: fc.nat(7),
      damage,
    }),
    ({ format, records, wrap, damage: d }) =>
      load(format, damaged(serialise(records, format, wrap), d)),
    { numRuns: 700 },
  );

  fuzzProperty(
    SUITE,
    'deep nesting in expected, vars or the top level: cases or an InputError, no stack overflow',
    fc.oneof(
      fc.record({
        format: fc.constantFrom('jsonl' as const, 'json' as const),
        depth: fc.integer({ min: 1, max: 100_000 }),
        where: fc.constantFrom('expected', 'vars', 'metadata', 'input', 'top'),
      }),
      fc.record({
        format: fc.constantFrom('yaml' as const, 'csv' as const),
        depth: fc.integer({ min: 1, max: 3_000 }),
        where: fc.constantFrom('expected', 'vars', 'metadata'),
      }),
    ),
    ({ format, depth, where }) => {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const value = where === 'vars' || where === 'metadata' ? deepObject : deep;
      let text: string;
      if (where === 'top') text = format === 'json' ? `[${deep}]` : deep;
      else if (format === 'jsonl') text = `{"id":"a","input":"q","${where}":${value}}\n`;
      else if (format === 'json') text = `[{"id":"a","input":"q","${where}":${value}}]`;
      else if (format === 'yaml') text = `- id: a\n  input: q\n  ${where}: ${value}\n`;
      else text = `id,input,${where}\na,q,${csvCell(value)}\n`;
      return load(format, text);
    },
    { numRuns: 60, shrink: false },
  );

  fuzzProperty(
    SUITE,
    'huge lines and many duplicate ids: cases or an InputError, bounded time',
    fc.record({
      format: fc.constantFrom(...FORMATS),
      lineKB: fc.integer({ min: 1, max: 2_000 }),
      duplicates: fc.integer({ min: 0, max: 3_000 }),
    }),
    ({ format, lineKB, duplicates }) => {
      const records: Rec[] = [{ id: 'big', input: 'x'.repeat(lineKB * 1024) }];
      for (let i = 0; i < duplicates; i++) records.push({ id: 'same', input: `q${i}` });
      return load(format, serialise(records, format, 0));
    },
    { numRuns: 16, shrink: false },
  );

  fuzzProperty(
    SUITE,
    'random bytes in any format: cases or an InputError naming the file',
    fc.record({ format: fc.constantFrom(...FORMATS), bytes: fc.uint8Array({ maxLength: 200 }) }),
    ({ format, bytes }) => load(format, Buffer.from(bytes)),
    { numRuns: 200 },
  );
});

// The YAML reader's alias limit is about the text's size: make sure an alias bomb still ends.
describe('dataset YAML aliases', () => {
  fuzzProperty(
    SUITE,
    'yaml: aliases from a few to a bomb give records or problems, never a throw',
    fc.record({ layers: fc.integer({ min: 0, max: 30 }), uses: fc.integer({ min: 0, max: 500 }) }),
    async ({ layers, uses }) => {
      const lines = ['x0: &a0 {input: q}'];
      for (let i = 1; i <= layers; i++) lines.push(`x${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
      lines.push(`cases: [${Array.from({ length: uses }, () => `*a${layers}`).join(', ')}]`);
      let problemCount = 0;
      const result = await outcome(
        () => {
          const { problems } = readYaml(`${lines.join('\n')}\n`, 'a.yaml');
          for (const p of problems) checkProblem(p, 'a.yaml');
          problemCount = problems.length;
        },
        () => false,
      );
      return problemCount > 0 ? 'rejected' : result;
    },
    { numRuns: 60 },
  );
});
