import { MAX_NESTING } from '../util/nesting.js';
import { jsonParseMessage } from './json-error.js';
import { scanJson } from './json-scan.js';
import {
  CONTAINER_KEYS,
  describeValue,
  isPlainObject,
  lineLocator,
  type ParsedFile,
} from './raw.js';

/** The case array, possibly inside a container object, then the cases themselves. */
const MAX_FILE_DEPTH = MAX_NESTING + 2;

/**
 * A top-level array of cases, or an object holding that array under `cases`, `samples` or `data`
 * (CONTAINER_KEYS). Each case's line is the line of its opening brace.
 */
export function readJson(text: string, file: string): ParsedFile {
  const lineAt = lineLocator(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const parsed = jsonParseMessage(err);
    const offset = parsed.offset ?? scanJson(text, null, MAX_FILE_DEPTH).error;
    return {
      records: [],
      problems: [
        {
          file,
          line: offset === undefined ? undefined : lineAt(Math.min(offset, text.length)),
          message: `invalid JSON: ${parsed.message}`,
        },
      ],
    };
  }

  let key: string | null = null;
  let cases: unknown = data;
  if (isPlainObject(data)) {
    key = CONTAINER_KEYS.find((k) => k in data) ?? null;
    if (key === null) {
      return {
        records: [],
        problems: [
          {
            file,
            line: 1,
            message: `expected an array of cases, or an object with a ${CONTAINER_KEYS.map((k) => `"${k}"`).join(', ')} array`,
          },
        ],
      };
    }
    cases = data[key];
  }
  if (!Array.isArray(cases)) {
    return {
      records: [],
      problems: [
        {
          file,
          line: 1,
          path: key ?? undefined,
          message: `expected an array of cases, got ${describeValue(cases)}`,
        },
      ],
    };
  }

  const { elements, tooDeep } = scanJson(text, key, MAX_FILE_DEPTH);
  if (tooDeep !== undefined) {
    return {
      records: [],
      problems: [
        {
          file,
          line: lineAt(tooDeep),
          message: `nests more than ${MAX_NESTING} levels of arrays and objects in a case`,
        },
      ],
    };
  }
  return {
    records: cases.map((value, index) => {
      const offset = elements[index];
      return { line: offset === undefined ? 1 : lineAt(offset), value };
    }),
    problems: [],
  };
}
