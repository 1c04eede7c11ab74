import type { InputProblem } from '../errors.js';

/** A value read from the environment into the config, and the field it landed in. */
export interface Substitution {
  at: (string | number)[];
  value: string;
}

const VAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of a parsed YAML tree, in place of a
 * copy. `$$` stands for a literal `$`. An unset variable without a default is a problem reported
 * with the field path, because an empty base URL or model name would only fail later, after
 * requests went out. Every value taken from the environment is also pushed to `substituted`:
 * it may be a credential (a key in a url or header), which the run has to keep out of reports.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: (string | number)[] = [],
  problems: (InputProblem & { at: (string | number)[] })[] = [],
  substituted: Substitution[] = [],
  unset?: (problem: InputProblem & { at: (string | number)[] }) => void,
  /** Every string that held a `${VAR}`, as it became (environment values and defaults alike). */
  filled?: Substitution[],
): unknown {
  if (typeof value === 'string') {
    let held = false;
    const result = value.replace(
      VAR,
      (whole, name: string | undefined, fallback: string | undefined, offset: number) => {
        if (whole === '$$') return '$';
        held = true;
        const v = env[name!];
        if (v !== undefined && v !== '') {
          substituted.push({ at: path, value: v });
          return v;
        }
        if (fallback !== undefined) return fallback;
        const problem = {
          at: path,
          path: path.join('.'),
          message: `environment variable ${name} is not set (used as \${${name}})`,
        };
        if (!unset) {
          problems.push(problem);
          return '';
        }
        unset(problem);
        return placeholder(path, offset);
      },
    );
    if (held) filled?.push({ at: path, value: result });
    return result;
  }
  if (Array.isArray(value))
    return value.map((v, i) =>
      interpolateEnv(v, env, [...path, i], problems, substituted, unset, filled),
    );
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Defined, not assigned: `__proto__: {...}` in the YAML would set the object's prototype,
      // hiding an unknown key from the schema while its contents took effect.
      Object.defineProperty(out, k, {
        value: interpolateEnv(v, env, [...path, k], problems, substituted, unset, filled),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * What stands in for an unset variable when the caller only checks the config (validate on a
 * fork, which gets no secrets): a value every field accepts, a whole URL where a URL starts.
 */
function placeholder(path: (string | number)[], offset: number): string {
  const field = path.at(-1);
  return offset === 0 && (field === 'url' || field === 'base_url')
    ? 'http://unset.invalid'
    : 'unset';
}
