import path from 'node:path';
import { isMap, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { errorMessage, InputError, type InputProblem } from '../errors.js';
import { loadSchemaValidators } from '../scorers/json-schema.js';
import { closest } from '../util/closest.js';
import { MAX_NESTING, tooDeep } from '../util/nesting.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../util/read-bounded.js';
import { aliasLimit, expandsPast, firstAliasLine } from '../util/yaml-aliases.js';
import { baseUrlProblems } from './base-url.js';
import { toolSchemaProblems } from './compile-tool-schemas.js';
import { interpolateEnv, type Substitution } from './interpolate.js';
import { readErrorMessage } from './project-files.js';
import { type Config, type canaryConfigSchema, configSchema } from './schema.js';
import { maskEnvValues } from './secret-values.js';

export interface LoadedConfig<C = Config> {
  /** The path as the user gave it, for messages. */
  file: string;
  /** Absolute folder of the config file: relative paths inside resolve against it. */
  dir: string;
  config: C;
  /**
   * The line in the file of the value at `at` (a key names its own line), or of the nearest part
   * of the path that is there: for messages and annotations about a config that parsed fine.
   */
  lineOf?: (at: readonly PropertyKey[]) => number | undefined;
  /**
   * Every string of the file that held a `${VAR}`, as it became: environment values and the
   * file's own `${VAR:-default}`s alike (see configValuesDigest).
   */
  filled?: Substitution[];
}

/**
 * A config that parsed as YAML but did not validate. `partial` is what it held once its `${VAR}`s
 * were filled (unset ones empty), unvalidated: the engine still checks the keys it names, so
 * that an unset key variable is listed along with the config's own problems.
 */
export class ConfigLoadError extends InputError {
  constructor(
    problems: InputProblem[],
    readonly partial: unknown,
  ) {
    super(problems);
  }
}

/** What the file is read for: `run` and `validate` (the default) or `canary` (needs `live:` only). */
type ConfigSchema = typeof configSchema | typeof canaryConfigSchema;

/**
 * Reads, interpolates and strictly validates a config file. Throws InputError listing every
 * problem. `substituted` receives every value read from the environment, even when it throws, so
 * the caller can mask them in whatever it prints.
 */
export function loadConfig<S extends ConfigSchema = typeof configSchema>(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  substituted?: Substitution[],
  unsetEnv?: (note: InputProblem) => void,
  schema?: S,
): LoadedConfig<z.output<S>> {
  return parseConfig(readConfigText(file), file, env, substituted, unsetEnv, schema);
}

/**
 * `loadConfig` for the front doors, which load ajv only when a run needs it: parsing compiles the
 * targets' tool schemas synchronously, so when the text could hold any (`tools`,
 * `response_format`) the validator is loaded first. The file is read once.
 */
export async function openConfig<S extends ConfigSchema = typeof configSchema>(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  substituted?: Substitution[],
  unsetEnv?: (note: InputProblem) => void,
  schema?: S,
): Promise<LoadedConfig<z.output<S>>> {
  const text = readConfigText(file);
  if (/\b(tools|response_format)\b/.test(text)) await loadSchemaValidators();
  return parseConfig(text, file, env, substituted, unsetEnv, schema);
}

function readConfigText(file: string): string {
  try {
    return readBoundedText(file, FILE_LIMITS.config);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    throw new InputError({
      file,
      message:
        err.reason === 'missing'
          ? 'config file not found (pass --config, or the Action input `config`)'
          : readErrorMessage('config file', file, err),
    });
  }
}

/** `loadConfig` on text already read; `schema` (the run's by default) types the result. */
export function parseConfig<S extends ConfigSchema = typeof configSchema>(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  substituted: Substitution[] = [],
  /** Given: an unset `${VAR}` is a note (with its file and line) and a placeholder, not an error. */
  unsetEnv?: (note: InputProblem) => void,
  schema: S = configSchema as S,
): LoadedConfig<z.output<S>> {
  const lineCounter = new LineCounter();
  // `<<: *defaults` merge keys are applied, as in the golden set's YAML.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
  });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line,
        message: `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const lineOf = (at: readonly PropertyKey[]): number | undefined => {
    // Walk up from the full path to the nearest part that exists. A map entry is named by its
    // key's line (a block value starts on the next line), so an unknown key points at its own
    // line and a missing key at the key of the object that lacks it.
    for (let len = at.length; len >= 0; len--) {
      if (len > 0) {
        const parent = doc.getIn(at.slice(0, len - 1) as unknown[], true);
        if (isMap(parent)) {
          const step = String(at[len - 1]);
          const pair = parent.items.find(
            (p) => String((p.key as { value?: unknown })?.value) === step,
          );
          const keyNode = pair?.key as Node | undefined;
          if (keyNode?.range) return lineCounter.linePos(keyNode.range[0]).line;
        }
      }
      const node = doc.getIn(at.slice(0, len) as unknown[], true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) {
        return lineCounter.linePos(node.range[0]).line;
      }
    }
    return undefined;
  };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: aliasLimit(text) });
  } catch (err) {
    throw new InputError({
      file,
      line: firstAliasLine(doc, lineCounter),
      message: `invalid YAML: ${errorMessage(err)}`,
    });
  }
  if (firstAliasLine(doc, lineCounter) !== undefined && expandsPast(raw, FILE_LIMITS.config)) {
    throw new InputError({
      file,
      line: firstAliasLine(doc, lineCounter),
      message: `invalid YAML: its aliases expand it past ${FILE_LIMITS.config / 1024 / 1024} MiB, the most a config file may hold`,
    });
  }
  const deep = tooDeep(raw);
  if (deep) {
    throw new InputError({
      file,
      line: lineOf(deep.slice(0, MAX_NESTING)),
      path: deep.slice(0, 3).join('.'),
      message: `nests more than ${MAX_NESTING} levels of lists and mappings; no config needs that many`,
    });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError({
      file,
      line: 1,
      message: 'the config must be a YAML mapping (key: value)',
    });
  }

  // `api_key_env: ${OPENAI_API_KEY}` puts the key itself where its NAME belongs, from where it
  // would reach error messages and logs: refuse it before interpolating, without echoing it.
  const problems: InputProblem[] = [];
  for (const at of API_KEY_FIELDS) {
    const holder = valueAt(raw, at.slice(0, -1));
    const field = at.at(-1)!;
    const v = (holder as Record<string, unknown> | undefined)?.[field];
    if (typeof v !== 'string' || !v.includes('${')) continue;
    delete (holder as Record<string, unknown>)[field];
    problems.push({
      file,
      line: lineOf(at),
      path: at.join('.'),
      message:
        'write the NAME of the variable that holds the key (api_key_env: OPENAI_API_KEY), not a $-reference to it',
    });
  }

  const envProblems: (InputProblem & { at: (string | number)[] })[] = [];
  const firstSubstituted = substituted.length;
  const filled: Substitution[] = [];
  const interpolated = interpolateEnv(
    raw,
    env,
    [],
    envProblems,
    substituted,
    unsetEnv ? ({ at, ...p }) => unsetEnv({ ...p, file, line: lineOf(at) }) : undefined,
    filled,
  );
  problems.push(...envProblems.map(({ at, ...p }) => ({ ...p, file, line: lineOf(at) })));
  const fromEnv = substituted.slice(firstSubstituted);

  // Parsed once per run: zod's compiled fast path (code generated and compiled per object
  // schema on first use) would cost more start-up than it saves.
  const parsed = (schema as typeof configSchema).safeParse(interpolated, { jitless: true });
  if (!parsed.success) {
    // Report every problem at once; a field whose variable is unset is already reported as
    // such, not also as the empty string that stood in for it.
    const unset = envProblems.map((p) => p.at.join('.'));
    const envPaths = new Set(fromEnv.map((s) => s.at.join('.')));
    problems.push(
      ...zodProblems(parsed.error.issues, file, lineOf, schema, interpolated, [], (p) =>
        envPaths.has(p),
      ).filter((p) => !unset.some((u) => p.path === u || p.path?.startsWith(`${u}.`))),
    );
  }
  // `canary` reads configs without targets: there is no base_url or tool to check then.
  if (parsed.success && parsed.data.targets) {
    for (const { at, message } of [
      ...baseUrlProblems(parsed.data),
      ...toolSchemaProblems(parsed.data),
    ]) {
      problems.push({ file, line: lineOf(at), path: at.join('.'), message });
    }
  }
  // A value read from the environment may be a credential whatever field it landed in
  // (`max_drop: ${SECRET}`): no message may quote it.
  if (problems.length > 0 || !parsed.success)
    throw new ConfigLoadError(maskEnvValues(problems, fromEnv), interpolated);
  return {
    file,
    dir: path.resolve(path.dirname(file)),
    config: parsed.data as z.output<S>,
    lineOf,
    filled,
  };
}

type Issue = z.core.$ZodIssue;

const API_KEY_FIELDS = [
  ['targets', 'baseline', 'api_key_env'],
  ['targets', 'candidate', 'api_key_env'],
  ['judge', 'api_key_env'],
  ['embeddings', 'api_key_env'],
];

/** Turns zod issues into problems with field paths, lines and a "did you mean" for typos. */
export function zodProblems(
  issues: readonly Issue[],
  file: string,
  lineOf: (at: PropertyKey[]) => number | undefined,
  schema: unknown,
  data: unknown,
  prefix: PropertyKey[] = [],
  /** Fields whose value came from the environment: no "did you mean" derived from it. */
  fromEnv: (path: string) => boolean = () => false,
): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of issues) {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // `prompt: {fil: x.md}` fails both "a string" and "{file}": only the branch of the right
      // shape says something useful (unknown key "fil"), so report that branch's issues.
      const ofShape = issue.errors.filter(
        (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (ofShape.length === 1) {
        const nested = ofShape[0]!.map(
          (i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue,
        );
        problems.push(...zodProblems(nested, file, lineOf, schema, data, prefix, fromEnv));
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyPath = [...at, key];
        const known = keysAt(schema, issue.path, data);
        const hint = closest(key, known);
        problems.push({
          file,
          line: lineOf(keyPath),
          path: keyPath.join('.'),
          message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}${
            known.length ? `; expected one of: ${known.join(', ')}` : ''
          }`,
        });
      }
      continue;
    }
    const where = at.join('.');
    problems.push({
      file,
      line: lineOf(at),
      path: where || undefined,
      message: describeIssue(issue, valueAt(data, issue.path), !fromEnv(where)),
    });
  }
  return problems;
}

