// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysAt, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';
import {
  edit,
  inputErrorOf,
  lineIs,
  lineOf,
  MINIMAL,
  parse,
  problemOf,
  problemsOf,
} from './helpers.js';

describe('defaults', () => {
  it('fills gate, run, scorers and budgets when they are left out', () => {
    const { config } = parse(MINIMAL);
    expect(config.gate).toEqual({
      confidence: 0.95,
      min_cases: 30,
      on_inconclusive: 'pass',
      sequential: false,
    });
    expect(config.run).toEqual({
      concurrency: 16,
      timeout_ms: 60_000,
      retries: 4,
      repeats: 1,
      seed: 1,
      backoff_ms: 500,
      max_consecutive_errors: 5,
      max_response_bytes: 4 * 1024 * 1024,
      stream_idle_timeout_ms: 30_000,
      scorer_timeout_ms: 10_000,
    });
    expect(config.scorers).toEqual([]);
    expect(config.budgets).toEqual({});
    expect(config.slices).toBeUndefined();
    expect(config.judge).toBeUndefined();
  });

  it('fills the rest of a partly written gate and run', () => {
    const { config } = parse(`${MINIMAL}gate:\n  confidence: 0.9\nrun:\n  concurrency: 4\n`);
    expect(config.gate).toEqual({
      confidence: 0.9,
      min_cases: 30,
      on_inconclusive: 'pass',
      sequential: false,
    });
    expect(config.run).toMatchObject({ concurrency: 4, timeout_ms: 60_000, retries: 4, seed: 1 });
  });

  it('fills slice defaults', () => {
    const { config } = parse(`${MINIMAL}slices:\n  by: [tags, metadata.lang]\n`);
    expect(config.slices).toEqual({ by: ['tags', 'metadata.lang'], min_cases: 20, budgets: {} });
  });

  it('accepts an empty gate and run as "all defaults"', () => {
    const { config } = parse(`${MINIMAL}gate: {}\nrun: {}\n`);
    expect(config.gate.confidence).toBe(0.95);
    expect(config.run.retries).toBe(4);
  });

  it('accepts a dataset list', () => {
    const { config } = parse(edit('dataset: golden.jsonl', 'dataset: [a.jsonl, "b/*.csv"]'));
    expect(config.dataset).toEqual(['a.jsonl', 'b/*.csv']);
  });
});

describe('budgets: numbers and percent strings', () => {
  const budget = (metric: string, key: string, value: string) =>
    parse(`${MINIMAL}budgets:\n  ${metric}: {${key}: ${value}}\n`).config.budgets;

  it.each([
    ['"20%"', 0.2],
    ['20%', 0.2], // unquoted: YAML reads it as a string too
    ['0.2', 0.2],
    ['"2.5%"', 0.025],
    ['" 10 % "', 0.1],
    ['"0%"', 0],
    ['0', 0],
    ['"150%"', 1.5], // a relative increase may exceed 100%
  ])('latency_p95.max_increase: %s → %s', (written, value) => {
    expect(budget('latency_p95', 'max_increase', written).latency_p95?.max_increase).toBeCloseTo(
      value,
      12,
    );
  });

  it('reads every budget', () => {
    const { config } = parse(`${MINIMAL}budgets:
  quality: {max_drop: 2%}
  pass_rate: {max_drop: 0.03}
  latency_p95: {max_increase: 20%}
  cost: {max_increase: "10%"}
  error_rate: {max: 0.01}
`);
    expect(config.budgets.quality?.max_drop).toBeCloseTo(0.02, 12);
    expect(config.budgets.pass_rate?.max_drop).toBe(0.03);
    expect(config.budgets.latency_p95?.max_increase).toBeCloseTo(0.2, 12);
    expect(config.budgets.cost?.max_increase).toBeCloseTo(0.1, 12);
    expect(config.budgets.error_rate?.max).toBe(0.01);
  });

  it.each([
    ['"20pc"', /expected a number or a percent such as "20%", got "20pc"/],
    ['"%20"', /got "%20"/],
    ['"twenty"', /got "twenty"/],
    ['true', /expected a number or a percent/],
    ['-0.1', /must not be negative/],
    ['"-5%"', /must not be negative/],
  ])('rejects %s with the field path and its line', (written, message) => {
    const text = `${MINIMAL}budgets:\n  latency_p95:\n    max_increase: ${written}\n`;
    const p = problemOf(text);
    expect(p).toMatchObject({
      file: 'evalgate.yaml',
      path: 'budgets.latency_p95.max_increase',
      line: lineOf(text, 'max_increase'),
    });
    expect(p.message).toMatch(message);
  });

  it('an absolute share cannot exceed 1', () => {
    const p = problemOf(`${MINIMAL}budgets:\n  quality: {max_drop: 150%}\n`);
    expect(p.path).toBe('budgets.quality.max_drop');
    expect(p.message).toMatch(/cannot exceed 1/);
    expect(problemOf(`${MINIMAL}budgets:\n  error_rate: {max: 2}\n`).path).toBe(
      'budgets.error_rate.max',
    );
  });

  it('slice budgets use the same rules', () => {
    const text = `${MINIMAL}slices:\n  by: [tags]\n  budgets:\n    quality: {max_drop: "5%"}\n`;
    expect(parse(text).config.slices?.budgets.quality?.max_drop).toBeCloseTo(0.05, 12);
    const bad = `${MINIMAL}slices:\n  by: [tags]\n  budgets:\n    qualty: {max_drop: 0.05}\n`;
    expect(problemOf(bad)).toMatchObject({
      path: 'slices.budgets.qualty',
      line: lineOf(bad, 'qualty'),
    });
  });
});

