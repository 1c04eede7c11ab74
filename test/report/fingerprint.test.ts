import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import {
  canonicalJson,
  configFingerprint,
  datasetFingerprints,
  fingerprintWarnings,
} from '../../src/report/fingerprint.js';

const CONFIG = `version: 1
dataset: golden.jsonl
targets:
  baseline: {type: openai, base_url: "http://127.0.0.1:1/v1", model: a, headers: {Authorization: "Bearer \${SECRET}"}}
  candidate: {type: openai, base_url: "http://127.0.0.1:1/v1", model: b}
judge: {type: openai, base_url: "http://127.0.0.1:1/v1", model: j, headers: {x-api-key: "\${SECRET}"}}
scorers:
  - type: exact
budgets:
  quality: {max_drop: 0.02}
`;

const fp = (text: string, env: NodeJS.ProcessEnv = { SECRET: 's1' }) =>
  configFingerprint(parseConfig(text, 'evalgate.yaml', env).config);

describe('configFingerprint', () => {
  const base = fp(CONFIG);

  it('is a sha256 digest, stable across key order and secrets', () => {
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fp(CONFIG, { SECRET: 'another-secret' })).toBe(base);
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it('changes with scorers, the judge and the run settings that change scores', () => {
    expect(fp(CONFIG.replace('type: exact', 'type: icontains'))).not.toBe(base);
    expect(fp(CONFIG.replace('model: j', 'model: k'))).not.toBe(base);
    expect(fp(`${CONFIG}run: {timeout_ms: 5}\n`)).not.toBe(base);
    expect(fp(`${CONFIG}run: {repeats: 1, retries: 0}\n`)).not.toBe(base);
  });

  it('ignores targets, budgets, the gate and run settings that do not', () => {
    expect(fp(CONFIG.replace('model: b', 'model: c').replace('model: a', 'model: z'))).toBe(base);
    expect(fp(CONFIG.replace('max_drop: 0.02', 'max_drop: 0.1'))).toBe(base);
    expect(fp(`${CONFIG}gate: {confidence: 0.9}\nrun: {concurrency: 2, seed: 9}\n`)).toBe(base);
  });
});

describe('datasetFingerprints and fingerprintWarnings', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-fp-'));
  const file = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return { name, path: path.join(dir, name) };
  };
  const a = file('a.jsonl', '{"id":"1"}\n');
  const b = file('b.jsonl', '{"id":"2"}\n');
  const recorded = { datasets: datasetFingerprints([a, b]), config: 'sha256:1' };

  it('digests each file by the name the report uses', () => {
    expect(Object.keys(recorded.datasets)).toEqual(['a.jsonl', 'b.jsonl']);
    expect(recorded.datasets['a.jsonl']).not.toBe(recorded.datasets['b.jsonl']);
  });

  it('says nothing when the same contents are compared, even under other names', () => {
    expect(fingerprintWarnings(recorded, recorded, 'main.json')).toEqual([]);
    const renamed = {
      ...recorded,
      datasets: {
        'x/a.jsonl': recorded.datasets['a.jsonl']!,
        'x/b.jsonl': recorded.datasets['b.jsonl']!,
      },
    };
    expect(fingerprintWarnings(recorded, renamed, 'main.json')).toEqual([]);
  });

  it('names changed, added and dropped files, and a changed config', () => {
    const c = file('c.jsonl', '{"id":"3"}\n');
    const changed = file('a.jsonl', '{"id":"1","expected":"new"}\n');
    const now = { datasets: datasetFingerprints([changed, c]), config: 'sha256:2' };
    expect(fingerprintWarnings(recorded, now, 'main.json')).toEqual([
      'the dataset differs from the one recorded in main.json (changed: a.jsonl; not in the recording: c.jsonl; no longer used: b.jsonl): cases are paired by id, so an edited case compares answers to different questions',
      'the config differs from the one recorded in main.json in how answers are scored (scorers, judge, embeddings, or run timeout_ms/retries/repeats): the recorded scores may not be comparable; record the baseline again',
    ]);
  });

  it('warns that an old recording cannot be checked', () => {
    expect(fingerprintWarnings(undefined, recorded, 'old.json')).toEqual([
      'old.json carries no fingerprints (recorded by an older evalgate): cannot tell whether its dataset and config match this run',
    ]);
  });
});
