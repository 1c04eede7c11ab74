import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputFileError, ProjectFiles } from '../config/project-files.js';
import type { ChatMessage, GoldenCase } from '../types.js';
import { type BoundScorer, type ScoreResult, ScorerError, ScorerSetupError } from './scorer.js';

/** What a custom scorer module sees of a case. */
export interface CustomCase {
  id: string;
  input: string | ChatMessage[];
  expected: unknown;
  tags: string[];
  vars: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export type CustomScorerFn = (output: string, testCase: CustomCase) => unknown;

const LOADABLE = /\.(m?js|cjs|m?ts)$/i;

/**
 * Imports a custom scorer module once, before anything is sent: a missing file, a module that
 * fails to load or one without a default export function is bad input naming the module.
 */
export async function loadCustomModule(
  file: string,
  shown: string,
  files: ProjectFiles = ProjectFiles.unrestricted(),
): Promise<CustomScorerFn> {
  if (!LOADABLE.test(file)) {
    throw new ScorerSetupError('module', `custom scorer "${shown}" must be a .js or .mjs file`);
  }
  if (!existsSync(file)) {
    throw new ScorerSetupError('module', `custom scorer module not found: ${shown} (${file})`);
  }
  // Code the run executes: inside the project, and a file an import can finish reading.
  try {
    files.checkModule(file, 'custom scorer module');
  } catch (err) {
    if (err instanceof InputFileError) throw new ScorerSetupError('module', err.message);
    throw err;
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ` (this Node ${process.version} cannot import TypeScript; use a .js or .mjs file)`
        : '';
    throw new ScorerSetupError(
      'module',
      `custom scorer module ${shown} failed to load: ${e.message.split('\n')[0]}${hint}`,
    );
  }
  // `export default fn` in ESM; `module.exports = fn` in CommonJS arrives as the default too.
  let fn = mod.default;
  if (fn && typeof fn === 'object' && typeof (fn as { default?: unknown }).default === 'function') {
    fn = (fn as { default: unknown }).default;
  }
  if (typeof fn !== 'function') {
    throw new ScorerSetupError(
      'module',
      `custom scorer module ${shown} has no default export function; write \`export default (output, testCase) => score\``,
    );
  }
  return fn as CustomScorerFn;
}

/** The path a user wrote, resolved against the config's folder. */
export function modulePath(module: string, configDir: string): string {
  return path.resolve(configDir, module);
}

function preview(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
  } catch {
    return typeof v;
  }
}

/** A module's answer as a score: a number in 0..1, or `{score, reason?}`; anything else is an error. */
export function customResult(raw: unknown, shown: string): ScoreResult {
  const bad = (why: string) =>
    new ScorerError(
      'scorer',
      `custom scorer ${shown} returned ${preview(raw)}: ${why}; expected a number in 0..1 or {score, reason?}`,
    );
  let score: unknown = raw;
  let reason: unknown;
  if (raw !== null && typeof raw === 'object') {
    score = (raw as { score?: unknown }).score;
    reason = (raw as { reason?: unknown }).reason;
  }
  if (typeof score !== 'number' || Number.isNaN(score)) throw bad('not a number');
  if (score < 0 || score > 1) throw bad('outside 0..1');
  if (reason !== undefined && typeof reason !== 'string') throw bad('reason is not a string');
  return reason ? { score, reason } : { score };
}

/** custom: calls the module's default export with the output and a copy of the case. */
export function customScorer(fn: CustomScorerFn | undefined, shown: string): BoundScorer {
  if (!fn) throw new ScorerSetupError('module', `custom scorer module ${shown} is not loaded`);
  return {
    async score(output, value, c: GoldenCase) {
      const testCase: CustomCase = {
        id: c.id,
        input: c.input,
        expected: value,
        tags: [...c.tags],
        vars: { ...c.vars },
        metadata: { ...c.metadata },
      };
      let raw: unknown;
      try {
        raw = await fn(output, testCase);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new ScorerError('scorer', `custom scorer ${shown} threw: ${message}`);
      }
      return customResult(raw, shown);
    },
  };
}