describe('environment variables', () => {
  it('replaces ${VAR} in any string, including inside lists', () => {
    const text = edit('dataset: golden.jsonl', 'dataset: ["${DIR}/a.jsonl", b.jsonl]').replace(
      'model: gpt-4o\n',
      'model: ${MODEL}\n',
    );
    const { config } = parse(text, { DIR: 'golden', MODEL: 'gpt-5' });
    expect(config.dataset).toEqual(['golden/a.jsonl', 'b.jsonl']);
    expect(config.targets.candidate).toMatchObject({ model: 'gpt-5' });
  });

  it('uses the default of ${VAR:-default} when the variable is unset or empty', () => {
    const text = edit('model: gpt-4o\n', 'model: ${MODEL:-gpt-4.1}\n');
    const model = (env: NodeJS.ProcessEnv) =>
      (parse(text, env).config.targets.candidate as { model: string }).model;
    expect(model({})).toBe('gpt-4.1');
    expect(model({ MODEL: '' })).toBe('gpt-4.1');
    expect(model({ MODEL: 'o3' })).toBe('o3');
  });

  it('an empty default is allowed', () => {
    const text = `${MINIMAL}judge:\n  type: openai\n  base_url: https://x.test/v1\n  model: j\n  system: "\${SYS:-}"\n`;
    expect(parse(text).config.judge).toMatchObject({ system: '' });
  });

  it('$$ is a literal $, so $${VAR} stays as written', () => {
    const text = edit('model: gpt-4o\n', 'model: "cost$$-${M}-$${NOT_A_VAR}"\n');
    expect(parse(text, { M: 'x' }).config.targets.candidate).toMatchObject({
      model: 'cost$-x-${NOT_A_VAR}',
    });
  });

  it('leaves a lone $ and non-variable braces alone', () => {
    const text = edit('model: gpt-4o\n', 'model: "$5 {x} $HOME"\n');
    expect(parse(text, { HOME: '/root' }).config.targets.candidate).toMatchObject({
      model: '$5 {x} $HOME',
    });
  });

  it('an unset variable is bad input naming the variable, the field path and its line', () => {
    const text = edit('model: gpt-4o\n', 'model: ${CANDIDATE_MODEL}\n');
    const p = problemOf(text);
    expect(p).toMatchObject({
      file: 'evalgate.yaml',
      path: 'targets.candidate.model',
      line: lineOf(text, 'CANDIDATE_MODEL'),
    });
    expect(p.message).toMatch(/CANDIDATE_MODEL is not set/);
  });

  it('reports every unset variable, and other problems alongside them', () => {
    const text = MINIMAL.replace('https://api.openai.com/v1', '${BASE}')
      .replace('model: gpt-4o\n', 'model: ${MODEL}\n')
      .concat('budgets:\n  qualty: {max_drop: 0.1}\n');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual([
      'targets.baseline.base_url',
      'targets.candidate.model',
      'budgets.qualty',
    ]);
    // The empty string that stood in for ${BASE} is not also reported as "not a URL".
    expect(problems.some((p) => /URL/.test(p.message))).toBe(false);
  });

  it('does not touch keys or non-string values', () => {
    const text = `${MINIMAL}run:\n  concurrency: 3\n`;
    expect(parse(text, {}).config.run.concurrency).toBe(3);
  });
});

