// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
// Outputs that are inputs, nesting, aliases and numeric bounds as bad input: each repro of issue 9
// (an overwritten dataset, an internal error, a crash after the calls were paid for, a rate that
// waited for ever, a secret echoed) is exit 2 naming the file and the field, nothing sent.

import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG,
  cfg,
  GOLDEN,
  itRejectsEach,
  KEY,
  type Kind,
  lineOf,
  runKind,
  useBadInputServer,
} from '../helpers/bad-input.js';

const withPrompt = (url: string, prompt: string) =>
  cfg(url, ['    model: cand-model', `    model: cand-model\n    prompt: ${prompt}`]);
const nested = (depth: number, leaf = '"x"') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

const KINDS: Kind[] = [
  // Outputs that would overwrite an input, or each other.
  {
    name: '`--report golden.jsonl --summary evalgate.yaml` (overwrote both and exited 0)',
    args: ['--report', 'golden.jsonl', '--summary', CONFIG],
    where: ['--report', '--summary'],
    says: [
      /golden\.jsonl is the dataset file \(.*golden\.jsonl\); writing the output there would overwrite it/,
      /evalgate\.yaml is the config file/,
    ],
  },
  {
    name: '`--junit` and `--report` naming one file',
    args: ['--report', 'out.json', '--junit', './out.json'],
    where: ['--junit: '],
    says: [/\.\/out\.json is the same file as --report out\.json/],
  },
  {
    name: '`--report` naming the prompt file through a symlink',
    files: (url) => ({ [CONFIG]: withPrompt(url, '{file: p.md}'), 'p.md': '{{input}}' }),
    setup: (dir) => symlinkSync(path.join(dir, 'p.md'), path.join(dir, 'link.md')),
    args: ['--report', 'link.md'],
    where: ['--report: '],
    says: [/link\.md is the prompt file of targets\.candidate\.prompt/],
  },
  {
    name: '`calibrate --report` naming the dataset',
    command: 'calibrate',
    args: ['--report', 'golden.jsonl'],
    where: ['--report: '],
    says: [/golden\.jsonl is the dataset file/],
  },

  // Nesting and aliases.
  {
    name: '`.json` dataset nested 100,000 levels (was an internal error)',
    files: (url) => ({
      [CONFIG]: cfg(url, ['dataset: golden.jsonl', 'dataset: golden.json']),
      'golden.json': `[\n{"id": "c1", "input": "q", "expected": ${nested(100_000)}}\n]\n`,
    }),
    where: ['golden.json:2'],
    says: [/nests more than 64 levels/],
  },
  {
    name: 'JSONL `expected` nested 5,000 levels (crashed after every call was paid for)',
    files: () => ({
      'golden.jsonl': `${GOLDEN}\n{"id": "c4", "input": "q4", "expected": ${nested(5000)}}`,
    }),
    where: ['golden.jsonl:4 (expected)'],
    says: [/this case nests more than 64 levels/],
  },
  {
    name: 'config with an alias bomb (more than 100 aliases was an internal error)',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        'gate:',
        `x-a: &a [${Array(10).fill('lol').join(',')}]\n${Array.from(
          { length: 7 },
          (_, i) =>
            `x-${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
              .fill(`*${String.fromCharCode(97 + i)}`)
              .join(',')}]`,
        ).join('\n')}\ngate:`,
      ]),
    }),
    where: (f) => [`${CONFIG}:${lineOf(f[CONFIG]!, 'x-b:')}`],
    says: [/invalid YAML: Excessive alias count/],
  },
  {
    name: 'config nested 70 levels deep in `params`',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        '    model: cand-model',
        `    model: cand-model\n    params: {deep: ${nested(70, '1')}}`,
      ]),
    }),
    where: (f) => [`${CONFIG}:${lineOf(f[CONFIG]!, 'deep:')} (targets.candidate.params)`],
    says: [/nests more than 64 levels/],
  },

  // Schema bounds and `${VAR}` values.
  {
    name: '`rpm: 1e-9` (waited for ever)',
    files: (url) => ({
      [CONFIG]: cfg(url, ['    model: cand-model', '    model: cand-model\n    rpm: 1e-9']),
    }),
    where: (f) => [`${CONFIG}:${lineOf(f[CONFIG]!, 'rpm:')} (targets.candidate.rpm)`],
    says: [/must be at least 1 \(requests per minute\)/],
  },
  {
    name: '`price.input_per_mtok: 1e308` (ended in NaN)',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        '    model: cand-model\n    api_key_env: TEST_KEY\n    price: {input_per_mtok: 1,',
        '    model: cand-model\n    api_key_env: TEST_KEY\n    price: {input_per_mtok: 1e308,',
      ]),
    }),
    where: (f) => [
      `${CONFIG}:${lineOf(f[CONFIG]!, '1e308')} (targets.candidate.price.input_per_mtok)`,
    ],
    says: [/must be at most 10000 \(USD per million tokens\)/],
  },
  {
    name: '`max_drop: ${SECRET}` never echoes the value',
    files: (url) => ({
      [CONFIG]: cfg(url, ['quality: {max_drop: 0.02}', 'quality: {max_drop: "${GATE_SECRET}"}']),
    }),
    env: { TEST_KEY: KEY, GATE_SECRET: 'hunter2-very-secret' },
    where: (f) => [`${CONFIG}:${lineOf(f[CONFIG]!, 'GATE_SECRET')} (budgets.quality.max_drop)`],
    says: [/expected a number or a percent such as "20%", got "\*\*\*"/],
    never: ['hunter2-very-secret'],
  },
  {
    name: '`type: ${T}` gives no "did you mean" derived from the value',
    files: (url) => ({
      [CONFIG]: cfg(url, ['  candidate:\n    type: openai', '  candidate:\n    type: "${T}"']),
    }),
    env: { TEST_KEY: KEY, T: 'opneai' },
    where: [`(targets.candidate.type)`],
    says: [/expected one of: openai, anthropic, http/],
    never: ['opneai', 'did you mean'],
  },
];

const server = useBadInputServer();

describe('outputs, nesting and bounds: exit 2, the file and field named, nothing sent', () => {
  itRejectsEach(KINDS, server);

  it('the outputs that collided were not touched', async () => {
    const kind = KINDS.find((k) => k.name.startsWith('`--report golden.jsonl'))!;
    const r = await runKind(server(), kind, 'run');
    expect(r.code).toBe(2);
    expect(readFileSync(path.join(r.dir, 'golden.jsonl'), 'utf8')).toBe(GOLDEN);
    expect(readFileSync(path.join(r.dir, CONFIG), 'utf8')).toBe(cfg(server().url));
  });

  it('with the flag, `/**/x*.jsonl` stops after a bounded walk instead of reading the disk', async () => {
    const kind: Kind = {
      name: 'a glob over the whole filesystem, allowed',
      files: (url) => ({
        [CONFIG]: cfg(url, ['dataset: golden.jsonl', 'dataset: "/**/x*.jsonl"']),
      }),
      where: [],
      says: [],
    };
    const started = Date.now();
    const r = await runKind(server(), { ...kind, args: ['--allow-outside-repo'] }, 'validate');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/read more than 10000 folders|matched no files/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
