import { type Document, type LineCounter, visit } from 'yaml';

/**
 * yaml refuses more than 100 alias expansions by default (a "billion laughs" guard), which a
 * shared `assert: *std` reused on a few hundred cases exceeds. Legitimate reuse grows with the
 * text; an alias bomb grows exponentially beyond it. So the limit is the text's length.
 */
export function aliasLimit(text: string): number {
  return Math.max(100, text.length);
}

/** Where an alias bomb starts: the line of the first alias in the document. */
export function firstAliasLine(doc: Document, lineCounter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.range) line = lineCounter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/**
 * Whether `value`, with every alias written out, would be larger than `limit` characters (about
 * its JSON size). An alias repeats a value without repeating its text, and the counts above do
 * not weigh what is repeated: a 2 MB anchor used 300 times passed them, and became 600 MB in
 * the report and in every hash of the cases. Stops as soon as the limit is passed.
 */
export function expandsPast(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      size += 2 + entries.length;
      for (const [k, item] of entries) {
        size += k.length + 3;
        stack.push(item);
      }
    } else size += 8;
    if (size > limit) return true;
  }
  return false;
}
