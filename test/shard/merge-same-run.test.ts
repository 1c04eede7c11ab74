// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// What the merge takes from outside the shard reports — the recorded baseline, the config as
// `${VAR}` fills it in — must be what the shards ran with, and a shard report must hold what its
// run wrote. Otherwise the merge decides another run than the one the shards measured. The
// shards here are real ones, written by `run --shard` in this process.

let llm: FakeServer;
// biome-ignore lint/suspicious/noExplicitAny: a report as JSON, edited field by field.
type Json = any;

beforeAll(async () => {
  // `weak-base` misses every third case: a recording of it makes the candidate look better.
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'weak-base' && i % 3 === 0 ? 'nope' : `a${i}`;
  });
});
afterAll(() => llm.close());

const KEY = { TEST_KEY: 'sk-merge-same-run' };
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** A workspace with `config`, and `run` / `merge` in it, each with only the env given. */
function project(config: string) {
  const dir = workspace({ 'golden.jsonl': goldenJsonl(36), 'evalgate.yaml': config });
  const at = (f: string) => path.join(dir, f);
  const flags = ['--config', at('evalgate.yaml')];
  return {
    at,
    run: (args: string[], env: NodeJS.ProcessEnv = {}) =>
      cliInProcess(['run', ...flags, ...args], { ...KEY, ...env }),
    merge: (files: string[], args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
      cliInProcess(['merge', ...files.map(at), ...flags, ...args, '--report', at('m.json')], env),
  };
}

describe('merge: the recording the shards ran against', () => {
  let p: ReturnType<typeof project>;
  beforeAll(async () => {
    p = project(baseConfig(llm.url).replace('model: base-model', 'model: ${BASE:-base-model}'));
    const record = (file: string, base: string) =>
      p.run(['--only', 'baseline', '--report', p.at(file)], { BASE: base });
    expect((await record('recA.json', 'base-model')).code).toBe(0);
    expect((await record('recB.json', 'weak-base')).code).toBe(0);
    for (const i of [1, 2, 3]) {
      const r = await p.run([
        '--baseline-report',
        p.at('recA.json'),
        '--shard',
        `${i}/3`,
        '--report',
        p.at(`s${i}.json`),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  const shards = ['s1.json', 's2.json', 's3.json'];

  it('records a digest of the recording in each shard report', () => {
    const digests = shards.map((s) => read(p.at(s)).meta.shard.baseline_report);
    expect(digests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(digests).size).toBe(1);
  });

  it('refuses another recording, naming the file given', async () => {
    const r = await p.merge(shards, ['--baseline-report', p.at('recB.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${p.at('recB.json')} (--baseline-report): this baseline report`);
    expect(r.stderr).toContain('meta.shard.baseline_report differs');
  });

  it('takes the same recording under another name (a downloaded copy)', async () => {
    copyFileSync(p.at('recA.json'), p.at('copy.json'));
    const r = await p.merge(shards, ['--baseline-report', p.at('copy.json')]);
    expect([0, 1], r.stderr).toContain(r.code);
    const merged = read(p.at('m.json')) as Report;
    expect(merged.meta.models.baseline).toBe(read(p.at('recA.json')).meta.models.baseline);
  });

  it('refuses shards run against different recordings', async () => {
    const r = await p.run([
      '--baseline-report',
      p.at('recB.json'),
      '--shard',
      '1/3',
      '--report',
      p.at('s1b.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = await p.merge(
      ['s1b.json', 's2.json', 's3.json'],
      ['--baseline-report', p.at('recA.json')],
    );
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr).toContain(
      'the recording the baseline came from (meta.shard.baseline_report) differs',
    );
  });

  it('refuses a merge without the recording, and shards without one merged with one', async () => {
    const missing = await p.merge(shards);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--baseline-report: the shards took their baseline from');
    for (const i of [1, 2, 3]) {
      const r = await p.run(['--shard', `${i}/3`, '--report', p.at(`called${i}.json`)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const called = ['called1.json', 'called2.json', 'called3.json'];
    const extra = await p.merge(called, ['--baseline-report', p.at('recA.json')]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('they were not run against a recording');
  });
});

describe('merge: what ${VAR} made of the config', () => {
  const TOKEN = 'tt-0123456789abcdef-shards';
  const config = (url: string) =>
    baseConfig(url)
      .replace('model: cand-model', 'model: ${CANDIDATE}\n    headers: {x-team: "${TEAM_TOKEN}"}')
      .replace('quality: {max_drop: 0.02}', 'quality: {max_drop: "${QB:-5%}"}')
      .replace('min_cases: 30', 'min_cases: 30\n  cluster_by: "metadata.${CLUSTER}"');
  const shardEnv = { CANDIDATE: 'cand-model', TEAM_TOKEN: TOKEN, CLUSTER: 'topic' };
  let p: ReturnType<typeof project>;
  const shards = ['s1.json', 's2.json', 's3.json'];

  beforeAll(async () => {
    p = project(config(llm.url));
    for (const i of [1, 2, 3]) {
      const r = await p.run(['--shard', `${i}/3`, '--report', p.at(`s${i}.json`)], shardEnv);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('records one digest per field that held a ${VAR}, none of them a value', () => {
    const fields = read(p.at('s1.json')).meta.shard.config_value_fields;
    expect(Object.keys(fields).sort()).toEqual([
      'budgets.quality.max_drop',
      'gate.cluster_by',
      'targets.candidate.headers.x-team',
      'targets.candidate.model',
    ]);
    expect(readFileSync(p.at('s1.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('refuses a budget filled in otherwise in the merge, naming the field, not the value', async () => {
    const r = await p.merge(shards, [], { CLUSTER: 'topic', QB: '50%' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/evalgate\.yaml:\d+ \(budgets\.quality\.max_drop\): \$\{VAR\} filled/);
    expect(r.stderr).not.toContain('50%');
  });

  it('refuses a ${VAR} the merge lacks where the merge reads it (the gate)', async () => {
    const r = await p.merge(shards, [], {});
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('(gate.cluster_by): a ${VAR} here is not set');
    // What only reaches an endpoint may be unset in the merge job: it sends nothing.
    expect(r.stderr).not.toContain('targets.candidate');
  });

  it('merges with the same values: a default set explicitly, keys and models left out', async () => {
    const r = await p.merge(shards, [], { CLUSTER: 'topic', QB: '5%' });
    expect([0, 1], r.stderr).toContain(r.code);
    const other = await p.merge(shards, [], { ...shardEnv, TEAM_TOKEN: 'tt-another-key-1234' });
    expect([0, 1], other.stderr).toContain(other.code);
    expect(other.stderr).not.toContain('tt-');
  });

  it('refuses a model set otherwise in the merge job', async () => {
    const r = await p.merge(shards, [], { ...shardEnv, CANDIDATE: 'other-model' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('(targets.candidate.model): ${VAR} filled');
  });
});

describe('merge: shard reports that are not what their run wrote', () => {
  let p: ReturnType<typeof project>;
  beforeAll(async () => {
    p = project(baseConfig(llm.url));
    for (const i of [1, 2]) {
      const r = await p.run(['--shard', `${i}/2`, '--report', p.at(`s${i}.json`)]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  let made = 0;
  /** Shard 1 edited by `edit`, under a new name, with shard 2 as written. */
  function edited(edit: (r: Json) => void): string[] {
    const r = read(p.at('s1.json'));
    edit(r);
    const file = `edit${++made}.json`;
    writeFileSync(p.at(file), JSON.stringify(r));
    return [file, 's2.json'];
  }

  it('merge as written', async () => {
    const r = await p.merge(['s1.json', 's2.json']);
    expect([0, 1], r.stderr).toContain(r.code);
  });

  for (const side of ['candidate', 'baseline'] as const) {
    it(`refuses a case whose ${side} answer was deleted`, async () => {
      const files = edited((r) => {
        delete r.cases[3][side];
      });
      const m = await p.merge(files);
      expect(m.code, m.stderr).toBe(2);
      expect(m.stderr).toContain(`${p.at(files[0]!)} (cases[3].${side}): case "`);
      expect(m.stderr).toContain(`has no ${side} answer`);
    });
  }

  it('refuses a case count that is not the report’s', async () => {
    const files = edited((r) => {
      r.meta.shard.cases = 99;
    });
    const m = await p.merge(files);
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr).toContain(
      `${p.at(files[0]!)} (meta.shard.cases): says shard 1/2 ran 99 cases`,
    );
  });

  it('lists a few unanswered cases and counts the rest', async () => {
    const files = edited((r) => {
      for (const c of r.cases) delete c.candidate;
    });
    const m = await p.merge(files);
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr.match(/has no candidate answer/g)).toHaveLength(10);
    expect(m.stderr).toMatch(/…and \d+ more answers missing/);
  });

  it('still refuses an incomplete shard as such, whatever it lacks', async () => {
    const files = edited((r) => {
      r.incomplete = true;
      r.incomplete_reason = 'cancelled';
      r.cases = r.cases.slice(0, 2);
      delete r.cases[0].candidate;
    });
    const m = await p.merge(files);
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr).toContain('shard 1/2 is incomplete (cancelled): run that shard again');
    expect(m.stderr).not.toContain('has no candidate answer');
    expect(m.stderr).not.toContain('meta.shard.cases');
  });
});
