import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventFileProblem } from '../../src/action/event-file.js';
import { resolveBaseRef } from '../../src/git/base-ref.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { ROOT, workspace } from '../helpers/workspace.js';

// Limits the manual states against what the program does: the largest --seed (docs/cli.md) and
// what each front door makes of an event payload it cannot read (docs/limits.md).

const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8').replace(/\s+/g, ' ');

describe('--seed (docs/cli.md)', () => {
  it('takes 2^53 − 1 and refuses 2^53, as the page says', async () => {
    expect(read('docs/cli.md')).toContain(
      '`--seed` of 2^53 or more (the largest is 2^53 − 1, 9007199254740991)',
    );
    // No config there: a seed the flag takes stops at the config instead, before any output.
    const config = path.join(workspace({}), 'none.yaml');
    const at = (seed: string) => cliInProcess(['run', '--config', config, '--seed', seed]);
    const refused = await at(String(2 ** 53));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--seed');
    expect(refused.stderr).toContain(`≤ ${Number.MAX_SAFE_INTEGER}`);
    const largest = await at(String(Number.MAX_SAFE_INTEGER));
    expect(largest.stderr).not.toContain('--seed');
    expect(largest.stderr).toContain('none.yaml');
  });
});

describe('an event payload that is not JSON (docs/limits.md)', () => {
  const dir = workspace({ 'event.json': '{"pull_request": {"base": ' });
  const env = { GITHUB_EVENT_PATH: path.join(dir, 'event.json'), GITHUB_BASE_REF: 'main' };

  it('the CLI counts as absent: ref: base goes by GITHUB_BASE_REF', () => {
    expect(resolveBaseRef(env)?.from).toBe('GITHUB_BASE_REF');
  });

  it('the Action refuses (exit 2), and both take a path naming no file as no payload', () => {
    expect(eventFileProblem(env)).toMatch(/GITHUB_EVENT_PATH: .* is not the event's JSON payload/);
    const none = { ...env, GITHUB_EVENT_PATH: path.join(dir, 'missing.json') };
    expect(eventFileProblem(none)).toBeUndefined();
    expect(resolveBaseRef(none)?.from).toBe('GITHUB_BASE_REF');
    writeFileSync(path.join(dir, 'event.json'), '{"pull_request": {"base": {"sha": "abc1234"}}}');
    expect(eventFileProblem(env)).toBeUndefined();
    const page = read('docs/limits.md');
    expect(page).toContain('cannot be read or is not JSON counts as absent');
    expect(page).toMatch(/The Action reads it as it starts, .* bad input: exit 2/);
  });
});
