// `npm run docs:config`: writes docs/config-reference.md from the config schema. The renderer is
// TypeScript that imports the schema, so esbuild bundles it first (as for dist/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-docs-'));
try {
  const outfile = path.join(dir, 'config-reference.mjs');
  await build({
    entryPoints: ['scripts/config-reference.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const { renderConfigReference, CONFIG_REFERENCE_FILE } = await import(
    pathToFileURL(outfile).href
  );
  writeFileSync(CONFIG_REFERENCE_FILE, renderConfigReference());
  // Tables aligned as `biome check` wants them; the test compares modulo that alignment.
  execFileSync('npx', ['biome', 'format', '--write', CONFIG_REFERENCE_FILE], { stdio: 'ignore' });
  console.log(`wrote ${CONFIG_REFERENCE_FILE}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
