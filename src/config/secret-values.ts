import type { InputProblem } from '../errors.js';
import { createRedactor, MASK } from '../util/redact.js';
import { isPublicApiRoot } from './base-url.js';
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

/** `value` as it appears inside a JSON or YAML double-quoted string, when that differs. */
function quotedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return json === value ? [value] : [value, json];
}

/**
 * The problems with every value read from the environment masked in their messages. Anywhere
 * in a message, values long enough to be a credential (MIN_SECRET_LENGTH); in the problem about
 * the very field a value landed in, any value at all, since that message is about it.
 */
export function maskEnvValues(
  problems: readonly InputProblem[],
  substituted: readonly Substitution[],
): InputProblem[] {
  // OPENAI_BASE_URL=https://api.openai.com is no secret, and the base_url hint spells it out.
  const secret = substituted.filter((s) => !isPublicApiRoot(s.value));
  if (secret.length === 0) return [...problems];
  const everywhere = createRedactor(secret.flatMap((s) => quotedForms(s.value)));
  return problems.map((p) => {
    let message = everywhere(p.message);
    for (const s of secret) {
      if (s.value === '' || s.at.join('.') !== p.path) continue;
      for (const form of quotedForms(s.value)) message = message.split(form).join(MASK);
    }
    return message === p.message ? p : { ...p, message };
  });
}
