import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { Report } from '../../src/types.js';

// Every report an e2e test makes is checked against the published schema/report.schema.json
// (the committed file, as users get it), so the schema cannot fall behind what the program writes.

const SCHEMA = fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url));

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(value: unknown): string | null {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(
    JSON.parse(readFileSync(SCHEMA, 'utf8')),
  );
  if (validator(value)) return null;
  return (validator.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}

/** Throws, naming the file and the fields, when `report` does not match the report schema. */
export function expectReportMatchesSchema(report: unknown, file: string): void {
  const problems = validate(report);
  if (problems) throw new Error(`${file} does not match schema/report.schema.json:\n${problems}`);
}

/** Reads a report file and checks it against the schema. */
export function readReport(file: string): Report {
  const report: unknown = JSON.parse(readFileSync(file, 'utf8'));
  expectReportMatchesSchema(report, file);
  return report as Report;
}

/** What a process ran: the CLI, the Action, or something else that writes no report. */
export type Bundle = 'cli' | 'action' | undefined;

/**
 * Checks the report a finished `evalgate run` or Action step wrote, if it wrote one since
 * `since` (ms); throws when it does not match the schema.
 */
export function checkWrittenReport(
  kind: Bundle,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  since: number,
): void {
  const file = kind && writtenReport(args, cwd, env, kind, since);
  if (file) expectReportMatchesSchema(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** `--report` or the `report` input, else the default name, relative to where it ran. */
function writtenReport(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  kind: 'cli' | 'action',
  since: number,
): string | undefined {
  let name: string | undefined;
  let dir = cwd;
  if (kind === 'cli') {
    if (args[0] !== 'run' && args[0] !== 'merge') return undefined;
    const at = args.indexOf('--report');
    const eq = args.find((a) => a.startsWith('--report='));
    name = at >= 0 ? args[at + 1] : eq?.slice('--report='.length);
  } else {
    name = env.INPUT_REPORT;
    dir = path.resolve(cwd, env['INPUT_WORKING-DIRECTORY'] || '.');
  }
  const file = path.resolve(dir, name || 'evalgate-report.json');
  if (!existsSync(file)) return undefined;
  const stat = statSync(file);
  return stat.isFile() && stat.mtimeMs >= since ? file : undefined;
}
