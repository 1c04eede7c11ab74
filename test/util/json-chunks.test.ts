import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/util/json-chunks.js';
import { makeLongReport, makeReport } from '../report/fixture.js';

const joined = (v: unknown, piece?: number) => [...jsonChunks(v, 2, piece)].join('');

describe('jsonChunks', () => {
  it('is byte for byte JSON.stringify(report, null, 2) for ordinary reports', () => {
    for (const report of [makeReport(), makeLongReport(40)]) {
      expect(joined(report)).toBe(JSON.stringify(report, null, 2));
    }
  });

  it('matches JSON.stringify on any JSON value and string, with strings cut into small pieces', () => {
    // Strings of any UTF-16 code units: lone surrogates, pairs, controls, quotes and backslashes.
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue(),
        text,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(text, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 2, max: 9 }), (v, piece) => {
        expect(joined(v, piece)).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('follows JSON.stringify for what a plain object may hold', () => {
    const v = {
      a: undefined,
      f: () => 1,
      n: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      arr: [undefined, () => 1, new Array(1), 3],
      when: new Date(0),
      nested: { empty: {}, list: [] },
    };
    expect(joined(v)).toBe(JSON.stringify(v, null, 2));
  });

  it('writes long arrays of cases in batches, byte for byte, whatever their items', () => {
    const item = (i: number) =>
      i % 97 === 0
        ? { when: new Date(i), at: { toJSON: (key: string) => `key ${key}` } }
        : i % 89 === 0
          ? 'x'.repeat(5000)
          : { id: `c${i}`, out: i % 7 ? 'é😀"\n' : null, list: [i, undefined, [i]] };
    const withToJson = { toJSON: (key: string) => `index ${key}` };
    for (const v of [
      { cases: Array.from({ length: 3000 }, (_, i) => item(i)) },
      { cases: [1, withToJson, 2, withToJson] },
      [[Array.from({ length: 600 }, (_, i) => ({ i, s: 'y'.repeat(i * 50) }))]],
    ]) {
      expect(joined(v, 1000)).toBe(JSON.stringify(v, null, 2));
      expect([...jsonChunks(v, 4)].join('')).toBe(JSON.stringify(v, null, 4));
    }
  });

  it('refuses a circular structure as JSON.stringify does', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(() => joined(a)).toThrow(/circular/);
    // The same object twice, not nested in itself, is not circular.
    const shared = { y: 2 };
    expect(joined({ p: shared, q: [shared] })).toBe(
      JSON.stringify({ p: shared, q: [shared] }, null, 2),
    );
  });

  it('writes nesting far deeper than the call stack allows recursion for', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let n = 0;
    for (const chunk of jsonChunks(deep)) n += chunk.length;
    // 100,000 openings and closings, each on its own indented line.
    expect(n).toBeGreaterThan(2 * 100_000);
  });

  it('escapes a long string in pieces without splitting a surrogate pair', () => {
    const s = `${'😀'.repeat(5)}"\\\n${'é'.repeat(7)}\ud800x`;
    for (let piece = 2; piece < 12; piece++) expect(joined(s, piece)).toBe(JSON.stringify(s));
  });
});
