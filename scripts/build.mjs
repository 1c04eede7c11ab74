// Bundles the two front doors into dist/. @actions/core 3 and @actions/github 9 are ESM-only, so
// we emit ESM and define `require` for the CommonJS dependencies that still call it.
//
// Three kinds of file, from three esbuild passes:
// - the entries, dist/cli.js and dist/index.js (and the little they share, in dist/chunks/):
//   they answer `--version` and help, install the crash guard, and import the rest;
// - one bundle per front door, dist/chunks/cli-main.js and dist/chunks/action-main.js, holding
//   everything its commands run. Not split further: a run's hot code spread over a dozen chunks
//   cost ~9% more CPU per call than the same code in one module (V8 optimizes it less well, and
//   compiles more of it), and one file is no slower to load than the dozen it replaces. The
//   rarer commands (plan, merge, view, canary, init, calibrate) are inside it but only parsed
//   until used: their code is a few percent of the file. The two bundles repeat the engine on
//   disk, never in one process;
// - large libraries that a run may never need, each loaded by `import()` on first use and
//   shared by both front doors: ajv (a JSON Schema scorer), tinyglobby (a glob in `dataset` or
//   `merge`) and @actions/artifact (the Action's HTML upload). Only self-contained code goes
//   here: a module of ours would be a second copy, with its own classes and state.
// Chunk names carry a hash of their content, the rest fixed names: the same sources build the
// same files on every machine (CI checks dist/ byte for byte).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, transform } from 'esbuild';

// Every file gets it: the bundles hold CommonJS dependencies that call `require`.
const banner = [
  "import { createRequire as __evalgateCreateRequire } from 'node:module';",
  'const require = __evalgateCreateRequire(import.meta.url);',
].join('\n');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
  // Keep output stable across machines so the committed dist/ can be checked byte for byte.
  metafile: false,
  // Minified afterwards, file by file (see minified() below).
  minify: false,
  write: false,
};

/**
 * Minifies one bundled file. Not esbuild's `minify` at bundle time: that writes each lazily
 * initialised module as `init = wrap(() => {...})`, and V8 compiles a function literal that is
 * a call's argument at once, on the guess that it is about to run, so every module body in the
 * file (the commands a run never loads among them) was compiled before the first line ran.
 * Unminified, the bundler writes them as methods (`wrap({ "src/x.ts"() {...} })`), which V8
 * only compiles when called, and minifying the file on its own keeps that shape: 13 ms less
 * start-up for `run` (25 instead of 33 ms compiling the CLI's bundle), measured by alternating
 * the two builds 30 times each.
 */
async function minified(file) {
  if (!file.path.endsWith('.js')) return file.contents;
  const { code } = await transform(file.text, {
    minify: true,
    format: 'esm',
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  return code;
}

/** What the entries import: the front door's bundle. */
const MAINS = {
  './cli/main.js': 'chunks/cli-main.js',
  './action/main.js': 'chunks/action-main.js',
};
/** Libraries loaded on first use, by the specifier our sources `import()` them with. */
const LAZY = {
  './ajv-validators.js': 'chunks/ajv-validators.js',
  tinyglobby: 'chunks/tinyglobby.js',
  '@actions/artifact': 'chunks/artifact.js',
};

/**
 * Leaves `import(specifier)` for the files in `targets` to run time, pointed at where they are in
 * dist/ from `fromDir` (where the importing file is written). Only dynamic imports: a static
 * import of the same name (src/report/csv.ts is not src/dataset/csv.ts) stays bundled.
 */
function loadedSeparately(targets, fromDir) {
  return {
    name: 'loaded-separately',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const target = targets[args.path];
        if (args.kind !== 'dynamic-import' || target === undefined) return undefined;
        const relative = path.posix.relative(fromDir, target);
        return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
      });
    },
  };
}

/** The lazy libraries as entry points: each re-exports what our sources import from it. */
function lazyEntries() {
  return {
    name: 'lazy-entries',
    setup(b) {
      b.onResolve({ filter: /^lazy:/ }, (args) => ({
        path: args.path.slice('lazy:'.length),
        namespace: 'lazy',
      }));
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
        contents: `export * from ${JSON.stringify(args.path)};`,
        resolveDir: process.cwd(),
      }));
    },
  };
}

await rm('dist', { recursive: true, force: true });

const passes = await Promise.all([
  build({
    ...common,
    splitting: true,
    entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [loadedSeparately(MAINS, '.')],
  }),
  ...Object.entries({ 'cli-main': 'src/cli/main.ts', 'action-main': 'src/action/main.ts' }).map(
    ([name, entry]) =>
      build({
        ...common,
        entryPoints: { [name]: entry },
        outdir: 'dist/chunks',
        plugins: [loadedSeparately(LAZY, 'chunks')],
      }),
  ),
  build({
    ...common,
    splitting: true,
    entryPoints: {
      'ajv-validators': 'src/scorers/ajv-validators.ts',
      tinyglobby: 'lazy:tinyglobby',
      artifact: 'lazy:@actions/artifact',
    },
    outdir: 'dist/chunks',
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    plugins: [lazyEntries()],
  }),
]);

const cli = path.resolve('dist/cli.js');
const written = new Set();
for (const file of passes.flatMap((p) => p.outputFiles)) {
  // Two passes writing one file would mean one silently replaced the other's.
  if (written.has(file.path)) throw new Error(`build: two passes wrote ${file.path}`);
  written.add(file.path);
  await mkdir(path.dirname(file.path), { recursive: true });
  // The bin: its shebang goes before the banner (only the first line may hold one).
  const code = await minified(file);
  await writeFile(file.path, file.path === cli ? `#!/usr/bin/env node\n${code}` : code);
}
