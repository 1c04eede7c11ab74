// The release process that makes `uses: OWNER/evalgate@v1` and `npm i -D github:OWNER/evalgate`
// mean a tested build. Three steps, so that the major tag only ever moves to a commit CI checked:
//
//   node scripts/release.mjs 1.2.0          (a person, on a clean main) sets the version in
//        package.json, package-lock.json and src/version.ts, rebuilds dist/ and schema/, commits
//        "Release v1.2.0" and tags v1.2.0. Then: git push origin HEAD v1.2.0
//   node scripts/release.mjs --check v1.2.0 (.github/workflows/release.yml, on the tag) fails
//        unless dist/ and schema/ are exactly what the sources build and the tag is the version.
//   node scripts/release.mjs --move-major v1.2.0   (the same workflow, after the checks and the
//        tests) points v1 at the release; the workflow pushes it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const VERSION_TS = 'src/version.ts';
const VERSION_LINE = /^export const VERSION = '([^']*)';$/m;

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const run = (command, ...args) => execFileSync(command, args, { stdio: 'inherit' });

function packageVersion() {
  return JSON.parse(readFileSync('package.json', 'utf8')).version;
}

function sourceVersion() {
  return VERSION_LINE.exec(readFileSync(VERSION_TS, 'utf8'))?.[1];
}

/** `v1.2.0` → `1.2.0`, refusing anything that is not a plain release version. */
function versionOfTag(tag) {
  const version = tag?.replace(/^v/, '');
  if (!tag?.startsWith('v') || !SEMVER.test(version)) fail(`"${tag}" is not a tag like v1.2.0`);
  return version;
}

/** Whatever `paths` hold that git does not: a stale or hand-edited build shows up here. */
function changed(...paths) {
  const status = ['status', '--porcelain', '--', ...paths];
  // Not git(): its trim() would cut the first line's leading status column.
  return execFileSync('git', status, { encoding: 'utf8' }).trimEnd();
}

/** `npm run build` and `npm run schema`, without npm's start-up time. */
function rebuild() {
  run(process.execPath, 'scripts/build.mjs');
  run(process.execPath, 'scripts/schema.mjs');
}

function rebuildAndCompare() {
  rebuild();
  const stale = changed('dist', 'schema');
  if (stale) fail(`dist/ or schema/ is not what the sources build:\n${stale}`);
}

function check(tag) {
  const version = versionOfTag(tag);
  if (packageVersion() !== version) fail(`${tag} tags package.json version ${packageVersion()}`);
  if (sourceVersion() !== version) fail(`${tag} tags ${VERSION_TS} version ${sourceVersion()}`);
  rebuildAndCompare();
  console.log(`release: ${tag} is consistent: version ${version}, dist/ and schema/ current`);
}

function moveMajor(tag) {
  const version = versionOfTag(tag);
  const major = `v${SEMVER.exec(version)[1]}`;
  // `^{commit}`: the major tag is lightweight and names the commit, not the annotated tag.
  git('tag', '--force', major, `${tag}^{commit}`);
  console.log(
    `release: ${major} now points at ${tag}; push it with: git push --force origin ${major}`,
  );
}

function prepare(version) {
  if (!SEMVER.test(version)) fail(`"${version}" is not a version like 1.2.0`);
  const tag = `v${version}`;
  if (git('tag', '--list', tag)) fail(`${tag} already exists`);
  if (changed('.'))
    fail(`the working tree has changes; commit or stash them first:\n${changed('.')}`);

  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  pkg.version = version;
  writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  lock.version = version;
  lock.packages[''].version = version;
  writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
  const source = readFileSync(VERSION_TS, 'utf8');
  if (!VERSION_LINE.test(source)) fail(`${VERSION_TS} has no "export const VERSION = '...';" line`);
  writeFileSync(VERSION_TS, source.replace(VERSION_LINE, `export const VERSION = '${version}';`));

  rebuild();
  git('add', 'package.json', 'package-lock.json', VERSION_TS, 'dist', 'schema');
  git('commit', '--quiet', '--message', `Release ${tag}`);
  git('tag', '--annotate', tag, '--message', `evalgate ${tag}`);
  console.log(`release: committed and tagged ${tag}. Publish it with: git push origin HEAD ${tag}`);
}

const [first, second] = process.argv.slice(2);
if (first === '--check') check(second);
else if (first === '--move-major') moveMajor(second);
else if (first && !first.startsWith('-')) prepare(first);
else fail('usage: release.mjs X.Y.Z | --check vX.Y.Z | --move-major vX.Y.Z');
