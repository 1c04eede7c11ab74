import { spawn } from 'node:child_process';
import { afterThisTest } from './per-test.js';

export interface Signalled {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From the signal to the exit (ms): for generous upper bounds on hanging only. */
  exitMs: number;
}

/**
 * Runs `node script args` and sends `signal` once `line` appears on its stdout or stderr: a
 * process interrupted at an event it reports (e.g. waiting between looks), not after a sleep.
 */
export async function signalAtLine(
  script: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; line: string; signal: NodeJS.Signals },
): Promise<Signalled> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  afterThisTest(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  let sentAt = 0;
  const watch = () => {
    if (!sentAt && (stdout + stderr).includes(opts.line)) {
      sentAt = Date.now();
      child.kill(opts.signal);
    }
  };
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    watch();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    watch();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  if (!sentAt) throw new Error(`exited (${code}) before printing "${opts.line}":\n${stderr}`);
  return { code, stdout, stderr, exitMs: Date.now() - sentAt };
}
