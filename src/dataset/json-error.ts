import { errorMessage } from '../errors.js';

// "Expected ',' ... in JSON at position 4 (line 1 column 5)", "... after JSON at position 8"
const POSITION = /(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?/;

/**
 * V8's JSON.parse message without the parts we say better ourselves: the character offset (we
 * report a line) and the echo of the source ("..." is not valid JSON), which for a large file is
 * a confusing fragment.
 */
export function jsonParseMessage(err: unknown): { message: string; offset?: number } {
  const raw = errorMessage(err);
  const at = POSITION.exec(raw);
  const message = raw
    .replace(POSITION, '')
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
  return at ? { message, offset: Number(at[1]) } : { message };
}
