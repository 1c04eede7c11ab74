import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument, parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { closePlan, type EngineHooks, prepare } from '../../src/engine.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from '../dataset/helpers.js';
import { ROOT } from '../helpers/workspace.js';

// The YAML a reader copies from the docs works as written: the full example of docs/config.md
// passes what `evalgate validate` checks (in process, sending nothing, no API key set), the
// `judge:` snippets of the README and docs/scorers.md are valid judge targets, and every YAML
// block of docs/action.md parses.

interface Block {
  doc: string;
  line: number;
  text: string;
}

/** Every ```yaml block of a page, dedented when it sits in a list item. */
function yamlBlocks(doc: string): Block[] {
  const page = readFileSync(path.join(ROOT, doc), 'utf8');
  const blocks: Block[] = [];
  for (const m of page.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)) {
    const indent = m[1]!.length;
    const text = m[2]!
      .split('\n')
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
    blocks.push({ doc, line: page.slice(0, m.index).split('\n').length, text });
  }
  return blocks;
}

function yamlErrors(block: Block): string[] {
  return parseDocument(block.text, { uniqueKeys: true }).errors.map(
    (e) => `${block.doc}:${block.line}: ${e.message.split('\n')[0]}`,
  );
}

function fullConfigExample(): Block {
  const block = yamlBlocks('docs/config.md').find((b) =>
    b.text.startsWith('# evals/evalgate.yaml'),
  );
  if (!block) throw new Error('docs/config.md: the full example (# evals/evalgate.yaml) is gone');
  return block;
}

function problemsOf(err: unknown): string {
  if (!(err instanceof InputError)) throw err;
  return err.problems.map((p) => `${p.path ?? p.line ?? ''}: ${p.message}`).join('\n');
}

const JUDGE_DOCS = ['README.md', 'docs/scorers.md'];

describe('docs YAML examples', () => {
  it('every yaml block of docs/action.md, the judge snippets and the config example parse', () => {
    const action = yamlBlocks('docs/action.md');
    expect(action.length).toBeGreaterThanOrEqual(2);
    const judges = JUDGE_DOCS.flatMap((d) => yamlBlocks(d).filter((b) => /^judge:/m.test(b.text)));
    expect(judges.map((b) => b.doc).sort()).toEqual(JUDGE_DOCS);
    const errors = [...action, ...judges, fullConfigExample()].flatMap(yamlErrors);
    expect(errors).toEqual([]);
  });

  it('the full example of docs/config.md passes validate, with no API key set', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'golden'));
    mkdirSync(path.join(dir, 'prompts'));
    writeFileSync(path.join(dir, 'evalgate.yaml'), fullConfigExample().text);
    writeFileSync(
      path.join(dir, 'golden/support.jsonl'),
      '{"id":"refund-1","input":"Can I get a refund?","expected":"30 days"}\n',
    );
    writeFileSync(path.join(dir, 'prompts/support.md'), 'Answer briefly.\n\n{{input}}\n');
    const hooks: EngineHooks = { info: () => {}, warning: () => {} };
    // `validate` without --strict: an unset key variable is a note, not bad input.
    const plan = await prepare(
      { configPath: path.join(dir, 'evalgate.yaml'), env: {}, keysOptional: true },
      hooks,
    ).catch((err: unknown) => {
      throw new Error(`docs/config.md example is bad input:\n${problemsOf(err)}`);
    });
    closePlan(plan);
    expect(plan.cases).toHaveLength(1);
    expect(plan.notes.every((n) => n.path?.endsWith('.api_key_env'))).toBe(true);
  });

  it.each(JUDGE_DOCS)('the judge: snippet of %s is a valid judge target', (doc) => {
    const snippet = yamlBlocks(doc).find((b) => /^judge:/m.test(b.text))!;
    const { judge } = parseYaml(snippet.text) as { judge: unknown };
    // The snippet's judge on the docs/config.md example (its scorers need a case's context,
    // which is the golden set's business, not the config's).
    const config = { ...(parseYaml(fullConfigExample().text) as object), judge };
    let loaded: ReturnType<typeof parseConfig> | undefined;
    try {
      loaded = parseConfig(JSON.stringify(config), 'evalgate.yaml', {});
    } catch (err) {
      throw new Error(`${doc}:${snippet.line}: the judge is bad input:\n${problemsOf(err)}`);
    }
    expect(loaded.config.judge).toMatchObject({ type: 'openai', model: 'gpt-4o-mini' });
  });
});
