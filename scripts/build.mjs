// Bundles the two front doors into dist/. @actions/core 3 and @actions/github 9 are ESM-only, so
// we emit ESM and define `require` for the CommonJS dependencies that still call it.
//
// One build, split: dist/cli.js and dist/index.js are small entries, and what a command or a
// feature needs only sometimes (a scorer family, a dataset format, the GitHub code) is a chunk
// in dist/chunks/ that is loaded by `import()` when used, so `evalgate --version` does not
// parse a megabyte of JavaScript. Chunk names carry a hash of their content: the same sources
// build the same files on every machine (CI checks dist/ byte for byte).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

// Every file gets it: the shared chunks hold the CommonJS dependencies that call `require`.
const banner = [
  "import { createRequire as __evalgateCreateRequire } from 'node:module';",
  'const require = __evalgateCreateRequire(import.meta.url);',
].join('\n');

await rm('dist', { recursive: true, force: true });

const result = await build({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: banner },
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
  // Keep output stable across machines so the committed dist/ can be checked byte for byte.
  metafile: false,
  minify: true,
  write: false,
});

const cli = path.resolve('dist/cli.js');
for (const file of result.outputFiles) {
  await mkdir(path.dirname(file.path), { recursive: true });
  // The bin: its shebang goes before the banner (only the first line may hold one).
  await writeFile(
    file.path,
    file.path === cli ? `#!/usr/bin/env node\n${file.text}` : file.contents,
  );
}
