// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe } from 'vitest';
import { type LoadedConfig, loadConfig, parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import {
  AWKWARD_NUMBERS,
  checkInputError,
  FuzzFailure,
  fuzzProperty,
  must,
  mustSerialise,
  nested,
  type Outcome,
  outcome,
  soup,
} from './support.js';

const FILE = 'evalgate.yaml';
const SUITE = 'config';

// Set variables look like keys, so a message that echoes one is a leak the property can see.
const KEY_A = 'sk-fuzzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_B = 'sk-fuzzBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const ENV: NodeJS.ProcessEnv = { KEY_A, KEY_B, NUMBER: '0.2', EMPTY: '' };
const SECRETS = [KEY_A, KEY_B];

/** A config that uses most sections, so mutations reach most of the schema. */
const VALID = {
  version: 1,
  dataset: ['golden.jsonl', 'more/*.jsonl'],
  targets: {
    baseline: {
      type: 'openai',
      base_url: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      api_key_env: 'OPENAI_API_KEY',
      prompt: { file: 'prompt.md' },
      price: { input_per_mtok: 0.15, output_per_mtok: 0.6 },
      headers: { 'x-team': 'evals' },
      rpm: 500,
    },
    candidate: {
      type: 'http',
      url: 'https://app.example.com/ask?q={{input}}',
      method: 'POST',
      body: { question: '{{input}}', history: '{{input}}' },
      output: 'data.answer',
      usage: { input_tokens: 'usage.in', output_tokens: 'usage.out' },
      timeout_ms: 30000,
    },
  },
  judge: {
    type: 'anthropic',
    base_url: 'https://api.anthropic.com',
    model: 'claude-3-5-haiku-latest',
  },
  scorers: [
    { type: 'exact', normalize: { trim: true, lowercase: true } },
    { type: 'regex', value: '^\\d+$', flags: 'i' },
    { type: 'numeric', tolerance: 0.01 },
    { type: 'llm_judge', rubric: 'Is it right?', weight: 2 },
    { type: 'classification', labels: ['yes', 'no'] },
  ],
  budgets: {
    quality: { max_drop: '5%' },
    latency_p95: { max_increase: 0.2 },
    cost: { max_increase: '10%' },
    drift: { max_psi: 0.25 },
  },
  slices: { by: ['tags'], min_cases: 10 },
  gate: { confidence: 0.95, min_cases: 30, on_inconclusive: 'fail' },
  run: {
    concurrency: 8,
    retries: 2,
    max_cost_usd: 5,
    max_response_bytes: 1048576,
    cache: { dir: '.cache' },
  },
};

/** A YAML scalar or fragment written as is (`.nan`, `-0`, an anchor), not JSON-quoted. */
class Raw {
  constructor(readonly text: string) {}
}

/** JSON-shaped YAML, one entry per line, so lines in messages mean something; Raw goes in verbatim. */
function emit(v: unknown, indent = ''): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${v.map((x) => inner + emit(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${emit(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Every path to a value in the valid config, for mutations to pick from. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...paths(x, [...at, i]));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}
const PATHS = paths(VALID);

const longString = fc.integer({ min: 1_000, max: 50_000 }).map((n) => 'x'.repeat(n));

/** Values that replace a field of the valid config. */
const awkwardValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...AWKWARD_NUMBERS),
  fc.constantFrom(
    ...[
      '.nan',
      '.inf',
      '-.inf',
      '-0',
      '0o17',
      '1e999',
      '~',
      '!!binary aGVsbG8=',
      '!!str 5',
      '!!float 1e308',
      '!unknown x',
      '"${KEY_A}"',
      '"${UNSET_VAR}"',
      '"${UNSET_VAR:-0.1}"',
      '"${NUMBER}"',
      '"${EMPTY}"',
      '"$${KEY_A}"',
      '"${KEY_A}%"',
      '"${KEY_B}${KEY_A}"',
      '"${"',
      '"20%"',
      '"1e999%"',
      '"-5%"',
      '"https://${KEY_A}@example.com/v1"',
    ].map((t) => new Raw(t)),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  longString,
  nested('[', ']', '1', 2_000).map((t) => new Raw(t)),
  nested('{"a": ', '}', '1', 2_000).map((t) => new Raw(t)),
);

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The object holding the value at `at`, if an earlier mutation left that path in place. */
function parentOf(
  root: unknown,
  at: (string | number)[],
): Record<string | number, unknown> | undefined {
  let cur = root;
  for (const step of at.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur !== null && typeof cur === 'object'
    ? (cur as Record<string | number, unknown>)
    : undefined;
}

/** A one-character slip: the kind of typo a strict schema has to name. */
function typo(key: string, pos: number, kind: number): string {
  const i = pos % (key.length + 1);
  if (kind === 0) return key.slice(0, i) + key.slice(i + 1);
  if (kind === 1) return `${key.slice(0, i)}x${key.slice(i)}`;
  if (kind === 2 && i + 1 < key.length)
    return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  return key.toUpperCase();
}

type Mutation =
  | { op: 'drop'; at: (string | number)[] }
  | { op: 'rename'; at: (string | number)[]; pos: number; kind: number }
  | { op: 'replace'; at: (string | number)[]; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.constantFrom(...PATHS) }),
  fc.record({
    op: fc.constant('rename' as const),
    at: fc.constantFrom(...PATHS.filter((p) => typeof p.at(-1) === 'string')),
    pos: fc.nat(30),
    kind: fc.nat(3),
  }),
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.constantFrom(...PATHS),
    value: awkwardValue,
  }),
);

