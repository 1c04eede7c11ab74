import type { InputProblem } from '../errors.js';

/** One case as a format reader found it, before any field is checked or renamed. */
export interface RawRecord {
  /** 1-based line where the record starts (the opening brace, the `- ` item, the CSV row). */
  line: number;
  value: unknown;
  /**
   * Line of a field inside the record, for formats that can tell (YAML). Others point every
   * field at the record's own line, which is exact for JSONL and CSV anyway.
   */
  lineOf?: (at: PropertyKey[]) => number | undefined;
}

/** What a format reader returns: the records it could read and every problem it met. */
export interface ParsedFile {
  records: RawRecord[];
  problems: InputProblem[];
}

export type FormatReader = (text: string, file: string) => ParsedFile;

/**
 * Keys under which a JSON or YAML file may hold its cases when the top level is an object rather
 * than an array: our own `cases`, `samples` (OpenAI evals / inspect exports), `data` (Hugging Face
 * style dumps). The first one present wins.
 */
export const CONTAINER_KEYS = ['cases', 'samples', 'data'] as const;

/** Maps string offsets to 1-based lines with one pass over the text and a binary search per lookup. */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "an array", "a number", "null": for messages that say what was found instead. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}