describe('unknown keys: field path, line, did you mean, and what is allowed', () => {
  it.each([
    ['top level', `${MINIMAL}budget:\n  quality: {max_drop: 0.1}\n`, 'budget', 'budgets'],
    ['budgets', `${MINIMAL}budgets:\n  qualty: {max_drop: 0.1}\n`, 'budgets.qualty', 'quality'],
    [
      'inside a budget',
      `${MINIMAL}budgets:\n  quality: {max_dorp: 0.1}\n`,
      'budgets.quality.max_dorp',
      'max_drop',
    ],
    ['gate', `${MINIMAL}gate:\n  confidance: 0.9\n`, 'gate.confidance', 'confidence'],
    ['run', `${MINIMAL}run:\n  concurency: 2\n`, 'run.concurency', 'concurrency'],
    [
      'a target',
      edit('    model: gpt-4o\n', '    model: gpt-4o\n    temprature: 0\n'),
      'targets.candidate.temprature',
      undefined,
    ],
    [
      'a price',
      edit(
        '    model: gpt-4o\n',
        '    model: gpt-4o\n    price: {input_per_mtok: 1, ouput_per_mtok: 2}\n',
      ),
      'targets.candidate.price.ouput_per_mtok',
      'output_per_mtok',
    ],
    [
      'a scorer',
      `${MINIMAL}scorers:\n  - type: contains\n    valeu: x\n`,
      'scorers.0.valeu',
      'value',
    ],
    [
      'a second scorer',
      `${MINIMAL}scorers:\n  - type: exact\n  - type: numeric\n    tolerence: 0.1\n`,
      'scorers.1.tolerence',
      'tolerance',
    ],
    ['slices', `${MINIMAL}slices:\n  by: [tags]\n  min_case: 5\n`, 'slices.min_case', 'min_cases'],
  ])('%s', (_where, text, keyPath, hint) => {
    const problems = problemsOf(text);
    const p = problems.find((q) => q.path === keyPath);
    expect(p, JSON.stringify(problems)).toBeDefined();
    const key = keyPath.split('.').at(-1)!;
    expect(p!.file).toBe('evalgate.yaml');
    expect(p!.line).toBe(lineOf(text, `${key}:`));
    expect(p!.message).toContain(`unknown key "${key}"`);
    if (hint) expect(p!.message).toContain(`(did you mean "${hint}"?)`);
    else expect(p!.message).not.toContain('did you mean');
    expect(p!.message).toMatch(/; expected one of: /);
  });

  it('a misspelled target name points at its key and says the real one is missing', () => {
    const text = edit('  candidate:', '  candiate:');
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'targets.candiate',
        line: lineOf(text, 'candiate:'),
        message: expect.stringContaining('did you mean "candidate"?'),
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'targets.candidate',
        message: expect.stringMatching(/required/),
      }),
    );
  });

  it('__proto__ is an unknown key like any other, at its own line, and none of it takes effect', () => {
    const text = `${MINIMAL}budgets:\n  __proto__: {quality: {max_drop: 0.5}}\n`;
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'budgets.__proto__',
        line: lineOf(text, '__proto__:'),
        message: expect.stringContaining('unknown key "__proto__"'),
      }),
    );
    const top = `${MINIMAL}__proto__: {x: 1}\n`;
    expect(problemsOf(top)).toContainEqual(
      expect.objectContaining({ path: '__proto__', line: lineOf(top, '__proto__:') }),
    );
  });

  it('a key far from every allowed one gets no hint but the list', () => {
    const p = problemOf(`${MINIMAL}zzzzzzzz: 1\n`);
    expect(p.message).toBe(
      'unknown key "zzzzzzzz"; expected one of: version, dataset, targets, judge, embeddings, scorers, budgets, slices, gate, run, live',
    );
  });

  it('an unknown key with a block value points at the key, not at the value below it', () => {
    const text = `${MINIMAL}budget:\n  quality:\n    max_drop: 0.1\n`;
    expect(problemOf(text).line).toBe(lineOf(text, 'budget:'));
  });

  it('free-form maps (params, headers) accept any key', () => {
    const text = edit(
      '    model: gpt-4o\n',
      '    model: gpt-4o\n    params: {temperature: 0, top_p: 1, anything_at_all: [1]}\n    headers: {X-Team: evals}\n',
    );
    expect(parse(text).config.targets.candidate).toMatchObject({
      params: { temperature: 0, top_p: 1, anything_at_all: [1] },
      headers: { 'X-Team': 'evals' },
    });
  });

  it('the list of expected keys follows the target type', () => {
    const keysFor = (type: string, extra: string) => {
      const text = edit(
        '  candidate:\n    type: openai\n    base_url: https://api.openai.com/v1\n    model: gpt-4o\n',
        `  candidate:\n    type: ${type}\n${extra}    bogus_key: 1\n`,
      );
      const p = problemsOf(text).find((q) => q.path === 'targets.candidate.bogus_key');
      expect(p).toBeDefined();
      return p!.message.split('expected one of: ')[1]!.split(', ');
    };
    const http = keysFor('http', '    url: https://app.test/ask\n    output: answer\n');
    expect(http).toEqual(
      expect.arrayContaining(['type', 'url', 'method', 'body', 'output', 'usage', 'api_key_env']),
    );
    expect(http).not.toContain('model');
    expect(http).not.toContain('base_url');
    const openai = keysFor('openai', '    base_url: https://x.test/v1\n    model: m\n');
    expect(openai).toEqual(
      expect.arrayContaining([
        'type',
        'base_url',
        'model',
        'api_key_env',
        'prompt',
        'system',
        'params',
        'stream',
        'price',
      ]),
    );
    expect(openai).not.toContain('output');
    expect(openai).not.toContain('url');
    expect(keysFor('anthropic', '    base_url: https://x.test\n    model: m\n')).toEqual(openai);
  });

  it("keysAt resolves a discriminated union by the data's type", () => {
    const data = { targets: { candidate: { type: 'http' } }, scorers: [{ type: 'numeric' }] };
    expect(keysAt(configSchema, ['targets', 'candidate'], data)).toContain('output');
    expect(keysAt(configSchema, ['scorers', 0], data)).toContain('tolerance');
    expect(keysAt(configSchema, ['budgets'], data)).toEqual([
      'quality',
      'pass_rate',
      'latency_p95',
      'cost',
      'error_rate',
      'ttft_p95',
      'tpot_p95',
      'drift',
    ]);
    expect(
      keysAt(configSchema, ['targets', 'candidate'], { targets: { candidate: { type: 'x' } } }),
    ).toEqual([]);
  });
});

