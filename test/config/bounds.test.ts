// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import { edit, lineOf, MINIMAL, parse, problemOf, problemsOf } from './helpers.js';

// Numbers that break the run far from where they were written (a rate that waits for ever, a
// price that ends in NaN), YAML that is a resource attack, and `${VAR}` values, which may be
// credentials whatever field they land in and so are never quoted back.

const onCandidate = (yaml: string) =>
  edit('    model: gpt-4o\n', `    model: gpt-4o\n${yaml.replace(/^/gm, '    ')}\n`);

describe('numeric bounds', () => {
  const cases: [string, string, RegExp][] = [
    ['rpm: 1e-9', 'targets.candidate.rpm', /must be at least 1 \(requests per minute\)/],
    ['rpm: 1e9', 'targets.candidate.rpm', /must be at most 100000000 \(requests per minute\)/],
    ['tpm: 50', 'targets.candidate.tpm', /must be at least 100 \(tokens per minute\)/],
    [
      'price: {input_per_mtok: 1e308, output_per_mtok: 1}',
      'targets.candidate.price.input_per_mtok',
      /must be at most 10000 \(USD per million tokens\)/,
    ],
    [
      'price: {input_per_mtok: 1, output_per_mtok: -1}',
      'targets.candidate.price.output_per_mtok',
      /must not be negative/,
    ],
    [
      'headers: {x-big: "' + 'a'.repeat(8193) + '"}',
      'targets.candidate.headers.x-big',
      /at most 8192/,
    ],
    [
      `headers: {${Array.from({ length: 101 }, (_, i) => `h${i}: v`).join(', ')}}`,
      'targets.candidate.headers',
      /at most 100 headers/,
    ],
    [
      `params: {${Array.from({ length: 101 }, (_, i) => `p${i}: 1`).join(', ')}}`,
      'targets.candidate.params',
      /at most 100 parameters/,
    ],
  ];
  for (const [yaml, at, says] of cases) {
    it(`${yaml.slice(0, 50)} → ${at}`, () => {
      const text = onCandidate(yaml);
      const p = problemOf(text);
      expect(p.path).toBe(at);
      expect(p.message).toMatch(says);
      expect(p.line).toBe(lineOf(text, yaml.slice(0, 12)));
    });
  }

  it('run.max_cost_usd and scorer weights are bounded', () => {
    const cost = problemOf(`${MINIMAL}run:\n  max_cost_usd: 1e12\n`);
    expect(cost).toMatchObject({
      path: 'run.max_cost_usd',
      message: 'must be at most 1000000 USD',
    });
    const weight = problemOf(`${MINIMAL}scorers:\n  - {type: exact, weight: 1e308}\n`);
    expect(weight).toMatchObject({ path: 'scorers.0.weight', message: 'must be at most 1000' });
  });

  it('accepts the bounds themselves', () => {
    expect(() =>
      parse(
        onCandidate(
          'rpm: 1\ntpm: 100\nprice: {input_per_mtok: 10000, output_per_mtok: 0}\nheaders: {x-a: b}',
        ),
      ),
    ).not.toThrow();
  });
});

