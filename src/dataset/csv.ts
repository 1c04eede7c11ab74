import { parse } from 'csv-parse/sync';
import { errorMessage, type InputProblem } from '../errors.js';
import { jsonParseMessage } from './json-error.js';
import { ALIASES, isChatArray } from './normalize.js';
import { pythonStringList } from './python-list.js';
import { isPlainObject, type ParsedFile, type RawRecord } from './raw.js';

const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];
const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

interface Row {
  line: number;
  text: string;
}

/** A row's fields, or none when the row could not be parsed (its problem is already recorded). */
interface ParsedRow {
  line: number;
  fields?: string[];
}

/** Columns whose cell is JSON: a conversation, tool calls, canned results (aliases included). */
const JSON_COLUMNS = new Set<string>([
  'assert',
  'vars',
  'metadata',
  ...['messages', 'expected_tool_calls', 'tool_results'].flatMap((f) => [
    f,
    ...ALIASES[f as keyof typeof ALIASES],
  ]),
]);
const CONTEXT_COLUMNS = new Set<string>(['context', ...ALIASES.context]);
const LIST_COLUMNS = new Set<string>(['tags', 'expected_sources', ...ALIASES.expected_sources]);

/**
 * Rows with the header's column names. A cell is turned into the shape the other formats write
 * directly: `vars.x` / `metadata.x` columns into those objects, `tags` and `expected_sources`
 * split on `;` or `,` (or read as a JSON array), `assert` / `vars` / `metadata` / `messages` /
 * `expected_tool_calls` / `tool_results` read as JSON, `context` as one passage or a list (JSON,
 * or the Python list Ragas' CSV export writes), and `input` read as a chat message array when it
 * is one. Everything else stays a string.
 */
export function readCsv(text: string, file: string): ParsedFile {
  const problems: InputProblem[] = [];
  const rows = splitRows(text);
  const fields = parseRows(text, rows, file, problems);
  const header = fields[0];
  // Without a readable header no row can be named; its problem is already reported.
  if (!header?.fields) return { records: [], problems };
  const headerLine = header.line;
  const columns = header.fields.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of columns) {
    if (name !== '' && seen.has(name)) {
      problems.push({
        file,
        line: headerLine,
        message: `column "${name}" appears twice in the header`,
      });
    }
    seen.add(name);
  }

  const records: RawRecord[] = [];
  for (const { line, fields: cells } of fields.slice(1)) {
    if (!cells) continue;
    // Spreadsheets export blank rows as ",,,": those are not cases.
    if (cells.every((c) => c.trim() === '')) continue;
    const extra = cells.slice(columns.length);
    if (cells.length < columns.length || extra.some((c) => c.trim() !== '')) {
      problems.push({
        file,
        line,
        message: `row has ${cells.length} fields but the header has ${columns.length} columns (an unquoted comma or quote?)`,
      });
      continue;
    }
    records.push({ line, value: toRecord(columns, cells, file, line, problems) });
  }
  return { records, problems };
}

function toRecord(
  columns: string[],
  cells: string[],
  file: string,
  line: number,
  problems: InputProblem[],
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const vars: Record<string, unknown> = {};
  const metadata: Record<string, unknown> = {};
  const json = (name: string, cell: string): unknown => {
    try {
      return JSON.parse(cell);
    } catch (err) {
      problems.push({
        file,
        line,
        path: name,
        message: `is not valid JSON: ${jsonParseMessage(err).message}`,
      });
      return undefined;
    }
  };

  columns.forEach((name, i) => {
    const cell = cells[i]!;
    // An empty cell means "not given": a blank `expected` must not become an expected "".
    // Unnamed columns are the index pandas writes by default (`df.to_csv()` without index=False).
    if (name === '' || cell === '') return;
    if (name.startsWith('vars.')) vars[name.slice(5)] = cell;
    else if (name.startsWith('metadata.')) metadata[name.slice(9)] = cell;
    else if (LIST_COLUMNS.has(name)) record[name] = splitTags(cell);
    else if (name === 'assert') {
      const parsed = json(name, cell);
      // One scorer per cell is the natural way to write it in a spreadsheet.
      if (parsed !== undefined) record.assert = Array.isArray(parsed) ? parsed : [parsed];
    } else if (JSON_COLUMNS.has(name)) {
      const parsed = json(name, cell);
      if (parsed !== undefined) record[name] = parsed;
    } else if (CONTEXT_COLUMNS.has(name)) {
      const passages = contextCell(cell);
      if (passages === undefined) {
        problems.push({
          file,
          line,
          path: name,
          message:
            'looks like a list but is not one: write the passages as a JSON list of strings, or one passage as plain text',
        });
      } else record[name] = passages;
    } else if ((name === 'input' || name === 'user_input') && cell.trimStart().startsWith('[')) {
      record[name] = chatOrString(cell);
    } else record[name] = cell;
  });
  if (Object.keys(vars).length > 0) record.vars = mergeObject(record.vars, vars);
  if (Object.keys(metadata).length > 0) record.metadata = mergeObject(record.metadata, metadata);
  return record;
}

