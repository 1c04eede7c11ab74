import type { InputProblem } from '../errors.js';
import { jsonParseMessage } from './json-error.js';
import type { ParsedFile, RawRecord } from './raw.js';

/** One JSON value per line; blank lines are skipped. Every bad line is reported, not just the first. */
export function readJsonl(text: string, file: string): ParsedFile {
  const records: RawRecord[] = [];
  const problems: InputProblem[] = [];
  let line = 0;
  let start = 0;
  // indexOf rather than split: a 100k-line file should not allocate a second copy of itself.
  while (start <= text.length) {
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
  return { records, problems };
}
