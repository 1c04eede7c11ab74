import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
});