describe('several problems are reported together, in one error', () => {
  it('lists every problem on its own line, each with its place', () => {
    const text = `${edit('version: 1', 'version: 2')}budgets:\n  qualty: {max_drop: 0.1}\ngate:\n  confidence: 2\nrun:\n  retries: -1\n`;
    const err = inputErrorOf(text);
    expect(err.problems.map((p) => [p.path, p.line])).toEqual([
      ['version', 1],
      ['budgets.qualty', lineOf(text, 'qualty')],
      ['gate.confidence', lineOf(text, 'confidence')],
      ['run.retries', lineOf(text, 'retries')],
    ]);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('evalgate.yaml:1 (version): must be 1');
    expect(lines[1]).toMatch(/^evalgate\.yaml:\d+ \(budgets\.qualty\): unknown key "qualty"/);
  });
});

describe('required fields and wrong types', () => {
  it('a missing top-level key says it is required and points at the top', () => {
    const p = problemOf(edit('dataset: golden.jsonl\n', ''));
    expect(p).toMatchObject({ path: 'dataset', line: 1 });
    expect(p.message).toMatch(/is required/);
  });

  it('a missing target field points at the target', () => {
    const text = edit('    model: gpt-4o\n', '');
    const p = problemOf(text);
    expect(p).toMatchObject({ path: 'targets.candidate.model', line: lineOf(text, 'candidate:') });
    expect(p.message).toMatch(/is required \(expected string\)/);
  });

  it('a missing target type lists the types', () => {
    const p = problemOf(edit('  candidate:\n    type: openai\n', '  candidate:\n'));
    expect(p.path).toBe('targets.candidate.type');
    expect(p.message).toMatch(/is required; expected one of: openai, anthropic, http/);
  });

  it('an unknown target type names it, with a hint and the list', () => {
    const text = edit('  candidate:\n    type: openai\n', '  candidate:\n    type: opnai\n');
    const p = problemOf(text);
    expect(p).toMatchObject({ path: 'targets.candidate.type', line: lineOf(text, 'opnai') });
    expect(p.message).toBe(
      'unknown type; expected one of: openai, anthropic, http (did you mean "openai"?)',
    );
  });

  it.each([
    ['version: 2', 'version', /must be 1/],
    ['version: "1"', 'version', /must be 1/],
    ['dataset: 5', 'dataset', /must be a path, a glob, or a list of them/],
    ['dataset: []', 'dataset', /./],
  ])('%s', (line, at, message) => {
    const text = line.startsWith('version')
      ? edit('version: 1', line)
      : edit('dataset: golden.jsonl', line);
    const p = problemOf(text);
    expect(p.path).toBe(at);
    expect(p.message).toMatch(message);
  });

  it('a wrong type inside a dataset list points at the item', () => {
    const p = problemOf(edit('dataset: golden.jsonl', 'dataset: [a.jsonl, 5]'));
    expect(p.path).toBe('dataset.1');
  });

  it.each([
    ['gate:\n  confidence: 1.5\n', 'gate.confidence'],
    ['gate:\n  confidence: 0.5\n', 'gate.confidence'],
    ['gate:\n  min_cases: 0\n', 'gate.min_cases'],
    ['gate:\n  on_inconclusive: block\n', 'gate.on_inconclusive'],
    ['run:\n  concurrency: 0\n', 'run.concurrency'],
    ['run:\n  concurrency: 2.5\n', 'run.concurrency'],
    ['run:\n  retries: 21\n', 'run.retries'],
    ['run:\n  timeout_ms: "60s"\n', 'run.timeout_ms'],
    ['slices:\n  by: [tag]\n', 'slices.by.0'],
    ['slices:\n  by: []\n', 'slices.by'],
  ])('%s → %s', (extra, at) => {
    const text = MINIMAL + extra;
    const p = problemOf(text);
    expect(p.path).toBe(at);
    expect(p.line).toBe(
      lineOf(
        text,
        `${at
          .split('.')
          .filter((s) => !/^\d+$/.test(s))
          .at(-1)}:`,
      ),
    );
  });

  it('a URL that is not one', () => {
    const p = problemOf(
      edit('https://api.openai.com/v1\n    model: gpt-4o\n', 'api.openai.com\n    model: gpt-4o\n'),
    );
    expect(p).toMatchObject({
      path: 'targets.candidate.base_url',
      message: 'must be an http(s) URL, e.g. http://localhost:11434/v1',
    });
  });

  it('a URL whose scheme is not http(s), or that has none (`localhost:11434/v1`)', () => {
    for (const url of ['localhost:11434/v1', 'ftp://127.0.0.1/v1', 'file:///etc/passwd']) {
      const p = problemOf(
        edit('https://api.openai.com/v1\n    model: gpt-4o\n', `${url}\n    model: gpt-4o\n`),
      );
      expect(p, url).toMatchObject({
        path: 'targets.candidate.base_url',
        message: 'must be an http(s) URL, e.g. http://localhost:11434/v1',
      });
    }
  });

  it('api_key_env must be a variable name, and the message does not repeat a pasted key', () => {
    const key = 'sk-proj-AbCdEf0123456789';
    const p = problemOf(
      edit('    model: gpt-4o\n', `    model: gpt-4o\n    api_key_env: ${key}\n`),
    );
    expect(p.path).toBe('targets.candidate.api_key_env');
    expect(p.message).toMatch(/NAME of an environment variable, not a key/);
    expect(JSON.stringify(p)).not.toContain(key);
  });

  it('api_key_env written as ${VAR} is refused without interpolating the key into a message', () => {
    const secret = 'deadbeef0123456789abcdef01234567';
    const text = edit('    model: gpt-4o\n', '    model: gpt-4o\n    api_key_env: ${AZURE_KEY}\n');
    for (const env of [{ AZURE_KEY: secret }, {}]) {
      const err = inputErrorOf(text, env);
      expect(err.problems).toEqual([
        {
          file: 'evalgate.yaml',
          line: lineOf(text, 'AZURE_KEY'),
          path: 'targets.candidate.api_key_env',
          message: expect.stringMatching(/write the NAME of the variable/),
        },
      ]);
      expect(err.message).not.toContain(secret);
    }
    const judge = `${MINIMAL}judge:\n  type: openai\n  base_url: https://x.test/v1\n  model: j\n  api_key_env: "\${K}"\n`;
    expect(problemOf(judge, { K: secret }).path).toBe('judge.api_key_env');
  });

  it('prompt is a string or {file}, with typos inside {file} caught', () => {
    const ok = parse(edit('    model: gpt-4o\n', '    model: gpt-4o\n    prompt: {file: p.md}\n'));
    expect(ok.config.targets.candidate).toMatchObject({ prompt: { file: 'p.md' } });
    const typo = edit('    model: gpt-4o\n', '    model: gpt-4o\n    prompt: {fil: p.md}\n');
    const problems = problemsOf(typo);
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'targets.candidate.prompt.fil',
        line: lineOf(typo, 'fil:'),
        message: expect.stringContaining('did you mean "file"?'),
      }),
    );
    const wrong = problemOf(edit('    model: gpt-4o\n', '    model: gpt-4o\n    prompt: 5\n'));
    expect(wrong).toMatchObject({
      path: 'targets.candidate.prompt',
      message: 'must be a string or {file: path}',
    });
  });
});

