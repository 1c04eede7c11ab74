import * as z from 'zod';
import { configSchema } from '../config/schema.js';
import { reportSchema } from './report.js';

// The published JSON Schemas (schema/*.json), generated from the zod schemas the code validates
// with, so they cannot say something the program does not. `npm run schema` writes them; a test
// fails when the committed files differ from what this module makes.

/** Draft 7: what editors (yaml-language-server, VS Code) and most validators read fully. */
const TARGET = 'draft-7';

type JsonObject = { [key: string]: unknown };

/**
 * `${VAR}` is replaced before validation, so an editor reading the raw file must accept
 * `base_url: ${OPENAI_BASE_URL}` where the program accepts the URL the variable holds.
 */
function allowEnvInUrls(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) allowEnvInUrls(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as JsonObject;
  if (obj.type === 'string' && obj.format === 'uri') {
    delete obj.format;
    obj.pattern = '^(https?://|\\$\\{)';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax.
    obj.description = 'an http(s) URL, or ${VAR} read from the environment';
  }
  for (const value of Object.values(obj)) allowEnvInUrls(value);
}

function withHeader(title: string, schema: JsonObject): JsonObject {
  const { $schema, ...rest } = schema;
  return { $schema, title, ...rest };
}

export function configJsonSchema(): JsonObject {
  // `input`: the file as written (percent strings, defaults optional), not the parsed result.
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: TARGET }) as JsonObject;
  allowEnvInUrls(schema);
  // `run` needs a golden set and targets; `evalgate canary` needs only `live:` (an editor must
  // accept a canary's config as the loader does).
  const required = (schema.required as string[]).filter((k) => k !== 'dataset' && k !== 'targets');
  schema.required = required;
  schema.anyOf = [
    { properties: { dataset: {}, targets: {} }, required: ['dataset', 'targets'] },
    { properties: { live: {} }, required: ['live'] },
  ];
  return withHeader('evalgate config (evals/evalgate.yaml)', schema);
}

export function reportJsonSchema(): JsonObject {
  const schema = z.toJSONSchema(reportSchema, { io: 'output', target: TARGET }) as JsonObject;
  return withHeader('evalgate report (evalgate-report.json), schema_version 1', schema);
}

/** Each published file's path (from the repository root) and exact text. */
export function schemaFiles(): Record<string, string> {
  const text = (schema: JsonObject) => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    'schema/config.schema.json': text(configJsonSchema()),
    'schema/report.schema.json': text(reportJsonSchema()),
  };
}
