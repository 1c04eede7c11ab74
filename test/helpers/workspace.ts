import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWrittenReport } from './report-schema.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist/cli.js');
export const ACTION = path.join(ROOT, 'dist/index.js');

/** A temp folder with the given files written into it. */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (node, npm, npx) as a real process with only PATH and `env` set. */
export function runCommand(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Runs a bundle as a real process, as users and GitHub do. A report the CLI's `run` or the
 * Action writes is checked against schema/report.schema.json before the result is returned.
 */
export async function runNode(
  script: string,
  args: string[],
  /** `nodeArgs` go before the script, e.g. `['--import', RUSAGE]`. */
  opts: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] },
): Promise<Exec> {
  const kind = script === CLI ? 'cli' : script === ACTION ? 'action' : undefined;
  const started = Date.now();
  const r = await runCommand(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], opts);
  checkWrittenReport(kind, args, opts.cwd, opts.env ?? {}, started);
  return r;
}

/** JSONL golden cases `q0..q{n-1}` with expected answers `a0..`, tagged by the given function. */
export function goldenJsonl(n: number, tag: (i: number) => string = () => 'general'): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `case-${i}`, input: `q${i}`, expected: `a${i}`, tags: [tag(i)] }),
  ).join('\n');
}

export function baseConfig(url: string, extra = ''): string {
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: ${url}
    model: base-model
    api_key_env: TEST_KEY
    price: {input_per_mtok: 1, output_per_mtok: 2}
  candidate:
    type: openai
    base_url: ${url}
    model: cand-model
    api_key_env: TEST_KEY
    price: {input_per_mtok: 1, output_per_mtok: 2}
scorers:
  - type: exact
budgets:
  quality: {max_drop: 0.02}
  pass_rate: {max_drop: 0.02}
  error_rate: {max: 0.05}
gate:
  min_cases: 30
run:
  concurrency: 8
  retries: 2
  backoff_ms: 1
  timeout_ms: 5000
${extra}`;
}

/** What `evalgate run` printed and wrote: each output file's text, '' when it was not written. */
export interface RunOutputs extends Exec {
  files: { report: string; junit: string; summary: string };
}

/**
 * `evalgate run --config <config>` in `dir`, writing report.json, junit.xml and summary.md there:
 * for tests that look at everything a run prints and writes.
 */
export async function runWithOutputs(
  dir: string,
  env: NodeJS.ProcessEnv,
  extraArgs: string[] = [],
  config = 'evalgate.yml',
): Promise<RunOutputs> {
  const outputs = ['--report', 'report.json', '--junit', 'junit.xml', '--summary', 'summary.md'];
  const r = await runNode(CLI, ['run', '--config', config, ...outputs, ...extraArgs], {
    cwd: dir,
    env,
  });
  const read = (f: string) =>
    existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : '';
  return {
    ...r,
    files: { report: read('report.json'), junit: read('junit.xml'), summary: read('summary.md') },
  };
}