describe('YAML aliases and nesting', () => {
  it('accepts a shared block reused more than 100 times', () => {
    const scorers = Array.from({ length: 150 }, () => '  - *exact').join('\n');
    const text = `${MINIMAL}scorers:\n  - &exact {type: exact}\n${scorers}\n`;
    expect(parse(text).config.scorers).toHaveLength(151);
  });

  it('a large value repeated past what a config may hold is bad input at its first alias', () => {
    const big = 'x'.repeat(200 * 1024);
    const uses = Array.from({ length: 30 }, (_, i) => `  k${i}: *big`).join('\n');
    const text = `${MINIMAL}x:\n  big: &big "${big}"\n${uses}\n`;
    const p = problemOf(text);
    expect(p.message).toBe(
      'invalid YAML: its aliases expand it past 4 MiB, the most a config file may hold',
    );
    expect(p.line).toBe(lineOf(text, 'k0: *big'));
  });

  it('an alias bomb is bad input at the line of its first alias, not an internal error', () => {
    const levels = Array.from({ length: 8 }, (_, i) => {
      const name = String.fromCharCode(97 + i);
      const items =
        i === 0 ? Array(10).fill('lol') : Array(10).fill(`*${String.fromCharCode(96 + i)}`);
      return `${name}: &${name} [${items.join(',')}]`;
    });
    const text = `${MINIMAL}${levels.join('\n')}\n`;
    const p = problemOf(text);
    expect(p.message).toMatch(/^invalid YAML: Excessive alias count/);
    expect(p.line).toBe(lineOf(text, 'b: &b'));
  });

  it('a config nested beyond 64 levels is bad input naming the field and line', () => {
    const text = onCandidate(`params:\n  deep: ${'['.repeat(70)}1${']'.repeat(70)}`);
    const p = problemOf(text);
    expect(p).toMatchObject({ path: 'targets.candidate.params', line: lineOf(text, 'deep:') });
    expect(p.message).toMatch(/nests more than 64 levels/);
  });

  it('a config nested 100,000 levels is invalid YAML with a line, not a crash', () => {
    const text = `${MINIMAL}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const problems = problemsOf(text);
    expect(problems[0]!.message).toMatch(/^invalid YAML/);
    expect(problems[0]!.line).toBe(lineOf(text, 'x: ['));
  });
});

describe('`${VAR}` values are never quoted back', () => {
  const SECRET = 'hunter2-0123456789';

  it('not in a budget (a plain section), nor in zod\'s "got" text', () => {
    const text = `${MINIMAL}budgets:\n  quality: {max_drop: "\${GATE}"}\n  latency_p95: {max_increase: "\${GATE}"}\n`;
    const problems = problemsOf(text, { GATE: SECRET });
    expect(problems).toHaveLength(2);
    for (const p of problems) {
      expect(p.message).not.toContain(SECRET);
      expect(p.message).toContain('got "***"');
    }
  });

  it('a short value is masked in the problem about its own field', () => {
    const p = problemOf(`${MINIMAL}budgets:\n  cost: {max_increase: "\${PCT}"}\n`, { PCT: '2pc' });
    expect(p.message).toBe('expected a number or a percent such as "20%", got "***"');
  });

  it('no "did you mean" derived from a value that came from the environment', () => {
    const text = edit('  candidate:\n    type: openai', '  candidate:\n    type: "${T}"');
    const p = problemsOf(text, { T: 'opneai' }).find((x) => x.path === 'targets.candidate.type')!;
    expect(p.message).toMatch(/expected one of: openai, anthropic, http/);
    expect(p.message).not.toMatch(/opneai|did you mean/);
    // Typed in the file, the hint is still given.
    const typed = problemsOf(
      edit('  candidate:\n    type: openai', '  candidate:\n    type: opneai'),
    );
    expect(typed.find((x) => x.path === 'targets.candidate.type')!.message).toMatch(
      /did you mean "openai"/,
    );
  });

  it('not in a regex error, which quotes the pattern', () => {
    const p = problemOf(`${MINIMAL}scorers:\n  - {type: regex, value: "\${PATTERN}"}\n`, {
      PATTERN: '(unclosed-secret-group',
    });
    expect(p.path).toBe('scorers.0.value');
    expect(p.message).toMatch(/is not a valid regular expression/);
    expect(p.message).not.toContain('unclosed-secret-group');
  });
});

describe('loadConfig reads a bounded, regular file', () => {
  it('a folder, a device or a missing file is a problem naming the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cfg-'));
    writeFileSync(path.join(dir, 'ok.yaml'), MINIMAL);
    expect(loadConfig(path.join(dir, 'ok.yaml'), {}).config.version).toBe(1);
    const message = (file: string) => {
      try {
        loadConfig(file, {});
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as InputError).message;
      }
      throw new Error('expected an InputError');
    };
    expect(message(dir)).toBe(`${dir}: config file ${dir} is a folder; give a regular file`);
    expect(message('/dev/zero')).toBe(
      '/dev/zero: config file /dev/zero is not a regular file; give a regular file',
    );
    expect(message(path.join(dir, 'none.yaml'))).toMatch(/config file not found/);
  });
});
