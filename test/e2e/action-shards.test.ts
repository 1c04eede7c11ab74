import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import {
  type FakeGitHub,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// The sharded workflow as the runner runs it: three matrix jobs with `shard`, one fan-in job
// with `merge` that decides and comments — real INPUT_* variables, real output files.
let llm: FakeServer;
let gh: FakeGitHub;
const env = { TEST_KEY: 'sk-action-shard-key' };

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'cand-model' && i % 4 === 0 ? 'nope' : `a${i}`;
  });
  gh = await startFakeGitHub();
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});

describe('the Action: shard and merge', () => {
  it('shards answer without deciding or commenting; the merge decides and comments once', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(60),
      'evalgate.yaml': baseConfig(llm.url),
    });
    mkdirSync(path.join(dir, 'shards'));
    const shards = await Promise.all(
      [1, 2, 3].map((i) =>
        runAction({
          workspace: dir,
          inputs: {
            config: 'evalgate.yaml',
            shard: `${i}/3`,
            report: `shards/shard-${i}.json`,
            'github-token': 'ghs_token',
          },
          env,
          event: pullRequestEvent(5),
          github: gh,
        }),
      ),
    );
    for (const [k, r] of shards.entries()) {
      expect(r.stderr).not.toContain('::error');
      expect(r.code).toBe(0);
      expect(r.outputs.decision).toBe('inconclusive');
      expect(r.outputs.summary).toMatch(new RegExp(`^shard ${k + 1}/3: `));
      expect(r.summary).toContain(`## evalgate shard ${k + 1}/3`);
      expect(r.summary).toContain('Not a decision');
    }
    expect(gh.calls).toEqual([]);

    const merged = await runAction({
      workspace: dir,
      inputs: {
        config: 'evalgate.yaml',
        merge: 'shards/*.json',
        report: 'merged.json',
        'github-token': 'ghs_token',
      },
      env: {},
      event: pullRequestEvent(5),
      github: gh,
    });
    expect(merged.code).toBe(1);
    expect(merged.outputs.decision).toBe('fail');
    expect(merged.summary).toContain('blocked');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('blocked');

    // The same merge from the CLI: one report, whichever front door wrote it.
    const files = [1, 2, 3].map((i) => `shards/shard-${i}.json`);
    const cli = await runNode(
      CLI,
      ['merge', ...files, '--config', 'evalgate.yaml', '--report', 'cli.json'],
      { cwd: dir, env: {} },
    );
    expect(cli.code).toBe(1);
    const a = JSON.parse(readFileSync(path.join(dir, 'merged.json'), 'utf8')) as Report;
    const b = JSON.parse(readFileSync(path.join(dir, 'cli.json'), 'utf8')) as Report;
    expect(a.checks).toEqual(b.checks);
    expect(a.meta.merged).toEqual({ shards: 3, reports: files });
  });

  it('refuses shard with merge, a bad shard, and a glob that matches nothing: exit 2', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(30),
      'evalgate.yaml': baseConfig(llm.url),
    });
    const before = llm.requests.length;
    const run = (inputs: Record<string, string>) =>
      runAction({
        workspace: dir,
        inputs: { config: 'evalgate.yaml', comment: 'false', ...inputs },
        env,
      });
    let r = await run({ shard: '1/2', merge: '*.json' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('with.merge: cannot be combined with shard');
    r = await run({ shard: '3/2' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('with.shard: must be I/N');
    r = await run({ merge: 'nowhere/*.json' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('"nowhere/*.json" matched no files');
    expect(llm.requests.length).toBe(before);
  });
});
