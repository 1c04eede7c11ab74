// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { describe, expect, it } from 'vitest';
import { interpolateEnv, type Substitution } from '../../src/config/interpolate.js';
import { configValuesDigest, cutSecrets } from '../../src/shard/meta.js';

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

describe('cutSecrets: every place a secret occurs, as one mark', () => {
  it('cuts each occurrence, nested ones with the secret around them', () => {
    expect(cutSecrets('a=k1&b=k1', ['k1'])).toBe('a=\u0000&b=\u0000');
    expect(cutSecrets('url?code=abc123', ['code=abc123', 'abc123'])).toBe('url?\u0000');
    expect(cutSecrets('nothing here', ['k1'])).toBe('nothing here');
  });

  it('leaves no end of a secret that overlaps another, whichever is cut first', () => {
    // "tok-AAAA-BB" ends inside "BB-CCCC": cut one after the other, "-CCCC" or "tok-AAAA" stayed.
    for (const secrets of [
      ['tok-AAAA-BB', 'BB-CCCC'],
      ['BB-CCCC', 'tok-AAAA-BB'],
    ]) {
      expect(cutSecrets('x tok-AAAA-BB-CCCC y', secrets)).toBe('x \u0000 y');
    }
    // A secret overlapping itself ("aa" twice in "aaa") is one place too.
    expect(cutSecrets('[aaa]', ['aa'])).toBe('[\u0000]');
  });

  it('keeps the text between secrets that neither touch nor overlap', () => {
    expect(cutSecrets('k1-k2', ['k1', 'k2'])).toBe('\u0000-\u0000');
  });
});

describe('configValuesDigest with secrets that overlap', () => {
  it('does not depend on the part of a secret that another secret overlaps', () => {
    // TEAM_TOKEN's value ends inside FUNCTION_KEY's in the URL, and is the longer: cut first,
    // it used to leave the key's other end ("23456") in the digest.
    const overlapping = {
      targets: {
        candidate: {
          base_url: 'https://api.example.com/v1?code=${FUNCTION_KEY}',
          headers: { authorization: 'Bearer ${TEAM_TOKEN}' },
        },
      },
    };
    const digest = (key: string) =>
      digestOf(overlapping, { FUNCTION_KEY: key, TEAM_TOKEN: 'v1?code=fk-01' });
    expect(digest('fk-0123456')).toBe(digest('fk-0198765'));
  });
});
