import { SchemaCache } from '../scorers/json-schema.js';
import type { Config } from './schema.js';

/**
 * Every JSON Schema in the targets' tool keys (tool parameters, a response_format schema) that
 * does not compile, with where it is. Run after the config parsed, like baseUrlProblems: the
 * provider would refuse such a schema on every case of a paid run, or a lenient server would
 * ignore it and let any arguments through.
 */
export function toolSchemaProblems(config: Config): { at: (string | number)[]; message: string }[] {
  const problems: { at: (string | number)[]; message: string }[] = [];
  // One cache for the config: two targets sharing their tools compile them once.
  const schemas = new SchemaCache();
  const check = (schema: Record<string, unknown> | undefined, at: (string | number)[]) => {
    if (schema === undefined) return;
    try {
      schemas.compile(schema);
    } catch (err) {
      problems.push({ at, message: (err as Error).message });
    }
  };
  for (const side of ['baseline', 'candidate'] as const) {
    const t = config.targets[side];
    if (t.type === 'http') continue;
    t.tools?.forEach((tool, i) => {
      check(tool.function.parameters, ['targets', side, 'tools', i, 'function', 'parameters']);
    });
    const format = t.response_format;
    if (format?.type === 'json_schema')
      check(format.json_schema.schema, [
        'targets',
        side,
        'response_format',
        'json_schema',
        'schema',
      ]);
  }
  return problems;
}
