import type { InputProblem } from '../errors.js';
import { jsonParseMessage } from './json-error.js';
import type { ParsedFile, RawRecord } from './raw.js';

/** About how much text one piece of a JSONL file holds: a few tens of milliseconds of parsing. */
const PIECE_CHARS = 1 << 20;

/**
 * One JSON value per line; blank lines are skipped, and every bad line is reported, not just the
 * first. Read a piece at a time, each about `pieceChars` long and cut at a line's end, so that a
 * caller can pause between pieces (a cancel during a long load) and drop each piece's records
 * once it has checked them.
 */
export function* jsonlPieces(
  text: string,
  file: string,
  pieceChars = PIECE_CHARS,
): Generator<ParsedFile> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    const records: RawRecord[] = [];
    const problems: InputProblem[] = [];
    const until = start + pieceChars;
    // indexOf rather than split: a 100k-line file should not allocate a second copy of itself.
    while (start <= text.length && start < until) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      line++;
      const chunk = text.slice(start, end);
      start = end + 1;
      if (chunk.trim() === '') continue;
      try {
        records.push({ line, value: JSON.parse(chunk) });
      } catch (err) {
        const { message, offset } = jsonParseMessage(err);
        const column = offset === undefined ? '' : ` (column ${offset + 1})`;
        problems.push({ file, line, message: `invalid JSON: ${message}${column}` });
      }
    }
    yield { records, problems };
  }
}