function describeIssue(issue: Issue, value: unknown, hint: boolean): string {
  const missing = value === undefined;
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    const options = issue.options.map(String);
    if (missing) return `is required; expected one of: ${options.join(', ')}`;
    const near = hint && typeof value === 'string' ? closest(value, options) : undefined;
    return `unknown type; expected one of: ${options.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`;
  }
  // A missing key fails as whatever its schema is (a union says only "Invalid input").
  if (missing && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return issue.code === 'invalid_type'
      ? `is required (expected ${issue.expected})`
      : 'is required';
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** The value at `path` in the data that was validated (undefined when the key is absent). */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[step];
  }
  return cur;
}

interface SchemaLike {
  _zod: { def: Record<string, unknown> };
  shape?: Record<string, SchemaLike>;
}

function unwrap(s: SchemaLike): SchemaLike {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    const def = cur._zod.def;
    const inner = (def.innerType ?? def.in) as SchemaLike | undefined;
    if (
      !inner ||
      !['optional', 'default', 'pipe', 'nullable', 'prefault'].includes(String(def.type))
    )
      break;
    cur = inner;
  }
  return cur;
}

/**
 * The keys the schema allows at `at`, walking the data alongside so that a discriminated union
 * (targets, scorers) resolves to the branch its `type` picked.
 */
