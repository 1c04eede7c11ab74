// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, runNode, workspace } from '../helpers/workspace.js';

// Three shards on a matrix, merged, must decide exactly as one unsharded run: the same
// decision, intervals and p-values, field by field. The fake endpoint answers deterministically
// (the candidate regresses on the billing slice), so every figure but measured time repeats.
let llm: FakeServer;
let dir: string;
const files = ['shard-1.json', 'shard-2.json', 'shard-3.json'];
const N = 120;
const KEY = 'sk-shard-test-key';

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    const billing = i % 3 === 0;
    if (req.model === 'cand-model' && billing && i % 2 === 0) return `wrong ${i}`;
    // Mostly right, some misses on both sides: the intervals have width to compare.
    return i % 7 === 0 ? `miss ${i}` : `a${i}`;
  });
  dir = project();
  // The matrix: shards run at once, as GitHub runs them; and the unsharded run to compare with.
  const runs = await Promise.all([
    ...files.map((file, k) =>
      cli(dir, ['run', '--config', 'evalgate.yaml', '--shard', `${k + 1}/3`, '--report', file]),
    ),
    cli(dir, ['run', '--config', 'evalgate.yaml', '--report', 'full.json']),
    cli(dir, [
      'run',
      ...['--config', 'evalgate.yaml', '--shard', '2/3', '--seed', '9', '--report', 'seed9.json'],
    ]),
  ]);
  runs.slice(0, 3).forEach((r, k) => {
    expect(r.stderr).toContain(`shard ${k + 1}/3: `);
    expect(r.code).toBe(0);
  });
  expect(runs[3]!.code).toBe(1);
});
afterAll(() => llm.close());

function golden(): string {
  return Array.from({ length: N }, (_, i) =>
    JSON.stringify({
      id: `case-${i}`,
      input: `q${i}`,
      expected: `a${i}`,
      tags: [i % 3 === 0 ? 'billing' : 'general'],
      // Conversations of four turns: a cluster that must stay in one shard.
      metadata: { conv: `conv-${Math.floor(i / 4)}` },
    }),
  ).join('\n');
}

const CONFIG_EXTRA = `slices:
  by: [tags]
  min_cases: 10
  budgets:
    quality: {max_drop: 0.05}
`;

function project(): string {
  const config = baseConfig(llm.url, CONFIG_EXTRA).replace(
    'gate:\n  min_cases: 30',
    'gate:\n  min_cases: 30\n  cluster_by: metadata.conv',
  );
  return workspace({ 'golden.jsonl': golden(), 'evalgate.yaml': config });
}

const env = { TEST_KEY: KEY };
const cli = (dir: string, args: string[]) => runNode(CLI, args, { cwd: dir, env });
const read = (dir: string, f: string) =>
  JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Report;

/**
 * Everything but measured time: a call's latency (and its time to first token) differs from
 * one run to the next, and so do a report's start time and duration. Checks are compared whole:
 * no budget here depends on time.
 */
function withoutTimes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      /^(latency_ms|repeat_latency_ms|ttft_ms|tpot_ms|started_at|duration_ms)$/.test(key)
        ? undefined
        : v,
    ),
  );
}

