// pandas writes a list column to CSV as Python's repr of the list: `['a', "it's"]`. Ragas' CSV
// export of `retrieved_contexts` looks like that, so the loader reads that one shape: a list of
// Python string literals, nothing else (no nesting, numbers or expressions).

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The strings of a Python list-of-strings literal, or undefined when `text` is not one. */
export function pythonStringList(text: string): string[] | undefined {
  const out: string[] = [];
  let i = skipSpace(text, 0);
  if (text[i] !== '[') return undefined;
  i = skipSpace(text, i + 1);
  if (text[i] === ']') return skipSpace(text, i + 1) === text.length ? out : undefined;
  for (;;) {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return undefined;
    let value = '';
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) return undefined;
      if (c === quote) break;
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      if (e === undefined) return undefined;
      const width = HEX_DIGITS[e];
      if (width !== undefined) {
        const hex = text.slice(i + 2, i + 2 + width);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) return undefined;
        value += String.fromCodePoint(code);
        i += 2 + width;
      } else {
        // Python keeps an unknown escape as written, backslash included.
        value += ESCAPES[e] ?? `\\${e}`;
        i += 2;
      }
    }
    out.push(value);
    i = skipSpace(text, i + 1);
    if (text[i] === ']') return skipSpace(text, i + 1) === text.length ? out : undefined;
    if (text[i] !== ',') return undefined;
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}
