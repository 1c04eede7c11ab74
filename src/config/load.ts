import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { closest } from '../util/closest.js';
import { interpolateEnv } from './interpolate.js';
import { type Config, configSchema } from './schema.js';

export interface LoadedConfig {
  /** The path as the user gave it, for messages. */
  file: string;
  /** Absolute folder of the config file: relative paths inside resolve against it. */
  dir: string;
  config: Config;
}

/** Reads, interpolates and strictly validates a config file. Throws InputError listing every problem. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({
      file,
      message:
        code === 'ENOENT'
          ? 'config file not found (pass --config, or the Action input `config`)'
          : `cannot read config file (${code ?? 'error'})`,
    });
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line,
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const lineOf = (at: (string | number | PropertyKey)[]): number | undefined => {
    // Walk down as far as the path exists, so an unknown key points at its own line and a
    // missing key at the object that lacks it.
    for (let len = at.length; len >= 0; len--) {
      const node = doc.getIn(at.slice(0, len) as unknown[], true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) {
        return lineCounter.linePos(node.range[0]).line;
      }
      if (len === at.length && len > 0) {
        const parent = doc.getIn(at.slice(0, len - 1) as unknown[], true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === at[len - 1]);
          const keyNode = pair?.key as Node | undefined;
          if (keyNode?.range) return lineCounter.linePos(keyNode.range[0]).line;
        }
      }
    }
    return undefined;
  };

  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError({ file, line: 1, message: 'the config must be a YAML mapping (key: value)' });
  }

  const envProblems: (InputProblem & { at: (string | number)[] })[] = [];
  const interpolated = interpolateEnv(raw, env, [], envProblems);
  if (envProblems.length > 0) {
    throw new InputError(envProblems.map(({ at, ...p }) => ({ ...p, file, line: lineOf(at) })));
  }

  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) {
    throw new InputError(zodProblems(parsed.error.issues, file, lineOf, configSchema, interpolated));
  }
  return { file, dir: path.resolve(path.dirname(file)), config: parsed.data };
}

type Issue = z.core.$ZodIssue;

/** Turns zod issues into problems with field paths, lines and a "did you mean" for typos. */
export function zodProblems(
  issues: readonly Issue[],
  file: string,
  lineOf: (at: PropertyKey[]) => number | undefined,
  schema: unknown,
  data: unknown,
  prefix: PropertyKey[] = [],
): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of issues) {
    const at = [...prefix, ...issue.path];
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
    problems.push({
      file,
      line: lineOf(at),
      path: at.join('.') || undefined,
      message: describeIssue(issue),
    });
  }
  return problems;
}

function describeIssue(issue: Issue): string {
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return `unknown type; expected one of: ${issue.options.join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return `is required (expected ${issue.expected})`;
  }
  return issue.message.replace(/^Invalid input: /, '');
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
    if (!inner || !['optional', 'default', 'pipe', 'nullable', 'prefault'].includes(String(def.type))) break;
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
      cur = options.map(unwrap).find((o) => {
        const lit = o.shape?.type?._zod.def;
        return Array.isArray(lit?.values) && lit.values.includes(type);
      });
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
