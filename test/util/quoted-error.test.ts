import { describe, expect, it } from 'vitest';
import { maskingExcerpt, QuotingError } from '../../src/util/quoted-error.js';
import { createRedactor } from '../../src/util/redact.js';

const KEY = 'sk-live-0123456789abcdef';
const body = `${'x'.repeat(70)}${KEY}\n\n and the rest`;
const err = new QuotingError(
  (excerpt) => `the reply is not JSON (starts with "${excerpt(body, 80)}")`,
);

describe('QuotingError', () => {
  it('keeps the quote whole in message, where nothing holds a redactor to mask it first', () => {
    expect(err.message).toBe(
      `the reply is not JSON (starts with "${'x'.repeat(70)}${KEY} and the rest")`,
    );
  });

  it('describe quotes through the excerpt it is given: masked in full, then cut', () => {
    const shown = err.describe(maskingExcerpt(createRedactor([KEY])));
    expect(shown).toBe(`the reply is not JSON (starts with "${'x'.repeat(70)}*** and t…")`);
  });

  it('a plain message is itself', () => {
    expect(new QuotingError('plain').describe(() => 'never')).toBe('plain');
  });
});
