import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from '../helpers/workspace.js';

// The README promises that `npm run demo` shows the product working on a fresh clone.
describe('npm run demo', () => {
  it('blocks the demo candidate on the billing slice while the whole set passes, and exits 0', async () => {
    const r = await runNode(path.join(ROOT, 'evals/demo/run-demo.mjs'), [], { cwd: ROOT });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/quality \[tags=billing\].*FAIL/);
    expect(r.stdout).toMatch(/^quality\s.*PASS$/m);
    expect(r.stdout).toContain('evalgate exited 1: blocked');
    expect(r.stdout).toContain(`HTML report: ${path.join(ROOT, 'evalgate-demo-report.html')}`);
    expect(existsSync(path.join(ROOT, 'evalgate-demo-report.html'))).toBe(true);
  });
});
