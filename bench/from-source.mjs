// The benches measure the code as it stands in src/ (and test/simulation/), not the last build:
// each bundles the TypeScript it needs with esbuild into a temporary file and imports that.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));

// Bundled code that calls require() (ajv and the like) needs one in an ES module.
const REQUIRE_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * The named exports of TypeScript modules, bundled: `{ 'src/gate/decide.ts': ['decide'] }`, or
 * `'*'` for all of a module's exports. Paths are relative to the repository (or absolute).
 */
export async function importSource(modules, { require = false } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-bench-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(
      entry,
      Object.entries(modules)
        .map(([file, names]) => {
          const from = JSON.stringify(path.resolve(root, file));
          return names === '*'
            ? `export * from ${from};`
            : `export { ${names.join(', ')} } from ${from};`;
        })
        .join('\n'),
    );
    const outfile = path.join(dir, 'bundle.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'warning',
      ...(require ? { banner: { js: REQUIRE_BANNER } } : {}),
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
