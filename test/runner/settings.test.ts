import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { runSettingProblems, runSettings } from '../../src/runner/settings.js';

const target = (model: string, extra: Record<string, unknown> = {}) => ({
  type: 'openai',
  base_url: 'https://api.example.com/v1',
  model,
  ...extra,
});
function config(run: Record<string, unknown>, base = {}, cand = {}) {
  return configSchema.parse({
    version: 1,
    dataset: 'golden.jsonl',
    targets: { baseline: target('a', base), candidate: target('b', cand) },
    run,
  });
}
const warn = () => {};

describe('run settings', () => {
  it('caches the baseline only by default, and lets a target say otherwise', () => {
    const on = runSettings(
      config({ cache: {} }),
      ['baseline', 'candidate'],
      '/repo/evals',
      [],
      warn,
    );
    expect(on.cache?.dir).toBe(path.resolve('/repo/evals', '.evalgate-cache'));
    expect(on.sides?.baseline?.cache).toBe(true);
    expect(on.sides?.candidate?.cache).toBe(false);

    const flipped = runSettings(
      config({ cache: { dir: '/tmp/c' } }, { cache: false }, { cache: true }),
      ['baseline', 'candidate'],
      '/repo',
      [],
      warn,
    );
    expect(flipped.cache?.dir).toBe('/tmp/c');
    expect(flipped.sides?.baseline?.cache).toBe(false);
    expect(flipped.sides?.candidate?.cache).toBe(true);

    expect(runSettings(config({}), ['baseline'], '/repo', [], warn).cache).toBeUndefined();
  });

  it('passes rpm/tpm, repeats and the budget through, and guesses output tokens from params', () => {
    const s = runSettings(
      config(
        { repeats: 3, max_cost_usd: 2 },
        { rpm: 500, tpm: 20_000, params: { max_tokens: 64 } },
        { type: 'anthropic' },
      ),
      ['baseline', 'candidate'],
      '/repo',
      [],
      warn,
    );
    expect(s.repeats).toBe(3);
    expect(s.maxCostUsd).toBe(2);
    expect(s.sides?.baseline).toMatchObject({
      limits: { rpm: 500, tpm: 20_000 },
      outputTokensGuess: 64,
    });
    expect(s.sides?.candidate?.outputTokensGuess).toBe(1024); // Anthropic's default max_tokens
  });

  it('finds a cost budget without prices, and a target cache without run.cache', () => {
    const problems = runSettingProblems(
      config(
        { max_cost_usd: 1 },
        { price: { input_per_mtok: 1, output_per_mtok: 1 } },
        { cache: true },
      ),
      ['baseline', 'candidate'],
      'evalgate.yaml',
    );
    expect(problems).toEqual([
      {
        file: 'evalgate.yaml',
        path: 'targets.candidate.price',
        message: 'run.max_cost_usd is set, so this target needs a price to count what it spends',
      },
      {
        file: 'evalgate.yaml',
        path: 'targets.candidate.cache',
        message: 'needs run.cache (at least `cache: {}`) to say where answers are kept',
      },
    ]);
  });
});
