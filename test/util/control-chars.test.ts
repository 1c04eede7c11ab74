import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripControlChars } from '../../src/report/escape.js';
import { visibleText } from '../../src/util/control-chars.js';

// The secret masking sees text as a renderer shows it (stripControlChars): the visible text and
// where each of its characters came from must agree with what the renderers print.

const piece = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    '\u0000',
    '\u001b[1m',
    '\u001b]0;t\u0007',
    '\u202e',
    '\u0085',
    '\ud800',
    '\ufffe',
    '👍',
    '\t',
    '\n',
  ),
);

describe('visibleText', () => {
  it('is undefined when nothing would be dropped', () => {
    expect(visibleText('plain 👍 text\twith\nlines')).toBeUndefined();
  });

  it('drops what a renderer drops and maps every kept character back (property)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('').replace(/\r/g, '');
        const visible = visibleText(text);
        const shown = stripControlChars(text);
        if (visible === undefined) {
          expect(shown).toBe(text);
          return;
        }
        expect(visible.text).toBe(shown);
        for (let i = 0; i < visible.text.length; i++)
          expect(text[visible.from(i)]).toBe(visible.text[i]);
      }),
      { seed: 21, numRuns: 500 },
    );
  });

  it('remembers dropped stretches, not characters: a long answer with a few marks is cheap', () => {
    const text = `${'a'.repeat(1_000_000)}\u0000${'b'.repeat(1_000_000)}`;
    const visible = visibleText(text)!;
    expect(visible.text.length).toBe(2_000_000);
    expect(visible.from(999_999)).toBe(999_999);
    expect(visible.from(1_000_000)).toBe(1_000_001);
  });
});
