import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { InputError } from '../../src/errors.js';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/**
 * A fresh temp folder holding `files` (name → content), removed when the test ends. It is outside
 * the cwd, so the loader names its files by absolute path. Call it inside a test.
 */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-dataset-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The InputError a promise rejects with (failing the test if it resolves or throws another kind). */
export async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but the promise resolved');
}

/** `file:line` of every problem, the part of a message a user (and an annotation) locates by. */
export function locations(err: InputError): string[] {
  return err.problems.map((p) => `${p.file}:${p.line}`);
}