describe('targets: a union on `type`', () => {
  it('openai, anthropic and http each parse with their own keys', () => {
    const text = `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: anthropic
    base_url: https://api.anthropic.com
    model: claude-sonnet-4-5
    api_key_env: ANTHROPIC_API_KEY
    system: {file: prompts/system.md}
    params: {max_tokens: 256}
    price: {input_per_mtok: 3, output_per_mtok: 15}
  candidate:
    type: http
    url: https://app.internal/ask
    method: PUT
    headers: {Authorization: Bearer x}
    body: {question: "{{input}}", opts: {n: 1}}
    output: result.text
    usage: {input_tokens: meta.in, output_tokens: meta.out}
    concurrency: 4
    timeout_ms: 1000
judge:
  type: openai
  base_url: https://api.openai.com/v1
  model: gpt-4o
  stream: false
`;
    const { config } = parse(text);
    expect(config.targets.baseline).toMatchObject({
      type: 'anthropic',
      model: 'claude-sonnet-4-5',
      system: { file: 'prompts/system.md' },
      price: { input_per_mtok: 3, output_per_mtok: 15 },
    });
    expect(config.targets.candidate).toMatchObject({
      type: 'http',
      method: 'PUT',
      body: { question: '{{input}}', opts: { n: 1 } },
      output: 'result.text',
      usage: { input_tokens: 'meta.in', output_tokens: 'meta.out' },
    });
    expect(config.judge).toMatchObject({ type: 'openai', model: 'gpt-4o', stream: false });
  });

  it('an http target needs url and output; an LLM target needs base_url and model', () => {
    const text = edit(
      '  candidate:\n    type: openai\n    base_url: https://api.openai.com/v1\n    model: gpt-4o\n',
      '  candidate:\n    type: http\n',
    );
    expect(problemsOf(text).map((p) => p.path)).toEqual([
      'targets.candidate.url',
      'targets.candidate.output',
    ]);
    const llm = edit(
      '  candidate:\n    type: openai\n    base_url: https://api.openai.com/v1\n    model: gpt-4o\n',
      '  candidate:\n    type: anthropic\n',
    );
    expect(problemsOf(llm).map((p) => p.path)).toEqual([
      'targets.candidate.base_url',
      'targets.candidate.model',
    ]);
  });

  it('model is not a key of an http target', () => {
    const text = edit(
      '  candidate:\n    type: openai\n    base_url: https://api.openai.com/v1\n',
      '  candidate:\n    type: http\n    url: https://app.test/ask\n    output: text\n',
    );
    const p = problemOf(text);
    expect(p).toMatchObject({
      path: 'targets.candidate.model',
      line: lineIs(text, '    model: gpt-4o'),
    });
  });

  it('a price needs both rates, neither negative', () => {
    const text = edit(
      '    model: gpt-4o\n',
      '    model: gpt-4o\n    price: {input_per_mtok: -1}\n',
    );
    expect(problemsOf(text).map((p) => p.path)).toEqual([
      'targets.candidate.price.input_per_mtok',
      'targets.candidate.price.output_per_mtok',
    ]);
  });
});

