// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// Shards compared with a recorded baseline merge with the same recording: the baseline side
// comes from it, as in an unsharded run against it, and the decision is the same.
let llm: FakeServer;
const env = { TEST_KEY: 'sk-merge-stored', CANDIDATE: 'cand-model' };

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'bad-model' && i % 5 === 0 ? 'nope' : `a${i}`;
  });
});
afterAll(() => llm.close());

describe('merge with a recorded baseline', () => {
  it('decides as the unsharded run against the same recording', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(50),
      'evalgate.yaml': baseConfig(llm.url).replace('model: cand-model', 'model: ${CANDIDATE}'),
    });
    const at = (f: string) => path.join(dir, f);
    const cli = (args: string[], e: NodeJS.ProcessEnv = env) => cliInProcess(args, e);
    const config = ['--config', at('evalgate.yaml')];
    expect(
      (await cli(['run', ...config, '--only', 'candidate', '--report', at('main.json')])).code,
    ).toBe(0);
    const pr = { ...env, CANDIDATE: 'bad-model' };
    const stored = ['--baseline-report', at('main.json')];
    expect((await cli(['run', ...config, ...stored, '--report', at('full.json')], pr)).code).toBe(
      1,
    );
    const before = llm.requests.length;
    for (const i of [1, 2]) {
      const r = await cli(
        ['run', ...config, ...stored, '--shard', `${i}/2`, '--report', at(`s${i}.json`)],
        pr,
      );
      expect(r.code).toBe(0);
    }
    // Only the candidate was called, each case once over both shards.
    expect(llm.requests.length - before).toBe(50);

    const shards = [at('s1.json'), at('s2.json')];
    const missing = await cli(['merge', ...shards, ...config, '--report', at('m.json')], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--baseline-report: the shards took their baseline from');

    const merged = await cli(
      ['merge', ...shards, ...config, ...stored, '--report', at('m.json')],
      {},
    );
    expect(merged.code).toBe(1);
    const read = (f: string) => JSON.parse(readFileSync(at(f), 'utf8')) as Report;
    const a = read('full.json');
    const b = read('m.json');
    expect(b.checks).toEqual(a.checks);
    expect(b.summary).toBe(a.summary);
    expect(b.meta.stored_baseline).toEqual(a.meta.stored_baseline);
    expect(b.meta.models).toEqual(a.meta.models);
    expect(b.cases.map((c) => c.baseline?.output)).toEqual(a.cases.map((c) => c.baseline?.output));
  });
});
