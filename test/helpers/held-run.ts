import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../../src/types.js';
import { type FakeReply, type FakeServer, startFakeOpenAI, userText } from './fake-openai.js';
import { afterThisTest } from './per-test.js';
import { checkWrittenReport } from './report-schema.js';
import { ACTION, baseConfig, CLI } from './workspace.js';

// A run interrupted mid-way, at an event rather than after a sleep: the endpoint answers the
// first `answered` calls and holds every later one, and the signal goes to the process once
// `answered + held` requests have arrived. With 4 calls in flight per target, exactly 8 are
// held once the answered ones are done.

export const ANSWERED = 30;
export const HELD = 8;

export interface HeldRun {
  code: number | null;
  stdout: string;
  stderr: string;
  server: FakeServer;
}

/** Writes evalgate.yaml in `cwd`, starts `script`, and sends `signal` once the calls are held. */
export async function runUntilHeld(
  script: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: NodeJS.Signals,
): Promise<HeldRun> {
  let child: ChildProcess | undefined;
  let arrived = 0;
  const server = await startFakeOpenAI(
    (req) =>
      new Promise<FakeReply>((resolve) => {
        arrived++;
        if (arrived <= ANSWERED) resolve(userText(req).replace(/^q/, 'a'));
        // Held calls are never answered: the run has to cancel them.
        if (arrived === ANSWERED + HELD) child?.kill(signal);
      }),
  );
  afterThisTest(() => server.close());
  const cfg = baseConfig(server.url).replace('concurrency: 8', 'concurrency: 4');
  writeFileSync(path.join(cwd, 'evalgate.yaml'), cfg);
  const started = Date.now();
  return new Promise<HeldRun>((resolve, reject) => {
    child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => {
      stdout += c;
    });
    child.stderr!.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const kind = script === CLI ? 'cli' : script === ACTION ? 'action' : undefined;
        checkWrittenReport(kind, args, cwd, env, started);
      } catch (err) {
        reject(err);
        return;
      }
      resolve({ code, stdout, stderr, server });
    });
  });
}

/** Calls answered, over both sides, in a report. */
export function answeredSides(report: Report): number {
  return report.cases.reduce((n, c) => n + (c.baseline ? 1 : 0) + (c.candidate ? 1 : 0), 0);
}
