// A small strict JSON scanner. JSON.parse does the real parsing; this walks the text a second time
// for what JSON.parse cannot tell us: where each case starts, and where a syntax error is when V8's
// message carries no position ("Unexpected token ']'" for a trailing comma, the most common slip).

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

export interface JsonScan {
  /** Offset of the first syntax error, if any. */
  error?: number;
  /** Offset of the first array or object nested deeper than `maxDepth`: the scan stopped there. */
  tooDeep?: number;
  /** Offsets where each element of the case array starts. */
  elements: number[];
}

/**
 * Scans `text`; `key` picks the case array: null for a top-level array, else the array under
 * that key of the top-level object (the last occurrence, as JSON.parse keeps the last).
 */
export function scanJson(text: string, key: string | null, maxDepth = Infinity): JsonScan {
  let i = 0;
  let elements: number[] = [];
  // The scan recurses once per level: a file nested 100k levels deep must end here, not in a
  // stack overflow.
  let tooDeep: number | undefined;

  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };
  const token = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c === 0x5c) {
        if (!token(ESCAPE)) return false;
      } else if (c < 0x20) {
        return false;
      } else {
        i++;
      }
    }
    return false;
  };
  const value = (depth: number, target: boolean): boolean => {
    ws();
    const c = text[i];
    if ((c === '[' || c === '{') && depth >= maxDepth) {
      tooDeep = i;
      return false;
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return true;
      }
      for (;;) {
        ws();
        if (target) elements.push(i);
        if (!value(depth + 1, false)) return false;
        ws();
        if (text[i] === ']') {
          i++;
          return true;
        }
        if (text[i] !== ',') return false;
        i++;
      }
    }
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return true;
      }
      for (;;) {
        ws();
        const keyStart = i;
        if (!string()) return false;
        const isTarget = depth === 0 && key !== null && JSON.parse(text.slice(keyStart, i)) === key;
        if (isTarget) elements = [];
        ws();
        if (text[i] !== ':') return false;
        i++;
        if (!value(depth + 1, isTarget)) return false;
        ws();
        if (text[i] === '}') {
          i++;
          return true;
        }
        if (text[i] !== ',') return false;
        i++;
      }
    }
    if (c === '"') return string();
    return token(NUMBER) || token(LITERAL);
  };

  if (!value(0, key === null))
    return tooDeep === undefined ? { error: i, elements } : { tooDeep, elements };
  ws();
  return i < text.length ? { error: i, elements } : { elements };
}
