import type { Substitution } from './interpolate.js';

// Sections that say how to judge, never how to reach an endpoint: nothing in them authenticates.
const PLAIN_SECTIONS = new Set(['version', 'dataset', 'budgets', 'gate', 'slices', 'run']);
// Fields that name things the report has to show (a model, a file, an enum value); masking
// `model: ${MODEL}` would blank the report's Model row and every log line that names it.
const PLAIN_FIELDS = new Set(['model', 'type', 'method', 'file', 'ref', 'api_version', 'stream']);
// Where a credential travels: whatever lands under these is masked whatever its field is called.
const CARRIERS = new Set(['url', 'base_url', 'headers', 'body', 'params']);
const LITERAL = /^(?:-?\d+(?:\.\d+)?|true|false|null)$/;

/**
 * The values read from the environment into the config that may be credentials and so must be
 * masked: any of them in a url, base_url, header, body or params (a function key in
 * `?code=${FUNC_KEY}`, a token header), and anywhere else not known to be plain. Numbers and
 * booleans are left alone: masking "1024" in every log line would protect nothing.
 */
export function secretValues(substituted: readonly Substitution[]): string[] {
  const out: string[] = [];
  for (const { at, value } of substituted) {
    if (LITERAL.test(value.trim())) continue;
    const carried = at.some((step) => typeof step === 'string' && CARRIERS.has(step));
    const section = at[0];
    const field = at.at(-1);
    if (!carried) {
      if (typeof section === 'string' && PLAIN_SECTIONS.has(section)) continue;
      if (typeof field === 'string' && PLAIN_FIELDS.has(field)) continue;
    }
    out.push(value);
  }
  return out;
}
