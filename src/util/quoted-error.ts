import { maskedExcerpt, type Redact } from './redact.js';

/** Shortens untrusted text to at most `max` characters for a message. */
export type Excerpt = (text: string, max: number) => string;

/** A message, or how to write it around excerpts of untrusted text. */
export type Composed = string | ((excerpt: Excerpt) => string);

// Without a redactor nothing may be cut (the cut could end inside a key): whitespace only.
const whole: Excerpt = (text) => text.replace(/\s+/g, ' ').trim();

/**
 * An error whose message quotes what an endpoint sent. The code that throws it (a dialect, the
 * judge's parser) does not hold the run's redactor, and a quote cut before masking can end inside
 * a key and show all of it but the tail. So `message` keeps the quote whole, and the code that
 * holds the redactor (callTarget) calls `describe`, whose excerpts are masked, then cut.
 */
export class QuotingError extends Error {
  constructor(private readonly compose: Composed) {
    super(typeof compose === 'string' ? compose : compose(whole));
  }

  /** The message with its quotes shortened by `excerpt` (see `maskingExcerpt`). */
  describe(excerpt: Excerpt): string {
    return typeof this.compose === 'string' ? this.compose : this.compose(excerpt);
  }
}

/** Excerpts with `redact`'s secrets masked in the whole text before it is cut. */
export function maskingExcerpt(redact: Redact): Excerpt {
  return (text, max) => maskedExcerpt(text, max, redact);
}
