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
