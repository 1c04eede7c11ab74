import path from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { InputFileError, type ProjectFiles } from '../config/project-files.js';
import { FILE_LIMITS } from '../util/read-bounded.js';
import { ScorerSetupError } from './scorer.js';

type Validators = typeof import('./ajv-validators.js');
let validators: Validators | undefined;

/**
 * Loads ajv (about 150 KB of a bundle every run would otherwise parse) for a run that has a
 * JSON Schema to compile: a json_schema or tool-call scorer, tool parameters, a response_format.
 * Awaited before anything compiles one (SchemaCache.compile is synchronous).
 */
export async function loadSchemaValidators(): Promise<void> {
  validators ??= await import('./ajv-validators.js');
}

type Draft = '2020-12' | '2019-09' | 'draft-07';

/** Which validator a schema asks for: its `$schema`, or draft 2020-12 when it names none. */
export function draftOf(schema: Record<string, unknown>): Draft {
  const id = schema.$schema;
  if (id === undefined) return '2020-12';
  if (typeof id !== 'string') throw new ScorerSetupError('schema.$schema', 'must be a string');
  if (id.includes('/draft/2020-12/')) return '2020-12';
  if (id.includes('/draft/2019-09/')) return '2019-09';
  if (id.includes('/draft-07/')) return 'draft-07';
  throw new ScorerSetupError(
    'schema.$schema',
    `unsupported JSON Schema version "${id}"; use draft 2020-12 (https://json-schema.org/draft/2020-12/schema) or draft-07 (http://json-schema.org/draft-07/schema#)`,
  );
}

function newValidator(draft: Draft): Ajv {
  if (!validators) {
    throw new Error('internal: a JSON Schema was compiled before loadSchemaValidators()');
  }
  const { Ajv, Ajv2019, Ajv2020, addFormats } = validators;
  // strictSchema: an unknown keyword (a typo such as "requried") is bad input, not a schema that
  // silently accepts everything. Type and tuple strictness only log, and logs would be noise.
  const options = { strictSchema: true, strictTypes: false, strictTuples: false, allErrors: false };
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(options)
      : draft === '2019-09'
        ? new Ajv2019(options)
        : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

/**
 * Compiles each distinct schema once per run, whatever number of cases or scorers use it (ajv
 * refuses to compile two schemas with the same `$id`, so identity must be by content).
 */
export class SchemaCache {
  private readonly validators = new Map<Draft, Ajv>();
  private readonly compiled = new Map<string, ValidateFunction>();

  compile(schema: Record<string, unknown>): ValidateFunction {
    const draft = draftOf(schema);
    const key = `${draft}\n${JSON.stringify(schema)}`;
    const hit = this.compiled.get(key);
    if (hit) return hit;
    let ajv = this.validators.get(draft);
    if (!ajv) {
      ajv = newValidator(draft);
      this.validators.set(draft, ajv);
    }
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      throw new ScorerSetupError(
        'schema',
        `is not a valid JSON Schema (${draft}): ${(err as Error).message}`,
      );
    }
    this.compiled.set(key, validate);
    return validate;
  }
}

/** The schema object a scorer names: inline, or read from `{file}` relative to the config. */
export function resolveSchema(
  source: Record<string, unknown>,
  files: ProjectFiles,
): Record<string, unknown> {
  const keys = Object.keys(source);
  if (!(keys.length === 1 && keys[0] === 'file' && typeof source.file === 'string')) return source;
  const file = path.resolve(files.dir, source.file);
  let text: string;
  try {
    text = files.readText(source.file, 'schema file', FILE_LIMITS.template);
  } catch (err) {
    if (err instanceof InputFileError) throw new ScorerSetupError('schema.file', err.message);
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ScorerSetupError(
      'schema.file',
      `cannot parse ${file}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ScorerSetupError('schema.file', `${file} does not hold a JSON Schema object`);
  }
  return parsed as Record<string, unknown>;
}

/** undefined when the schema accepts the data, else its first violation ("/amount must be >= 0"). */
export function validateData(validate: ValidateFunction, data: unknown): string | undefined {
  if (validate(data)) return undefined;
  const e = validate.errors?.[0];
  const where = e?.instancePath || '(root)';
  return e ? `${where} ${e.message ?? 'is invalid'}` : 'schema violated';
}

/** 1 when the output is JSON that the schema accepts; the reason names the first violation. */
export function validateJson(
  validate: ValidateFunction,
  output: string,
): { score: number; reason?: string } {
  let data: unknown;
  try {
    data = JSON.parse(output);
  } catch {
    return { score: 0, reason: 'the output is not JSON' };
  }
  const why = validateData(validate, data);
  return why === undefined ? { score: 1 } : { score: 0, reason: why };
}
