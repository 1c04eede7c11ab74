import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';
import { createTarget, type TargetContext } from '../../src/targets/create.js';
import { goldenCase } from '../helpers/golden-case.js';

const ctx = (env: NodeJS.ProcessEnv = {}): TargetContext => ({
  configFile: 'evals/evalgate.yaml',
  configDir: '/nonexistent',
  env,
  defaults: { concurrency: 8, timeoutMs: 1000, retries: 3, backoffBaseMs: 10 },
});

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error('expected an InputError');
}

describe('createTarget', () => {
  it('reads the key named by api_key_env, hands it to the secret sink, and applies defaults', () => {
    const secrets: string[] = [];
    const cfg: TargetConfig = {
      type: 'anthropic',
      base_url: 'http://a.test',
      model: 'claude-x',
      api_key_env: 'MY_KEY',
      concurrency: 3,
    };
    const t = createTarget(cfg, 'candidate', ctx({ MY_KEY: 'secret-1' }), (s) => secrets.push(s));
    expect(secrets).toEqual(['secret-1']);
    expect(t).toMatchObject({
      role: 'candidate',
      label: 'claude-x',
      concurrency: 3,
      timeoutMs: 1000,
      retries: 3,
      backoffBaseMs: 10,
    });
    expect(t.dialect.buildRequest(goldenCase()).headers['x-api-key']).toBe('secret-1');
    t.transport.close();
  });

  it('labels an http target by its host', () => {
    const cfg: TargetConfig = {
      type: 'http',
      url: 'http://app.internal:9000/ask',
      output: 'answer',
      timeout_ms: 50,
    };
    const t = createTarget(cfg, 'baseline', ctx());
    expect(t).toMatchObject({ label: 'app.internal:9000', timeoutMs: 50, concurrency: 8 });
    t.transport.close();
  });

  it('lists every problem at once: unset key variable, missing prompt file, streaming', () => {
    const cfg: TargetConfig = {
      type: 'openai',
      base_url: 'http://o.test/v1',
      model: 'm',
      api_key_env: 'UNSET_VAR',
      prompt: { file: 'prompts/missing.md' },
      stream: true,
    };
    const problems = problemsOf(() => createTarget(cfg, 'candidate', ctx()));
    expect(problems.map((p) => p.path)).toEqual([
      'targets.candidate.api_key_env',
      'targets.candidate.prompt.file',
      'targets.candidate.stream',
    ]);
    expect(problems[0]!.message).toBe(
      'environment variable UNSET_VAR is not set (it should hold the API key)',
    );
    expect(problems.every((p) => p.file === 'evals/evalgate.yaml')).toBe(true);
  });

  it('names the judge by its own field path', () => {
    const cfg: TargetConfig = {
      type: 'openai',
      base_url: 'http://o.test/v1',
      model: 'm',
      api_key_env: 'NOPE',
    };
    expect(problemsOf(() => createTarget(cfg, 'judge', ctx()))[0]!.path).toBe('judge.api_key_env');
  });
});
