import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Real services from Debian's packages (scripts/test-deps.mjs installs them before `npm test`
// where it can). A test that needs one asks here: off CI a missing tool skips the test with the
// install command; under CI=true a missing tool is a failure, never a silent skip.

export type SystemTool = 'prometheus' | 'promtool' | 'prometheus-pushgateway' | 'chromium';

const PACKAGE: Record<SystemTool, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-pushgateway': 'prometheus-pushgateway',
  chromium: 'chromium',
};

/** The tool's absolute path, or undefined when it is not on PATH. */
export function findTool(name: SystemTool): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The tools' paths, or a reason to skip. Use as
 * `const tools = needTools('prometheus'); describe.skipIf(tools.skip)(...)` and read
 * `tools.path.prometheus` inside. Throws under CI=true when one is missing.
 */
export function needTools<T extends SystemTool>(
  ...names: T[]
): { skip: false; path: Record<T, string> } | { skip: true; path: Record<T, string> } {
  const path = {} as Record<T, string>;
  const missing: T[] = [];
  for (const n of names) {
    const p = findTool(n);
    if (p) path[n] = p;
    else missing.push(n);
  }
  if (missing.length === 0) return { skip: false, path };
  const pkgs = [...new Set(missing.map((n) => PACKAGE[n]))].join(' ');
  const message = `${missing.join(', ')} not found: install with \`sudo apt-get install -y ${pkgs}\` (or run \`npm test\` as root, which does)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${message}`);
  console.warn(`skipping: ${message}`);
  return { skip: true, path };
}
