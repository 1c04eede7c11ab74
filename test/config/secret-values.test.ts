// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Substitution } from '../../src/config/interpolate.js';
import { interpolateEnv } from '../../src/config/interpolate.js';
import { loadConfig } from '../../src/config/load.js';
import { secretValues } from '../../src/config/secret-values.js';
import { InputError } from '../../src/errors.js';

describe('interpolateEnv: substituted values', () => {
  it('reports every value taken from the environment with its field, but not defaults', () => {
    const substituted: Substitution[] = [];
    interpolateEnv(
      { a: { url: 'https://h/?code=${K}' }, list: ['${M}'], d: '${UNSET:-fallback}', e: '$$' },
      { K: 'key-1', M: 'model-x' },
      [],
      [],
      substituted,
    );
    expect(substituted).toEqual([
      { at: ['a', 'url'], value: 'key-1' },
      { at: ['list', 0], value: 'model-x' },
    ]);
  });
});

describe('secretValues', () => {
  const s = (at: (string | number)[], value: string): Substitution => ({ at, value });

  it('keeps values in urls, headers, bodies and params, and anything not known to be plain', () => {
    expect(
      secretValues([
        s(['targets', 'candidate', 'url'], 'func-key-1'),
        s(['targets', 'baseline', 'base_url'], 'https://u:p@h/v1'),
        s(['targets', 'candidate', 'headers', 'x-api-key'], 'hdr-key'),
        s(['targets', 'candidate', 'body', 'model'], 'body-model-is-carried'),
        s(['judge', 'params', 'user'], 'user-123x'),
        s(['scorers', 0, 'options', 'token'], 'opt-token'),
      ]),
    ).toEqual([
      'func-key-1',
      'https://u:p@h/v1',
      'hdr-key',
      'body-model-is-carried',
      'user-123x',
      'opt-token',
    ]);
  });

  it('leaves out model names, file paths, judging settings and plain numbers', () => {
    expect(
      secretValues([
        s(['targets', 'candidate', 'model'], 'gpt-4o-mini'),
        s(['targets', 'candidate', 'prompt', 'file'], 'prompts/a.md'),
        s(['dataset'], 'data/golden.jsonl'),
        s(['run', 'cache'], '.cache/evalgate'),
        s(['budgets', 'quality', 'max_drop'], '0.02'),
        s(['targets', 'candidate', 'params', 'max_tokens'], '1024'),
        s(['targets', 'candidate', 'headers', 'x-debug'], 'true'),
      ]),
    ).toEqual([]);
  });
});

describe('loadConfig: substituted values', () => {
  it('hands them over even when the config is rejected', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-secret-'));
    const file = path.join(dir, 'evalgate.yml');
    writeFileSync(
      file,
      'version: 1\ndataset: d.jsonl\ntargets:\n  candidate:\n    type: http\n    url: "https://h/x?code=${FK}"\n    output: a\n',
    );
    const substituted: Substitution[] = [];
    expect(() => loadConfig(file, { FK: 'fk-secret-1' }, substituted)).toThrow(InputError);
    expect(substituted).toEqual([{ at: ['targets', 'candidate', 'url'], value: 'fk-secret-1' }]);
  });
});
