import type { GoldenCase } from '../types.js';
import { getPath } from '../util/dot-path.js';
import { nestedDeeperThan } from '../util/json-depth.js';
import {
  BadResponseError,
  type Dialect,
  type ParsedReply,
  parseJson,
  setKeyHeader,
  tokenCount,
} from './dialect.js';
import { placeholders, renderTemplate, TemplateError } from './template.js';

export interface HttpAppOptions {
  url: string;
  method: string;
  apiKey?: string;
  /** The header that carries the key; `authorization` (the default) sends `Bearer <key>`. */
  keyHeader?: string;
  headers?: Record<string, string>;
  body?: unknown;
  output: string;
  usage?: { input_tokens?: string; output_tokens?: string };
}

/**
 * A structured answer (an object or a list at the output path) is scored as its JSON text. Past
 * this depth it is refused as bad_response rather than stringified: no real answer nests so
 * deep, and the text would overflow the stack of whatever parses and walks it next (a
 * json_schema scorer, say).
 */
export const MAX_OUTPUT_DEPTH = 100;

function outputText(out: unknown, path: string): string {
  if (typeof out === 'string') return out;
  if (nestedDeeperThan(out, MAX_OUTPUT_DEPTH)) {
    throw new BadResponseError(
      `the value at "${path}" is nested more than ${MAX_OUTPUT_DEPTH} levels deep; not read as an answer`,
    );
  }
  return JSON.stringify(out);
}

/** Every string in the body template is templated; a string that is exactly one placeholder of
 *  a non-string value (a chat array, a number) is replaced by the value itself. */
function renderBody(template: unknown, c: GoldenCase): unknown {
  if (typeof template === 'string') {
    if (/^\{\{\s*input\s*\}\}$/.test(template) && typeof c.input !== 'string') return c.input;
    return renderTemplate(template, c);
  }
  if (Array.isArray(template)) return template.map((t) => renderBody(t, c));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderBody(v, c)]));
  }
  return template;
}

/** The url with the case filled in, each value percent-encoded so it cannot change the URL's shape. */
function renderUrl(template: string, c: GoldenCase): URL {
  const text = renderTemplate(template, c, undefined, encodeURIComponent);
  try {
    return new URL(text);
  } catch {
    throw new TemplateError(`the url is not a valid URL once filled in for case "${c.id}"`);
  }
}

/**
 * The user's own application endpoint: a JSON body template in (POST, PUT), or the case in the
 * url itself (`?q={{input}}`, for GET), and a dot path to the answer out.
 */
export function httpAppDialect(o: HttpAppOptions): Dialect {
  const fixedUrl = placeholders(o.url).length ? undefined : new URL(o.url);
  const hasBody = o.method !== 'GET';
  // A GET carries no body, so it declares no content type.
  const headers: Record<string, string> = hasBody
    ? { 'content-type': 'application/json', ...o.headers }
    : { ...o.headers };
  setKeyHeader(headers, o.apiKey, o.keyHeader);
  const bodyTemplate = o.body ?? { input: '{{input}}' };
  return {
    buildRequest(c: GoldenCase) {
      const url = fixedUrl ?? renderUrl(o.url, c);
      const body = hasBody ? JSON.stringify(renderBody(bodyTemplate, c)) : undefined;
      return { url, method: o.method, headers, body };
    },
    parseReply(body: string): ParsedReply {
      const json = parseJson(body);
      const out = getPath(json, o.output);
      if (out === undefined || out === null)
        throw new BadResponseError(`the reply has nothing at "${o.output}"`);
      return {
        output: outputText(out, o.output),
        input_tokens: o.usage?.input_tokens
          ? tokenCount(getPath(json, o.usage.input_tokens), o.usage.input_tokens)
          : 0,
        output_tokens: o.usage?.output_tokens
          ? tokenCount(getPath(json, o.usage.output_tokens), o.usage.output_tokens)
          : 0,
      };
    },
  };
}
