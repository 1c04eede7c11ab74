import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripControlChars } from '../../src/report/escape.js';
import {
  createRedactor,
  MASK,
  maskedExcerpt,
  masksNothing,
  type Redact,
  redactTree,
  SecretSet,
  secretForms,
} from '../../src/util/redact.js';
import { findPiece } from '../helpers/leaks.js';

const KEY = 'sk-live-0123456789abcdefSECRETxyz';

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

  it('says it masks nothing until a secret is added, and a tree pass then leaves text alone', () => {
    const set = new SecretSet();
    expect(masksNothing(set.redact)).toBe(true);
    expect(masksNothing(createRedactor([]))).toBe(true);
    expect(masksNothing(createRedactor(['key-one']))).toBe(false);
    expect(masksNothing((text) => text)).toBe(false);
    const tree = { output: 'key-one…', list: ['key-one'] };
    redactTree(tree, set.redact);
    expect(tree).toEqual({ output: 'key-one…', list: ['key-one'] });
    set.add('key-one');
    expect(masksNothing(set.redact)).toBe(false);
    redactTree(tree, set.redact);
    expect(tree).toEqual({ output: '***…', list: ['***'] });
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

describe('encoded forms', () => {
  const redact = createRedactor([KEY]);

  /** What is left of a base64 text once masked, decoded at every alignment: no piece of KEY. */
  function decodedLeak(masked: string): string | undefined {
    for (const part of masked.split(MASK)) {
      for (const alphabet of ['base64', 'base64url'] as const) {
        for (let skip = 0; skip < 4; skip++) {
          const text = Buffer.from(part.slice(skip), alphabet).toString('latin1');
          const piece = findPiece(text, [KEY]);
          if (piece) return piece;
        }
      }
    }
    return undefined;
  }

  it('masks base64 of the key inside a longer blob, at each of the three alignments', () => {
    for (const user of ['', 'u', 'us', 'use', 'user:', 'admin-user:']) {
      for (const tail of ['', 'x', 'xy', ':more']) {
        const bytes = Buffer.from(`${user}${KEY}${tail}`);
        for (const encoded of [bytes.toString('base64'), bytes.toString('base64url')]) {
          const masked = redact(`Authorization: Basic ${encoded}`);
          expect(masked, `${user}|${tail}`).toContain(MASK);
          expect(decodedLeak(masked), `${user}|${tail}`).toBeUndefined();
        }
      }
    }
  });

  it('masks base64 of the key wherever arbitrary bytes surround it (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const blob = Buffer.concat([a, Buffer.from(KEY), b]);
        for (const encoding of ['base64', 'base64url'] as const) {
          expect(decodedLeak(redact(blob.toString(encoding)))).toBeUndefined();
        }
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('masks the percent-encoded, form-encoded and JSON-escaped forms', () => {
    const odd = 'p@ss/w0rd+key=1&"q"\\ é';
    const r = createRedactor([odd]);
    expect(r(`?code=${encodeURIComponent(odd)}&v=2`)).toBe('?code=***&v=2');
    expect(r(`a=1&${new URLSearchParams({ code: odd })}`)).toBe('a=1&code=***');
    expect(r(JSON.stringify({ message: `bad key ${odd}` }))).toBe('{"message":"bad key ***"}');
  });

  it('masks a key whose slashes a JSON writer escaped (\\/) or whose percent-encoding is in lower case', () => {
    const key = 'sk-probe/SECRET/1234567890';
    const r = createRedactor([key]);
    expect(r('{"error":"bad key Bearer sk-probe\\/SECRET\\/1234567890"}')).toBe(
      '{"error":"bad key Bearer ***"}',
    );
    expect(
      r(`?k=${encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`),
    ).toBe('?k=***');
  });

  it('leaves short encoded forms alone: a 4-character key is masked only as itself', () => {
    expect(secretForms('ab+/')).toEqual(['ab+/', 'ab%2B%2F', 'ab%2b%2f', 'ab+\\/']);
    const r = createRedactor(['abcd']);
    const b64 = Buffer.from('xxabcdxx').toString('base64');
    expect(r(`abcd ${b64}`)).toBe(`*** ${b64}`);
  });
});

describe('masking before cutting', () => {
  const redact = createRedactor([KEY]);

  it('maskedExcerpt never shows a piece of a key, wherever the cut falls', () => {
    for (let offset = 0; offset <= 200; offset++) {
      const text = `${'x'.repeat(offset)}${KEY} and then more text ${'y'.repeat(200)}`;
      const out = maskedExcerpt(text, 160, redact);
      expect(out.length).toBeLessThanOrEqual(160);
      expect(findPiece(out, [KEY]), `offset ${offset}`).toBeUndefined();
    }
  });

  it('collapses whitespace and marks a cut with …', () => {
    expect(maskedExcerpt('  a \n\t b  ', 160, redact)).toBe('a b');
    expect(maskedExcerpt('abcdefghij', 5, redact)).toBe('abcd…');
    // A surrogate pair is never split.
    expect(maskedExcerpt('abc😀def', 5, redact)).toBe('abc…');
  });

  it('masks a key cut short before the … of a text cut elsewhere, without a redactor', () => {
    // The net under a cut made where no redactor was at hand (a preview in a scorer message).
    for (let k = 4; k < KEY.length; k++) {
      const cut = `custom scorer returned "${KEY.slice(0, k)}…": not a number`;
      expect(redact(cut)).toBe('custom scorer returned "***…": not a number');
    }
    expect(redact(`${KEY.slice(0, 3)}… and sk-l`)).toBe(`${KEY.slice(0, 3)}… and sk-l`);
  });
});

describe('overlapping secrets', () => {
  it('mask the union of their occurrences, leaving no piece of either', () => {
    const r = createRedactor(['abcdef12', 'ef12ghij']);
    expect(r('x abcdef12ghij y')).toBe('x *** y');
    expect(r('abcdef12abcdef12')).toBe('***');
  });

  it('leave no piece of any secret in any text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 8, maxLength: 24 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.nat(3)), { maxLength: 12 }),
        (secrets, parts) => {
          const text = parts.map((p) => (typeof p === 'number' ? (secrets[p] ?? '') : p)).join('');
          const out = createRedactor(secrets)(text);
          for (const s of secrets) expect(out.includes(s)).toBe(false);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('redactTree on hostile shapes', () => {
  const redact = createRedactor(['secret-1']);

  it('masks a string nested 100,000 levels deep without overflowing the stack', () => {
    let deep: unknown = 'echo secret-1';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { v: deep };
    redactTree(deep, redact);
    let at = deep;
    while (typeof at !== 'string') at = Array.isArray(at) ? at[0] : (at as { v: unknown }).v;
    expect(at).toBe('echo ***');
  });

  it('visits a shared or cyclic container once and terminates', () => {
    const shared = { s: 'secret-1' };
    const a: Record<string, unknown> = { x: shared, y: shared, list: ['secret-1'] };
    a.self = a;
    (a.list as unknown[]).push(a);
    redactTree(a, redact);
    expect(shared.s).toBe('***');
    expect((a.list as unknown[])[0]).toBe('***');
  });

  /** The recursive version this replaced, as the reference for "same results". */
  function recursive<T>(value: T, r: Redact): T {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        value[i] = typeof v === 'string' ? r(v) : recursive(v, r);
      }
    } else if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      for (let [k, v] of Object.entries(obj)) {
        if (k === 'fingerprints') continue;
        const masked = r(k);
        if (masked !== k) {
          let to = masked;
          for (let n = 2; Object.hasOwn(obj, to); n++) to = `${masked} (${n})`;
          Object.defineProperty(obj, to, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          delete obj[k];
          k = to;
        }
        if (typeof v === 'string') obj[k] = r(v);
        else if (v !== null && typeof v === 'object') recursive(v, r);
      }
    }
    return value;
  }

  it('gives the same tree as the recursive version did (property)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('secret-1', 'an echo of secret-1 here', 'fingerprints'),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.constant(null),
        fc.boolean(),
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(text, fc.constant('fingerprints')), tie('tree'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(tree, (t) => {
        const expected = recursive(structuredClone(t), redact);
        expect(redactTree(structuredClone(t), redact)).toEqual(expected);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('keys a renderer would glue back together', () => {
  const key = 'sk-SUPER-SECRET-123456';
  const r = createRedactor([key]);
  // What a page, a terminal, a CSV cell or JUnit XML drops from untrusted text.
  const dropped = [
    '\u0000',
    '\u001b[1m',
    '\u001b]0;title\u0007',
    '\u202e',
    '\u0085',
    '\ud800',
    '\ufffe',
  ];

  it.each(dropped.map((d) => [JSON.stringify(d), d]))(
    'masks a key with %s inside it, as it will be seen once that is dropped',
    (_, d) => {
      const text = `reply: ${key.slice(0, 8)}${d}${key.slice(8)} end`;
      const masked = r(text);
      expect(stripControlChars(masked)).not.toContain(key);
      expect(masked).toBe('reply: *** end');
    },
  );

  it('leaves no key whole after stripping, wherever the dropped characters go (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(key.length), fc.constantFrom(...dropped)), { maxLength: 6 }),
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        (inserts, before, after) => {
          let inner = key;
          for (const [at, d] of [...inserts].sort((a, b) => b[0] - a[0]))
            inner = inner.slice(0, at) + d + inner.slice(at);
          const out = r(`${before}${inner}${after}`);
          expect(stripControlChars(out)).not.toContain(key);
          expect(out).not.toContain(key);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('leaves text with emoji or tabs untouched when it holds no key', () => {
    const text = 'fine 👍\tand ok\nnext line';
    expect(r(text)).toBe(text);
  });
});

describe('redactTree masks keys as well as values', () => {
  it('renames an object key that holds a secret (a tool call argument named after it)', () => {
    const r = createRedactor(['sk-probe-SECRET-1234567890']);
    const tree = {
      tool_calls: [{ name: 'f', arguments: { 'Bearer sk-probe-SECRET-1234567890': 1, q: 'x' } }],
    };
    redactTree(tree, r);
    expect(tree.tool_calls[0]!.arguments).toEqual({ q: 'x', 'Bearer ***': 1 });
    expect(JSON.stringify(tree)).not.toContain('SECRET');
  });

  it('keeps both values when two keys mask to the same text', () => {
    const r = createRedactor(['secret-one', 'secret-two']);
    const tree: Record<string, unknown> = { 'a secret-one': 1, 'a secret-two': 2 };
    redactTree(tree, r);
    expect(tree).toEqual({ 'a ***': 1, 'a *** (2)': 2 });
  });
});