function mutate(mutations: Mutation[]): string {
  const root = clone(VALID) as unknown;
  for (const m of mutations) {
    const parent = parentOf(root, m.at);
    const last = m.at.at(-1)!;
    if (parent === undefined || !(last in parent)) continue;
    if (m.op === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.op === 'rename') {
      if (Array.isArray(parent)) continue;
      const value = parent[last];
      delete parent[last];
      parent[typo(String(last), m.pos, m.kind)] = value;
    } else {
      parent[last] = m.value;
    }
  }
  return `${emit(root)}\n`;
}

/** An accepted config: every number finite, and the whole of it serialisable (fingerprints, report). */
function checkConfig(loaded: LoadedConfig): void {
  mustSerialise(loaded.config, 'the accepted config');
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'number') must(Number.isFinite(v), `${at} is ${v}`);
    else if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${at}.${i}`);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
  };
  walk(loaded.config, 'config');
}

/** A rejected config: the InputError invariants, a line or a field path on each problem, no key echoed. */
function checkRejection(err: unknown): void {
  checkInputError(err, FILE);
  for (const p of (err as InputError).problems)
    must(
      p.line !== undefined || p.path !== undefined,
      `a problem with neither line nor path: ${p.message}`,
    );
  const text = (err as InputError).message;
  for (const secret of SECRETS)
    must(!text.includes(secret), `the message echoes a variable's value: ${text.slice(0, 300)}`);
}

function parseOutcome(text: string, env: NodeJS.ProcessEnv = ENV): Promise<Outcome> {
  return outcome(
    () => parseConfig(text, FILE, env),
    (err) => err instanceof InputError,
    checkConfig,
    checkRejection,
  );
}

const VALID_TEXT = `${emit(VALID)}\n`;

