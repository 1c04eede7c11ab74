import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './workspace.js';

/**
 * Bundles test/helpers/crash-entry.ts as scripts/build.mjs bundles the front doors, and returns
 * the script's path: the real CLI and Action, with a bug a test can set off while a run is on.
 */
export async function buildCrashHarness(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-crash-'));
  const outfile = path.join(dir, 'crash.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'test/helpers/crash-entry.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}
