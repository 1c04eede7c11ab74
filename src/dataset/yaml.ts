import { isCollection, isMap, isNode, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { errorMessage } from '../errors.js';
import { FILE_LIMITS } from '../util/read-bounded.js';
import { aliasLimit, expandsPast, firstAliasLine } from '../util/yaml-aliases.js';
import { CONTAINER_KEYS, describeValue, type ParsedFile } from './raw.js';

/** A top-level sequence of cases, or a mapping holding it under `cases`, `samples` or `data`. */
export function readYaml(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  // `<<: *base` merge keys (YAML 1.1's, which most YAML tools still read) are applied, not
  // dropped: a case that inherits its tags from another would quietly fall out of its slice.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const lineOfNode = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  if (doc.errors.length > 0) {
    return {
      records: [],
      problems: doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }

  const top = doc.contents;
  // An empty file has no contents: that is "no cases", which the loader reports for every format.
  if (top === null) return { records: [], problems: [] };
  let seq: unknown = top;
  let key: string | undefined;
  if (isMap(top)) {
    key = CONTAINER_KEYS.find((k) => top.has(k));
    if (key === undefined) {
      return {
        records: [],
        problems: [
          {
            file,
            line: lineOfNode(top),
            message: `expected a list of cases, or a mapping with a ${CONTAINER_KEYS.map((k) => `"${k}:"`).join(', ')} list`,
          },
        ],
      };
    }
    seq = top.get(key, true);
  }
  if (!isSeq(seq)) {
    return {
      records: [],
      problems: [
        {
          file,
          line: lineOfNode(seq) ?? lineOfNode(top),
          path: key,
          message: `expected a list of cases, got ${describeValue(isNode(seq) ? seq.toJSON() : seq)}`,
        },
      ],
    };
  }

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: aliasLimit(text) });
  } catch (err) {
    const line = firstAliasLine(doc, lineCounter) ?? 1;
    return {
      records: [],
      problems: [{ file, line, message: `invalid YAML: ${errorMessage(err)}` }],
    };
  }
  // Aliases may repeat a large value many times over: the cases as they will be used (hashed,
  // written into the report) may not be larger than a golden-set file may be.
  if (firstAliasLine(doc, lineCounter) !== undefined && expandsPast(js, FILE_LIMITS.dataset)) {
    return {
      records: [],
      problems: [
        {
          file,
          line: firstAliasLine(doc, lineCounter),
          message: `its aliases expand it past ${FILE_LIMITS.dataset / 1024 / 1024} MiB, the most a golden set may hold; write the repeated values out, or make them smaller`,
        },
      ],
    };
  }
  const values = (key === undefined ? js : (js as Record<string, unknown>)[key]) as unknown[];
  return {
    records: seq.items.map((item, index) => {
      const line = lineOfNode(item) ?? 1;
      return {
        line,
        value: values[index],
        // Walk up from the field to the nearest node that exists, so a missing key points at
        // the case and a bad scorer key at its own line.
        lineOf: (at: PropertyKey[]) => {
          if (!isCollection(item)) return line;
          for (let len = at.length; len > 0; len--) {
            const found = lineOfNode(item.getIn(at.slice(0, len) as unknown[], true));
            if (found !== undefined) return found;
          }
          return line;
        },
      };
    }),
    problems: [],
  };
}
