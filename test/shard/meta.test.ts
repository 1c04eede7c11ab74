// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { describe, expect, it } from 'vitest';
import { interpolateEnv, type Substitution } from '../../src/config/interpolate.js';
import { configValuesDigest } from '../../src/shard/meta.js';

/** The digest of `config` interpolated with `env`, as a shard's run works it out. */
function digestOf(config: unknown, env: NodeJS.ProcessEnv): string {
  const substituted: Substitution[] = [];
  const filled: Substitution[] = [];
  interpolateEnv(config, env, [], [], substituted, undefined, filled);
  return configValuesDigest(filled, substituted);
}

const config = {
  targets: {
    candidate: {
      model: '${MODEL:-gpt-4o}',
      base_url: 'https://api.example.com/v1?code=${FUNCTION_KEY}',
      headers: { authorization: 'Bearer ${TEAM_TOKEN}' },
    },
  },
  budgets: { quality: { max_drop: '${MAX_DROP:-0.02}' } },
};
const env = { FUNCTION_KEY: 'fk-0123456789abcdef', TEAM_TOKEN: 'tt-0123456789abcdef' };

describe('configValuesDigest: what ${VAR} made of the config', () => {
  it('is the same for a default that filled in and the same value set in the environment', () => {
    expect(digestOf(config, env)).toBe(digestOf(config, { ...env, MODEL: 'gpt-4o' }));
    expect(digestOf(config, env)).toBe(digestOf(config, { ...env, MAX_DROP: '0.02' }));
  });

  it('differs when a variable made any string different', () => {
    const base = digestOf(config, env);
    expect(digestOf(config, { ...env, MODEL: 'gpt-4o-mini' })).not.toBe(base);
    expect(digestOf(config, { ...env, MAX_DROP: '0.05' })).not.toBe(base);
  });

  it('counts a credential by where it went, never by what it is: keys that differ per job digest the same', () => {
    const other = { FUNCTION_KEY: 'fk-fedcba9876543210', TEAM_TOKEN: 'tt-fedcba9876543210' };
    expect(digestOf(config, other)).toBe(digestOf(config, env));
    // ... but the rest of a string a key sits in still counts.
    const elsewhere = {
      ...config,
      targets: {
        candidate: {
          ...config.targets.candidate,
          headers: { authorization: 'Token ${TEAM_TOKEN}' },
        },
      },
    };
    expect(digestOf(elsewhere, env)).not.toBe(digestOf(config, env));
  });

  it('does not depend on the order the fields were read in', () => {
    const reordered = { budgets: config.budgets, targets: config.targets };
    expect(digestOf(reordered, env)).toBe(digestOf(config, env));
  });
});