describe('scorers: a union on `type`', () => {
  it('parses each scorer type with its own keys and the common ones', () => {
    const { config } = parse(`${MINIMAL}scorers:
  - type: exact
  - {type: contains, value: "30 days", name: mentions-window, weight: 2}
  - {type: icontains, value: [yes, sure]}
  - {type: starts_with, value: "Yes", not: true}
  - {type: regex, value: "^\\\\d+ days$", flags: i}
  - {type: json_valid, threshold: 1}
  - {type: levenshtein, threshold: 0.8}
  - {type: token_f1}
  - {type: numeric, tolerance: 0.01}
`);
    expect(config.scorers.map((s) => s.type)).toEqual([
      'exact',
      'contains',
      'icontains',
      'starts_with',
      'regex',
      'json_valid',
      'levenshtein',
      'token_f1',
      'numeric',
    ]);
    expect(config.scorers[1]).toEqual({
      type: 'contains',
      value: '30 days',
      name: 'mentions-window',
      weight: 2,
    });
    expect(config.scorers[4]).toMatchObject({ value: '^\\d+ days$', flags: 'i' });
    expect(config.scorers[8]).toMatchObject({ tolerance: 0.01 });
  });

  it('an unknown scorer type: hint and the list of types', () => {
    const text = `${MINIMAL}scorers:\n  - type: containz\n`;
    const p = problemOf(text);
    expect(p).toMatchObject({ path: 'scorers.0.type', line: lineOf(text, 'containz') });
    expect(p.message).toMatch(
      /^unknown type; expected one of: exact, contains, .*\(did you mean "contains"\?\)$/,
    );
  });

  it('a key of another scorer type is unknown here', () => {
    const p = problemOf(`${MINIMAL}scorers:\n  - {type: exact, tolerance: 0.1}\n`);
    expect(p.path).toBe('scorers.0.tolerance');
    expect(p.message).not.toContain('tolerance,');
  });

  it('a regex that does not compile is bad input at its value', () => {
    const text = `${MINIMAL}scorers:\n  - type: regex\n    value: "(unclosed"\n`;
    const p = problemOf(text);
    expect(p).toMatchObject({ path: 'scorers.0.value', line: lineOf(text, 'unclosed') });
    expect(p.message).toMatch(/is not a valid regular expression/);
  });

  it('regex flags that do not exist are bad input; g is ignored', () => {
    expect(problemOf(`${MINIMAL}scorers:\n  - {type: regex, value: a, flags: q}\n`).path).toBe(
      'scorers.0.flags',
    );
    expect(
      parse(`${MINIMAL}scorers:\n  - {type: regex, value: a, flags: gi}\n`).config.scorers,
    ).toHaveLength(1);
  });

  it('threshold is on 0..1 and weight is not negative', () => {
    expect(problemOf(`${MINIMAL}scorers:\n  - {type: exact, threshold: 2}\n`).path).toBe(
      'scorers.0.threshold',
    );
    expect(problemOf(`${MINIMAL}scorers:\n  - {type: exact, weight: -1}\n`).path).toBe(
      'scorers.0.weight',
    );
  });
});