/** A JSON-object column and dotted columns may both be given; the dotted ones are more specific. */
function mergeObject(base: unknown, dotted: Record<string, unknown>): unknown {
  if (base === undefined) return dotted;
  // Leave a non-object alone so normalization reports it with its type.
  return isPlainObject(base) ? { ...base, ...dotted } : base;
}

function chatOrString(cell: string): unknown {
  try {
    const parsed: unknown = JSON.parse(cell);
    return isChatArray(parsed) ? parsed : cell;
  } catch {
    return cell;
  }
}

/**
 * One passage, or a list of them when the cell is bracketed: JSON, or the Python repr pandas
 * writes for a list column (`['a', "b's"]`). Undefined for a bracketed cell that is neither.
 */
function contextCell(cell: string): string | string[] | undefined {
  const trimmed = cell.trim();
  if (!(trimmed.startsWith('[') && trimmed.endsWith(']'))) return cell;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed;
    return undefined;
  } catch {
    return pythonStringList(trimmed);
  }
}

function splitTags(cell: string): string[] {
  const trimmed = cell.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((t) => typeof t === 'string')) return parsed;
    } catch {
      // Not JSON after all (a tag such as "[draft]"): split it like any other cell.
    }
  }
  const sep = trimmed.includes(';') ? ';' : ',';
  return trimmed
    .split(sep)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * Where each record starts, splitting at line breaks outside quoted fields as csv-parse does.
 * csv-parse's own `info.lines` is the line a record ends on, and it counts a CRLF inside quotes
 * twice, so it cannot name the row.
 */
function splitRows(text: string): Row[] {
  const rows: Row[] = [];
  let line = 1;
  let start = 0;
  let startLine = 1;
  let inQuotes = false;
  let fieldStart = true;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else inQuotes = false;
      } else if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
        line++;
      }
      i++;
    } else if (c === LF || c === CR) {
      if (i > start) rows.push({ line: startLine, text: text.slice(start, i) });
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      start = i;
      startLine = line;
      fieldStart = true;
    } else {
      if (c === QUOTE && fieldStart) inQuotes = true;
      fieldStart = c === COMMA;
      i++;
    }
  }
  if (start < text.length) rows.push({ line: startLine, text: text.slice(start) });
  return rows;
}

/**
 * Fields of every row. One csv-parse call over the whole text is fast; only when it fails, or
 * splits rows differently than splitRows did, is each row parsed alone, so that every broken
 * row is reported with its own line.
 */
function parseRows(text: string, rows: Row[], file: string, problems: InputProblem[]): ParsedRow[] {
  try {
    const all = parse(text, {
      record_delimiter: RECORD_DELIMITERS,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][];
    if (all.length === rows.length)
      return all.map((fields, i) => ({ line: rows[i]!.line, fields }));
  } catch {
    // Fall through to row by row.
  }
  const out: ParsedRow[] = [];
  for (const row of rows) {
    try {
      const parsed = parse(row.text, {
        record_delimiter: RECORD_DELIMITERS,
        relax_column_count: true,
      }) as string[][];
      if (parsed.length === 1) {
        out.push({ line: row.line, fields: parsed[0]! });
        continue;
      }
      problems.push({
        file,
        line: row.line,
        message: 'invalid CSV: the row could not be read as one record',
      });
    } catch (err) {
      const at = (err as { lines?: number }).lines;
      problems.push({
        file,
        line: row.line + (typeof at === 'number' && at > 1 ? at - 1 : 0),
        message: `invalid CSV: ${errorMessage(err).replace(/ (?:at|on) line \d+/, '')}`,
      });
    }
    out.push({ line: row.line });
  }
  return out;
}
