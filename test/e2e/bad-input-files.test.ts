// Files the config names, as bad input: a pipe, a device, a file too large, a file outside the
// project. Each is exit 2 naming the file and the field, found before anything is sent, at once:
// never a read that blocks or grows without bound. Outputs, nesting and numeric bounds are in
// bad-input-bounds.test.ts.

import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG,
  cfg,
  expectBadInput,
  itRejectsEach,
  KEY,
  type Kind,
  runKind,
  useBadInputServer,
} from '../helpers/bad-input.js';
import { workspace } from '../helpers/workspace.js';

const fifo = (dir: string, name: string) => execFileSync('mkfifo', [path.join(dir, name)]);
const withPrompt = (url: string, prompt: string) =>
  cfg(url, ['    model: cand-model', `    model: cand-model\n    prompt: ${prompt}`]);
const PROMPT_FIELD = `${CONFIG} (targets.candidate.prompt.file)`;
const OUTSIDE = /is outside the project root .*--allow-outside-repo/;

/** A folder outside every test workspace, holding what a config must not reach. */
const elsewhere = workspace({
  'evil.mjs': 'export default () => 1;\n',
  'outside.jsonl': '{"id": "o1", "input": "q", "expected": "a1"}\n',
});

const KINDS: Kind[] = [
  // Every read bounded: regular files only, size-capped, a pipe refused at once.
  {
    name: 'prompt file that is a pipe (would block for ever)',
    files: (url) => ({ [CONFIG]: withPrompt(url, '{file: p.md}') }),
    setup: (dir) => fifo(dir, 'p.md'),
    where: [PROMPT_FIELD],
    says: [/prompt file .*p\.md is a pipe; give a regular file/],
  },
  {
    name: 'prompt file /dev/zero, allowed outside the repository (would grow without bound)',
    files: (url) => ({ [CONFIG]: withPrompt(url, '{file: /dev/zero}') }),
    args: ['--allow-outside-repo'],
    where: [PROMPT_FIELD],
    says: [/prompt file \/dev\/zero is not a regular file/],
  },
  {
    name: 'system file: a symlink in the project to /dev/zero',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        '    model: cand-model',
        '    model: cand-model\n    system: {file: s.md}',
      ]),
    }),
    setup: (dir) => symlinkSync('/dev/zero', path.join(dir, 's.md')),
    where: [`${CONFIG} (targets.candidate.system.file)`],
    says: [/s\.md \(a symlink to \/dev\/zero\) is outside the project root/],
  },
  {
    name: 'JSON Schema file that is a pipe',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        '  - type: exact',
        '  - type: exact\n  - type: json_schema\n    schema: {file: s.json}',
      ]),
    }),
    setup: (dir) => fifo(dir, 's.json'),
    where: [`${CONFIG} (scorers.1.schema.file)`],
    says: [/schema file .*s\.json is a pipe/],
  },
  {
    name: 'rubric file that is a pipe',
    files: (url) => ({
      [CONFIG]: cfg(
        url,
        ['  - type: exact', '  - type: exact\n  - type: llm_judge\n    rubric: {file: r.md}'],
        [
          'scorers:',
          `judge:\n  type: openai\n  base_url: ${url}\n  model: judge\n  api_key_env: TEST_KEY\nscorers:`,
        ],
      ),
    }),
    setup: (dir) => fifo(dir, 'r.md'),
    where: [`${CONFIG} (scorers.1.rubric.file)`],
    says: [/rubric file .*r\.md is a pipe/],
  },
  {
    name: '`--baseline-report /dev/zero`',
    args: ['--baseline-report', '/dev/zero'],
    where: ['/dev/zero: baseline report'],
    says: [/baseline report \/dev\/zero is not a regular file/],
  },
  {
    name: '`--baseline-report` that is a pipe',
    setup: (dir) => fifo(dir, 'main.json'),
    args: ['--baseline-report', 'main.json'],
    where: ['main.json: baseline report'],
    says: [/is a pipe/],
  },
  {
    name: 'config file that is a pipe',
    setup: (dir) => fifo(dir, 'pipe.yaml'),
    args: ['--config', 'pipe.yaml'],
    where: ['pipe.yaml'],
    says: [/config file pipe\.yaml is a pipe/],
  },
  {
    // Read as UTF-8 with replacement characters, "cand-m\uFFFDodel" went out as the model.
    name: 'config file with a byte that is not UTF-8 (Latin-1 é in the model name)',
    setup: (dir) => {
      const file = path.join(dir, CONFIG);
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf('cand-model') + 'cand-m'.length;
      writeFileSync(
        file,
        Buffer.concat([
          Buffer.from(text.slice(0, at)),
          Buffer.of(0xe9),
          Buffer.from(text.slice(at)),
        ]),
      );
    },
    where: [CONFIG],
    says: [
      /config file .*evalgate\.yaml is not UTF-8 text: line \d+ holds bytes that are not UTF-8/,
    ],
  },
  {
    name: 'dataset file with a byte that is not UTF-8 on its second line',
    setup: (dir) =>
      writeFileSync(
        path.join(dir, 'golden.jsonl'),
        Buffer.concat([
          Buffer.from('{"id": "c1", "input": "q1", "expected": "a1"}\n{"id": "c2", "input": "caf'),
          Buffer.of(0xe9),
          Buffer.from('", "expected": "a2"}\n'),
        ]),
      ),
    // A problem in the file, at its line, as a line that is not JSON is.
    where: ['golden.jsonl:2'],
    says: [/holds bytes that are not UTF-8 \(save the file as UTF-8\)/],
  },
  {
    name: 'config file larger than 4 MiB',
    setup: (dir) => truncateSync(path.join(dir, CONFIG), 5 * 1024 * 1024),
    where: [CONFIG],
    says: [/is 5 MiB, more than the 4 MiB evalgate reads/],
  },
  {
    name: 'dataset file that is a pipe',
    files: () => ({ 'golden.jsonl': '' }),
    setup: (dir) => {
      unlinkSync(path.join(dir, 'golden.jsonl'));
      fifo(dir, 'golden.jsonl');
    },
    where: [`${CONFIG} (dataset)`],
    says: [/dataset file .*golden\.jsonl is a pipe/],
  },
  {
    name: 'GitHub event payload that is a pipe, for `ref: base`',
    files: (url) => ({
      [CONFIG]: withPrompt(url, '{file: p.md, ref: base}'),
      'p.md': 'Answer: {{input}}',
    }),
    setup: (dir) => fifo(dir, 'event.json'),
    env: (dir) => ({ TEST_KEY: KEY, GITHUB_EVENT_PATH: path.join(dir, 'event.json') }),
    where: [`${CONFIG} (targets.candidate.prompt.ref)`],
    says: [/none is known here/],
  },

  // Paths stay inside the project (here the workspace: it is not in a git repository).
  {
    name: 'prompt file `../../etc/passwd`',
    files: (url) => ({ [CONFIG]: withPrompt(url, '{file: ../../etc/passwd}') }),
    where: [PROMPT_FIELD],
    says: [OUTSIDE],
    never: ['root:x:0'],
  },
  {
    name: 'prompt file `/proc/self/environ`',
    files: (url) => ({ [CONFIG]: withPrompt(url, '{file: /proc/self/environ}') }),
    where: [PROMPT_FIELD],
    says: [OUTSIDE],
    never: [KEY],
  },
  {
    name: 'prompt file: a symlink in the project to /etc/passwd',
    files: (url) => ({ [CONFIG]: withPrompt(url, '{file: p.md}') }),
    setup: (dir) => symlinkSync('/etc/passwd', path.join(dir, 'p.md')),
    where: [PROMPT_FIELD],
    says: [/p\.md \(a symlink to \/etc\/passwd\) is outside the project root/],
  },
  {
    name: 'dataset glob over the whole filesystem (`/**/x*.jsonl`)',
    files: (url) => ({ [CONFIG]: cfg(url, ['dataset: golden.jsonl', 'dataset: "/**/x*.jsonl"']) }),
    where: [`${CONFIG} (dataset)`],
    says: [/"\/\*\*\/x\*\.jsonl" searches \/, outside the project root/],
  },
  {
    name: 'dataset glob climbing out after a wildcard (`*/../../*.jsonl`)',
    files: (url) => ({
      [CONFIG]: cfg(url, ['dataset: golden.jsonl', 'dataset: "*/../../*.jsonl"']),
    }),
    where: [`${CONFIG} (dataset)`],
    says: [/climbs out of its folder after a wildcard/],
  },
  {
    name: 'dataset file at an absolute path elsewhere',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        'dataset: golden.jsonl',
        `dataset: [golden.jsonl, ${path.join(elsewhere, 'outside.jsonl')}]`,
      ]),
    }),
    where: [`${CONFIG} (dataset)`],
    says: [/dataset file .*outside\.jsonl is outside the project root/],
  },
  {
    name: 'custom scorer module outside the project',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        '  - type: exact',
        `  - type: exact\n  - type: custom\n    module: ${path.join(elsewhere, 'evil.mjs')}`,
      ]),
    }),
    where: [`${CONFIG} (scorers.1.module)`],
    says: [/custom scorer module .*evil\.mjs is outside the project root/],
  },
];

