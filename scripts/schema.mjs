// Writes schema/config.schema.json and schema/report.schema.json from the zod schemas in src/
// (src/schema/json.ts). The sources are TypeScript, so they are bundled to a temporary module
// first, the same way scripts/build.mjs bundles the CLI.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'evalgate-schema-'));
try {
  const outfile = path.join(tmp, 'json.mjs');
  await build({
    entryPoints: ['src/schema/json.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const { schemaFiles } = await import(pathToFileURL(outfile).href);
  for (const [file, text] of Object.entries(schemaFiles())) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    console.log(`wrote ${file}`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