export function keysAt(schema: unknown, at: PropertyKey[], data: unknown): string[] {
  let cur: SchemaLike | undefined = unwrap(schema as SchemaLike);
  let value = data;
  const steps = [...at, undefined];
  for (const step of steps) {
    if (!cur) return [];
    if (cur._zod.def.type === 'union') {
      const type = (value as { type?: unknown } | null)?.type;
      const options = (cur._zod.def.options ?? []) as SchemaLike[];
      const unwrapped = options.map(unwrap);
      cur = unwrapped.find((o) => {
        const lit = o.shape?.type?._zod.def;
        return Array.isArray(lit?.values) && lit.values.includes(type);
      });
      // A plain union such as `string | {file}`: its only object branch.
      const objects = unwrapped.filter((o) => o._zod.def.type === 'object');
      if (!cur && objects.length === 1) cur = objects[0];
      if (!cur) return [];
    }
    if (step === undefined) break;
    const def = cur._zod.def;
    if (def.type === 'object') cur = cur.shape?.[String(step)];
    else if (def.type === 'array') cur = def.element as SchemaLike;
    else if (def.type === 'record') cur = def.valueType as SchemaLike;
    else return [];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[step as string];
    if (cur) cur = unwrap(cur);
  }
  return cur?._zod.def.type === 'object' && cur.shape ? Object.keys(cur.shape) : [];
}