const server = useBadInputServer();

describe('files and paths: exit 2, the file and field named, nothing sent, no hang', () => {
  itRejectsEach(KINDS, server);
});

describe('--allow-outside-repo and the repository root', () => {
  const outsideDataset: Kind = {
    name: 'dataset one folder up',
    setup: (dir) => {
      mkdirSync(path.join(dir, 'evals'));
      writeFileSync(
        path.join(dir, 'evals', CONFIG),
        cfg(server().url, ['dataset: golden.jsonl', 'dataset: ../golden.jsonl']),
      );
    },
    args: ['--config', `evals/${CONFIG}`],
    where: [`evals/${CONFIG} (dataset)`],
    says: [OUTSIDE],
  };

  it('a dataset above the config folder, with no repository around it, is refused', async () => {
    expectBadInput(await runKind(server(), outsideDataset, 'validate'), outsideDataset);
  });

  it('--allow-outside-repo lets it through', async () => {
    const r = await runKind(
      server(),
      { ...outsideDataset, args: ['--config', `evals/${CONFIG}`, '--allow-outside-repo'] },
      'validate',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 cases/);
  });

  it('inside a git repository, the root is the repository: `../golden.jsonl` is inside', async () => {
    const r = await runKind(
      server(),
      {
        ...outsideDataset,
        setup: (dir) => {
          outsideDataset.setup!(dir);
          mkdirSync(path.join(dir, '.git'));
        },
      },
      'validate',
    );
    expect(r.code, r.stderr).toBe(0);
  });
});
