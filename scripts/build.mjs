// Bundles the two front doors into dist/. @actions/core 3 and @actions/github 9 are ESM-only, so
// we emit ESM and define `require` for the CommonJS dependencies that still call it.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const banner = [
  "import { createRequire as __evalgateCreateRequire } from 'node:module';",
  'const require = __evalgateCreateRequire(import.meta.url);',
].join('\n');

await rm('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
  // Keep output stable across machines so the committed dist/ can be checked byte for byte.
  metafile: false,
  minify: true,
};

await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  banner: { js: banner },
});
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${banner}` },
});