describe('YAML problems', () => {
  it('a syntax error names the line', () => {
    const text = `${MINIMAL}scorers:\n - type: exact\n  - type: contains\n`;
    const p = problemOf(text);
    expect(p.line).toBe(lineOf(text, 'type: contains'));
    expect(p.message).toMatch(/^invalid YAML: /);
    expect(p.message).not.toMatch(/at line \d+/);
  });

  it('a duplicate key names its second line', () => {
    const text = edit('    model: gpt-4o\n', '    model: gpt-4o\n    model: o3\n');
    const p = problemOf(text);
    expect(p).toMatchObject({
      line: lineOf(text, 'model: o3'),
      message: 'invalid YAML: Map keys must be unique',
    });
  });

  it.each([[''], ['# nothing\n'], ['- a\n- b\n'], ['just a string\n']])(
    'a config that is not a mapping: %j',
    (text) => {
      const p = problemOf(text);
      expect(p).toMatchObject({ file: 'evalgate.yaml', line: 1 });
      expect(p.message).toMatch(/must be a YAML mapping/);
    },
  );
});

describe('loadConfig', () => {
  it('reads the file and resolves its folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-config-'));
    const file = path.join(dir, 'evalgate.yaml');
    writeFileSync(file, MINIMAL);
    const loaded = loadConfig(file, {});
    expect(loaded.file).toBe(file);
    expect(loaded.dir).toBe(dir);
    expect(loaded.config.version).toBe(1);
  });

  it('keeps the path as given for messages, with an absolute dir', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-config-'));
    writeFileSync(path.join(dir, 'evalgate.yaml'), `${MINIMAL}budget: {}\n`);
    const rel = path.relative(process.cwd(), path.join(dir, 'evalgate.yaml'));
    try {
      loadConfig(rel, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(
        new RegExp(`^${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ \\(budget\\): unknown key`),
      );
    }
  });

  it('a missing file is bad input naming the file', () => {
    try {
      loadConfig('/nonexistent/evals/evalgate.yaml', {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toBe(
        '/nonexistent/evals/evalgate.yaml: config file not found (pass --config, or the Action input `config`)',
      );
    }
  });

  it('uses process.env by default', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-config-'));
    const file = path.join(dir, 'evalgate.yaml');
    writeFileSync(file, edit('model: gpt-4o\n', 'model: ${EVALGATE_TEST_MODEL_VAR}\n'));
    process.env.EVALGATE_TEST_MODEL_VAR = 'from-env';
    try {
      expect(loadConfig(file).config.targets.candidate).toMatchObject({ model: 'from-env' });
    } finally {
      delete process.env.EVALGATE_TEST_MODEL_VAR;
    }
  });
});

describe('YAML merge keys', () => {
  it('applies `<<: *name`: the candidate takes the baseline target and overrides its model', () => {
    const { config } = parse(`version: 1
dataset: golden.jsonl
targets:
  baseline: &common
    type: openai
    base_url: https://api.openai.com/v1
    model: gpt-4o-mini
  candidate:
    <<: *common
    model: gpt-4o
`);
    expect(config.targets.candidate).toMatchObject({
      type: 'openai',
      base_url: 'https://api.openai.com/v1',
      model: 'gpt-4o',
    });
  });
});
