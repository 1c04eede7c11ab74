import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The step's outputs go to the file the runner names in GITHUB_OUTPUT (through @actions/core):
// a file gone by the end of the run is one warning, never a throw that would end the step in a
// crash after the calls were paid for.

const saved = process.env.GITHUB_OUTPUT;
afterEach(() => {
  if (saved === undefined) delete process.env.GITHUB_OUTPUT;
  else process.env.GITHUB_OUTPUT = saved;
  vi.restoreAllMocks();
});

async function freshModule() {
  vi.resetModules();
  return import('../../src/action/step-outputs.js');
}

describe('setOutput', () => {
  it('appends to the runner file while it is there', async () => {
    const { setOutput } = await freshModule();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-out-')), 'output.txt');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    setOutput('decision', 'pass');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).toMatch(/^decision<<ghadelimiter_.*\npass\n/);
  });

  it('is one warning, not a throw, when the file is gone mid-run', async () => {
    const { setOutput } = await freshModule();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-out-'));
    const file = path.join(dir, 'output.txt');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    rmSync(dir, { recursive: true });
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    expect(() => {
      setOutput('decision', 'pass');
      setOutput('exit-code', '0');
    }).not.toThrow();
    const warnings = lines
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::warning::'));
    expect(warnings).toEqual([
      `::warning::could not set the step's outputs: Missing file at path: ${file}`,
    ]);
  });
});
