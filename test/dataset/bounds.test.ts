import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../src/config/project-files.js';
import { MAX_DATASET_FILES } from '../../src/dataset/files.js';
import { loadDataset } from '../../src/dataset/load.js';
import { inputError, tempDir } from './helpers.js';

// The dataset spec is a glob a pull request can change: it must not reach outside the project,
// walk a whole disk, or load a case nested deeper than anything downstream can handle.

const CASE = '{"id": "c1", "input": "q", "expected": "a"}\n';

/** A project folder `evals/` inside a temp folder holding `golden.jsonl` and an outside file. */
function project() {
  const dir = realpathSync(tempDir({ 'golden.jsonl': CASE }));
  const evals = path.join(dir, 'evals');
  mkdirSync(evals);
  writeFileSync(path.join(evals, 'own.jsonl'), CASE);
  return { dir, evals, files: ProjectFiles.forConfig(evals) };
}

async function messages(spec: string | string[], baseDir: string, files: ProjectFiles) {
  const err = await inputError(loadDataset(spec, baseDir, files));
  return err.problems.map((p) => `${p.path ?? ''}: ${p.message}`);
}

describe('dataset paths stay inside the project root', () => {
  it('refuses globs that start or climb outside, before walking anything', async () => {
    const { evals, files } = project();
    for (const spec of ['../*.jsonl', '/**/x*.jsonl', '/etc/*.conf', 'x{/../../,}*.jsonl']) {
      const [m] = await messages(spec, evals, files);
      expect(m).toMatch(/^dataset: ".*" searches \/.*, outside the project root/);
    }
    for (const spec of ['*/../../*.jsonl', '**/../*.jsonl', '{..,x}/*.jsonl', '*{/etc,x}/*.conf']) {
      const [m] = await messages(spec, evals, files);
      expect(m, spec).toMatch(/climbs out of its folder after a wildcard/);
    }
  });

  it('refuses a literal file outside, and a glob match that is a symlink out', async () => {
    const { dir, evals, files } = project();
    expect(await messages('../golden.jsonl', evals, files)).toEqual([
      expect.stringMatching(new RegExp(`^dataset: dataset file ${dir}/golden\\.jsonl is outside`)),
    ]);
    symlinkSync(path.join(dir, 'golden.jsonl'), path.join(evals, 'link.jsonl'));
    const [m] = await messages('*.jsonl', evals, files);
    expect(m).toMatch(/link\.jsonl \(a symlink to .*golden\.jsonl\) is outside the project root/);
  });

  it('allows all of it with --allow-outside-repo', async () => {
    const { evals } = project();
    writeFileSync(path.join(evals, 'own.jsonl'), CASE.replace('c1', 'c2'));
    const files = ProjectFiles.forConfig(evals, true);
    const loaded = await loadDataset(['../*.jsonl', 'own.jsonl'], evals, files);
    expect(loaded.files).toHaveLength(2);
  });

  it('every dataset file read is remembered, so no output may overwrite it', async () => {
    const { evals, files } = project();
    await loadDataset('*.jsonl', evals, files);
    expect(files.used.map((u) => u.abs)).toEqual([path.join(evals, 'own.jsonl')]);
  });
});

describe('dataset walks and reads are bounded', () => {
  it('a glob does not descend into node_modules or .git', async () => {
    const dir = realpathSync(tempDir());
    for (const sub of ['cases', 'node_modules/pkg', '.git/objects']) {
      mkdirSync(path.join(dir, sub), { recursive: true });
      writeFileSync(path.join(dir, sub, 'x.jsonl'), CASE.replace('c1', sub));
    }
    const loaded = await loadDataset('**/*.jsonl', dir, ProjectFiles.forConfig(dir));
    expect(loaded.cases.map((c) => c.id)).toEqual(['cases']);
  });

  it(`a spec naming more than ${MAX_DATASET_FILES} files is refused before any is read`, async () => {
    const dir = realpathSync(tempDir());
    for (let i = 0; i <= MAX_DATASET_FILES; i++) writeFileSync(path.join(dir, `${i}.jsonl`), '');
    const all = await messages('*.jsonl', dir, ProjectFiles.forConfig(dir));
    expect(all).toEqual([
      `dataset: names more than ${MAX_DATASET_FILES} files; narrow the globs (or merge the cases into fewer files)`,
    ]);
  });

  it('a dataset file that is a pipe is refused at once, naming it', async () => {
    const dir = realpathSync(tempDir());
    execFileSync('mkfifo', [path.join(dir, 'golden.jsonl')]);
    expect(await messages('golden.jsonl', dir, ProjectFiles.forConfig(dir))).toEqual([
      `dataset: dataset file ${dir}/golden.jsonl is a pipe; give a regular file`,
    ]);
  });
});

describe('cases nest at most 64 levels', () => {
  const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;

  it('JSONL, JSON, YAML and CSV name the case line and its field', async () => {
    const dir = tempDir({
      'a.jsonl': `${CASE}{"id": "c2", "input": "q", "expected": ${deep(5000)}}\n`,
      'b.json': `[\n  {"id": "b1", "input": "q", "expected": "a"},\n  {"id": "b2", "input": "q", "metadata": {"x": ${deep(63)}}}\n]\n`,
      // Deeper than the scan that finds each case's line goes: the line where it stopped.
      'c.json': `[\n{"id": "d1", "input": "q", "expected": ${deep(100_000)}}\n]\n`,
      'd.yaml': `- id: y1\n  input: q\n  expected: a\n- id: y2\n  input: q\n  vars:\n    v: ${deep(70)}\n`,
      'e.csv': `id,input,vars\nr1,q,"{""v"": ${deep(70)}}"\n`,
    });
    const err = await inputError(loadDataset('*', dir));
    const where = err.problems.map((p) => `${path.basename(p.file!)}:${p.line} ${p.path}`);
    expect(where).toEqual([
      'a.jsonl:2 expected',
      'b.json:3 metadata',
      'c.json:2 undefined',
      'd.yaml:7 vars',
      'e.csv:2 vars',
    ]);
    for (const p of err.problems) expect(p.message).toMatch(/nests more than 64 levels/);
  });
});
