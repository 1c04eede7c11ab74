#!/usr/bin/env node
// Installs the real services some tests run against (Prometheus, its Pushgateway and promtool,
// headless Chromium) from Debian's packages, when they are missing and this machine can: root
// with apt-get. Runs before `npm test`; does nothing when everything is there. Elsewhere it only
// says what is missing; those tests then skip with the same install command (test/helpers/system-tools.ts),
// except under CI=true, where they fail instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tools = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-pushgateway': 'prometheus-pushgateway',
  chromium: 'chromium',
};

const onPath = (name) =>
  (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(`${dir}/${name}`));

const missing = [
  ...new Set(
    Object.entries(tools)
      .filter(([bin]) => !onPath(bin))
      .map(([, pkg]) => pkg),
  ),
];
if (missing.length === 0 || process.env.EVALGATE_SKIP_TEST_DEPS === '1') process.exit(0);

const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(
    `test-deps: ${missing.join(', ')} not installed; the tests that need them will skip. Install with: sudo ${command}`,
  );
  process.exit(0);
}

console.error(`test-deps: installing ${missing.join(', ')} from Debian's packages`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
// The package lists may be stale or absent on a fresh machine: install, and on failure update once.
let r = run(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
if (r.status !== 0) {
  run(['update', '-qq']);
  r = run(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}
if (r.status !== 0) {
  console.error(
    `test-deps: '${command}' failed (exit ${r.status}); the tests that need them will skip or, under CI=true, fail`,
  );
}