describe('config parser', () => {
  fuzzProperty(
    SUITE,
    'arbitrary text: a config or an InputError',
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      soup([
        'version: 1\n',
        'dataset: x.jsonl\n',
        'targets:\n',
        '  baseline:\n',
        '    type: openai\n',
        '- ',
        '  ',
        ': ',
        '\n',
        '&a ',
        '*a',
        '<<: *a\n',
        '{',
        '}',
        '[',
        ']',
        ',',
        '"',
        "'",
        '#',
        '? ',
        '---\n',
        '...\n',
        '|\n',
        '>-\n',
        '!!map ',
        '%YAML 1.2\n',
        '${KEY_A}',
        '${UNSET}',
        '\t',
        '\r\n',
        '\uFEFF',
      ]),
    ),
    (text) => parseOutcome(text),
    { numRuns: 1_000 },
  );

  fuzzProperty(
    SUITE,
    'arbitrary JSON-like documents: a config or an InputError',
    fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fc.record({
        version: fc.constantFrom(1, '1', 2, null),
        dataset: fc.oneof(fc.string(), fc.array(fc.string())),
        targets: fc.dictionary(
          fc.constantFrom('baseline', 'candidate', 'baseline ', 'other'),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        run: fc.dictionary(
          fc.constantFrom('concurrency', 'retries', 'seed', 'max_response_bytes', 'rpm'),
          fc.constantFrom(...AWKWARD_NUMBERS),
        ),
      }),
    ),
    (doc) => parseOutcome(`${JSON.stringify(doc) ?? 'null'}\n`),
    { numRuns: 300 },
  );

  fuzzProperty(
    SUITE,
    'mutations of a valid config (drop, typo, retype, huge, deep): a config or an InputError',
    fc.array(mutation, { minLength: 1, maxLength: 4 }),
    (mutations) => parseOutcome(mutate(mutations)),
    { numRuns: 400 },
  );

  fuzzProperty(
    SUITE,
    'YAML aliases, from a few to an alias bomb: a config or an InputError',
    fc.record({
      uses: fc.integer({ min: 0, max: 400 }),
      where: fc.constantFrom('scorers', 'headers', 'body'),
      layers: fc.integer({ min: 0, max: 12 }),
    }),
    ({ uses, where, layers }) => {
      // `layers` doubles the tree per level (the billion-laughs shape); `uses` repeats one alias.
      const anchors = [`x0: &a0 {type: exact}`];
      for (let i = 1; i <= layers; i++) anchors.push(`x${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
      const refs = Array.from({ length: uses }, () => `*a${layers}`).join(', ');
      const inner =
        where === 'scorers'
          ? `scorers: [${refs}]`
          : where === 'headers'
            ? `targets: {baseline: {type: openai, base_url: "http://h/v1", model: m, params: {x: [${refs}]}}, candidate: {type: openai, base_url: "http://h/v1", model: m}}`
            : `targets: {candidate: {type: http, url: "http://h", output: a, body: [${refs}]}, baseline: {type: openai, base_url: "http://h/v1", model: m}}`;
      return parseOutcome(`version: 1\ndataset: g.jsonl\n${anchors.join('\n')}\n${inner}\n`);
    },
    { numRuns: 100 },
  );

  fuzzProperty(
    SUITE,
    'deep nesting in flow and block style: a config or an InputError, no stack overflow',
    fc.oneof(
      nested('[', ']', '', 5_000).map((t) => `version: 1\nx: ${t}\n`),
      nested('{a: ', '}', '1', 5_000).map((t) => `version: 1\nbudgets: ${t}\n`),
      nested('- ', '', 'x', 2_000).map((t) => `version: 1\nscorers:\n  ${t}\n`),
      fc.integer({ min: 1, max: 300 }).map((depth) => {
        let text = 'version: 1\nrun:\n';
        for (let i = 1; i <= depth; i++) text += `${'  '.repeat(i)}k${i}:\n`;
        return text;
      }),
      fc
        .integer({ min: 100, max: 5_000 })
        .map(
          (depth) =>
            `${VALID_TEXT.replace('"question": "{{input}}"', `"question": ${'['.repeat(depth)}${']'.repeat(depth)}`)}`,
        ),
    ),
    (text) => parseOutcome(text),
    { numRuns: 60, shrink: false },
  );

  fuzzProperty(
    SUITE,
    '${VAR} references to set, unset and empty variables: a config or an InputError, no value echoed',
    fc.array(
      fc.record({
        at: fc.constantFrom(...PATHS),
        ref: fc.constantFrom(
          '${KEY_A}',
          '${KEY_B}',
          '${UNSET}',
          '${EMPTY}',
          '${NUMBER}',
          '${UNSET:-}',
          '${UNSET:-${KEY_A}}',
          'pre-${KEY_A}-post',
          '$${KEY_A}',
          '${KEY_A}%',
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    (refs) =>
      parseOutcome(
        mutate(refs.map(({ at, ref }) => ({ op: 'replace', at, value: ref }) as Mutation)),
      ),
    { numRuns: 300 },
  );

  describe('through the file loader', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-fuzz-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;

    fuzzProperty(
      SUITE,
      'files with BOMs, CRLF, invalid UTF-8 and random bytes: a config or an InputError',
      fc.record({
        bom: fc.boolean(),
        crlf: fc.boolean(),
        cut: fc.nat(VALID_TEXT.length),
        junk: fc.uint8Array({ maxLength: 64 }),
      }),
      async ({ bom, crlf, cut, junk }) => {
        let text = VALID_TEXT.slice(0, cut);
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const bytes = Buffer.concat([
          Buffer.from(bom ? '\uFEFF' : ''),
          Buffer.from(text),
          Buffer.from(junk),
          Buffer.from(VALID_TEXT.slice(cut)),
        ]);
        const file = path.join(dir, `c${n++}.yaml`);
        writeFileSync(file, bytes);
        try {
          return await outcome(
            () => loadConfig(file, ENV),
            (err) => err instanceof InputError,
            checkConfig,
            (err) => {
              checkInputError(err, file);
              if (!(err instanceof InputError)) throw new FuzzFailure('not an InputError');
            },
          );
        } finally {
          rmSync(file, { force: true });
        }
      },
      { numRuns: 150 },
    );
  });
});