describe('sharded runs and merge', () => {
  it('three shards merged decide exactly as one unsharded run', async () => {
    const shards = files.map((f) => read(dir, f));
    const ids = shards.flatMap((s) => s.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(N);
    for (const [k, s] of shards.entries()) {
      expect(s.meta.shard).toMatchObject({ index: k + 1, count: 3, cases: s.cases.length });
      expect(s.checks).toEqual([]);
      expect(s.decision).toBe('inconclusive');
      expect(s.blocked).toBeUndefined();
      expect(s.summary).toMatch(new RegExp(`^shard ${k + 1}/3: .*not a decision`));
      // Every shard holds a fair part, and a conversation lives in exactly one of them.
      expect(s.cases.length).toBeGreaterThan(N / 6);
    }
    const clusterShard = new Map<string, number>();
    shards.forEach((s, k) => {
      for (const c of s.cases) {
        expect(clusterShard.get(c.cluster!) ?? k).toBe(k);
        clusterShard.set(c.cluster!, k);
      }
    });

    const merged = await cli(dir, [
      'merge',
      ...files,
      '--config',
      'evalgate.yaml',
      '--report',
      'merged.json',
      '--summary',
      'merged.md',
      '--junit',
      'merged.xml',
    ]);
    expect(merged.stderr).not.toContain('bad input');
    expect(merged.code).toBe(1);
    const a = read(dir, 'full.json');
    const b = read(dir, 'merged.json');
    expect(a.checks.some((c) => c.slice === 'tags=billing' && c.verdict === 'fail')).toBe(true);
    expect(b.decision).toBe(a.decision);
    expect(b.summary).toBe(a.summary);
    expect(b.blocked).toBe(a.blocked);
    expect(b.blocked_by).toBe(a.blocked_by);
    // Intervals, p-values and adjusted p-values, every check, bit for bit.
    expect(b.checks).toEqual(a.checks);
    expect(b.power).toEqual(a.power);
    expect(withoutTimes(b.cases)).toEqual(withoutTimes(a.cases));
    expect(withoutTimes(b.targets)).toEqual(withoutTimes(a.targets));
    expect(b.meta.seed).toBe(a.meta.seed);
    expect(b.meta.fingerprints).toEqual(a.meta.fingerprints);
    expect(b.meta.warnings).toEqual(a.meta.warnings);
    expect(b.meta.calls).toEqual(a.meta.calls);
    expect(b.meta.merged).toEqual({ shards: 3, reports: files });
    expect(b.meta.shard).toBeUndefined();
    expect(readFileSync(path.join(dir, 'merged.md'), 'utf8')).toContain('billing');
    expect(readFileSync(path.join(dir, 'merged.xml'), 'utf8')).toContain('case-0');
  });

  it('refuses shards that do not belong together, naming the shard or the case', async () => {
    const merge = (...args: string[]) =>
      cli(dir, ['merge', ...args, '--config', 'evalgate.yaml', '--report', 'm.json']);

    let r = await merge(files[0]!, files[1]!);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('shard 3/3 is missing');

    r = await merge(files[0]!, files[1]!, files[2]!, files[1]!);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('shard 2/3 given twice');

    // A case answered in two shards, and one in none.
    const one = read(dir, files[0]!);
    const three = read(dir, files[2]!);
    const moved = three.cases.pop()!;
    one.cases.push(structuredClone(one.cases[0]!));
    // Counts kept consistent: a shard whose count disagrees with its cases is refused first.
    one.meta.shard!.cases++;
    three.meta.shard!.cases--;
    writeFileSync(path.join(dir, 'x1.json'), JSON.stringify(one));
    writeFileSync(path.join(dir, 'x3.json'), JSON.stringify(three));
    r = await merge('x1.json', files[1]!, 'x3.json');
    expect(r.code).toBe(2);
    // Twice in one shard says so, not "in shard 1/3 and in shard 1/3".
    expect(r.stderr).toContain(`case "${one.cases[0]!.id}" is in shard 1/3 twice`);
    expect(r.stderr).toContain(`case "${moved.id}" is in no shard report`);

    // Another seed is another run.
    await cli(dir, [
      'run',
      '--config',
      'evalgate.yaml',
      '--shard',
      '2/3',
      '--seed',
      '9',
      '--report',
      'seed9.json',
    ]);
    r = await merge(files[0]!, 'seed9.json', files[2]!);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the seed (meta.seed) differs');

    // A golden set changed since the shards ran (one case gone) is said to be that, once,
    // not as a list of cases foreign to the set; and so is another config file.
    const shardFiles = Object.fromEntries(
      files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
    );
    const changed = workspace({
      ...shardFiles,
      'evalgate.yaml': readFileSync(path.join(dir, 'evalgate.yaml'), 'utf8'),
      'golden.jsonl': golden().split('\n').slice(0, -1).join('\n'),
    });
    r = await cli(changed, ['merge', ...files, '--config', 'evalgate.yaml', '--report', 'm.json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').slice(1)).toEqual([
      'golden.jsonl: this golden set file is not the one the shards ran (meta.fingerprints.datasets differs): merge from the same commit',
    ]);
    const reconfigured = workspace({
      ...shardFiles,
      'evalgate.yaml': `${readFileSync(path.join(dir, 'evalgate.yaml'), 'utf8')}\n# edited\n`,
      'golden.jsonl': golden(),
    });
    r = await cli(reconfigured, [
      'merge',
      ...files,
      '--config',
      'evalgate.yaml',
      '--report',
      'm.json',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('this config file is not the one the shards ran');

    // An unsharded report is not a shard.
    r = await merge('full.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a shard report');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses shards whose ${VAR} filled the config in differently, but not for a key that differs', async () => {
    // The candidate's model comes from the environment, and so does a header that may carry a
    // credential. The config file is the same for every shard; what was filled in is not.
    const config = baseConfig(llm.url)
      .replace('model: cand-model', 'model: ${CAND_MODEL}')
      .replace(
        'model: base-model',
        "model: base-model\n    headers: {x-team-token: '${TEAM_TOKEN}'}",
      );
    const d = workspace({
      'golden.jsonl': golden().split('\n').slice(0, 40).join('\n'),
      'evalgate.yaml': config,
    });
    const shard = (k: number, model: string, token: string) =>
      runNode(
        CLI,
        [
          'run',
          '--config',
          'evalgate.yaml',
          '--shard',
          `${k}/2`,
          '--report',
          `s${k}-${model}.json`,
        ],
        { cwd: d, env: { ...env, CAND_MODEL: model, TEAM_TOKEN: token } },
      );
    const runs = await Promise.all([
      shard(1, 'cand-model', 'team-SECRET-one'),
      shard(2, 'cand-model', 'team-SECRET-two'),
      shard(2, 'other-model', 'team-SECRET-one'),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const reports = ['s1-cand-model.json', 's2-cand-model.json', 's2-other-model.json'].map((f) =>
      readFileSync(path.join(d, f), 'utf8'),
    );
    // The digest is of where a possible credential went, never of what it is.
    for (const text of reports) expect(text).not.toContain('SECRET');
    const merged = await runNode(
      CLI,
      ['merge', 's1-cand-model.json', 's2-cand-model.json', '--config', 'evalgate.yaml'],
      { cwd: d, env: { ...env, CAND_MODEL: 'cand-model', TEAM_TOKEN: 'team-SECRET-one' } },
    );
    expect(merged.stderr).not.toContain('differs');
    expect([0, 1]).toContain(merged.code);
    const mixed = await runNode(
      CLI,
      ['merge', 's1-cand-model.json', 's2-other-model.json', '--config', 'evalgate.yaml'],
      { cwd: d, env: { ...env, CAND_MODEL: 'cand-model', TEAM_TOKEN: 'team-SECRET-one' } },
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain(
      "s2-other-model.json: what ${VAR} became in the config (meta.shard.config_values) differs from s1-cand-model.json's",
    );
  });

  it('refuses a bad --shard before sending anything', async () => {
    const before = llm.requests.length;
    const config = path.join(dir, 'evalgate.yaml');
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '1/999']) {
      const r = await cliInProcess(['run', '--config', config, '--shard', bad], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `--shard: must be I/N with 1 ≤ I ≤ N ≤ 256 (e.g. 2/3), got "${bad}"`,
      );
    }
    const r = await cliInProcess(
      ['run', '--config', config, '--shard', '1/2', '--only', 'candidate'],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--only records one whole side');
    expect(llm.requests.length).toBe(before);
  });
});
