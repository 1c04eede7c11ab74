import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputFileError, ProjectFiles } from '../config/project-files.js';
import type { ChatMessage, GoldenCase } from '../types.js';
import {
  type BoundScorer,
  type ScoreResult,
  ScorerError,
  ScorerSetupError,
  ScoringCancelledError,
} from './scorer.js';
import { WorkerFailure, type WorkerReply } from './worker-pool.js';
import { type ScoringWorkers, showTimeout } from './workers.js';

/** What a custom scorer module sees of a case. */
export interface CustomCase {
  id: string;
  input: string | ChatMessage[];
  expected: unknown;
  tags: string[];
  vars: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** A custom scorer module, checked to load in a worker, run there on every answer. */
export interface CustomModule {
  file: string;
  workers: ScoringWorkers;
}

const LOADABLE = /\.(m?js|cjs|m?ts)$/i;

/**
 * Imports a custom scorer module once, in a worker, before anything is sent: a missing file, a
 * module that fails to load (or hangs, or exits while loading) or one without a default export
 * function is bad input naming the module. Nothing the module does runs on the main thread.
 */
export async function loadCustomModule(
  file: string,
  shown: string,
  workers: ScoringWorkers,
  files: ProjectFiles = ProjectFiles.unrestricted(),
): Promise<CustomModule> {
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
  let reply: WorkerReply;
  try {
    // Loaded in every worker now, so that a scorer's deadline never includes the import.
    [reply] = (await workers.custom().warm({ type: 'load', file })) as [WorkerReply];
  } catch (err) {
    const f = err as WorkerFailure;
    const why =
      f.reason === 'timeout'
        ? `did not load within run.scorer_timeout_ms (${showTimeout(workers.timeoutMs)})`
        : f.reason === 'exited'
          ? `exited while loading (${f.message.replace(/^exited \((.*)\)$/, '$1')})`
          : f.reason === 'cancelled'
            ? 'was not loaded: the run was cancelled'
            : `failed to load: ${f.message}`;
    throw new ScorerSetupError('module', `custom scorer module ${shown} ${why}`);
  }
  if (reply.loadError !== undefined) {
    const hint =
      reply.code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ` (this Node ${process.version} cannot import TypeScript; use a .js or .mjs file)`
        : '';
    throw new ScorerSetupError(
      'module',
      `custom scorer module ${shown} failed to load: ${reply.loadError}${hint}`,
    );
  }
  if (reply.value !== true) {
    throw new ScorerSetupError(
      'module',
      `custom scorer module ${shown} has no default export function; write \`export default (output, testCase) => score\``,
    );
  }
  return { file, workers };
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

/** A worker's failure as the answer's error: stopped at the deadline, exited, or threw. */
function failureOf(f: WorkerFailure, shown: string, timeoutMs: number): Error {
  switch (f.reason) {
    case 'timeout':
      return new ScorerError(
        'scorer_timeout',
        `custom scorer ${shown} did not finish within run.scorer_timeout_ms (${showTimeout(timeoutMs)}); it was stopped`,
      );
    case 'exited':
      return new ScorerError('scorer', `the custom scorer module ${shown} ${f.message}`);
    case 'cancelled':
      return new ScoringCancelledError();
    default:
      return new ScorerError('scorer', `custom scorer ${shown} ${f.message}`);
  }
}

/**
 * custom: runs the module's default export in a worker with the output, a copy of the case
 * (structured clone) and the rest of the answer (`{tool_calls, steps?, context?, sources?}`),
 * within run.scorer_timeout_ms.
 */
export function customScorer(mod: CustomModule | undefined, shown: string): BoundScorer {
  if (!mod) throw new ScorerSetupError('module', `custom scorer module ${shown} is not loaded`);
  const { file, workers } = mod;
  return {
    async score(output, value, c: GoldenCase, answer) {
      const testCase: CustomCase = {
        id: c.id,
        input: c.input,
        expected: value,
        tags: [...c.tags],
        vars: { ...c.vars },
        metadata: { ...c.metadata },
      };
      let reply: WorkerReply;
      try {
        reply = await workers
          .custom()
          .run({ type: 'custom', file, output, testCase, answer: { tool_calls: [], ...answer } });
      } catch (err) {
        if (err instanceof WorkerFailure) throw failureOf(err, shown, workers.timeoutMs);
        // structured clone refused the case (a value only a YAML dataset could hold).
        throw new ScorerError(
          'scorer',
          `custom scorer ${shown} could not be called: ${(err as Error).message}`,
        );
      }
      if (reply.threw !== undefined) {
        throw new ScorerError('scorer', `custom scorer ${shown} threw: ${reply.threw}`);
      }
      return customResult(reply.value, shown);
    },
  };
}
