// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EngineHooks, type EngineOptions, prepare } from '../../src/engine.js';
import { InputError } from '../../src/errors.js';
import { afterThisTest } from '../helpers/per-test.js';

// A config that fails to load (an unset `${VAR}`) builds no target; the keys it names are still
// checked, so a run lists an unset key with the rest rather than on the next attempt.

const quiet: EngineHooks = { info: () => {}, warning: () => {} };

const CONFIG = `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: \${MY_URL}
    model: m
    api_key_env: OPENAI_API_KEY
  candidate:
    type: openai
    base_url: http://127.0.0.1:9/v1
    model: m
    api_key_env: CAND_KEY
judge:
  type: openai
  base_url: http://127.0.0.1:9/v1
  model: j
  api_key_env: JUDGE_KEY
scorers:
  - type: exact
`;

function configFile(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-keys-'));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'evalgate.yml'), text);
  writeFileSync(path.join(dir, 'golden.jsonl'), '{"id":"a","input":"q","expected":"a"}\n');
  return path.join(dir, 'evalgate.yml');
}

async function problemsOf(options: Partial<EngineOptions>, text = CONFIG): Promise<string[]> {
  const err = await prepare(
    { configPath: configFile(text), env: { CAND_KEY: 'sk-cand' }, ...options },
    quiet,
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('an unset ${VAR} and an unset key, listed at once', () => {
  it('reports the key variables that are not set alongside the unset ${VAR}', async () => {
    const problems = await problemsOf({});
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^targets\.baseline\.base_url: .*MY_URL/);
    expect(problems.slice(1)).toEqual([
      'targets.baseline.api_key_env: environment variable OPENAI_API_KEY is not set (it should hold the API key)',
      'judge.api_key_env: environment variable JUDGE_KEY is not set (it should hold the API key)',
    ]);
  });

  it('and only the keys of the targets the run calls', async () => {
    expect(await problemsOf({ only: 'candidate' })).toHaveLength(2); // ${MY_URL}, the judge's key
    const noJudge =
      CONFIG.slice(0, CONFIG.indexOf('judge:')) + CONFIG.slice(CONFIG.indexOf('scorers:'));
    expect(await problemsOf({ only: 'candidate' }, noJudge)).toHaveLength(1);
  });

  it('leaves them to validate without --strict, where an unset key is a note', async () => {
    // The unset ${VAR} is a note there too: this config fails on a typo instead.
    const typo = `${CONFIG}budgets: {qualty: {max_drop: 0.1}}\n`;
    const problems = await problemsOf({ keysOptional: true }, typo);
    expect(problems).toEqual([expect.stringMatching(/^budgets\.qualty: unknown key/)]);
  });
});
