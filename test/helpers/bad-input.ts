// The harness of the bad-input tests: each kind breaks one thing in an otherwise valid workspace
// and runs the real CLI bundle against a loopback endpoint that counts what it receives.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI } from './fake-openai.js';
import { baseConfig, CLI, ROOT, runNode, workspace } from './workspace.js';

export const CONFIG = 'evalgate.yaml';
export const KEY = 'sk-test-0123456789abcdef';
export const GOLDEN = [
  '{"id": "c1", "input": "q1", "expected": "a1", "vars": {"plan": "pro"}}',
  '{"id": "c2", "input": "q2", "expected": "a2", "vars": {"plan": "free"}}',
  '{"id": "c3", "input": "q3", "expected": "a3", "vars": {"plan": "pro"}}',
].join('\n');

/** 1-based line of the first line of `text` that contains `needle`; throws if there is none. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`test setup: "${needle}" not found in:\n${text}`);
  return i + 1;
}

/** The text with each `[from, to]` applied once; a `from` that is not there is a test bug. */
export function edit(text: string, ...edits: [string, string][]): string {
  let out = text;
  for (const [from, to] of edits) {
    if (!out.includes(from)) throw new Error(`test setup: "${from}" not found in config`);
    out = out.replace(from, () => to);
  }
  return out;
}

/** The base config with edits applied. */
export const cfg = (url: string, ...edits: [string, string][]) => edit(baseConfig(url), ...edits);

export interface Kind {
  name: string;
  /** Files of the workspace; `evalgate.yaml` and `golden.jsonl` default to a valid pair. */
  files?: (url: string) => Record<string, string>;
  /** Runs after the files are written, in the workspace: pipes, symlinks, folders. */
  setup?: (dir: string) => void;
  /** Extra CLI arguments after `--config evalgate.yaml`; a function sees the workspace. */
  args?: string[] | ((dir: string) => string[]);
  command?: 'run' | 'validate' | 'calibrate';
  /** Replaces the default environment (`TEST_KEY` set); a function sees the workspace. */
  env?: Record<string, string> | ((dir: string) => Record<string, string>);
  /**
   * What must name the place: `file:LINE`, `file (field.path)` or `file:LINE (field.path)`, as
   * computed from the files themselves. A function sees the files as written and the workspace.
   */
  where: string[] | ((files: Record<string, string>, dir: string) => string[]);
  /** What the message must say. */
  says: RegExp[];
  /** What it must never say (a secret). */
  never?: string[];
  /** Patterns stderr must never match (a workflow command smuggled in by the dataset). */
  neverMatch?: RegExp[];
  /** The fix for this kind belongs to another engineer's folder: expected to fail until then. */
  fails?: boolean;
}

export interface KindResult {
  code: number;
  stdout: string;
  stderr: string;
  where: string[];
  /** Requests the endpoint received during the run. */
  sent: number;
  dir: string;
}

export async function runKind(
  server: FakeServer,
  kind: Kind,
  command: 'run' | 'validate' | 'calibrate',
): Promise<KindResult> {
  const files = {
    [CONFIG]: baseConfig(server.url),
    'golden.jsonl': GOLDEN,
    ...kind.files?.(server.url),
  };
  const cwd = workspace(files);
  kind.setup?.(cwd);
  const before = server.requests.length;
  const args = typeof kind.args === 'function' ? kind.args(cwd) : (kind.args ?? []);
  const env = typeof kind.env === 'function' ? kind.env(cwd) : (kind.env ?? { TEST_KEY: KEY });
  const result = await runNode(CLI, [command, '--config', CONFIG, ...args], { cwd, env });
  const where = typeof kind.where === 'function' ? kind.where(files, cwd) : kind.where;
  return { ...result, where, sent: server.requests.length - before, dir: cwd };
}

/** Exit 2, the place named, what it says, no secret, no stack trace, nothing sent. */
export function expectBadInput(r: KindResult, kind: Kind): void {
  const shown = `stderr was:\n${r.stderr}`;
  expect(r.code, shown).toBe(2);
  expect(r.sent, 'requests sent').toBe(0);
  expect(r.stderr).toContain('bad input; nothing was sent');
  for (const w of r.where) expect(r.stderr, shown).toContain(w);
  for (const s of kind.says) expect(r.stderr, shown).toMatch(s);
  for (const re of kind.neverMatch ?? []) expect(r.stderr, shown).not.toMatch(re);
  for (const secret of kind.never ?? []) {
    expect(r.stderr).not.toContain(secret);
    expect(r.stdout).not.toContain(secret);
  }
  expect(r.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stdout).toBe('');
}

/**
 * The counting endpoint for one test file, started before its tests (after building the bundle
 * when this checkout has none yet) and closed after them.
 */
export function useBadInputServer(): () => FakeServer {
  let server: FakeServer | undefined;
  beforeAll(async () => {
    if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    server = await startFakeOpenAI(() => 'a1');
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}

/** One test per kind, each run as its own command: bad input, the place named, nothing sent. */
export function itRejectsEach(kinds: readonly Kind[], server: () => FakeServer): void {
  for (const kind of kinds) {
    const command = kind.command ?? 'run';
    (kind.fails ? it.fails : it)(
      `${command}: ${kind.name}`,
      async () => {
        expectBadInput(await runKind(server(), kind, command), kind);
      },
      20_000,
    );
  }
}
