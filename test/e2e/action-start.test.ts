import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCommand } from '../helpers/workspace.js';

describe('the Action entry', () => {
  it('exits 3 with one error line when its code cannot be loaded, never 1 (blocked)', async () => {
    // A copy of the bundle with the Action's own bundle missing: the dynamic import fails before
    // the crash guard exists.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-start-'));
    cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    const index = readFileSync(path.join(dir, 'dist/index.js'), 'utf8');
    const chunk = /import\("\.\/(chunks\/action-main\.js)"\)/.exec(index)?.[1];
    expect(chunk, 'dist/index.js imports its main bundle dynamically').toBeDefined();
    expect(readdirSync(path.join(dir, 'dist/chunks'))).toContain(path.basename(chunk!));
    rmSync(path.join(dir, 'dist', chunk!));
    const r = await runCommand(process.execPath, [path.join(dir, 'dist/index.js')], { cwd: dir });
    expect(r.code).toBe(3);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('evalgate could not start');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    'a %s while its code is still loading is not lost: the run starts cancelled',
    async (sig) => {
      // The Action's bundle swapped for one that stays "loading" until the signal comes, then
      // says what run() was handed. Its own listener comes after the entry's, so by the time it
      // resumes the entry has seen the signal. Without the entry listening from its first line,
      // the signal killed the step before any output or summary was written.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-start-'));
      cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
      cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
      writeFileSync(
        path.join(dir, 'dist/chunks/action-main.js'),
        [
          "process.stdout.write('loading\\n');",
          // A timer keeps the loop alive: signal listeners alone do not.
          'const alive = setInterval(() => {}, 1000);',
          'await new Promise((resolve) => process.once(process.env.CANCEL_SIG, resolve));',
          'clearInterval(alive);',
          'export async function run(signal) {',
          '  process.stdout.write(`aborted=${signal.aborted} reason=${signal.reason}\\n`);',
          '}',
        ].join('\n'),
      );
      const child = spawn(process.execPath, [path.join(dir, 'dist/index.js')], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CANCEL_SIG: sig },
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      const done = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (c) => {
          const before = stdout;
          stdout += c;
          if (!before.includes('loading') && stdout.includes('loading')) resolve();
        });
      });
      child.kill(sig);
      const code = await done;
      expect(stderr).toBe('');
      expect(stdout).toBe(`loading\naborted=true reason=${sig}\n`);
      expect(code).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    },
  );
});
