import { existsSync, lstatSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { errorMessage, InputError, type InputProblem } from '../errors.js';
import { VERSION } from '../version.js';
import {
  CONFIG_FILE,
  configText,
  GOLDEN_FILE,
  GOLDEN_TEXT,
  PROVIDERS,
  type Provider,
  setupHint,
  WORKFLOW_FILE,
  workflowText,
} from './init-files.js';

/** Stands for the GitHub owner of evalgate until package.json names the repository. */
export const OWNER_PLACEHOLDER = 'OWNER/evalgate';

/** `owner/name` from package.json `repository` in any of npm's spellings, if it is on GitHub. */
export function githubRepository(repository: unknown): string | undefined {
  const raw =
    typeof repository === 'string'
      ? repository
      : (repository as { url?: unknown } | undefined)?.url;
  if (typeof raw !== 'string') return undefined;
  const m =
    /github\.com[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(raw) ??
    /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  return m?.[1];
}

const REPOSITORY = githubRepository((pkg as { repository?: unknown }).repository);
const MAJOR_TAG = `v${VERSION.split('.')[0]}`;

/**
 * Where an editor finds the config schema: the installed package's copy when the project has
 * one (works offline, matches the installed version), else the released file on GitHub.
 */
function schemaRef(dir: string): string {
  const local = path.join('node_modules', 'evalgate', 'schema', 'config.schema.json');
  if (existsSync(path.join(dir, local))) return `../${local.split(path.sep).join('/')}`;
  const repo = REPOSITORY ?? OWNER_PLACEHOLDER;
  return `https://raw.githubusercontent.com/${repo}/${MAJOR_TAG}/schema/config.schema.json`;
}

export interface InitOptions {
  provider?: string;
  /** The project's root folder; created when missing. Default: the current folder. */
  dir?: string;
}

/**
 * Writes the config, the golden set and the workflow, asking nothing. When any of the three
 * exists it writes none of them: half a scaffold next to an old config is harder to untangle
 * than an error that names what is in the way.
 */
export function runInit(options: InitOptions, stdout: (text: string) => void): void {
  const provider = (options.provider ?? 'openai') as Provider;
  if (!PROVIDERS.includes(provider)) {
    throw new InputError({
      path: '--provider',
      message: `must be openai, anthropic or http; got "${options.provider}"`,
    });
  }
  const dir = path.resolve(options.dir ?? '.');
  const uses = `${REPOSITORY ?? OWNER_PLACEHOLDER}@${MAJOR_TAG}`;
  const files: [string, string][] = [
    [CONFIG_FILE, configText(provider, schemaRef(dir))],
    [GOLDEN_FILE, GOLDEN_TEXT],
    [WORKFLOW_FILE, workflowText(provider, uses)],
  ];
  const inTheWay = files.flatMap(([name]) => inTheWayOf(dir, name, options.dir ?? ''));
  if (inTheWay.length > 0) throw new InputError(inTheWay);

  const written: string[] = [];
  for (const [name, text] of files) {
    const file = path.join(dir, name);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      // `wx`: a file that appeared since the check above is still never overwritten.
      writeFileSync(file, text, { flag: 'wx' });
      written.push(file);
    } catch (err) {
      // All three or none: what this run wrote goes again.
      for (const done of written) rmSync(done, { force: true });
      throw new InputError({ file, message: `cannot be written: ${errorMessage(err)}` });
    }
  }

  const shown = options.dir === undefined ? '' : `  cd ${shellWord(options.dir)}\n`;
  const placeholder = REPOSITORY
    ? ''
    : `  replace ${OWNER_PLACEHOLDER} in ${WORKFLOW_FILE} with the repository evalgate is released from\n`;
  stdout(
    `wrote ${files.map(([name]) => name).join(', ')} (${provider})
next:
${shown}  ${setupHint(provider)}
  npx evalgate validate      checks the config and the cases; sends nothing
  npx evalgate run           asks both targets every case and decides (3 cases: inconclusive,
                             a verdict needs gate.min_cases, 30 by default)
${placeholder}  commit evals/ and ${WORKFLOW_FILE}: every pull request is then gated
`,
  );
}

/**
 * What stops `name` from being written under `dir`: an entry already there (a file, a folder,
 * a link, even one pointing nowhere), or a file where one of its folders should be.
 */
function inTheWayOf(dir: string, name: string, shownDir: string): InputProblem[] {
  const file = path.join(dir, name);
  // --dir itself, or a folder above it, may be a file: statSync below would throw ENOTDIR.
  const above = fileInPlaceOf(dir);
  if (above !== undefined) {
    return [
      {
        file: path.relative(process.cwd(), above) || above,
        message: `is not a folder, and ${name} goes inside it: init writes none of its files (move it aside)`,
      },
    ];
  }
  const parts = path.relative(dir, path.dirname(file)).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const folder = path.join(dir, ...parts.slice(0, i));
    const info = statSync(folder, { throwIfNoEntry: false });
    if (info && !info.isDirectory()) {
      return [
        {
          file: path.join(shownDir, ...parts.slice(0, i)),
          message: `is not a folder, and ${name} goes inside it: init writes none of its files (move it aside)`,
        },
      ];
    }
  }
  if (lstatSync(file, { throwIfNoEntry: false })) {
    return [
      {
        file: path.join(shownDir, name),
        message: 'already exists: init writes none of its files when any exists (move it aside)',
      },
    ];
  }
  return [];
}

/** A path as one word of a POSIX shell command: quoted when it holds anything but the plain. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The first of `folder` and the folders above it that exists but is not a folder, if any. */
function fileInPlaceOf(folder: string): string | undefined {
  const chain: string[] = [];
  for (let p = path.resolve(folder); ; p = path.dirname(p)) {
    chain.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of chain) {
    const info = statSync(p, { throwIfNoEntry: false });
    if (!info) return undefined;
    if (!info.isDirectory()) return p;
  }
  return undefined;
}
