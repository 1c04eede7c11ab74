import { describe, expect, it } from 'vitest';
import { createRedactor, redactTree, SecretSet } from '../../src/util/redact.js';

describe('createRedactor', () => {
  it('masks every occurrence of every secret', () => {
    const redact = createRedactor(['sk-abc123', 'tok_XYZ9']);
    expect(redact('key sk-abc123, again sk-abc123; token tok_XYZ9.')).toBe(
      'key ***, again ***; token ***.',
    );
  });

  it('masks the longest secret first, so a longer one leaves no tail behind', () => {
    // Shorter first would turn "sk-abc123-extra" into "***-extra" and leak "-extra".
    const redact = createRedactor(['sk-abc123', 'sk-abc123-extra']);
    expect(redact('a sk-abc123-extra b sk-abc123')).toBe('a *** b ***');
  });

  it('ignores values too short to be credentials, and empty ones', () => {
    const redact = createRedactor(['', 'ab', 'v1', 'abc']);
    expect(redact('abc v1 ab')).toBe('abc v1 ab');
  });

  it('treats secrets as literal text, not patterns', () => {
    const redact = createRedactor(['a.b*c+d(e)']);
    expect(redact('x a.b*c+d(e) aXbbc+d(e)')).toBe('x *** aXbbc+d(e)');
  });

  it('returns text unchanged when there is nothing to mask', () => {
    expect(createRedactor([])('sk-abc123')).toBe('sk-abc123');
  });
});

describe('SecretSet', () => {
  it('its redact function masks secrets added after it was handed out', () => {
    const set = new SecretSet();
    const { redact } = set;
    expect(redact('key-one key-two')).toBe('key-one key-two');
    expect(set.add('key-one')).toBe(true);
    expect(set.add('key-one')).toBe(false);
    expect(set.add('no')).toBe(false);
    set.add('key-two');
    expect(redact('key-one key-two no')).toBe('*** *** no');
    expect(set.size).toBe(2);
  });
});

describe('redactTree', () => {
  it('masks strings at any depth, in place, and leaves other values alone', () => {
    const report = {
      summary: 'blocked: secret-1 leaked',
      cases: [{ output: 'echo secret-1', score: 1, error: { message: 'x secret-1 y' } }],
      tags: ['secret-1', 3, null, true],
    };
    const out = redactTree(report, createRedactor(['secret-1']));
    expect(out).toBe(report);
    expect(report).toEqual({
      summary: 'blocked: *** leaked',
      cases: [{ output: 'echo ***', score: 1, error: { message: 'x *** y' } }],
      tags: ['***', 3, null, true],
    });
  });

  it('leaves fingerprints (hashes) alone, where a short secret could match by chance', () => {
    const meta = { fingerprints: { config: 'ab12cd34ef' }, note: 'cd34' };
    redactTree(meta, createRedactor(['cd34']));
    expect(meta).toEqual({ fingerprints: { config: 'ab12cd34ef' }, note: '***' });
  });
});
