import { jsonParseMessage } from './json-error.js';
import { scanJson } from './json-scan.js';
import {
  CONTAINER_KEYS,
  describeValue,
  isPlainObject,
  lineLocator,
  type ParsedFile,
} from './raw.js';

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
    const offset = parsed.offset ?? scanJson(text, null).error;
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

  const { elements } = scanJson(text, key);
  return {
    records: cases.map((value, index) => {
      const offset = elements[index];
      return { line: offset === undefined ? 1 : lineAt(offset), value };
    }),
    problems: [],
  };
}
