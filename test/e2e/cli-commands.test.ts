// The CLI as a newcomer meets it (issue 11 item 5): each command's own help, a flag the command
// does not take refused with a suggestion, validate without the API keys, base_url mistakes
// caught before anything is sent. The real bundle, as a process, against a counting endpoint.

import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/cli/commands.js';
import {
  CONFIG,
  cfg,
  expectBadInput,
  itRejectsEach,
  type Kind,
  lineOf,
  runKind,
  useBadInputServer,
} from '../helpers/bad-input.js';
import { CLI, runNode, workspace } from '../helpers/workspace.js';

const server = useBadInputServer();

/** The candidate's base_url replaced by `to(url)`: the field and line to name. */
function candidateBaseUrl(
  name: string,
  to: (url: string) => string,
  says: RegExp,
  type = 'openai',
): Kind {
  return {
    name,
    files: (url) => ({
      [CONFIG]: cfg(url, [
        `  candidate:\n    type: openai\n    base_url: ${url}`,
        `  candidate:\n    type: ${type}\n    base_url: ${to(url)}`,
      ]),
    }),
    where: (f) => [
      `${CONFIG}:${lineOf(f[CONFIG]!, 'cand-model') - 1} (targets.candidate.base_url)`,
    ],
    says: [says],
  };
}

const KINDS: Kind[] = [
  {
    name: '`validate --junit` (a flag of run)',
    command: 'validate',
    args: ['--junit', 'j.xml'],
    where: ['--junit'],
    says: [/validate does not take --junit; it is an option of run/, /Usage: evalgate validate/],
  },
  {
    name: '`calibrate --junit`',
    command: 'calibrate',
    args: ['--junit', 'j.xml'],
    where: ['--junit'],
    says: [/calibrate does not take --junit/],
  },
  {
    name: '`run --jnuit` (a typo)',
    args: ['--jnuit', 'j.xml'],
    where: ['--jnuit'],
    says: [/unknown option --jnuit \(did you mean --junit\?\)/],
  },
  {
    name: '`validate --stict`',
    command: 'validate',
    args: ['--stict'],
    where: ['--stict'],
    says: [/did you mean --strict\?/],
  },
  {
    name: '`run --show everything`',
    args: ['--show', 'everything'],
    where: ['--show'],
    says: [/must be one of all, regressed, improved/],
  },
  candidateBaseUrl(
    '`/chat/completions` pasted into base_url',
    (url) => `${url}/chat/completions`,
    /ends in \/chat\/completions, which evalgate appends itself/,
  ),
  candidateBaseUrl(
    'base_url with /v1 twice',
    (url) => `${new URL(url).origin}/v1/v1`,
    /has \/v1 twice/,
  ),
  candidateBaseUrl(
    'base_url of api.openai.com without /v1',
    () => 'https://api.openai.com',
    /is missing \/v1: .* https:\/\/api\.openai\.com\/v1/,
  ),
  candidateBaseUrl(
    'base_url of OpenRouter without /api',
    () => 'https://openrouter.ai/v1',
    /https:\/\/openrouter\.ai\/api\/v1/,
  ),
  candidateBaseUrl(
    'an anthropic base_url ending in /v1',
    (url) => `${new URL(url).origin}/v1`,
    /for type anthropic base_url is the host root/,
    'anthropic',
  ),
];

describe('the CLI refuses what it would otherwise ignore: exit 2, named, nothing sent', () => {
  itRejectsEach(KINDS, server);
});

describe('evalgate <command> --help', () => {
  it('is specific to each command, and exit 0', async () => {
    const dir = workspace({});
    const texts = new Set<string>();
    for (const name of COMMAND_NAMES) {
      const r = await runNode(CLI, [name, '--help'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      // A command that takes an operand names it: `Usage: evalgate view REPORT.json [options]`.
      expect(r.stdout).toMatch(new RegExp(`^Usage: evalgate ${name}( \\S+)? \\[options\\]\\n`));
      texts.add(r.stdout);
    }
    expect(texts.size).toBe(COMMAND_NAMES.length);
    const validate = await runNode(CLI, ['validate', '--help'], { cwd: dir });
    expect(validate.stdout).toContain('--strict');
    expect(validate.stdout).not.toContain('--junit');
    const general = await runNode(CLI, ['--help'], { cwd: dir });
    for (const name of COMMAND_NAMES)
      expect(general.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  }, 30_000);
});

describe('validate without the API keys (a fork: no secrets)', () => {
  const noKeys: Kind = { name: 'no keys', env: {}, where: [], says: [] };

  it('is valid, with a note naming each unset variable; nothing sent', async () => {
    const r = await runKind(server(), noKeys, 'validate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toBe(0);
    expect(r.stdout).toMatch(/^ok: evalgate\.yaml and 3 cases .* nothing was sent\n/);
    expect(r.stderr).toContain(
      `note: ${CONFIG} (targets.baseline.api_key_env): environment variable TEST_KEY is not set`,
    );
    expect(r.stderr).toContain('(targets.candidate.api_key_env)');
    expect(r.stderr).toMatch(/validate --strict/);
  });

  it('with --strict, an unset key is bad input as it is for run', async () => {
    const kind: Kind = {
      ...noKeys,
      args: ['--strict'],
      where: [`${CONFIG} (targets.candidate.api_key_env)`],
      says: [/TEST_KEY is not set/],
    };
    expectBadInput(await runKind(server(), kind, 'validate'), kind);
  });

  it('an unset variable in the config (a secret URL) is a note too, with a placeholder; --strict and run refuse it', async () => {
    const secretUrl: Kind = {
      name: 'an unset CANARY_URL',
      env: {},
      files: (url) => ({
        [CONFIG]: cfg(url, [
          `  candidate:\n    type: openai\n    base_url: ${url}`,
          `  candidate:\n    type: openai\n    base_url: \${CANARY_URL}`,
        ]),
      }),
      where: [],
      says: [],
    };
    const r = await runKind(server(), secretUrl, 'validate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toBe(0);
    expect(r.stderr).toMatch(
      /note: evalgate\.yaml:\d+ \(targets\.candidate\.base_url\): environment variable CANARY_URL is not set/,
    );
    const strict: Kind = {
      ...secretUrl,
      args: ['--strict'],
      where: [`${CONFIG}`],
      says: [/CANARY_URL is not set/],
    };
    expectBadInput(await runKind(server(), strict, 'validate'), strict);
    const run: Kind = { ...strict, args: [], env: { TEST_KEY: 'k' } };
    expectBadInput(await runKind(server(), run, 'run'), run);
  });

  it('still reports every other problem, and no note hides them', async () => {
    const kind: Kind = {
      name: 'no keys and a typo',
      env: {},
      files: (url) => ({ [CONFIG]: cfg(url, ['  quality:', '  qualty:']) }),
      where: [],
      says: [],
    };
    const r = await runKind(server(), kind, 'validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key "qualty"/);
    expect(r.sent).toBe(0);
  });
});
